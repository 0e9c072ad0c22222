/**
 * The overview of a run (data-testid="overview"): clicking it moves to the
 * step under the pointer, and it marks the differing steps; the prot lane
 * under the strip tells alternating rw-/r-- VMAs apart, zoomed in and out.
 */
import { expect, test, type Locator, type Page } from '@playwright/test'
import { expectStep, openScenario } from './explorer-helpers.js'

test('clicking the overview moves to the step there; dragging moves along', async ({ page }) => {
  await openScenario(page, 'ksm_merge', '6.18')
  const overview = page.getByTestId('overview')
  await expect(overview).toBeVisible()
  await expect(overview).toHaveAttribute('data-step', '8')
  const box = (await overview.boundingBox())!
  // 9 states (0..8) across the width: the middle of the third is step 2.
  await overview.click({ position: { x: (box.width * 2.5) / 9, y: box.height / 2 } })
  await expectStep(page, 2, 8)
  await expect(overview).toHaveAttribute('data-step', '2')
  await page.mouse.move(box.x + (box.width * 2.5) / 9, box.y + box.height / 2)
  await page.mouse.down()
  await page.mouse.move(box.x + (box.width * 6.5) / 9, box.y + box.height / 2, { steps: 5 })
  await page.mouse.up()
  await expectStep(page, 6, 8)
  // Compare mode adds the second kernel's series and marks the differing steps.
  await page.getByLabel('Compare with').selectOption('6.16')
  await page.getByLabel('Compare', { exact: true }).check()
  await expect(overview.locator('path[data-series]')).toHaveCount(2)
  await expect(page.getByTestId('overview-differing')).toHaveAttribute('d', /M/)
})

/** The lane's colour (r,g,b) at x, in CSS px from the lane's left edge. */
async function laneColourAt(lane: Locator, x: number): Promise<string> {
  return lane.evaluate((canvas: HTMLCanvasElement, at) => {
    const ratio = canvas.width / canvas.getBoundingClientRect().width
    const data = canvas.getContext('2d')!.getImageData(Math.floor(at * ratio), Math.floor(canvas.height / 2), 1, 1).data
    return `${data[0]},${data[1]},${data[2]}`
  }, x)
}

async function tokenColour(page: Page, token: string): Promise<string> {
  return page.evaluate((name) => {
    const probe = document.createElement('canvas').getContext('2d')!
    probe.fillStyle = getComputedStyle(document.documentElement).getPropertyValue(name).trim()
    probe.fillRect(0, 0, 1, 1)
    const d = probe.getImageData(0, 0, 1, 1).data
    return `${d[0]},${d[1]},${d[2]}`
  }, token)
}

test('the prot lane tells alternating rw-/r-- VMAs apart, zoomed out and zoomed in', async ({ page }) => {
  test.setTimeout(240_000)
  await page.goto('./?scenario=stress-65530')
  await expect(page.getByTestId('pane-header').first()).toHaveAttribute('data-vmas', '65530', { timeout: 150_000 })
  await expect(page.getByTestId('legend-prot').first()).toContainText('rw-')
  const lane = page.getByTestId('prot-lane').first()
  const rw = await tokenColour(page, '--prot-rw')
  const ro = await tokenColour(page, '--prot-r')
  expect(rw).not.toBe(ro)
  // Zoomed out: about 80 VMAs per pixel, every column holds both; the lane is striped in both colours.
  await expect.poll(async () => new Set(await Promise.all([100, 101, 102, 103, 104, 105].map((x) => laneColourAt(lane, x))))).toEqual(new Set([rw, ro]))
  // Zoomed in on m1234 (the view shows pages 1225–1245): m1234 is rw-, m1235 r--.
  await page.getByRole('searchbox', { name: 'Search' }).fill('m1234')
  await page.getByRole('searchbox', { name: 'Search' }).press('Enter')
  await expect(page.getByTestId('address-space-viewport').first()).toHaveText('pages 1225–1245 of 65530')
  const width = (await lane.boundingBox())!.width
  const xOf = (pageNumber: number) => ((pageNumber - 1225 + 0.5) * width) / 20
  await expect.poll(() => laneColourAt(lane, xOf(1234))).toBe(rw)
  expect(await laneColourAt(lane, xOf(1235))).toBe(ro)
  expect(await laneColourAt(lane, xOf(1236))).toBe(rw)
})
