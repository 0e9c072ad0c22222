/**
 * The long-term kernels in the explorer: the grouped Kernel select, 6.12 LTS as the
 * default comparison on the seed story (two VMAs against 6.18's one), 6.1 refusing
 * prctl and merging under MADV_MERGEABLE, and the old vma_merge() vocabulary in the
 * Why panel on 6.6.
 */
import { expect, test } from '@playwright/test'
import { expectStep, openScenario, tableLayout, vmaTable, whyPanel } from './explorer-helpers.js'

test('the Kernel select groups long-term releases, the others and the posted patch, each with a note', async ({ page }) => {
  await openScenario(page, 'seed')
  const select = page.getByLabel('Kernel', { exact: true })
  const groups = await select.locator('optgroup').evaluateAll((els) =>
    els.map((g) => ({
      label: g.getAttribute('label'),
      options: [...g.querySelectorAll('option')].map((o) => ({ value: o.value, text: o.textContent })),
    })),
  )
  expect(groups.map((g) => g.label)).toEqual(['Long-term (kernel.org)', 'Other releases', 'Posted patch'])
  expect(groups[0]!.options.map((o) => o.value)).toEqual(['6.1', '6.6', '6.12', '6.18'])
  expect(groups[1]!.options.map((o) => o.value)).toEqual(['6.15', '6.16', '6.17'])
  expect(groups[2]!.options.map((o) => o.value)).toEqual(['v2'])
  for (const g of groups) for (const o of g.options) expect(o.text, o.value).toMatch(new RegExp(`^${o.value.replace('.', '\\.')}( LTS)? — \\S`))
  expect(groups[0]!.options.find((o) => o.value === '6.1')!.text).toBe('6.1 LTS — no PR_SET_MEMORY_MERGE (EINVAL); MADV_MERGEABLE merges')
  // The same groups in the "Compare with" select.
  await expect(page.getByLabel('Compare with').locator('optgroup')).toHaveCount(3)
  await expect(select).toHaveValue('6.18')
})

test('the seed story compares 6.12 LTS with 6.18 by default: two VMAs against one', async ({ page }) => {
  await openScenario(page, 'seed')
  await expect(page.getByLabel('Compare with')).toHaveValue('6.12')
  await page.getByLabel('Compare', { exact: true }).check()
  await page.getByRole('button', { name: 'Last step' }).click()
  await expectStep(page, 3, 3)
  const lts = page.getByRole('table', { name: 'Compared kernel 6.12: mappings' })
  await expect(lts).toBeVisible()
  await expect.poll(() => tableLayout(lts)).toEqual([
    { start: 0, end: 2, mergeable: true },
    { start: 2, end: 4, mergeable: true },
  ])
  await expect.poll(() => tableLayout(vmaTable(page))).toEqual([{ start: 0, end: 4, mergeable: true }])
  await expect(page.locator('li[data-step="3"]')).toHaveAttribute('data-differs', 'outcome')
  await expect(whyPanel(page, '6.12')).toContainText('KSM late')
  await expect(whyPanel(page, '6.12').getByTestId('ksm-sentence')).toContainText('not backported to this long-term kernel')
  await expect(whyPanel(page, '6.18')).toContainText('KSM early')
  await page.screenshot({ path: 'test-results/compare-6.18-6.12.png', fullPage: true })
})

test('6.1 LTS refuses prctl(PR_SET_MEMORY_MERGE) and merges the seed story as it always did', async ({ page }) => {
  await openScenario(page, 'seed', '6.1')
  await page.getByRole('button', { name: 'First step' }).click()
  await page.getByRole('button', { name: 'Next step' }).click()
  await expectStep(page, 1, 3)
  await expect(whyPanel(page)).toContainText('EINVAL')
  await expect(whyPanel(page)).toContainText('sys_prctl')
  await page.getByRole('button', { name: 'Last step' }).click()
  await expectStep(page, 3, 3)
  await expect.poll(() => tableLayout(vmaTable(page))).toEqual([{ start: 0, end: 4, mergeable: false }])
})

test('6.1 LTS: MADV_MERGEABLE on one neighbour, then the other, merges them (the baseline)', async ({ page }) => {
  await openScenario(page, 'madvise-one-neighbour', '6.1')
  await page.getByRole('button', { name: 'Last step' }).click()
  await expectStep(page, 4, 4)
  await expect.poll(() => tableLayout(vmaTable(page))).toEqual([{ start: 0, end: 4, mergeable: true }])
  await expect(whyPanel(page)).toContainText('case 7')
})

test('6.6 LTS names the old vma_merge() in the Why panel: its case, can_vma_merge_after, is_mergeable_anon_vma', async ({ page }) => {
  await openScenario(page, 'mprotect-merges', '6.6')
  // Step 4: mprotect makes B [2,4) writable like A [0,2): vma_merge() case 7.
  await page.locator('li[data-step="4"] > button').click()
  await expectStep(page, 4, 8)
  const why = whyPanel(page)
  await expect(why).toContainText('case 7')
  await expect(why).toContainText('can_vma_merge_after')
  await expect(why).not.toContainText('vma_merge_existing_range')
  // Step 8: the faulted half may not merge into the unfaulted one under the old rule.
  await page.getByRole('button', { name: 'Last step' }).click()
  await expect(why).toContainText('is_mergeable_anon_vma')
  await expect.poll(() => tableLayout(vmaTable(page))).toContainEqual({ start: 6, end: 11, mergeable: true })
})
