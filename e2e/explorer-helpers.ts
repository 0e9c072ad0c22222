/** Shared steps for the explorer's end-to-end tests: open a scenario, pick kernels, read the VMA table. */
import { expect, type Locator, type Page } from '@playwright/test'

export interface RowLayout {
  start: number
  end: number
  mergeable: boolean
}

export async function openScenario(page: Page, id: string, kernel?: string): Promise<void> {
  await page.goto(`./?scenario=${id}`)
  if (kernel) await page.getByLabel('Kernel', { exact: true }).selectOption(kernel)
  await expect(vmaTable(page)).toBeVisible()
}

export function vmaTable(page: Page, name = 'VMAs'): Locator {
  return page.getByRole('table', { name, exact: true })
}

/** The rows of a VMA table as (start, end, mergeable), read from the row attributes. */
export async function tableLayout(table: Locator): Promise<RowLayout[]> {
  return table.locator('tbody tr').evaluateAll((rows) =>
    rows.map((row) => ({
      start: Number(row.getAttribute('data-start')),
      end: Number(row.getAttribute('data-end')),
      mergeable: row.getAttribute('data-mergeable') === 'true',
    })),
  )
}

/** Waits until the step list marks `step` as current and the live region announces it. */
export async function expectStep(page: Page, step: number, of?: number): Promise<void> {
  await expect(page.locator(`li[data-step="${step}"] > button`)).toHaveAttribute('aria-current', 'step')
  const announcement = of === undefined ? new RegExp(`^Step ${step} of \\d+`) : new RegExp(`^Step ${step} of ${of}`)
  await expect(page.getByTestId('step-announcer')).toHaveText(announcement)
}

export function whyPanel(page: Page, kernel?: string): Locator {
  const panels = page.getByTestId('why-panel')
  return kernel ? panels.filter({ has: page.getByRole('heading', { name: `Why · ${kernel}` }) }) : panels.first()
}

/**
 * The whole text of the editor's JSON view, as a user copies it: Ctrl+A, then a copy event
 * (CodeMirror keeps only the lines near its viewport in the DOM, so the DOM does not have it).
 * The cursor is left at the start.
 */
export async function jsonViewText(json: Locator): Promise<string> {
  await json.focus()
  await json.press('Control+a')
  const text = await json.evaluate((content) => {
    const data = new DataTransfer()
    content.dispatchEvent(new ClipboardEvent('copy', { clipboardData: data, bubbles: true, cancelable: true }))
    return data.getData('text/plain')
  })
  await json.press('Control+Home')
  return text
}
