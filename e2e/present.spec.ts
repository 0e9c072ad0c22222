/** Presentation mode and the embed: the button and P, arrows step, Escape leaves, ?present=1 and ?embed=1 links. */
import { expect, test, type Page } from '@playwright/test'
import AxeBuilder from '@axe-core/playwright'
import { expectStep, openScenario } from './explorer-helpers.js'
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
    await page.getByRole('button', { name: 'Share', exact: true }).click()
    await expect(page.getByRole('textbox', { name: 'Share link' })).toBeVisible()
    expect(await blockingViolations(page)).toEqual([])
    await page.keyboard.press('Escape')
    await page.getByRole('button', { name: 'Present' }).click()
    await expect(page.getByTestId('presentation')).toBeVisible()
    expect(await blockingViolations(page)).toEqual([])
  })
}
