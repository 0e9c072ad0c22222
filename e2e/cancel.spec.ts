/**
 * Cancel of a long run in the explorer: a 200,001-step file opened over the
 * seed shows a progress bar and a Cancel button; Cancel stops it, the page
 * says so naming the kernel, the seed comes back (title, steps, VMAs) and
 * stepping works on it.
 */
import { expect, test } from '@playwright/test'
import { expectStep, openScenario, tableLayout, vmaTable } from './explorer-helpers.js'

/** One 200,000-page mapping, then every other page made read-only and writable again (200,001 steps). */
function longSweep(pages: number) {
  const steps: object[] = [{ op: 'mmap', name: 'region', at: 0, pages, prot: 'rw-', share: 'private', backing: { kind: 'anon' } }]
  for (let p = 0; p < pages; p += 2) steps.push({ op: 'mprotect', at: p, pages: 1, prot: 'r--' })
  for (let p = 0; p < pages; p += 2) steps.push({ op: 'mprotect', at: p, pages: 1, prot: 'rw-' })
  return { format: 'vma-scenario/1', title: 'Long sweep', windowPages: pages, placement: 'fixed', steps }
}

test('Cancel of a 200,001-step run brings back the scenario before it; stepping works', async ({ page }) => {
  await openScenario(page, 'seed', '6.18')
  const title = page.locator('#scenario-title')
  const seedTitle = (await title.textContent()) ?? ''
  await page.getByRole('slider').fill('1')
  await expectStep(page, 1, 3)
  const seedLayout = await tableLayout(vmaTable(page))

  await page.getByLabel('Open scenario file').setInputFiles({ name: 'long.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(longSweep(200_000))) })
  const status = page.getByTestId('engine-status')
  await expect(status).toContainText(/Running “Long sweep” on kernel 6\.18: [\d,]+ of 200,001 steps/, { timeout: 30_000 })
  await expect(page.getByTestId('run-progress')).toBeVisible()
  await page.getByRole('button', { name: 'Cancel', exact: true }).click()

  await expect(status).toHaveText('Cancelled the run on kernel 6.18. The explorer shows kernel 6.18 on “A vmascope seed” again; stepping works.'.replace('A vmascope seed', seedTitle))
  await expect(page.getByTestId('run-progress')).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'Cancel', exact: true })).toHaveCount(0)
  await expect(page.getByRole('alert')).toHaveCount(0)
  await expect(title).toHaveText(seedTitle)
  await expectStep(page, 1, 3)
  expect(await tableLayout(vmaTable(page))).toEqual(seedLayout)
  await page.screenshot({ path: 'test-results/cancel-long-run.png', fullPage: true })

  // Stepping works on the seed: forward to its last step and back.
  await page.getByRole('slider').fill('3')
  await expectStep(page, 3, 3)
  await page.getByRole('slider').fill('0')
  await expectStep(page, 0, 3)
})
