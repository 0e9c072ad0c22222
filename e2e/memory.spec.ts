/**
 * Bounded memory over kernel switches: the built-in 65,530-VMA stress scenario,
 * then 50 switches of the Kernel select, each waited for until its run is the
 * one shown. The page's JS heap is read through CDP after a forced garbage
 * collection, before and after; the test prints both and fails when the heap
 * grew by more than 100 MB. Measured on a 2-core Xeon: 22.6 MB kept; 177.2 MB
 * when released runs stayed in the page's step caches until the LRU dropped them.
 */
import { expect, test, type Page } from '@playwright/test'
import { vmaTable } from './explorer-helpers.js'

const SWITCHES = 50
const MAX_GROWTH_MB = 100

async function heapUsedMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Performance.enable')
  await cdp.send('HeapProfiler.collectGarbage')
  const { metrics } = await cdp.send('Performance.getMetrics')
  await cdp.detach()
  const used = metrics.find((m) => m.name === 'JSHeapUsedSize')
  if (!used) throw new Error('CDP Performance.getMetrics gave no JSHeapUsedSize')
  return used.value / 2 ** 20
}

test('50 kernel switches on the 65,530-VMA stress scenario keep the heap bounded', async ({ page }) => {
  test.setTimeout(900_000)
  await page.goto('./?scenario=stress-65530&kernel=6.18')
  const kernel = page.getByLabel('Kernel', { exact: true })
  const pane = page.locator('section[data-pane="primary"]')
  await expect(vmaTable(page)).toBeVisible({ timeout: 120_000 })
  await expect(pane).toHaveAttribute('data-kernel', '6.18', { timeout: 120_000 })
  const kernels = (await kernel.locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value))).filter((k) => k !== '6.18')
  expect(kernels.length).toBeGreaterThanOrEqual(4)
  const before = await heapUsedMb(page)

  for (let i = 0; i < SWITCHES; i++) {
    const next = i % 2 === 1 ? '6.18' : kernels[(i >> 1) % kernels.length]!
    await kernel.selectOption(next)
    await expect(pane).toHaveAttribute('data-kernel', next, { timeout: 120_000 })
    await expect(page.getByTestId('run-progress')).toHaveCount(0, { timeout: 120_000 })
  }
  const after = await heapUsedMb(page)
  console.log(`heap after GC: ${before.toFixed(1)} MB before, ${after.toFixed(1)} MB after ${SWITCHES} kernel switches (${(after - before).toFixed(1)} MB kept)`)
  expect(after - before).toBeLessThan(MAX_GROWTH_MB)
})
