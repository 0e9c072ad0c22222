/**
 * "Open recording": a scenario recorded on this machine's kernel with the
 * project's recorder (`npm run record`, run here by the test) opens beside its
 * simulation; the steps where they differ are marked data-differs="layout" or "error".
 * This machine runs 6.18, so the 6.18 profile agrees at every step and the
 * 6.16 profile (VM_MERGEABLE set late) does not.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
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
