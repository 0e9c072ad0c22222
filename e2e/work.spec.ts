/**
 * Work that survives: the edited scenario and the explorer state come back
 * after a reload (IndexedDB), an edited scenario is kept in "My scenarios"
 * when another one is opened, a link never replaces saved work silently,
 * and opening another scenario is a history entry (Back returns to it).
 */
import { expect, test, type Page } from '@playwright/test'
import { expectStep, openScenario } from './explorer-helpers.js'

async function editTitle(page: Page, title: string): Promise<void> {
  await page.getByRole('button', { name: 'Edit scenario' }).click()
  const editor = page.getByTestId('scenario-editor')
  await editor.getByLabel('Title').fill(title)
  await expect(editor.getByTestId('editor-status')).toContainText('Applied')
  await expect(page.locator('#scenario-title')).toHaveText(title)
}

const myScenarios = (page: Page) => page.getByRole('region', { name: 'My scenarios' })

test('an edited scenario and its step survive a reload', async ({ page }) => {
  await openScenario(page, 'ksm_merge')
  await editTitle(page, 'ksm_merge, my variant')
  await page.getByRole('button', { name: 'Close the scenario editor' }).click()
  await page.locator('li[data-step="4"] > button').click()
  await expectStep(page, 4, 8)
  await page.waitForTimeout(800) // the autosave writes 300 ms after the last change
  await page.reload()
  await expect(page.locator('#scenario-title')).toHaveText('ksm_merge, my variant')
  await expectStep(page, 4, 8)
  // A reload with nothing in the address restores it as well (the work, not the default scenario).
  await page.goto('./')
  await expect(page.locator('#scenario-title')).toHaveText('ksm_merge, my variant')
})

test('switching away from an edited scenario keeps it in My scenarios, and it opens again', async ({ page }) => {
  await openScenario(page, 'seed')
  await editTitle(page, 'seed, edited by hand')
  await page.getByRole('combobox', { name: 'Scenario', exact: true }).selectOption('brk')
  await expect(page.locator('#scenario-title')).not.toHaveText('seed, edited by hand')
  const region = myScenarios(page)
  await expect(region.getByRole('status')).toContainText('kept in My scenarios')
  const entry = region.getByRole('button', { name: 'seed, edited by hand (edited)', exact: true })
  await expect(entry).toBeVisible()
  // It survives a reload too, and opens.
  await page.waitForTimeout(800)
  await page.reload()
  await entry.click()
  await expect(page.locator('#scenario-title')).toHaveText('seed, edited by hand')
  // Rename, duplicate, delete.
  await region.getByRole('button', { name: 'Rename seed, edited by hand (edited)' }).click()
  const field = region.getByLabel('New name for seed, edited by hand (edited)')
  await field.fill('my seed')
  await field.press('Enter')
  await expect(region.getByRole('button', { name: 'my seed', exact: true })).toBeVisible()
  await region.getByRole('button', { name: 'Duplicate my seed' }).click()
  await expect(region.getByRole('button', { name: 'my seed (copy)', exact: true })).toBeVisible()
  await region.getByRole('button', { name: 'Delete my seed (copy)' }).click()
  await expect(region.getByRole('button', { name: 'my seed (copy)', exact: true })).toHaveCount(0)
  await region.getByRole('button', { name: 'Undo' }).click()
  await expect(region.getByRole('button', { name: 'my seed (copy)', exact: true })).toBeVisible()
})

test('a link opened over unsaved edits keeps the edits in My scenarios', async ({ page }) => {
  await openScenario(page, 'seed')
  await editTitle(page, 'not yet kept')
  await page.waitForTimeout(800)
  await page.goto('./?scenario=brk')
  await expect(page.locator('#scenario-notes, [data-testid="scenario-notes"]').first()).toBeVisible()
  await expect(myScenarios(page).getByRole('button', { name: 'not yet kept (edited)', exact: true })).toBeVisible()
  await expect(myScenarios(page).getByRole('status')).toContainText('kept in My scenarios')
})

test('Back returns to the previous scenario; stepping does not add history entries', async ({ page }) => {
  await openScenario(page, 'seed')
  await expect(page).toHaveURL(/#v1\./)
  const seedTitle = await page.locator('#scenario-title').textContent()
  await page.getByRole('button', { name: 'First step' }).click()
  await page.getByRole('button', { name: 'Next step' }).click()
  await expectStep(page, 1, 3)
  await page.waitForTimeout(400)
  await page.getByRole('combobox', { name: 'Scenario', exact: true }).selectOption('brk')
  await expect(page.locator('#scenario-title')).not.toHaveText(seedTitle ?? '')
  await page.waitForTimeout(400)
  await page.getByRole('button', { name: 'First step' }).click()
  await page.waitForTimeout(400)
  await page.goBack()
  await expect(page.locator('#scenario-title')).toHaveText(seedTitle ?? '')
  await expectStep(page, 1, 3)
  await page.goForward()
  await expect(page.locator('#scenario-title')).not.toHaveText(seedTitle ?? '')
  // The stress scenario is too large for the address; Back and Forward still reach it.
  await page.getByRole('combobox', { name: 'Scenario', exact: true }).selectOption('stress-65530')
  await expect(page.locator('#scenario-title')).toContainText('65,530')
  await page.waitForTimeout(400)
  await page.goBack()
  await expect(page.locator('#scenario-title')).not.toContainText('65,530')
  await page.goForward()
  await expect(page.locator('#scenario-title')).toContainText('65,530')
})
