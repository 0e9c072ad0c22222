/**
 * The page reads every input with the 64 MiB cap enforced while reading: a
 * file opened, dropped, given as a recording or as smaps, and text pasted into
 * the JSON editor. Each gets a clear message and the current scenario stays.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { jsonViewText, openScenario, tableLayout, vmaTable } from './explorer-helpers.js'

// 64 MiB and one byte of spaces, as files on disk (Playwright takes buffers only up to 50 MB).
const dir = mkdtempSync(join(tmpdir(), 'vmascope-caps-'))
const overCap = (name: string): string => {
  const path = join(dir, name)
  writeFileSync(path, Buffer.alloc(64 * 1024 * 1024 + 1, 0x20))
  return path
}
const TOO_BIG = 'more than 64 MiB; vmascope reads files up to 64 MiB (reading stopped there)'

test.describe('inputs over 64 MiB', () => {
  test.setTimeout(120_000)

  test('"Open scenario file" refuses the file, names it, and keeps the scenario', async ({ page }) => {
    await openScenario(page, 'seed', '6.18')
    const title = await page.locator('#scenario-title').textContent()
    await page.getByLabel('Open scenario file').setInputFiles(overCap('huge.json'))
    await expect(page.getByRole('alert')).toContainText(`huge.json: ${TOO_BIG}`)
    await expect(page.locator('#scenario-title')).toHaveText(title ?? '')
    await expect.poll(() => tableLayout(vmaTable(page))).toEqual([{ start: 0, end: 4, mergeable: true }])
  })

  test('"Import smaps file" and "Open recording" refuse it with the same message', async ({ page }) => {
    await openScenario(page, 'seed', '6.18')
    await page.getByLabel('Import smaps file').setInputFiles(overCap('huge.smaps'))
    await expect(page.getByTestId('smaps-import').getByRole('alert')).toContainText(`huge.smaps: ${TOO_BIG}`)
    await page.getByLabel('Open recording').setInputFiles(overCap('huge.recording.json'))
    await expect(page.getByTestId('recording-section').getByRole('alert')).toContainText(`huge.recording.json: ${TOO_BIG}`)
    await expect.poll(() => tableLayout(vmaTable(page))).toEqual([{ start: 0, end: 4, mergeable: true }])
  })

  test('a paste into the JSON editor that would pass 64 MiB is refused and changes nothing', async ({ page }) => {
    await openScenario(page, 'seed', '6.18')
    await page.getByRole('button', { name: 'Edit scenario' }).click()
    const editor = page.getByTestId('scenario-editor')
    await editor.getByRole('button', { name: 'JSON' }).click()
    const json = editor.getByLabel('Scenario JSON (vma-scenario/3)')
    const before = await jsonViewText(json)
    expect(JSON.parse(before).format).toBe('vma-scenario/3') // the whole text was read
    await json.focus()
    const changed = await json.evaluate((area) => {
      const data = new DataTransfer()
      data.setData('text/plain', ' '.repeat(64 * 1024 * 1024 + 1))
      const event = new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true })
      area.dispatchEvent(event)
      return event.defaultPrevented
    })
    expect(changed).toBe(true)
    await expect(editor.getByTestId('paste-error')).toHaveText('The paste was refused: the JSON would be larger than 64 MiB, more than any scenario. Nothing was changed.')
    expect(await jsonViewText(json)).toBe(before)
    // A paste of ordinary size goes through as before.
    await json.evaluate((area) => {
      const data = new DataTransfer()
      data.setData('text/plain', ' ')
      area.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
    })
    await expect(editor.getByTestId('paste-error')).toHaveCount(0)
    await expect.poll(() => jsonViewText(json)).not.toBe(before)
  })
  test('text over 64 MiB pasted on the page (outside a text field) is refused before it is parsed; the scenario stays', async ({ page }) => {
    await openScenario(page, 'seed', '6.18')
    const title = await page.locator('#scenario-title').textContent()
    await page.locator('body').evaluate((body) => {
      const data = new DataTransfer()
      // The start of a maps line, so only the cap (not the kind of text) can refuse it.
      data.setData('text/plain', `7f0000000000-7f0000002000 rw-p 00000000 00:00 0\n${' '.repeat(64 * 1024 * 1024)}`)
      body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
    })
    await expect(page.getByRole('alert')).toContainText('pasted text: more than 64 MiB; vmascope opens up to 64 MiB (nothing was opened)')
    await expect(page.locator('#scenario-title')).toHaveText(title ?? '')
    await expect.poll(() => tableLayout(vmaTable(page))).toEqual([{ start: 0, end: 4, mergeable: true }])
  })
})
