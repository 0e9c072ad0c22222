/**
 * Speaking the kernel developer's language in the browser: "Copy as text"
 * puts the mailing-list text on the clipboard (compare mode: both kernels and
 * what differs, byte for byte the reviewed golden file), the Why panel links
 * kernel functions to the source at the profile's release, a hex address
 * typed in the editor lands at its page, a misaligned one is refused, and a
 * /dev/zero typed as a file gets the message pointing to the device backing.
 */
import { readFileSync } from 'node:fs'
import { expect, test, type Page } from '@playwright/test'
import { openScenario, tableLayout, vmaTable, whyPanel } from './explorer-helpers.js'

const golden = (name: string) => readFileSync(new URL(`../src/export/text/golden/${name}`, import.meta.url), 'utf8')

async function clipboardText(page: Page): Promise<string> {
  return page.evaluate(() => navigator.clipboard.readText())
}

test.beforeEach(async ({ context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
})

test('"Copy as text" puts the step on the clipboard: 6.16 beside 6.18, then what differs', async ({ page }) => {
  await openScenario(page, 'seed', '6.16')
  await page.getByLabel('Compare with').selectOption('6.18')
  await page.getByLabel('Compare', { exact: true }).check()
  await page.getByRole('button', { name: 'Copy as text', exact: true }).click()
  await expect(page.getByTestId('copy-text-status')).toContainText('Copied step 3 as text')
  const text = await clipboardText(page)
  expect(text).toBe(golden('seed-step3-6.16-vs-6.18.txt'))
  for (const line of text.split('\n')) {
    expect(line.length).toBeLessThanOrEqual(80)
    expect(line).toMatch(/^[\x20-\x7e]*$/)
  }
})

test('"Copy scenario as text" gives every step; the step text has the call, the maps lines and the checks', async ({ page }) => {
  await openScenario(page, 'overlayfs-vs-ext4', '6.18')
  await page.getByRole('button', { name: 'Copy scenario as text' }).click()
  await expect(page.getByTestId('copy-text-status')).toContainText('Copied the scenario as text')
  expect(await clipboardText(page)).toBe(golden('overlayfs-vs-ext4-6.18.txt'))

  await openScenario(page, 'seed', '6.18')
  await page.getByRole('button', { name: 'Copy as text', exact: true }).click()
  await expect(page.getByTestId('copy-text-status')).toContainText('Copied step 3 as text')
  const step = await clipboardText(page)
  expect(step).toContain('  mmap(0x7f0000002000, 8192, PROT_READ|PROT_WRITE,\n       MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE, -1, 0) = 0x7f0000002000\n')
  expect(step).toContain('  outcome: merged-prev\n  KSM: early (VM_MERGEABLE set before the merge attempt)\n')
  expect(step).toContain('before   AA\nmmap       **\nafter    AAAA\n')
  expect(step).toContain('after:\n7f0000000000-7f0000004000 rw-p 00000000 00:00 0\n')
  expect(step).toContain('  9. pass vma_merge_new_range(): merged with prev: now [0,4)\n')
})

test('the Why panel links each kernel function to its source at the profile\'s release; v2 to the patch', async ({ page }) => {
  await openScenario(page, 'seed', '6.16')
  const link = whyPanel(page).getByRole('link', { name: 'is_mergeable_vma' })
  await expect(link).toHaveAttribute('href', 'https://elixir.bootlin.com/linux/v6.16/C/ident/is_mergeable_vma')
  const links = whyPanel(page).getByTestId('kernel-function-link')
  expect(await links.count()).toBeGreaterThan(3)
  for (const href of await links.evaluateAll((as: Element[]) => as.map((a) => a.getAttribute('href')))) expect(href).toMatch(/^https:\/\/elixir\.bootlin\.com\/linux\/v6\.16\/C\/ident\/[A-Za-z_]\w*$/)
  await whyPanel(page).getByText('What separates 6.16 from the other kernels').click()
  await expect(whyPanel(page).getByRole('link', { name: 'cf7e7a3503df' })).toHaveAttribute('href', /torvalds\/linux\.git\/commit\/\?id=cf7e7a3503df$/)

  await page.getByLabel('Kernel', { exact: true }).selectOption('v2')
  await expect(whyPanel(page).getByRole('link', { name: 'can_set_ksm_flags_early' })).toHaveAttribute('href', /^https:\/\/lore\.kernel\.org\/linux-mm\/6057647abfceb672fa932ad7fb1b5b69bdab0fc7\.1747844463\.git\.lorenzo\.stoakes@oracle\.com\/$/)
})

test('a hex address typed in the editor lands at its page; a misaligned one is refused with the reason', async ({ page }) => {
  await openScenario(page, 'seed', '6.18')
  await page.getByRole('button', { name: 'Edit scenario' }).click()
  const editor = page.getByTestId('scenario-editor')
  // The seed's window starts at the default base 0x7f0000000000: 0x7f000000a000 is page 10.
  await editor.getByLabel('Step 3 at (page)').fill('0x7f000000a000')
  await expect(editor.getByLabel('Step 3 at (page)')).toHaveValue('10')
  await expect(editor.getByTestId('address-hint').filter({ hasText: 'page 10 = 0x7f000000a000' })).toBeVisible()
  await expect.poll(() => tableLayout(vmaTable(page))).toEqual([
    { start: 0, end: 2, mergeable: true },
    { start: 10, end: 12, mergeable: true },
  ])

  await editor.getByLabel('Step 3 at (page)').fill('0x7f000000a010')
  await expect(editor.getByText('0x7f000000a010 is not page-aligned: an address must be a multiple of 0x1000 (4 KiB); the page it falls in starts at 0x7f000000a000')).toBeVisible()
  await expect(editor.getByLabel('Step 3 at (page)')).toHaveAttribute('aria-invalid', 'true')
  // Not applied: the explorer still shows the last scenario that loaded.
  await expect.poll(() => tableLayout(vmaTable(page))).toEqual([
    { start: 0, end: 2, mergeable: true },
    { start: 10, end: 12, mergeable: true },
  ])
})

test('a /dev/zero typed as a file gets the message that points to the device backing', async ({ page }) => {
  await openScenario(page, 'seed', '6.18')
  await page.getByRole('button', { name: 'Edit scenario' }).click()
  const editor = page.getByTestId('scenario-editor')
  await editor.getByLabel('Step 3 backing').selectOption('file')
  await editor.getByLabel('Step 3 file', { exact: true }).fill('/dev/zero')
  const message = '"/dev/zero" is a device, not a regular file: a "file" backing simulates an ext4 file. Use { "kind": "device", "file": "/dev/zero" }'
  // At the field (its description) and in the editor's status line; the scenario is not applied.
  const field = editor.getByLabel('Step 3 file', { exact: true })
  await expect(field).toHaveAttribute('aria-invalid', 'true')
  await expect(editor.getByRole('group', { name: 'Step 3: mmap' }).getByText(message)).toBeVisible()
  await expect(editor.getByTestId('editor-status')).toContainText(`Not applied: steps[2].backing.file: ${message}`)
  // The explorer keeps the last scenario that loaded: step 3 on the editor's default file, data.bin.
  await expect.poll(() => tableLayout(vmaTable(page))).toEqual([{ start: 0, end: 2, mergeable: true }, { start: 2, end: 4, mergeable: true }])
  await editor.getByLabel('Step 3 backing').selectOption('device')
  await expect(editor.getByText('is a device, not a regular file')).toHaveCount(0)
  await expect(field).toHaveAttribute('aria-invalid', 'false')
})

test('a real process shows its ranges as /proc/PID/maps does, and its paths whole', async ({ page }) => {
  // This test runner's own smaps: a real process of this machine.
  const smaps = readFileSync('/proc/self/smaps', 'utf8')
  const first = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/m.exec(smaps)!
  await page.goto('./')
  await expect(vmaTable(page)).toBeVisible()
  await page.getByLabel('Import smaps file').setInputFiles({ name: 'self.smaps', mimeType: 'text/plain', buffer: Buffer.from(smaps) })
  const table = vmaTable(page)
  await expect(table.getByRole('columnheader', { name: 'range (as in /proc/PID/maps)' })).toBeVisible()
  // The first row's range reads exactly as the first line of the process's maps.
  await expect(table.locator('tbody tr').first().getByRole('button')).toHaveText(`${first[1]}-${first[2]}`)
  // Its path (node's binary, a real file) is in the table whole: wrapped, never cut to "/usr/li…".
  const path = first[3]!.trim()
  expect(path).toMatch(/^\//)
  const cells = table.locator('tbody tr').first().getByRole('cell')
  await expect(cells.nth(4)).toHaveText(`file · ${path}`)
  await expect(cells.nth(5)).toHaveText(path)
})
