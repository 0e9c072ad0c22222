/**
 * "Import smaps file": a real process of this machine (a `sleep` started by the
 * test, whose /proc/PID/smaps is read here, never a committed file) becomes
 * the starting state, one VMAs-table row per mapping with the same ranges and
 * flags; a malformed file reports its bad lines by number.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { expect, test } from '@playwright/test'
import { tableLayout, vmaTable } from './explorer-helpers.js'

let sleeper: ChildProcess

test.beforeAll(async () => {
  sleeper = spawn('sleep', ['120'], { stdio: 'ignore' })
  await new Promise((resolve) => sleeper.once('spawn', resolve))
})
test.afterAll(() => {
  sleeper.kill()
})

/** The mappings of the smaps text, read straight from its lines: [startPage, endPage, VmFlags]. */
function expectedMappings(smaps: string): { start: number; end: number; mnemonics: string }[] {
  const out: { start: number; end: number; mnemonics: string }[] = []
  for (const line of smaps.split('\n')) {
    const header = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line)
    if (header) out.push({ start: Number(BigInt(`0x${header[1]}`) / 4096n), end: Number(BigInt(`0x${header[2]}`) / 4096n), mnemonics: '' })
    else if (line.startsWith('VmFlags:')) out[out.length - 1]!.mnemonics = line.slice(8).trim()
  }
  // The vsyscall page lies above the 47-bit user address space and is left out.
  return out.filter((m) => m.end <= 2 ** 35)
}

test('a real process from this machine: one row per VMA, same ranges and flags', async ({ page }) => {
  const smaps = readFileSync(`/proc/${sleeper.pid}/smaps`, 'utf8')
  const expected = expectedMappings(smaps)
  expect(expected.length).toBeGreaterThan(5)

  await page.goto('./')
  await expect(vmaTable(page)).toBeVisible()
  await page.getByLabel('Import smaps file').setInputFiles({ name: `sleep-${sleeper.pid}.smaps`, mimeType: 'text/plain', buffer: Buffer.from(smaps) })

  const table = vmaTable(page)
  await expect(table.locator('tbody tr')).toHaveCount(expected.length)
  await expect(table).toHaveAttribute('aria-rowcount', String(expected.length + 1))
  const rows = await tableLayout(table)
  expect(rows.map((r) => [r.start, r.end])).toEqual(expected.map((m) => [m.start, m.end]))
  const flags = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.querySelector('[data-col="flags"]')?.textContent?.trim() ?? ''))
  expect(flags).toEqual(expected.map((m) => m.mnemonics))
  // Every other smaps field the file gave is a column, with the kernel's values.
  const rss = [...smaps.matchAll(/^Rss:\s+(.*)$/gm)].map((m) => m[1]!.trim()).slice(0, expected.length)
  const rssCells = await table.locator('tbody td[data-smaps="Rss"]').allTextContents()
  expect(rssCells).toEqual(rss)
  for (const field of ['Pss', 'Anonymous', 'Swap']) await expect(table.getByRole('columnheader', { name: field, exact: true })).toBeVisible()
  // Sorted by Rss, largest first; a second click on size sorts by size.
  await table.getByRole('button', { name: 'Rss', exact: true }).click()
  await table.getByRole('button', { name: 'Rss', exact: true }).click()
  await expect(table.getByRole('columnheader', { name: 'Rss' })).toHaveAttribute('aria-sort', 'descending')
  const sorted = (await table.locator('tbody td[data-smaps="Rss"]').allTextContents()).map((t) => Number.parseInt(t))
  expect(sorted).toEqual([...sorted].sort((a, b) => b - a))
  await table.getByRole('button', { name: 'size', exact: true }).click()
  const sizes = (await tableLayout(table)).map((r) => r.end - r.start)
  expect(sizes).toEqual([...sizes].sort((a, b) => a - b))
  // The hex addresses are the real ones (page 0 at address 0).
  await expect(table).toContainText(smaps.split('-')[0]!.padStart(12, '0'))
  await expect(page.getByTestId('address-space-view').first()).toHaveAttribute('data-axis-mode', 'compressed')
  await page.screenshot({ path: 'test-results/import-real-process.png', fullPage: true })
})

test('a malformed file reports its bad lines by number and loads the rest', async ({ page }) => {
  const text = [
    '00400000-00401000 r-xp 00000000 08:01 42 /usr/bin/demo',
    'VmFlags: rd ex mr mw me',
    'this is not a mapping',
    '00401000-00402000 rwzp 00000000 08:01 42 /usr/bin/demo',
    '00500000-00501000 rw-p 00000000 00:00 0 [heap]',
    'Anonymous: many kB',
    'VmFlags: rd wr mr mw me ac',
  ].join('\n')
  await page.goto('./')
  await expect(vmaTable(page)).toBeVisible()
  await page.getByLabel('Import smaps file').setInputFiles({ name: 'broken.smaps', mimeType: 'text/plain', buffer: Buffer.from(text) })
  const bad = page.getByRole('list', { name: 'Malformed lines' }).locator('li')
  await expect(bad).toHaveCount(3)
  expect(await bad.evaluateAll((items) => items.map((li) => Number(li.getAttribute('data-line'))))).toEqual([3, 4, 6])
  await expect(bad.first()).toContainText('line 3: not a mapping line')
  const rows = await tableLayout(vmaTable(page))
  expect(rows.map((r) => [r.start, r.end])).toEqual([[0x400, 0x401], [0x500, 0x501]])
})
