/**
 * Measures the explorer in Chromium (playwright-core) against `vite preview`
 * of the built app (run `npm run build` first):
 *
 *   1. first view: time from navigation start to the first step on screen
 *      (the app's `vmascope:first-view` mark), for the default scenario;
 *   2. stepping: for a generated scenario of 1,000 mmaps (1,000 VMAs at the
 *      end), the time from the key press that changes the step
 *      (`vmascope:step-requested`) to React's commit (`vmascope:step-shown`)
 *      and to the end of the frame that paints it (`vmascope:step-frame`), plus Event
 *      Timing entries (key press to next paint) of 16 ms or more;
 *   3. the same stepping in compare mode (two views, two tables).
 *
 * It prints the figures; it does not fail on them (a measurement, not a test).
 *   npx tsx tools/measure-ui.ts [--port 4175] [--runs 5] [--steps 40]
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { chromium, type Page } from 'playwright-core'

const args = new Map<string, string>()
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '')
const PORT = Number(args.get('port') ?? 4175)
const RUNS = Number(args.get('runs') ?? 5)
const STEPS = Number(args.get('steps') ?? 40)
const BASE_URL = `http://localhost:${PORT}/`
const EXECUTABLE = process.env.VMASCOPE_CHROMIUM ?? '/usr/bin/chromium'
const VMA_COUNT = 1000

interface StepTiming {
  shownMs: number
  frameMs: number
}

/** 1,000 one-page anonymous mappings side by side, alternating rw- and r-- so none merge. */
function thousandVmaScenario(): string {
  const steps = Array.from({ length: VMA_COUNT }, (_, i) => ({
    op: 'mmap',
    name: `m${i}`,
    at: i,
    pages: 1,
    prot: i % 2 === 0 ? 'rw-' : 'r--',
    share: 'private',
    backing: { kind: 'anon' },
  }))
  return JSON.stringify({ format: 'vma-scenario/1', title: `${VMA_COUNT} VMAs`, windowPages: VMA_COUNT + 24, steps })
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok
  } catch {
    return false
  }
}

async function startPreview(): Promise<ChildProcess> {
  if (await answers(BASE_URL)) throw new Error(`something already answers on ${BASE_URL}; pick another --port`)
  const vite = fileURLToPath(new URL('../node_modules/vite/bin/vite.js', import.meta.url))
  const server = spawn(process.execPath, [vite, 'preview', '--port', String(PORT), '--strictPort'], { stdio: 'ignore' })
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await answers(BASE_URL)) return server
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  server.kill()
  throw new Error(`vite preview did not answer on ${BASE_URL} (did you run npm run build?)`)
}

function stats(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
  return `median ${at(0.5).toFixed(1)} ms, p90 ${at(0.9).toFixed(1)} ms, max ${sorted[sorted.length - 1]!.toFixed(1)} ms (n=${values.length})`
}

/** Reads the app's marks for `step` once its frame mark exists. */
async function timingFor(page: Page, step: number): Promise<StepTiming> {
  await page.waitForFunction(
    (s) => performance.getEntriesByName('vmascope:step-frame').some((e) => (e as { detail?: unknown }).detail === s),
    step,
  )
  // A string, not a function: tsx would wrap named inner functions in a helper the page does not have.
  return page.evaluate(`(() => {
    const last = (name) => performance.getEntriesByName(name).filter((e) => e.detail === ${step}).at(-1).startTime
    const requested = last('vmascope:step-requested')
    return { shownMs: last('vmascope:step-shown') - requested, frameMs: last('vmascope:step-frame') - requested }
  })()`)
}

async function currentStep(page: Page): Promise<number> {
  return Number(await page.locator('li:has(> button[aria-current="step"])').getAttribute('data-step'))
}

/** Presses a key `count` times, pausing between presses like a reader would, and collects the timings. */
async function stepWithKey(page: Page, key: 'ArrowRight' | 'ArrowLeft', count: number): Promise<StepTiming[]> {
  const timings: StepTiming[] = []
  for (let i = 0; i < count; i++) {
    const expected = (await currentStep(page)) + (key === 'ArrowRight' ? 1 : -1)
    await page.evaluate(() => performance.clearMarks())
    await page.keyboard.press(key)
    timings.push(await timingFor(page, expected))
    await page.waitForTimeout(120)
  }
  return timings
}

/** Event Timing durations (input → next paint, 8 ms resolution, only those ≥ 16 ms) of keydowns so far; clears the list. */
async function takeSlowKeydowns(page: Page): Promise<number[]> {
  return page.evaluate(`(() => {
    const keys = globalThis.__slowEvents.filter((e) => e.name === 'keydown').map((e) => e.duration)
    globalThis.__slowEvents.length = 0
    return keys
  })()`)
}

