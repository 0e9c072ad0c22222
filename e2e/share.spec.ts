/**
 * Share links in a real browser: a link opened in a fresh context shows the
 * same VMAs, step and kernel; broken and hostile links are refused with a
 * message and the page still works; the address bar follows the state; the
 * built site works under a sub-path and shares links on that path.
 */
import { expect, test, type Page } from '@playwright/test'
import lz from 'lz-string'
import { expectStep, openScenario, tableLayout, vmaTable } from './explorer-helpers.js'
import { serveDist, type StaticSite } from './static-server.js'
import { hashAfter } from './share-helpers.js'

async function shareLink(page: Page, screenshot?: string): Promise<string> {
  await page.getByRole('button', { name: 'Share', exact: true }).click()
  const box = page.getByRole('textbox', { name: 'Share link' })
  await expect(box).toBeVisible()
  const link = await box.inputValue()
  await expect(page.getByTestId('share-link-length')).toHaveText(`${link.length.toLocaleString('en-US')} characters`)
  if (screenshot) await page.screenshot({ path: screenshot })
  await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click()
  return link
}

test('a share link opened in a fresh browser context shows the same VMAs, step and kernel', async ({ page, browser }) => {
  await openScenario(page, 'ksm_merge', '6.16')
  await page.getByRole('button', { name: 'First step' }).click()
  await page.getByRole('button', { name: 'Next step' }).click()
  await page.getByRole('button', { name: 'Next step' }).click()
  await expectStep(page, 2)
  const layout = await tableLayout(vmaTable(page))
  const link = await shareLink(page, 'test-results/share-dialog.png')
  expect(link).toMatch(/#v1\./)

  const context = await browser.newContext()
  const other = await context.newPage()
  await other.goto(link)
  await expectStep(other, 2)
  await expect(other.getByLabel('Kernel', { exact: true })).toHaveValue('6.16')
  await expect.poll(() => tableLayout(vmaTable(other))).toEqual(layout)
  await context.close()
})

test('the address bar follows the state with replaceState, without new history entries', async ({ page }) => {
  await openScenario(page, 'seed', '6.18')
  const historyLength = await page.evaluate(() => history.length)
  const hash = await hashAfter(page, async () => {
    await page.getByRole('button', { name: 'First step' }).click()
    await page.getByRole('button', { name: 'Next step' }).click()
    await expectStep(page, 1)
  })
  await page.reload()
  await expectStep(page, 1)
  expect(await page.evaluate(() => location.hash)).toBe(hash)
  expect(await page.evaluate(() => history.length)).toBe(historyLength)
})

const BAD_LINKS: Array<[string, RegExp]> = [
  ['#v1.N4IgzgLgTghg5iAXKAZgSwDY', /cut short|damaged|not valid JSON/],
  ['#v9.abc', /newer vmascope \(state format v9\)/],
  ['#v1.<img src=x onerror="window.__pwned=1">', /cannot be part of a vmascope state/],
  ['#v1.%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E', /cannot be part of a vmascope state/],
  ['#hello', /not a vmascope state/],
]

for (const [hash, message] of BAD_LINKS) {
  test(`a broken or hostile link is refused with a message: ${hash.slice(0, 24)}`, async ({ page }) => {
    await page.goto(`./${hash}`)
    const alert = page.getByRole('alert')
    await expect(alert).toContainText('This link could not be opened')
    await expect(alert).toContainText(message)
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
    expect(await page.locator('img[src="x"], script:not([src]):not([type])').count()).toBe(0)
    // The page still works: the default scenario runs and steps.
    await expect(vmaTable(page).locator('tbody tr').first()).toBeVisible()
    await page.getByRole('button', { name: 'First step' }).click()
    await expectStep(page, 0)
  })
}

test('a hand-written link with a bad scenario names the field, and a valid one opens', async ({ page }) => {
  const hashOf = (document: unknown) => `#v1.${lz.compressToEncodedURIComponent(JSON.stringify(document))}`
  const steps = [{ op: 'mmap', at: 0, pages: 2, prot: 'rwz', share: 'private', backing: { kind: 'anon' } }]
  await page.goto(`./${hashOf({ s: { format: 'vma-scenario/1', steps } })}`)
  await expect(page.getByRole('alert')).toContainText('scenario.steps[0].prot:')

  const good = { format: 'vma-scenario/1', title: 'By hand', windowPages: 16, steps: [{ ...steps[0], prot: 'rw-' }] }
  await page.goto(`./${hashOf({ s: good, v: { kernel: '6.15', step: 1 } })}`)
  await expect(page.locator('#scenario-title')).toHaveText('By hand')
  await expect(page.getByLabel('Kernel', { exact: true })).toHaveValue('6.15')
  await expect.poll(() => tableLayout(vmaTable(page))).toEqual([{ start: 0, end: 2, mergeable: false }])
})

test('a link over 8,000 characters offers the scenario file instead and says why', async ({ page }) => {
  // Names that do not compress: 300 mappings with random labels.
  let seed = 7
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed.toString(36))
  const steps = Array.from({ length: 300 }, (_, i) => ({ op: 'mmap', name: `${random()}${random()}`, at: i * 2, pages: 1, prot: 'rw-', share: 'private', backing: { kind: 'anon' } }))
  const hash = `#v1.${lz.compressToEncodedURIComponent(JSON.stringify({ s: { format: 'vma-scenario/1', title: 'Long', steps } }))}`
  await page.goto(`./${hash}`)
  await expect(page.locator('#scenario-title')).toHaveText('Long')
  await page.getByRole('button', { name: 'Share', exact: true }).click()
  const dialog = page.getByRole('dialog')
  const length = (await dialog.getByRole('textbox', { name: 'Share link' }).inputValue()).length
  expect(length).toBeGreaterThan(8000)
  await expect(dialog.getByRole('alert')).toContainText('more than about 8,000')
  const download = page.waitForEvent('download')
  await dialog.getByRole('button', { name: 'Download scenario file' }).click()
  expect((await download).suggestedFilename()).toBe('long.json')
})

test.describe('the built site under a sub-path', () => {
  let site: StaticSite
  test.beforeAll(async () => {
    site = await serveDist('dist', '/vmascope/')
  })
  test.afterAll(async () => site.close())

  test('loads from /vmascope/ with its worker and assets, and shares /vmascope/ links', async ({ page }) => {
    const failed: string[] = []
    page.on('response', (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`)
    })
    await page.goto(`${site.origin}/vmascope/?scenario=brk`)
    await expect(vmaTable(page).locator('tbody tr').first()).toBeVisible()
    const link = await shareLink(page)
    expect(new URL(link).pathname).toBe('/vmascope/')
    await page.goto(link)
    await expect(vmaTable(page).locator('tbody tr').first()).toBeVisible()
    expect(failed).toEqual([])
  })
})
