/**
 * "Open recording": a scenario recorded on this machine's kernel with the
 * project's recorder (`npm run record`, run here by the test) opens beside its
 * simulation; the steps where they differ are marked data-differs="layout" or "error".
 * This machine runs 6.18, so the 6.18 profile agrees at every step and the
 * 6.16 profile (VM_MERGEABLE set late) does not.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { expect, test } from '@playwright/test'
import { vmaTable } from './explorer-helpers.js'

const SCENARIO = 'src/fidelity/scenarios/K01-prctl-then-two-mappings.json'

/**
 * `npm run record` on the scenario: its JSON, or the recorder's refusal (exit 3, "cannot
 * record on this machine: <reason>"). Any other failure throws: it fails the test.
 */
function record(): { json: string } | { refused: string } {
  const run = spawnSync('npx', ['tsx', 'src/cli/record.ts', SCENARIO], { encoding: 'utf8', timeout: 120_000 })
  if (run.status === 3) return { refused: run.stderr.trim() }
  if (run.error || run.status !== 0) throw new Error(`npm run record failed (${run.error ? String(run.error) : `exit ${run.status}`}): ${run.stderr}`)
  return { json: run.stdout }
}

test('a real-kernel recording beside its simulation, with differing steps marked', async ({ page }) => {
  const recorded = record()
  test.skip('refused' in recorded, 'refused' in recorded ? recorded.refused : '')
  if (!('json' in recorded)) return
  const recording = recorded.json
  await page.goto('./')
  await expect(vmaTable(page)).toBeVisible()
  await page.getByLabel('Open scenario file').setInputFiles({ name: 'K01.json', mimeType: 'application/json', buffer: readFileSync(SCENARIO) })
  await page.getByLabel('Kernel', { exact: true }).selectOption('6.18')
  await page.getByLabel('Open recording').setInputFiles({ name: 'K01.recording.json', mimeType: 'application/json', buffer: Buffer.from(recording) })

  const section = page.getByTestId('recording-section')
  const kernel = JSON.parse(recording).kernel as string
  await expect(section.getByTestId('recording-summary')).toContainText(`Real kernel ${kernel} against the simulation of 6.18: no step differs.`)
  const steps = section.getByRole('list', { name: 'Recorded steps' }).locator('li')
  await expect(steps).toHaveCount(3)
  await expect(section.locator('li[data-differs]')).toHaveCount(0)
  // The real kernel's address space is drawn beside the simulated one.
  await expect(section.getByTestId('address-space-view')).toBeVisible()

  await page.getByLabel('Kernel', { exact: true }).selectOption('6.16')
  await expect(section.getByTestId('recording-summary')).toContainText(/steps? differ/)
  const marked = section.locator('li[data-differs]')
  expect(await marked.count()).toBeGreaterThan(0)
  await expect(marked.first()).toHaveAttribute('data-differs', 'layout')
  // Next difference goes through the steps where the recording differs (no compare mode needed).
  const first = Number(await marked.first().getAttribute('data-recorded-step'))
  await page.getByRole('button', { name: 'First step' }).click()
  await page.getByRole('button', { name: 'Next difference' }).click()
  await expect(page.locator(`li[data-step="${first}"] > button`)).toHaveAttribute('aria-current', 'step')
  await page.getByRole('button', { name: 'First step' }).click()
  await marked.first().getByRole('button').click()
  await expect(section.getByRole('list', { name: 'Differences at this step' })).toContainText('VMAs: real kernel')
  await page.screenshot({ path: 'test-results/recording-beside-simulation.png', fullPage: true })
})

test('a recording of another scenario is refused with the reason', async ({ page }) => {
  await page.goto('./?scenario=seed')
  await expect(vmaTable(page)).toBeVisible()
  const other = JSON.stringify({ kernel: 'real:6.18', steps: [{ index: 1, op: 'fork', error: null, vmas: [] }] })
  await page.getByLabel('Open recording').setInputFiles({ name: 'other.json', mimeType: 'application/json', buffer: Buffer.from(other) })
  await expect(page.getByTestId('recording-section').getByRole('alert')).toContainText(/other\.json: the recording has 1 steps but the scenario has \d+/)
})

