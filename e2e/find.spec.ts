/**
 * Find and go to: the search box on the 65,530-VMA scenario (name, flag, prot,
 * hex address), Go to step and Go to address, Next/Previous difference in
 * compare mode, what each differing step says (data-differs), the step-list
 * filter, and the step keys after ticking Compare.
 */
import { readFileSync } from 'node:fs'
import { expect, test, type Page } from '@playwright/test'
import { expectStep, openScenario } from './explorer-helpers.js'

const searchBox = (page: Page) => page.getByRole('searchbox', { name: 'Search' })
const pinned = (page: Page) => page.getByTestId('vma-tooltip-pinned').first()

test('search the 65,530-VMA scenario by name, flag, prot and hex address', async ({ page }) => {
  test.setTimeout(240_000)
  await page.goto('./?scenario=stress-65530')
  await expect(page.getByTestId('pane-header').first()).toHaveAttribute('data-vmas', '65530', { timeout: 150_000 })
  // `/` focuses the search box from anywhere.
  await page.locator('body').click({ position: { x: 5, y: 5 } })
  await page.keyboard.press('/')
  await expect(searchBox(page)).toBeFocused()

  // By name: the mapping m1234 is page 1234.
  await searchBox(page).fill('m1234')
  await expect(page.getByTestId('search-status')).toContainText('result')
  await searchBox(page).press('Enter')
  await expect(pinned(page)).toContainText(/names\s*m1234(?!\d)/)
  // The view moved there, zoomed in: a 1-page VMA is a twentieth of the view.
  await expect(page.getByTestId('address-space-viewport').first()).toHaveText('pages 1225–1245 of 65530')

  // By prot: every other VMA is r--.
  await searchBox(page).fill('r--')
  await expect(page.getByTestId('search-status')).toContainText('32,765 results')
  await searchBox(page).press('Enter')
  await expect(pinned(page)).toContainText('r--p')
  await searchBox(page).press('Enter')
  await expect(page.getByTestId('search-status')).toContainText('2 of 32,765')
  await expect(pinned(page)).toContainText(/names\s*m3(?!\d)/)
  await searchBox(page).press('Shift+Enter')
  await expect(pinned(page)).toContainText(/names\s*m1(?!\d)/)

  // By flag: the writable half has "wr" in VmFlags; VM_WRITE names the same flag.
  await searchBox(page).fill('wr')
  await expect(page.getByTestId('search-status')).toContainText('32,765 results')
  await searchBox(page).fill('VM_WRITE')
  await expect(page.getByTestId('search-status')).toContainText('32,765 results')
  await searchBox(page).fill('mg')
  await expect(page.getByTestId('search-status')).toContainText('No VMA or step matches')

  // By hex address: page 0x100 = 256 is the mapping m256.
  await searchBox(page).fill('0x7f0000100000')
  await expect(page.getByTestId('search-status')).toContainText('1 result')
  await page.getByRole('list', { name: 'Search results' }).getByRole('button').first().click()
  await expect(pinned(page)).toContainText(/names\s*m256(?!\d)/)
  await expect(pinned(page)).toContainText('7f0000100000-7f0000101000 rw-p')

  // Steps by operation: every step is an mmap.
  await searchBox(page).fill('mmap m42 ')
  await searchBox(page).press('Enter')
  await expectStep(page, 43)
})

test('go to step and go to address, each on Enter', async ({ page }) => {
  await openScenario(page, 'ksm_merge', '6.18')
  const goToStep = page.getByRole('textbox', { name: 'Go to step' })
  await goToStep.fill('3')
  await goToStep.press('Enter')
  await expectStep(page, 3, 8)
  await goToStep.fill('99')
  await goToStep.press('Enter')
  await expect(goToStep).toHaveAttribute('aria-invalid', 'true')
  await expectStep(page, 3, 8)
  // G focuses it.
  await page.locator('body').click({ position: { x: 5, y: 5 } })
  await page.keyboard.press('g')
  await expect(goToStep).toBeFocused()

  await page.getByRole('button', { name: 'Last step' }).click()
  const goToAddress = page.getByRole('textbox', { name: 'Go to address' })
  const layout = await page.getByRole('table', { name: 'VMAs', exact: true }).locator('tbody tr').first().getAttribute('data-start')
  const start = Number(layout)
  await goToAddress.fill(`0x${(0x7f0000000000 + start * 4096).toString(16)}`)
  await goToAddress.press('Enter')
  await expect(pinned(page)).toBeVisible()
  await expect(page.getByText(/is in the VMA 0x7f/)).toBeVisible()
  await goToAddress.fill('0x10')
  await goToAddress.press('Enter')
  await expect(goToAddress).toHaveAttribute('aria-invalid', 'true')
  await expect(page.getByText('is below the window')).toBeVisible()
  // A page number works too.
  await goToAddress.fill(String(start))
  await goToAddress.press('Enter')
  await expect(goToAddress).toHaveAttribute('aria-invalid', 'false')
  await expect(pinned(page)).toBeVisible()
})

