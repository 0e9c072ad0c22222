/**
 * Paste and drop: the text of /proc/PID/maps pasted anywhere outside a text
 * field opens that process; a scenario's JSON pasted opens it; pasting into a
 * text field stays a paste. The file buttons say what they open. The editor
 * is quicker: focus moves into it, a new step gets focus, the next free name
 * and a free place, "Duplicate step" and "New empty scenario".
 */
import { readFileSync } from 'node:fs'
import { expect, test, type Page } from '@playwright/test'
import { openScenario, vmaTable } from './explorer-helpers.js'

async function paste(page: Page, text: string): Promise<void> {
  await page.evaluate((value) => navigator.clipboard.writeText(value), text)
  await page.keyboard.press('Control+V')
}

test('pasting /proc/PID/maps or a scenario anywhere opens it; pasting into a field does not', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  await openScenario(page, 'seed', '6.18')
  // This test runner's own address space, as the kernel prints it.
  const maps = readFileSync('/proc/self/maps', 'utf8')
  const lines = maps.trim().split('\n').filter((line) => !line.includes('[vsyscall]'))
  await page.locator('body').click({ position: { x: 5, y: 5 } })
  await paste(page, maps)
  await expect(page.locator('#scenario-title')).toContainText('pasted maps')
  await expect.poll(() => vmaTable(page).getAttribute('aria-rowcount')).toBe(String(lines.length + 1))
  const first = lines[0]!.split(/\s+/)[0]!.split('-')[0]!.replace(/^0+/, '')
  await expect(vmaTable(page).locator('tbody tr').first()).toContainText(first)

  // A scenario's JSON.
  const scenario = readFileSync('src/fidelity/scenarios/K01-prctl-then-two-mappings.json', 'utf8')
  await page.locator('body').click({ position: { x: 5, y: 5 } })
  await paste(page, scenario)
  const title = JSON.parse(scenario).title as string
  await expect(page.locator('#scenario-title')).toHaveText(title)
  await expect(page.getByText(/file: pasted scenario ·/)).toBeVisible()

  // In a text field a paste is a paste.
  const search = page.getByRole('searchbox', { name: 'Search' })
  await search.focus()
  await paste(page, 'mmap')
  await expect(search).toHaveValue('mmap')
  await expect(page.locator('#scenario-title')).toHaveText(title)
})

test('the page is a drop target for smaps text as well as scenarios', async ({ page }) => {
  await openScenario(page, 'seed', '6.18')
  const smaps = readFileSync('/proc/self/smaps', 'utf8')
  const count = smaps.split('\n').filter((line) => /^[0-9a-f]+-[0-9a-f]+ /.test(line) && !line.includes('[vsyscall]')).length
  await page.evaluate((text) => {
    const data = new DataTransfer()
    data.items.add(new File([text], 'runner.smaps', { type: 'text/plain' }))
    document.body.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }))
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }))
  }, smaps)
  await expect(page.getByText(/file: runner\.smaps ·/)).toBeVisible()
  await expect.poll(() => vmaTable(page).getAttribute('aria-rowcount')).toBe(String(count + 1))
  // The smaps fields the kernel printed are columns of the table.
  await expect(vmaTable(page).getByRole('columnheader', { name: 'Rss', exact: true })).toBeVisible()
})

test('the file inputs are buttons that say what they open', async ({ page }) => {
  await openScenario(page, 'seed', '6.18')
  for (const name of ['Open scenario file…', 'Import smaps file…', 'Open recording…']) {
    const button = page.getByRole('button', { name, exact: true })
    await expect(button).toBeVisible()
    const chooser = page.waitForEvent('filechooser')
    await button.click()
    await chooser
  }
  await expect(page.getByText('No file chosen')).toHaveCount(0)
})

test('the editor: focus moves in, new steps get a free name and place, duplicate and new empty scenario', async ({ page }) => {
  await openScenario(page, 'seed', '6.18')
  await page.getByRole('button', { name: 'Edit scenario' }).click()
  const editor = page.getByTestId('scenario-editor')
  await expect(editor.getByLabel('Title')).toBeFocused()
  await editor.getByRole('button', { name: 'New empty scenario' }).click()
  await expect(page.locator('#scenario-title')).toHaveText('New scenario')
  await expect(editor.getByTestId('editor-step')).toHaveCount(0)
  await editor.getByRole('button', { name: 'Add step' }).click()
  await expect(editor.getByLabel('Step 1 name')).toBeFocused()
  await expect(editor.getByLabel('Step 1 name')).toHaveValue('A')
  await editor.getByRole('button', { name: 'Add step' }).click()
  await expect(editor.getByLabel('Step 2 name')).toHaveValue('B')
  await expect(editor.getByLabel('Step 2 at (page)')).toHaveValue('2')
  await editor.getByRole('button', { name: 'Duplicate step 2' }).click()
  await expect(editor.getByTestId('editor-step')).toHaveCount(3)
  await expect(editor.getByLabel('Step 3 name')).toHaveValue('C')
  await expect(editor.getByLabel('Step 3 at (page)')).toHaveValue('4')
  await expect(editor.getByLabel('Step 3 name')).toBeFocused()
  await expect(editor.getByTestId('editor-status')).toContainText('Applied · 3 steps')
  // The seed edited before stays available: it was not edited, so nothing is kept; the new one is.
  await expect(vmaTable(page).locator('tbody tr')).toHaveCount(1)
})
