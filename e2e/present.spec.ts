/** Presentation mode and the embed: the button and P, arrows step, Escape leaves, ?present=1 and ?embed=1 links. */
import { expect, test, type Page } from '@playwright/test'
import AxeBuilder from '@axe-core/playwright'
import { expectStep, jsonViewText, openScenario } from './explorer-helpers.js'
import { hashAfter } from './share-helpers.js'

test('Present and P open presentation mode; arrows step; Escape leaves', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 })
  await openScenario(page, 'ksm_merge', '6.16')
  await page.getByRole('button', { name: 'First step' }).click()
  await page.getByRole('button', { name: 'Present' }).click()
  const presentation = page.getByTestId('presentation')
  await expect(presentation).toBeVisible()
  await expect(page.locator('html')).toHaveAttribute('data-present', '')
  await expect(page.getByRole('table', { name: 'VMAs' })).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'Share', exact: true })).toHaveCount(0)
  await expect(page.getByTestId('present-step')).toHaveText(/^Step 0 of \d+/)

  await page.keyboard.press('ArrowRight')
  await page.keyboard.press('ArrowRight')
  await expect(page.getByTestId('present-step')).toHaveText(/^Step 2 of \d+ · /)
  await expect(page.getByTestId('address-space-view')).toBeVisible()
  await expect(page.getByTestId('why-panel')).toBeVisible()
  await expect.poll(() => page.evaluate(() => location.search)).toBe('?present=1')
  await page.screenshot({ path: 'test-results/presentation.png' })
  await page.keyboard.press('ArrowLeft')
  await expect(page.getByTestId('present-step')).toHaveText(/^Step 1 of /)

  await page.keyboard.press('Escape')
  await expect(presentation).toHaveCount(0)
  await expect(page.locator('html')).not.toHaveAttribute('data-present', '')
  await expectStep(page, 1)
  await expect.poll(() => page.evaluate(() => location.search)).toBe('')

  await page.keyboard.press('p')
  await expect(presentation).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(presentation).toHaveCount(0)
})

test('a ?present=1 link opens straight into presentation mode at the linked step', async ({ page }) => {
  await openScenario(page, 'seed', '6.18')
  await page.getByRole('button', { name: 'First step' }).click()
  await page.getByRole('button', { name: 'Next step' }).click()
  await page.getByRole('button', { name: 'Share', exact: true }).click()
  await page.getByLabel('Open in presentation mode').check()
  const link = await page.getByRole('textbox', { name: 'Share link' }).inputValue()
  expect(new URL(link).search).toBe('?present=1')
  await page.goto(link)
  await expect(page.getByTestId('presentation')).toBeVisible()
  await expect(page.getByTestId('present-step')).toHaveText(/^Step 1 of 3 · /)
})

test('?embed=1 shows the chrome-less view with step buttons and a link to the explorer', async ({ page }) => {
  await openScenario(page, 'seed', '6.18')
  const hash = await hashAfter(page, () => page.getByRole('button', { name: 'First step' }).click())
  await page.goto(`./?embed=1${hash}`)
  const embed = page.getByTestId('embed')
  await expect(embed).toBeVisible()
  await expect(page.getByRole('banner').getByText('vmascope', { exact: true })).toHaveCount(0)
  await expect(page.locator('html')).not.toHaveAttribute('data-present', '')
  await embed.getByRole('button', { name: 'Next step' }).click()
  await expect(page.getByTestId('present-step')).toHaveText(/^Step 1 of 3/)
  await expect(embed.getByRole('link', { name: 'Open in vmascope' })).toHaveAttribute('href', /#v1\./)
})

async function blockingViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze()
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

for (const theme of ['light', 'dark'] as const) {
  test(`the Share dialog, the editor and presentation mode pass axe (${theme} theme)`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: theme })
    await openScenario(page, 'seed', '6.18')
    await page.getByRole('button', { name: 'Edit scenario' }).click()
    await expect(page.getByTestId('scenario-editor')).toBeVisible()
    expect(await blockingViolations(page)).toEqual([])
    // The JSON view, with an error marked at its line.
    const editor = page.getByTestId('scenario-editor')
    await editor.getByRole('button', { name: 'JSON' }).click()
    const json = editor.getByLabel('Scenario JSON (vma-scenario/3)')
    await json.fill((await jsonViewText(json)).replace('"rw-"', '"rwq"'))
    await expect(editor.getByTestId('json-error')).toContainText(/^Line \d+: steps\[\d+\]\.prot:/)
    await expect(json).toHaveAttribute('aria-invalid', 'true')
    expect(await blockingViolations(page)).toEqual([])
    await page.getByRole('button', { name: 'Share', exact: true }).click()
    await expect(page.getByRole('textbox', { name: 'Share link' })).toBeVisible()
    expect(await blockingViolations(page)).toEqual([])
    await page.keyboard.press('Escape')
    await page.getByRole('button', { name: 'Present' }).click()
    await expect(page.getByTestId('presentation')).toBeVisible()
    expect(await blockingViolations(page)).toEqual([])
  })
}

for (const { id, compare } of [{ id: 'pfnmap-driver', compare: false }, { id: 'overlayfs-vs-ext4', compare: true }]) {
  test(`presentation at 1280×720 (${id}${compare ? ', compared with 6.16' : ''}): the strip is readable, the explanation is on the same screen, and nothing moves between steps`, async ({ page }) => {
    test.setTimeout(90_000)
    await page.setViewportSize({ width: 1280, height: 720 })
    await openScenario(page, id, '6.18')
    if (compare) {
      await page.getByLabel('Compare with').selectOption('6.16')
      await page.getByLabel('Compare', { exact: true }).check()
    }
    await page.getByRole('button', { name: 'First step' }).click()
    await page.getByRole('button', { name: 'Present' }).click()
    await expect(page.getByTestId('presentation')).toBeVisible()
    const panes = compare ? ['present-primary', 'present-compare'] : ['present-primary']
    const strips = panes.map((pane) => page.locator(`[data-pane="${pane}"] [data-testid="address-space-view"] svg[role="img"]`))
    const whys = panes.map((pane) => page.locator(`[data-pane="${pane}"] [data-testid="why-panel"]`))
    const stepCount = Number((await page.getByTestId('present-step').textContent())?.match(/of (\d+)/)?.[1])
    expect(stepCount).toBeGreaterThan(1)
    const boxes: Array<Array<{ x: number; y: number; width: number; height: number }>> = []
    for (let step = 0; step <= stepCount; step++) {
      await expect(page.getByTestId('present-step')).toHaveText(new RegExp(`^Step ${step} of ${stepCount}`))
      const row = []
      for (let k = 0; k < panes.length; k++) {
        await expect(strips[k]!).toBeVisible()
        const box = (await strips[k]!.boundingBox())!
        row.push(box)
        // Readable: wide, and tall enough to read from the back of a room.
        expect(box.width).toBeGreaterThan(compare ? 500 : 1000)
        expect(box.height).toBeGreaterThanOrEqual(120)
        // The explanation starts on the same screen, right below the strip.
        const whyBox = (await whys[k]!.boundingBox())!
        expect(whyBox.y).toBeGreaterThanOrEqual(box.y + box.height - 1)
        expect(whyBox.y + 60).toBeLessThan(720)
      }
      boxes.push(row)
      await page.screenshot({ path: `test-results/present-1280x720-${id}-step-${step}.png` })
      if (step < stepCount) await page.keyboard.press('ArrowRight')
    }
    for (const row of boxes) expect(row).toEqual(boxes[0])
  })
}
