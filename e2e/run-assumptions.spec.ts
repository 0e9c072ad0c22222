/**
 * The explorer says what a run assumed about the machine: protection keys and the
 * window's base, marked "(assumed)" where the scenario does not say (issue 9).
 */
import { expect, test } from '@playwright/test'
import { vmaTable } from './explorer-helpers.js'

const scenario = (extra: Record<string, unknown>) => Buffer.from(JSON.stringify({
  format: 'vma-scenario/1', title: 'exec-only read', windowPages: 64, ...extra,
  steps: [
    { op: 'mmap', name: 'X', at: 0, pages: 2, prot: '--x', share: 'private', backing: { kind: 'anon' } },
    { op: 'touch', at: 0, pages: 2, write: false },
  ],
}))

test('the defaults are shown as assumed; a scenario that says so is shown as it says', async ({ page }) => {
  await page.goto('./')
  await expect(vmaTable(page)).toBeVisible()
  await page.getByLabel('Open scenario file').setInputFiles({ name: 'x.json', mimeType: 'application/json', buffer: scenario({}) })
  const line = page.getByTestId('run-assumptions')
  await expect(line).toHaveText('protection keys: yes (assumed) · base 0x7f0000000000 (assumed)')
  await page.getByLabel('Open scenario file').setInputFiles({ name: 'y.json', mimeType: 'application/json', buffer: scenario({ machine: { protectionKeys: false }, base: '0x500000000000' }) })
  await expect(line).toHaveText('protection keys: no · base 0x500000000000')
})
