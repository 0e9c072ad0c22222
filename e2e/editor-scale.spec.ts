/**
 * The editor at scale: the built-in 65,530-step stress scenario and a
 * 4,000-step file open in "Edit scenario" with only the step forms near the
 * viewport in the DOM, and typing in a step's field stays light. The times are
 * printed as figures (the machine is shared, so they are not asserted); what is
 * asserted is structural: the DOM stays small, no main-thread task freezes the
 * page, and the edit is applied or named.
 */
import { expect, test, type Page } from '@playwright/test'
import { vmaTable } from './explorer-helpers.js'

/** Starts counting long main-thread tasks (and the slowest input events) in the page. */
async function watchMainThread(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __tasks: number[]; __events: number[]; __handlers: number[] }
    w.__tasks = []
    w.__events = []
    w.__handlers = []
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__tasks.push(entry.duration)
    }).observe({ type: 'longtask' })
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as PerformanceEventTiming[]) {
        if (!['keydown', 'keypress', 'keyup', 'input', 'beforeinput'].includes(entry.name)) continue
        w.__events.push(entry.duration)
        w.__handlers.push(entry.processingEnd - entry.processingStart)
      }
    }).observe({ type: 'event', durationThreshold: 16 } as PerformanceObserverInit)
  })
}

/** The longest task, key event (input to painted frame, other tasks in between included) and key handler since the last call. */
async function mainThread(page: Page): Promise<{ longestTask: number; longestKeyEvent: number; longestKeyHandler: number }> {
  return page.evaluate(() => {
    const w = window as unknown as { __tasks: number[]; __events: number[]; __handlers: number[] }
    const longest = (list: number[]) => Math.max(0, ...list.splice(0))
    return { longestTask: longest(w.__tasks), longestKeyEvent: longest(w.__events), longestKeyHandler: longest(w.__handlers) }
  })
}

/** Clicks "Edit scenario" and returns the milliseconds until the first step form is drawn. */
async function openEditor(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const button = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Edit scenario')!
        const start = performance.now()
        button.click()
        const poll = () => (document.querySelector('[data-testid="editor-step"]') ? resolve(performance.now() - start) : requestAnimationFrame(poll))
        requestAnimationFrame(poll)
      }),
  )
}

async function checkEditorAtScale(page: Page, label: string, steps: number) {
  await watchMainThread(page)
  const openMs = await openEditor(page)
  const editor = page.getByTestId('scenario-editor')
  await expect(editor.getByTestId('editor-status')).toHaveText(`Applied · ${steps.toLocaleString('en-US')} steps`)
  const opening = await mainThread(page)
  const nodes = await editor.evaluate((el) => el.querySelectorAll('*').length)
  const forms = await editor.getByTestId('editor-step').count()
  console.log(`${label}: first step forms drawn ${Math.round(openMs)} ms after the click; longest main-thread task while opening ${Math.round(opening.longestTask)} ms; ${nodes} DOM nodes in the editor, ${forms} step forms`)
  expect(nodes).toBeLessThan(2000)
  expect(forms).toBeLessThan(40)
  expect(opening.longestTask).toBeLessThan(1000) // a gross freeze guard, not a speed target

  // Typing in a field: a bad value is named at once, a good one applied.
  const pages = editor.getByLabel('Step 1 pages')
  await pages.focus()
  await page.keyboard.press('End')
  await page.keyboard.type('x')
  await expect(pages).toHaveAttribute('aria-invalid', 'true')
  await expect(editor.getByTestId('editor-status')).toContainText('Not applied: steps[0].pages')
  await page.keyboard.press('Backspace')
  await expect(editor.getByTestId('editor-status')).toHaveText(`Applied · ${steps.toLocaleString('en-US')} steps`)
  await page.keyboard.type('1')
  await expect(pages).toHaveValue('11')
  await page.keyboard.press('Backspace')
  await expect(pages).toHaveValue('1')
  const typing = await mainThread(page)
  console.log(
    `${label}: 4 keystrokes in a step field: slowest key handler ${Math.round(typing.longestKeyHandler)} ms, slowest key event ${Math.round(typing.longestKeyEvent)} ms (input to painted frame, ` +
      `other tasks included); longest main-thread task ${Math.round(typing.longestTask)} ms (the edit reaching the store and the engine once typing pauses)`,
  )
  expect(typing.longestTask).toBeLessThan(1000)

  // Far down the list, the forms there are drawn (and only those).
  const far = Math.floor(steps * 0.6)
  await editor.locator('[data-editor-body]').evaluate((body, at) => {
    const list = body.querySelector('ol')!
    body.scrollTop = (list.offsetTop + (list.scrollHeight * at)) | 0
  }, far / steps)
  await expect(editor.getByTestId('editor-step').first()).not.toHaveAttribute('aria-label', /^Step [1-9]:/)
  expect(await editor.evaluate((el) => el.querySelectorAll('*').length)).toBeLessThan(2000)
}

test('the editor opens on the 65,530-step stress scenario with a bounded DOM, and typing stays light', async ({ page }) => {
  test.setTimeout(180_000)
  await page.goto('./?scenario=stress-65530')
  await expect(vmaTable(page)).toHaveAttribute('aria-rowcount', '65531', { timeout: 90_000 })
  await checkEditorAtScale(page, '65,530 steps', 65_530)
})

test('the editor on a 4,000-step file', async ({ page }) => {
  test.setTimeout(120_000)
  await page.goto('./?scenario=seed')
  const steps = Array.from({ length: 4000 }, (_, i) => ({ op: 'mmap', name: `m${i}`, at: i * 2, pages: 1, prot: 'rw-', share: 'private', backing: { kind: 'anon' } }))
  await page.getByLabel('Open scenario file').setInputFiles({ name: 'four-thousand.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ format: 'vma-scenario/2', title: 'Four thousand', windowPages: 8192, steps })) })
  await expect(page.locator('#scenario-title')).toHaveText('Four thousand')
  await expect(vmaTable(page)).toBeVisible()
  await checkEditorAtScale(page, '4,000 steps', 4000)
})
