/**
 * The explorer in a real browser (the built app under vite preview): stepping
 * through built-in scenarios under several kernels, compare mode, keyboard
 * stepping, opening files, and an accessibility check in both themes.
 *
 * Expected layouts are those of the KSM scenario K1 (the seed; its fidelity
 * recording on 6.18 agrees) and of the kernel selftest ksm_merge
 * (tools/testing/selftests/mm/merge.c), as the issue states them.
 */
import { expect, test } from '@playwright/test'
import AxeBuilder from '@axe-core/playwright'
import { expectStep, openScenario, tableLayout, vmaTable, whyPanel } from './explorer-helpers.js'

test.describe('the seed scenario (two adjacent anonymous mappings under PR_SET_MEMORY_MERGE)', () => {
  test('on 6.16 the second mapping stays a separate VMA, flagged late', async ({ page }) => {
    await openScenario(page, 'seed', '6.16')
    await page.getByRole('button', { name: 'First step' }).click()
    await expectStep(page, 0, 3)
    await expect(vmaTable(page).locator('tbody tr')).toHaveCount(0)
    for (let step = 1; step <= 3; step++) {
      await page.getByRole('button', { name: 'Next step' }).click()
      await expectStep(page, step, 3)
    }
    await expect.poll(() => tableLayout(vmaTable(page))).toEqual([
      { start: 0, end: 2, mergeable: true },
      { start: 2, end: 4, mergeable: true },
    ])
    const why = whyPanel(page)
    await expect(why).toContainText('mmap B [2,4) rw- anon private')
    await expect(why).toContainText('KSM late')
    await expect(why.getByTestId('ksm-sentence')).toContainText(
      "VM_MERGEABLE was set late, after the merge attempt: the new mapping's flags lacked VM_MERGEABLE while prev [0,2) had it, so they did not merge. Fixed in 6.17",
    )
    await expect(why.locator('li[data-pass="false"]').first()).toContainText('fail')
    // The checks print addresses as /proc/PID/maps does, from the window's base: prev [0,2) is 7f0000000000-7f0000002000.
    await expect(why.locator('li').filter({ hasText: '[0,2)' })).toHaveCount(0)
    // Hovering or focusing a check that looked at prev [0,2) highlights that range in the view.
    const prevCheck = why.locator('li', { hasText: 'prev 7f0000000000-7f0000002000' }).first()
    await prevCheck.hover()
    await expect(page.getByTestId('highlight-prev')).toBeVisible()
    await page.locator('h1').hover()
    await expect(page.getByTestId('highlight-prev')).toHaveCount(0)
    await prevCheck.focus()
    await expect(page.getByTestId('highlight-prev')).toBeVisible()
    await page.screenshot({ path: 'test-results/seed-6.16-step3.png', fullPage: true })
  })

  test('on 6.18 the second mapping merges with the first, flagged early', async ({ page }) => {
    await openScenario(page, 'seed', '6.18')
    await page.getByRole('button', { name: 'Last step' }).click()
    await expectStep(page, 3, 3)
    await expect.poll(() => tableLayout(vmaTable(page))).toEqual([{ start: 0, end: 4, mergeable: true }])
    const row = vmaTable(page).locator('tbody tr').first()
    await expect(row).toHaveAttribute('data-prot', 'rw-')
    // vma_expand() grew A's struct in place: the row says "expanded", the view draws no removed ghost,
    // and the strip's description (what a screen reader reads) says so in words.
    await expect(row).toHaveAttribute('data-change', 'expanded')
    await expect(page.getByTestId('removed-ghosts')).toHaveCount(0)
    await expect(page.locator('[role="img"][aria-label*="merged-prev ([0,2) expanded to [0,4))"]')).toHaveCount(1)
    const why = whyPanel(page)
    await expect(why).toContainText('vma_expand')
    await expect(why).toContainText('merged-prev')
    await expect(why).toContainText('KSM early')
    await expect(why.getByTestId('ksm-sentence')).toContainText('VM_MERGEABLE was set early, before the merge attempt')
    await expect(page.getByTestId('step-announcer')).toHaveText('Step 3 of 3: mmap B [2,4) rw- anon private — merged-prev, KSM early')
    await page.screenshot({ path: 'test-results/seed-6.18-step3.png', fullPage: true })
  })
})

