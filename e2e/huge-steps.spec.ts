/**
 * Steps that change 65,530 VMAs at once: the built-in stress scenario's
 * 65,530 one-page mappings (vm.max_map_count), then one call that unmaps them
 * all, or a fork that copies them all into the child. Visiting such a step
 * draws its change highlights on the canvas in one frame (no element per
 * changed VMA): the test prints the longest main-thread task of the visit
 * and fails on one over a second (a gross guard; no timed test), and checks
 * that the step's result is what the page shows.
 */
import { expect, test, type Page } from '@playwright/test'
import { expectStep, vmaTable } from './explorer-helpers.js'

const COUNT = 65_530

/** The stress scenario `stress-65530` (src/scenario/stress.ts) written out here, plus `last`. */
function alternatingMappingsThen(last: object, title: string) {
  const steps: object[] = []
  for (let i = 0; i < COUNT; i++) {
    steps.push({ op: 'mmap', name: `m${i}`, at: i, pages: 1, prot: i % 2 === 0 ? 'rw-' : 'r--', share: 'private', backing: { kind: 'anon' } })
  }
  steps.push(last)
  return { format: 'vma-scenario/3', title, notes: `${title}: the notes of this run.`, windowPages: COUNT, placement: 'fixed', steps }
}

/** Opens the scenario file and waits until its run is the one shown (title, step count, VMAs). */
async function openLarge(page: Page, scenario: ReturnType<typeof alternatingMappingsThen>): Promise<void> {
  await page.goto('./?scenario=seed')
  await expect(vmaTable(page)).toBeVisible()
  await page.getByLabel('Kernel', { exact: true }).selectOption('6.18')
  await page.getByLabel('Open scenario file').setInputFiles({ name: 'huge.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(scenario)) })
  await expect(page.locator('#scenario-title')).toHaveText(scenario.title, { timeout: 60_000 })
  await expect(page.getByRole('slider')).toHaveAttribute('max', String(COUNT + 1), { timeout: 120_000 })
}

/** Starts recording main-thread long tasks; the returned function gives the longest one since, in ms. */
async function watchLongTasks(page: Page): Promise<() => Promise<number>> {
  await page.evaluate(() => {
    const w = window as unknown as { __longest: number }
    w.__longest = 0
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__longest = Math.max(w.__longest, entry.duration)
    }).observe({ type: 'longtask' })
  })
  return async () => {
    // Two frames after the result shows: the canvas draws at the start of the next frame.
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))))
    return page.evaluate(() => (window as unknown as { __longest: number }).__longest)
  }
}

test('the step that unmaps 65,530 VMAs draws in one frame and shows an empty address space', async ({ page }) => {
  test.setTimeout(300_000)
  const scenario = alternatingMappingsThen({ op: 'munmap', at: 0, pages: COUNT }, 'Unmap all 65,530')
  await openLarge(page, scenario)
  const svg = page.getByTestId('address-space-view').first().locator('svg')
  await page.getByRole('slider').fill(String(COUNT))
  await expectStep(page, COUNT, COUNT + 1)
  await expect(svg).toHaveAttribute('data-vma-count', String(COUNT))

  const longest = await watchLongTasks(page)
  await page.getByRole('slider').fill(String(COUNT + 1))
  await expectStep(page, COUNT + 1, COUNT + 1)
  await expect(svg).toHaveAttribute('data-vma-count', '0')
  await expect(vmaTable(page)).toHaveAttribute('aria-rowcount', '1')
  // The freed VMAs: one summary of the ghost lane, not an element per VMA.
  const ghosts = page.getByTestId('removed-ghosts').first()
  await expect(ghosts).toHaveAttribute('data-count', String(COUNT))
  expect(await page.locator('svg rect, svg text').count()).toBeLessThan(500)
  const ms = await longest()
  console.log(`munmap of ${COUNT} VMAs: longest main-thread task ${ms.toFixed(0)} ms`)
  expect(ms).toBeLessThan(1000)
  await page.screenshot({ path: 'test-results/huge-munmap-all.png' })

  // Back one step and forward again: each visit is as cheap.
  await page.getByRole('slider').fill(String(COUNT))
  await expect(svg).toHaveAttribute('data-vma-count', String(COUNT))
  const again = await watchLongTasks(page)
  await page.getByRole('slider').fill(String(COUNT + 1))
  await expect(svg).toHaveAttribute('data-vma-count', '0')
  const msAgain = await again()
  console.log(`munmap of ${COUNT} VMAs, second visit: longest main-thread task ${msAgain.toFixed(0)} ms`)
  expect(msAgain).toBeLessThan(1000)
})

test('the fork of 65,530 VMAs: no stack overflow, the child drawn in one frame, title, notes, steps and VMAs of one run', async ({ page }) => {
  test.setTimeout(300_000)
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  const scenario = alternatingMappingsThen({ op: 'fork' }, 'Fork of 65,530')
  await openLarge(page, scenario)
  await expect(page.getByRole('alert')).toHaveCount(0)
  const svg = page.getByTestId('address-space-view').first().locator('svg')
  await page.getByRole('slider').fill(String(COUNT))
  await expectStep(page, COUNT, COUNT + 1)

  const longest = await watchLongTasks(page)
  await page.getByRole('slider').fill(String(COUNT + 1))
  await expectStep(page, COUNT + 1, COUNT + 1)
  // The child has a copy of every VMA: 65,530 new structs, outlined on the canvas.
  await expect(svg).toHaveAttribute('data-vma-count', String(COUNT))
  await expect(vmaTable(page)).toHaveAttribute('aria-rowcount', String(COUNT + 1))
  const created = page.getByTestId('changed-vmas').first()
  await expect(created).toHaveAttribute('data-count', String(COUNT))
  await expect(created).toHaveAttribute('data-change', 'new')
  expect(await page.locator('svg rect, svg text').count()).toBeLessThan(500)
  const ms = await longest()
  console.log(`fork of ${COUNT} VMAs: longest main-thread task ${ms.toFixed(0)} ms`)
  expect(ms).toBeLessThan(1000)
  await page.screenshot({ path: 'test-results/huge-fork.png' })

  // One run: the title, the notes, the step list and the VMAs are all the fork scenario's.
  await expect(page.locator('#scenario-title')).toHaveText(scenario.title)
  await expect(page.getByTestId('scenario-notes')).toHaveText(scenario.notes)
  await expect(page.locator(`li[data-step="${COUNT + 1}"]`)).toContainText('fork')
  await expect(vmaTable(page).locator('tbody tr').first()).toHaveAttribute('data-start', '0')
  expect(errors.filter((e) => /Maximum call stack/.test(e))).toEqual([])
  await expect(page.getByRole('alert')).toHaveCount(0)
})