test('a 3 MB recording of 65,530 steps on the stress scenario opens without blocking the page, differing steps marked', async ({ page }, testInfo) => {
  test.setTimeout(300_000)
  await page.goto('./?scenario=stress-65530')
  await expect(page.getByRole('slider')).toHaveAttribute('max', '65530', { timeout: 120_000 })
  await expect(page.getByTestId('engine-status')).toHaveText('', { timeout: 120_000 })
  // The right VMAs at steps 1-3, none recorded after (steps 4-65,530 differ in their VMAs), ENOMEM at step 10.
  const steps = Array.from({ length: 65_530 }, (_, i) => ({
    index: i + 1,
    op: 'mmap',
    error: i === 9 ? 'ENOMEM' : null,
    vmas: i < 3 ? Array.from({ length: i + 1 }, (_, k) => ({ start: k, end: k + 1, prot: k % 2 === 0 ? 'rw-' : 'r--', share: 'private', mergeable: false })) : [],
  }))
  const text = JSON.stringify({ kernel: 'real:6.18', steps })
  expect(text.length).toBeGreaterThan(3_000_000)
  await page.getByRole('button', { name: 'First step' }).click()
  await page.evaluate(() => {
    const w = window as unknown as { __longest: number }
    w.__longest = 0
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__longest = Math.max(w.__longest, entry.duration)
    }).observe({ type: 'longtask' })
  })
  // From a file on disk: a buffer would be decoded by Playwright's own script in the page, a long task of its own.
  const file = testInfo.outputPath('stress.recording.json')
  writeFileSync(file, text)
  await page.getByLabel('Open recording').setInputFiles(file)
  const section = page.getByTestId('recording-section')
  await expect(section.getByTestId('recording-summary')).toContainText('Real kernel real:6.18 against the simulation of', { timeout: 120_000 })
  await expect(section.getByTestId('recording-summary')).toContainText('65,527 of 65,530 steps differ (marked ≠).')
  const list = section.getByRole('list', { name: 'Recorded steps' })
  await expect(list).toHaveAttribute('data-count', '65530')
  // Windowed: only the rows near the view are in the DOM.
  expect(await list.locator('li[data-recorded-step]').count()).toBeLessThan(100)
  await expect(list.locator('li[data-recorded-step="1"]')).not.toHaveAttribute('data-differs')
  await expect(list.locator('li[data-recorded-step="4"]')).toHaveAttribute('data-differs', 'layout')
  await expect(list.locator('li[data-recorded-step="10"]')).toHaveAttribute('data-differs', 'error')
  await list.locator('li[data-recorded-step="4"] button').click()
  await expect(section.getByRole('list', { name: 'Differences at this step' })).toContainText('VMAs: real kernel (none); simulation [0,1) rw- p | [1,2) r-- p | [2,3) rw- p | [3,4) r-- p')
  const longest = await page.evaluate(() => (window as unknown as { __longest: number }).__longest)
  console.log(`3 MB recording of 65,530 steps: longest main-thread task ${longest.toFixed(0)} ms`)
  expect(longest).toBeLessThan(1000)

  // Next difference goes through the recording's differing steps; a far step is listed and marked.
  await page.getByRole('button', { name: 'Next difference' }).click()
  await expect(page.locator('li[data-step="5"] > button')).toHaveAttribute('aria-current', 'step')
  await page.getByRole('slider').fill('60000')
  await expect(list.locator('li[data-recorded-step="60000"]')).toHaveAttribute('data-differs', 'layout')
  await expect(list.locator('li[data-recorded-step="60000"] button')).toHaveAttribute('aria-current', 'step')
  await page.screenshot({ path: 'test-results/recording-65530.png' })
})
