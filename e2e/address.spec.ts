/**
 * The address bar never lies about a large state: with 3 MB of notes, or a
 * 3,000-step file, it holds no state (not an older one), stepping does not
 * recompress anything into it, the Share dialog says why, and a reload brings
 * the scenario back from this browser's storage (not the seed).
 */
import { expect, test, type Page } from '@playwright/test'
import { expectStep, openScenario } from './explorer-helpers.js'

const mmap = (i: number) => ({ op: 'mmap', name: `m${i}`, at: i * 2, pages: 1, prot: 'rw-', share: 'private', backing: { kind: 'anon' } })

async function openFile(page: Page, name: string, scenario: object) {
  await page.getByLabel('Open scenario file').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(scenario)) })
}

const hashOf = (page: Page) => new URL(page.url()).hash

test('3 MB of notes: no state in the address, stepping leaves it alone, Share says why, a reload restores it', async ({ page }) => {
  await openScenario(page, 'seed', '6.18')
  await expect.poll(() => hashOf(page)).toMatch(/^#v1\./) // a small scenario is in the address
  let seed = 11
  const word = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed.toString(36))
  const words: string[] = []
  for (let length = 0; length < 3_000_000; length += 8) words.push(word())
  const notes = words.join(' ').slice(0, 3_000_000)
  await openFile(page, 'notes.json', { format: 'vma-scenario/1', title: 'Long notes', windowPages: 16, steps: [mmap(0), mmap(1), mmap(2)] , notes })
  await expect(page.locator('#scenario-title')).toHaveText('Long notes')
  await expect.poll(() => hashOf(page)).toBe('')

  // Step through it, timing the longest main-thread task (a figure for the report, not a target here).
  await page.evaluate(() => {
    const w = window as unknown as { __longest: number }
    w.__longest = 0
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__longest = Math.max(w.__longest, entry.duration)
    }).observe({ type: 'longtask', buffered: false })
  })
  for (const step of [1, 2, 3, 0, 2]) {
    await page.getByRole('slider').fill(String(step))
    await expectStep(page, step, 3)
    await page.waitForTimeout(400) // past the address update's 250 ms
    expect(hashOf(page)).toBe('')
  }
  const longest = await page.evaluate(() => (window as unknown as { __longest: number }).__longest)
  console.log(`3 MB of notes: longest main-thread task while stepping 5 times: ${Math.round(longest)} ms`)

  await page.getByRole('button', { name: 'Share', exact: true }).click()
  const dialog = page.getByRole('dialog')
  await expect(dialog.getByTestId('share-address-note')).toContainText(
    /^The address bar does not hold this scenario: it is too large to compress again at every step \(3 steps, [\d,]+ KB as JSON\), so a copied address does not carry it\. Reloading this page brings it back from this browser’s storage\./,
  )
  await dialog.getByRole('button', { name: 'Close' }).click()

  await page.waitForTimeout(1000) // the autosave writes 300–600 ms after the last change
  await page.reload()
  await expect(page.locator('#scenario-title')).toHaveText('Long notes')
  await expectStep(page, 2, 3)
  expect((await page.getByTestId('scenario-notes').textContent())?.length).toBe(notes.length)
  expect(hashOf(page)).toBe('')
})

test('a 3,000-step file: no state in the address; a reload restores it, not the scenario before it', async ({ page }) => {
  await openScenario(page, 'seed', '6.18')
  await expect.poll(() => hashOf(page)).toMatch(/^#v1\./)
  const steps = Array.from({ length: 3000 }, (_, i) => mmap(i))
  await openFile(page, 'many.json', { format: 'vma-scenario/1', title: 'Many mappings', windowPages: 8000, steps })
  await expect(page.locator('#scenario-title')).toHaveText('Many mappings')
  await expect.poll(() => hashOf(page)).toBe('')
  await page.getByRole('slider').fill('1234')
  await expectStep(page, 1234, 3000)
  await page.getByRole('button', { name: 'Share', exact: true }).click()
  await expect(page.getByRole('dialog').getByTestId('share-address-note')).toContainText('(3,000 steps, ')
  await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click()
  await page.waitForTimeout(1000)
  await page.reload()
  await expect(page.locator('#scenario-title')).toHaveText('Many mappings')
  await expectStep(page, 1234, 3000)
})