test('next and previous differing step in compare mode, with keys; headers count VMAs and mg', async ({ page }) => {
  await openScenario(page, 'seed', '6.18')
  await page.getByLabel('Compare with').selectOption('6.16')
  await page.getByLabel('Compare', { exact: true }).check()
  const headers = page.getByTestId('pane-header')
  await expect(headers).toHaveCount(2)
  await expect(headers.nth(0)).toContainText('6.18')
  await expect(headers.nth(0)).toContainText('1 VMA, 1 mg')
  await expect(headers.nth(1)).toContainText('6.16')
  await expect(headers.nth(1)).toContainText('2 VMAs, 2 mg')
  await expect(page.locator('li[data-step="3"]')).toHaveAttribute('data-differs', 'outcome')

  // Right after ticking Compare (focus on the checkbox) the step keys work.
  await expect(page.getByLabel('Compare', { exact: true })).toBeFocused()
  await page.keyboard.press('Home')
  await expectStep(page, 0, 3)
  await page.keyboard.press('ArrowRight')
  await expectStep(page, 1, 3)
  await page.keyboard.press('ArrowLeft')
  await expectStep(page, 0, 3)

  await page.getByRole('button', { name: 'Next difference' }).click()
  await expectStep(page, 2, 3)
  await page.keyboard.press(']')
  await expectStep(page, 3, 3)
  await page.getByRole('button', { name: 'Next difference' }).click()
  await expect(page.getByText('No later difference.')).toBeVisible()
  await expectStep(page, 3, 3)
  await page.getByRole('button', { name: 'Previous difference' }).click()
  await expectStep(page, 2, 3)
  await page.keyboard.press('[')
  await expect(page.getByText('No earlier difference.')).toBeVisible()
  // Next merge: on 6.18 the seed merges at step 3.
  await page.getByRole('button', { name: 'Next merge' }).click()
  await expectStep(page, 3, 3)

  // The list filter: only the differing steps.
  await page.getByLabel('Show steps').selectOption('differing')
  await expect(page.getByRole('list', { name: 'Steps' }).locator('li[data-step]')).toHaveCount(2)
  await page.getByLabel('Show steps').selectOption('all')
  await expect(page.getByRole('list', { name: 'Steps' }).locator('li[data-step]')).toHaveCount(4)
})

test('differing steps say what differs: ksm, outcome, layout and error', async ({ page }) => {
  // brk under PR_SET_MEMORY_MERGE, 6.18 against 6.16: the first brk differs only in KSM timing,
  // the growth after it merges on 6.18 and not on 6.16 (outcome), and the last step does the same
  // on both but leaves different VMAs (layout).
  await openScenario(page, 'brk', '6.18')
  await page.getByLabel('Compare with').selectOption('6.16')
  await page.getByLabel('Compare', { exact: true }).check()
  await expect(page.locator('li[data-step="2"]')).toHaveAttribute('data-differs', 'ksm')
  await expect(page.locator('li[data-step="2"]')).toContainText('≠ KSM')
  await expect(page.locator('li[data-step="3"]')).toHaveAttribute('data-differs', 'outcome')
  await expect(page.locator('li[data-step="3"]')).toContainText('≠ outcome')
  await expect(page.locator('li[data-step="5"]')).toHaveAttribute('data-differs', 'layout')
  await expect(page.locator('li[data-step="5"]')).toContainText('≠ VMAs')
  await expect(page.locator('li[data-step="1"]')).not.toHaveAttribute('data-differs')

  // mremap of a range spanning two VMAs: 6.17+ moves both, 6.16 fails with EFAULT (error).
  const file = 'src/fidelity/scenarios/mremap-move-spanning-two-vmas.json'
  await page.getByLabel('Open scenario file').setInputFiles({ name: 'mremap.json', mimeType: 'application/json', buffer: readFileSync(file) })
  await expect(page.locator('li[data-step="3"]')).toHaveAttribute('data-differs', 'error')
  await expect(page.locator('li[data-step="3"]')).toContainText('≠ errno')
  // Failed steps: only the 6.18 side's failures count (none here), so the filter lists none.
  await page.getByLabel('Show steps').selectOption('failed')
  await expect(page.getByText('No step is of this kind.')).toBeVisible()
})