test('the selftest ksm_merge fails on 6.16 and passes on 6.17 (steps 5 and 8)', async ({ page }) => {
  for (const [kernel, merged] of [['6.16', false], ['6.17', true], ['v2', true]] as const) {
    await openScenario(page, 'ksm_merge', kernel)
    const expected = merged
      ? [{ start: 1, end: 3, mergeable: true }]
      : [{ start: 1, end: 2, mergeable: true }, { start: 2, end: 3, mergeable: true }]
    await page.locator('li[data-step="5"] > button').click()
    await expectStep(page, 5, 8)
    await expect.poll(() => tableLayout(vmaTable(page))).toEqual(expected)
    await page.getByRole('button', { name: 'Last step' }).click()
    await expectStep(page, 8, 8)
    await expect.poll(() => tableLayout(vmaTable(page))).toEqual(expected)
    await expect(whyPanel(page)).toContainText(merged ? 'KSM early' : 'KSM late')
  }
})

test('compare mode puts 6.16 beside 6.18 and marks the steps that differ', async ({ page }) => {
  await openScenario(page, 'seed', '6.18')
  await page.getByLabel('Compare with').selectOption('6.16')
  await page.getByLabel('Compare', { exact: true }).check()
  const second = page.getByRole('table', { name: 'Compared kernel 6.16: mappings' })
  await expect(second).toBeVisible()
  await expect.poll(() => tableLayout(second)).toEqual([
    { start: 0, end: 2, mergeable: true },
    { start: 2, end: 4, mergeable: true },
  ])
  await expect.poll(() => tableLayout(vmaTable(page))).toEqual([{ start: 0, end: 4, mergeable: true }])
  // prctl (step 1) is the same everywhere; A (step 2) differs only in its KSM timing; B (step 3) in outcome (and VMAs).
  await expect(page.locator('li[data-step="2"]')).toHaveAttribute('data-differs', 'ksm')
  await expect(page.locator('li[data-step="3"]')).toHaveAttribute('data-differs', 'outcome')
  await expect(page.locator('li[data-step="1"]')).not.toHaveAttribute('data-differs')
  await expect(page.locator('li[data-step="3"]')).toContainText('≠ outcome')
  await expect(whyPanel(page, '6.16')).toContainText('KSM late')
  await expect(whyPanel(page, '6.18')).toContainText('KSM early')
  // The step is shared: stepping moves both sides.
  await page.getByRole('button', { name: 'Previous step' }).click()
  await expect.poll(() => tableLayout(second)).toEqual([{ start: 0, end: 2, mergeable: true }])
  await expect.poll(() => tableLayout(vmaTable(page))).toEqual([{ start: 0, end: 2, mergeable: true }])
  await page.getByRole('button', { name: 'Next step' }).click()
  await page.screenshot({ path: 'test-results/compare-6.18-6.16.png', fullPage: true })
})

test('keyboard: arrows, Home and End step; typing in a field does not', async ({ page }) => {
  await openScenario(page, 'ksm_merge', '6.18')
  await expectStep(page, 8, 8)
  await page.locator('body').click({ position: { x: 5, y: 5 } })
  await page.keyboard.press('Home')
  await expectStep(page, 0, 8)
  await page.keyboard.press('ArrowRight')
  await expectStep(page, 1, 8)
  await page.keyboard.press('ArrowRight')
  await expectStep(page, 2, 8)
  await page.keyboard.press('ArrowLeft')
  await expectStep(page, 1, 8)
  await page.keyboard.press('End')
  await expectStep(page, 8, 8)
  const base = page.getByLabel('Base address')
  await base.focus()
  await page.keyboard.press('ArrowLeft')
  await page.keyboard.press('Home')
  await expectStep(page, 8, 8)
  // ? opens the help dialog; Escape closes it.
  await page.locator('body').click({ position: { x: 5, y: 5 } })
  await page.keyboard.press('Shift+Slash')
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeHidden()
})

test('a broken scenario file is refused with the loader message and the current scenario stays', async ({ page }) => {
  await openScenario(page, 'seed', '6.18')
  const title = page.locator('#scenario-title')
  const titleBefore = await title.textContent()
  const broken = { format: 'vma-scenario/1', steps: [{ op: 'mprotect', at: 0, pages: 1, prot: 'rwz' }] }
  await page.getByLabel('Open scenario file').setInputFiles({
    name: 'broken.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(broken)),
  })
  const alert = page.getByRole('alert')
  await expect(alert).toContainText('broken.json: steps[0].prot:')
  await expect(title).toHaveText(titleBefore ?? '')
  await expect.poll(() => tableLayout(vmaTable(page))).toEqual([{ start: 0, end: 4, mergeable: true }])
  await page.screenshot({ path: 'test-results/broken-file.png', fullPage: true })

  await page.getByLabel('Open scenario file').setInputFiles({ name: 'cut.json', mimeType: 'application/json', buffer: Buffer.from('{"format": ') })
  await expect(alert).toContainText('cut.json: invalid JSON at line 1')
  await expect(title).toHaveText(titleBefore ?? '')
})