function eventTimingLine(label: string, durations: number[], presses: number): string {
  const worst = durations.length > 0 ? Math.max(...durations) : 0
  const sorted = [...durations].sort((a, b) => a - b)
  const median = sorted.length > 0 ? sorted[Math.floor(sorted.length / 2)] : 0
  return `${label} (input → next paint, reported from 16 ms): ${durations.length} of ${presses} key presses reported, median of those ${median} ms, worst ${worst} ms`
}

async function main(): Promise<void> {
  const server = await startPreview()
  const browser = await chromium.launch({ executablePath: EXECUTABLE })
  try {
    console.log(`chromium ${browser.version()}, vite preview on ${BASE_URL}`)

    // 1. First view.
    const firstView: number[] = []
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
      const page = await context.newPage()
      await page.goto(`${BASE_URL}?scenario=seed`)
      await page.waitForFunction(() => performance.getEntriesByName('vmascope:first-view').length > 0)
      firstView.push(await page.evaluate(() => performance.getEntriesByName('vmascope:first-view')[0]!.startTime))
      await context.close()
    }
    console.log(`first view (navigation start → first step on screen, seed scenario): ${stats(firstView)}`)

    // 2. Stepping through 1,000 VMAs.
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    const page = await context.newPage()
    await page.addInitScript(`
      globalThis.__slowEvents = []
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) globalThis.__slowEvents.push({ name: entry.name, duration: entry.duration })
      }).observe({ type: 'event', durationThreshold: 16, buffered: true })
    `)
    // Baseline: stepping the 8-step selftest scenario (a handful of VMAs), to see what
    // key → paint costs on this machine when a step changes almost nothing.
    await page.goto(`${BASE_URL}?scenario=ksm_merge`)
    await page.getByRole('table', { name: 'VMAs', exact: true }).waitFor()
    await page.locator('h1').click()
    await page.keyboard.press('Home')
    await page.waitForTimeout(300)
    await takeSlowKeydowns(page)
    const small: StepTiming[] = []
    for (let round = 0; round < Math.ceil(STEPS / 16); round++) {
      small.push(...(await stepWithKey(page, 'ArrowRight', 8)), ...(await stepWithKey(page, 'ArrowLeft', 8)))
    }
    const baseline = await takeSlowKeydowns(page)
    console.log(`baseline, 8-step scenario, key → frame painted: ${stats(small.map((t) => t.frameMs))}`)
    console.log(eventTimingLine('baseline, Event Timing', baseline, small.length))

    const loadStarted = Date.now()
    await page.getByLabel('Open scenario file').setInputFiles({
      name: 'thousand.json',
      mimeType: 'application/json',
      buffer: Buffer.from(thousandVmaScenario()),
    })
    // The table is virtualised from 400 rows: aria-rowcount says how many it holds (plus the header).
    await page.waitForFunction(`document.querySelector('table[aria-label="VMAs"]')?.getAttribute('aria-rowcount') === '${VMA_COUNT + 1}'`)
    console.log(`open a ${VMA_COUNT}-step file until its ${VMA_COUNT} VMAs are in the table: ${Date.now() - loadStarted} ms`)

    await page.locator('h1').click()
    for (let i = 0; i < STEPS; i++) await page.keyboard.press('ArrowLeft')
    await page.waitForTimeout(300)
    await takeSlowKeydowns(page)
    const backward = await stepWithKey(page, 'ArrowLeft', STEPS)
    const forward = await stepWithKey(page, 'ArrowRight', STEPS)
    const all = [...backward, ...forward]
    const slow = await takeSlowKeydowns(page)
    console.log(`step with ←/→ near ${VMA_COUNT} VMAs, key → React commit: ${stats(all.map((t) => t.shownMs))}`)
    console.log(`step with ←/→ near ${VMA_COUNT} VMAs, key → frame painted: ${stats(all.map((t) => t.frameMs))}`)
    console.log(eventTimingLine('Event Timing, step keys', slow, STEPS * 2))

    // 3. Compare mode: two views and two tables of 1,000 VMAs.
    await page.getByLabel('Compare', { exact: true }).check()
    await page.getByRole('table', { name: /^Compared kernel/ }).waitFor()
    await page.locator('h1').click()
    await page.waitForTimeout(300)
    const compared = [...(await stepWithKey(page, 'ArrowLeft', STEPS)), ...(await stepWithKey(page, 'ArrowRight', STEPS))]
    console.log(`compare mode, key → React commit: ${stats(compared.map((t) => t.shownMs))}`)
    console.log(`compare mode, key → frame painted: ${stats(compared.map((t) => t.frameMs))}`)
    await context.close()
  } finally {
    await browser.close()
    server.kill()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
