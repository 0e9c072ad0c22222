/**
 * Every width, every key: no sideways scrolling from 360 px to a 4K screen
 * (the panes stack on narrow screens), focus coming back after a dialog and
 * after presentation mode, and axe in both themes at 390 and 1440 px.
 */
import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page } from '@playwright/test'
import { openScenario } from './explorer-helpers.js'

async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
}

for (const width of [360, 768, 960, 1280, 3840]) {
  test(`no sideways scrolling at ${width} px, in compare mode and with the editor open`, async ({ page }) => {
    await page.setViewportSize({ width, height: width > 2000 ? 2160 : 800 })
    await openScenario(page, 'seed', '6.18')
    await page.getByLabel('Compare', { exact: true }).check()
    await expect(page.getByTestId('pane-header')).toHaveCount(2)
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0)
    if (width <= 768) {
      // The two panes stack: the second starts below the first.
      const a = await page.locator('[data-pane="primary"]').boundingBox()
      const b = await page.locator('[data-pane="compare"]').boundingBox()
      expect(b!.y).toBeGreaterThan(a!.y + a!.height - 1)
    }
    await page.getByRole('button', { name: 'Edit scenario' }).click()
    await expect(page.getByTestId('scenario-editor')).toBeVisible()
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0)
    await page.getByTestId('scenario-editor').getByRole('button', { name: 'JSON' }).click()
    await expect(page.getByTestId('json-view').locator('.cm-line').first()).toBeVisible()
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0)
    await page.getByRole('searchbox', { name: 'Search' }).fill('mmap')
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0)
  })
}

test('focus returns to what opened a dialog or presentation mode', async ({ page }) => {
  await openScenario(page, 'seed', '6.18')
  const help = page.getByRole('button', { name: 'Keyboard shortcuts' })
  await help.click()
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeHidden()
  await expect(help).toBeFocused()

  const present = page.getByRole('button', { name: /^Present/ })
  await present.click()
  await expect(page.getByTestId('presentation')).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(page.getByRole('button', { name: /^Present/ })).toBeFocused()
})

for (const width of [390, 1440]) {
  for (const theme of ['light', 'dark'] as const) {
    test(`axe finds nothing serious at ${width} px in the ${theme} theme`, async ({ page }) => {
      await page.setViewportSize({ width, height: 900 })
      await page.emulateMedia({ colorScheme: theme })
      await openScenario(page, 'seed', '6.18')
      await page.getByLabel('Compare', { exact: true }).check()
      await expect(page.getByTestId('pane-header')).toHaveCount(2)
      await page.getByRole('searchbox', { name: 'Search' }).fill('mmap')
      await expect(page.getByRole('list', { name: 'Search results' })).toBeVisible()
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze()
      const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      expect(blocking.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([])
      await page.screenshot({ path: `test-results/layout-${width}-${theme}.png`, fullPage: true })
    })
  }
}