test('a valid scenario file opens, and the current scenario downloads as JSON', async ({ page }) => {
  await openScenario(page, 'seed', '6.18')
  const download = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Download scenario' }).click()
  const file = await download
  expect(file.suggestedFilename()).toBe('seed.json')
  const stream = await file.createReadStream()
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  const downloaded = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { format: string; steps: unknown[] }
  expect(downloaded.format).toBe('vma-scenario/3')
  expect(downloaded.steps).toHaveLength(3)

  const mine = {
    format: 'vma-scenario/1',
    title: 'Three anonymous pages',
    windowPages: 8,
    steps: [{ op: 'mmap', name: 'X', at: 2, pages: 3, prot: 'r--', share: 'private', backing: { kind: 'anon' } }],
  }
  await page.getByLabel('Open scenario file').setInputFiles({ name: 'mine.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(mine)) })
  await expect(page.locator('#scenario-title')).toHaveText('Three anonymous pages')
  await expect.poll(() => tableLayout(vmaTable(page))).toEqual([{ start: 2, end: 5, mergeable: false }])
  await expect(page.getByRole('alert')).toHaveCount(0)
})

test('a SysV shm scenario opens: the attach is shared, named /SYSV%08x (deleted), never mg between two mg neighbours', async ({ page }) => {
  await openScenario(page, 'seed', '6.18')
  const shm = {
    format: 'vma-scenario/3',
    title: 'An attach between two anonymous mappings',
    windowPages: 16,
    steps: [
      { op: 'prctl', option: 'PR_SET_MEMORY_MERGE', value: 1 },
      { op: 'mmap', name: 'A', at: 0, pages: 4, prot: 'rw-', share: 'private', backing: { kind: 'anon' } },
      { op: 'shmget', segment: 'S', key: 0x1234abcd, pages: 4 },
      { op: 'shmat', segment: 'S', at: 4 },
      { op: 'mmap', name: 'B', at: 8, pages: 4, prot: 'rw-', share: 'private', backing: { kind: 'anon' } },
    ],
  }
  await page.getByLabel('Open scenario file').setInputFiles({ name: 'shm.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(shm)) })
  await expect(page.locator('#scenario-title')).toHaveText('An attach between two anonymous mappings')
  await expect.poll(() => tableLayout(vmaTable(page))).toEqual([{ start: 0, end: 4, mergeable: true }, { start: 4, end: 8, mergeable: false }, { start: 8, end: 12, mergeable: true }])
  await expect(vmaTable(page).locator('tbody tr').nth(1)).toContainText('/SYSV1234abcd (deleted)')
  await expect(page.locator('li[data-step="4"]')).toContainText('shmat S at 4')
  await expect(page.getByRole('alert')).toHaveCount(0)
})

test('the v2 kernel shows the VM_PFNMAP defect: mg together with pf and io', async ({ page }) => {
  await openScenario(page, 'pfnmap-driver', 'v2')
  const rows = vmaTable(page).locator('tbody tr')
  await expect(rows.first()).toHaveAttribute('data-mergeable', 'true')
  await expect(rows.first()).toContainText('pf io')
  await expect(whyPanel(page).getByTestId('ksm-sentence')).toContainText('v2 defect')
  await page.getByLabel('Kernel', { exact: true }).selectOption('6.18')
  await expect(rows.first()).toHaveAttribute('data-mergeable', 'false')
  await page.screenshot({ path: 'test-results/pfnmap-6.18.png', fullPage: true })
})

test('play advances the steps and stops at the end; the scrubber moves to a step', async ({ page }) => {
  await openScenario(page, 'seed', '6.18')
  await page.getByRole('slider').fill('1')
  await expectStep(page, 1, 3)
  await page.getByRole('button', { name: 'Play' }).click()
  await expectStep(page, 3, 3)
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible()
})

test('an unknown ?scenario= says so and opens the seed', async ({ page }) => {
  await page.goto('./?scenario=does-not-exist')
  await expect(page.getByRole('alert')).toContainText('no built-in scenario "does-not-exist"')
  await expect(page.locator('#scenario-title')).toContainText('PR_SET_MEMORY_MERGE')
})

for (const theme of ['light', 'dark'] as const) {
  test(`no serious or critical accessibility violations (${theme} theme)`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: theme })
    await openScenario(page, 'seed', '6.18')
    await page.getByLabel('Compare', { exact: true }).check()
    await expect(page.getByRole('table', { name: 'Compared kernel 6.12: mappings' })).toBeVisible()
    const pressed = theme === 'dark' ? 'true' : 'false'
    await expect(page.getByRole('button', { name: 'Dark theme' })).toHaveAttribute('aria-pressed', pressed)
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze()
    const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    expect(blocking.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([])
    await page.screenshot({ path: `test-results/theme-${theme}.png`, fullPage: true })
  })
}
