/**
 * "Open trace": a real program traced on this machine during the test
 * (`npm run trace -- --merge-any -- python3 -c "import json"`), opened in the
 * explorer. The real process sits beside the simulation (6.18 agrees at every
 * step, 6.16 does not), the chart shows the VMA count over the steps, and
 * "What KSM costs" lists every mapping 6.16 failed to merge, a click away.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { vmaTable } from './explorer-helpers.js'

function traceProgram(): Buffer {
  const out = join(mkdtempSync(join(tmpdir(), 'vmascope-e2e-trace-')), 'python.trace.json')
  execFileSync('npx', ['tsx', 'src/cli/trace.ts', '--merge-any', '--output', out, '--', '/usr/bin/python3', '-c', 'import json'], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 })
  return readFileSync(out)
}

test('a traced program beside 6.16 and 6.18, its VMA count chart, and what KSM costs it', async ({ page }) => {
  test.setTimeout(180_000)
  const trace = traceProgram()
  await page.goto('./?scenario=seed')
  await expect(vmaTable(page)).toBeVisible()
  await page.getByLabel('Kernel', { exact: true }).selectOption('6.18')
  await page.getByLabel('Open trace').setInputFiles({ name: 'python.trace.json', mimeType: 'application/json', buffer: trace })

  const pane = page.getByTestId('trace-pane')
  await expect(pane.getByRole('heading', { name: /Trace: \/usr\/bin\/python3 -c import json/ })).toBeVisible()
  await expect(pane).toContainText('run with PR_SET_MEMORY_MERGE')
  const recording = page.getByTestId('recording-section')
  await expect(recording.getByTestId('recording-summary')).toContainText('against the simulation of 6.18: no step differs.')

  // Each step reads as strace prints its call: names, flags and hex addresses, the result after " = ".
  const steps = page.getByRole('list', { name: 'Steps' })
  const calls = steps.locator('[data-call]')
  await expect(calls.first()).toBeVisible()
  // textContent: items off screen skip rendering (content-visibility), so their innerText is empty.
  const lines = await calls.allTextContents()
  expect(lines.length).toBeGreaterThan(10)
  const mmap = lines.find((l) => l.startsWith('mmap(NULL, '))!
  expect(mmap).toMatch(/^mmap\(NULL, \d+, PROT_(READ|NONE)[A-Z_|]*, MAP_PRIVATE\|[A-Z_|]+, -?\d+(<[^>]+>)?, (0|0x[0-9a-f]+)\) = 0x[0-9a-f]{9,}$/)
  for (const l of lines) expect(l).toMatch(/^(\w+\(.*\) = (0x[0-9a-f]+|-?\d+( E[A-Z]+)?)|faults \(inferred from smaps\))$/)
  // Step 0 is still the exec-time state, and no step shows decimal page numbers.
  await expect(steps.locator('li[data-step="0"]')).toContainText('initial state')
  expect(lines.join('\n')).not.toMatch(/\[\d{6,},/)
  await page.getByRole('navigation', { name: 'Step list' }).screenshot({ path: 'test-results/trace-steps.png' })

  // What KSM costs: 6.18 merges everything the real 6.18 did; 6.16 misses some.
  const costs = pane.getByRole('table', { name: 'What KSM costs' })
  await expect(costs.locator('tr[data-kernel="6.18"]')).toHaveAttribute('data-missed', '0')
  const on616 = costs.locator('tr[data-kernel="6.16"]')
  await expect(on616).not.toHaveAttribute('data-missed', '0')
  const real = Number(await costs.locator('tr[data-kernel="real"] td').nth(1).innerText())
  const sim618 = Number(await costs.locator('tr[data-kernel="6.18"] td').nth(1).innerText())
  const sim616 = Number(await costs.locator('tr[data-kernel="6.16"] td').nth(1).innerText())
  expect(sim618).toBe(real)
  expect(sim616).toBeGreaterThan(real)

  // Each missed merge is a click away.
  await on616.locator('summary').click()
  const first = on616.getByRole('button').first()
  const stepText = (await first.innerText()).match(/^step (\d+):/)![1]!
  await first.click()
  await expect(page.getByText(new RegExp(`Step ${stepText} of \\d+`)).first()).toBeVisible()
  // The Why panel names that step by its call too: a new mapping, in strace's words.
  await expect(page.getByTestId('why-panel').first().locator('[data-call]')).toHaveText(new RegExp(`^${stepText}\\. (mmap|brk)\\(`))

  // The chart: real and 6.18 lines; a click moves to a step.
  const chart = pane.getByTestId('vma-count-chart')
  await expect(chart.locator('path[data-line="6.18"]')).toHaveCount(1)
  await expect(chart.locator('path[data-line^="real "]')).toHaveCount(1)
  const box = (await chart.boundingBox())!
  await chart.click({ position: { x: box.width * 0.95, y: box.height / 2 } })
  await expect(page.getByText(/Step (\d+) of \1\b|Step \d+ of \d+/).first()).toBeVisible()

  // On 6.16 the real process and the simulation part ways.
  await page.getByLabel('Kernel', { exact: true }).selectOption('6.16')
  await expect(recording.getByTestId('recording-summary')).toContainText(/against the simulation of 6\.16: \d+ of \d+ steps differ/)
  await page.screenshot({ path: 'test-results/trace-beside-simulation.png', fullPage: true })
})

test('a file that is neither a trace nor an strace log is refused with the reason', async ({ page }) => {
  await page.goto('./?scenario=seed')
  await expect(vmaTable(page)).toBeVisible()
  await page.getByLabel('Open trace').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"vma-trace/1","spaces":') })
  await expect(page.getByRole('alert').filter({ hasText: 'broken.json' })).toContainText('broken.json is not JSON')
  await page.getByLabel('Open trace').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello\nworld\n') })
  await expect(page.getByRole('alert').filter({ hasText: 'notes.txt' })).toContainText('neither a vmascope trace nor an strace log')
})
