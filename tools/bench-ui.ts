/**
 * `npm run --silent bench:ui -- [--json] [--no-build] [--trace FILE]`: the scale targets,
 * measured in headless Debian Chromium (playwright-core) against the built app.
 *
 *   1. builds the app (vite build, into node_modules/.cache/bench-ui-dist, so a
 *      concurrent Playwright run's dist/ is left alone) and serves it with
 *      `vite preview` on a free port (never 4173, which the e2e tests use);
 *   2. longestTaskMs: with the app started (on the small seed scenario, whose
 *      start-up task is printed on stderr but not counted), chooses the
 *      built-in `stress-65530` scenario (65,530 VMAs) in the Scenario list and
 *      records the longest task of the page's main thread (a Chrome trace's
 *      ThreadControllerImpl::RunTask events, "toplevel" category, so tasks under 50 ms are measured too) from the choice
 *      until 500 ms after its last step is drawn; the "longtask" entries
 *      (PerformanceObserver, 50 ms or more) are printed on stderr as a cross-check;
 *      loadToFirstFrameMs: from that choice (the select's change event) to the
 *      end of the main-thread work of the first frame that shows its 65,530
 *      VMAs (the VMA table's aria-rowcount reaches 65,531);
 *   3. framesP95Ms: scripted wheel zoom and drag pan over the address-space
 *      view at 65,530 VMAs; frame time = from a frame's start (the rAF
 *      timestamp: the frame's input events are handled after it) to the end
 *      of that frame's main-thread work (style, layout, paint), measured by a
 *      message posted from the rAF callback. Headless Chromium paces frames
 *      at 60 Hz whatever the flags, so the interval between frames says
 *      nothing below 16.7 ms; the work per frame does;
 *   4. stepJumpP95Ms: opens `stress-mprotect-sweep` (60,001 steps, up to
 *      60,000 VMAs) and moves the step slider to 60 random steps (the same
 *      ones on every run, 50 ms apart); each jump is
 *      timed from the store's step change (vmascope:step-requested) to the
 *      end of the main-thread work (style, layout, paint) of the frame that
 *      first shows the new step (vmascope:step-frame); stepJumpMaxMs is the
 *      slowest of them and firstJumpMs the first (the first jump after the
 *      trace is loaded, which runs cold code), both also in the p95;
 *   5. bundleGzipKB: the main chunk gzipped (tools/check-bundle.mjs).
 *
 * --json prints exactly {"vmas","framesP95Ms","stepJumpP95Ms","stepJumpMaxMs","firstJumpMs",
 * "longestTaskMs","loadToFirstFrameMs","bundleGzipKB"} on stdout; progress and the
 * machine/Chromium line go to stderr.
 *
 * --trace FILE writes a Chrome trace (Perfetto / DevTools "Load profile") of the step
 * jumps, every thread of the page including the engine worker, with JavaScript
 * samples: where a jump's time goes. Tracing slows the page, so its figures are
 * not comparable with an untraced run's.
 */
import { writeFileSync } from 'node:fs'
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { cpus } from 'node:os'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { chromium, type Page } from 'playwright-core'
// @ts-expect-error -- a plain .mjs tool without types
import { mainChunkSize } from './check-bundle.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const OUT_DIR = fileURLToPath(new URL('../node_modules/.cache/bench-ui-dist', import.meta.url))
const VITE = fileURLToPath(new URL('../node_modules/vite/bin/vite.js', import.meta.url))
const EXECUTABLE = process.env.VMASCOPE_CHROMIUM ?? '/usr/bin/chromium'
const JSON_OUTPUT = process.argv.includes('--json')
const BUILD = !process.argv.includes('--no-build')
const TRACE_INDEX = process.argv.indexOf('--trace')
const TRACE_FILE = TRACE_INDEX > 0 ? process.argv[TRACE_INDEX + 1] : undefined
if (TRACE_INDEX > 0 && (!TRACE_FILE || TRACE_FILE.startsWith('--'))) {
  process.stderr.write('bench:ui: --trace needs a file name (--trace jumps.json)\n')
  process.exit(2)
}
const STRESS_VMAS = 65530
/** Random jumps measured: the first few after a load run cold code; 60 keep them a small part of the sample. */
const JUMPS = 60

const log = (line: string) => process.stderr.write(`${line}\n`)

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN
}
const round1 = (n: number) => Math.round(n * 10) / 10

async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer()
      server.once('error', reject)
      server.listen(0, () => {
        const address = server.address()
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
      })
    })
    if (port !== 4173 && port !== 0) return port
  }
}

async function serve(port: number): Promise<ChildProcess> {
  const server = spawn(process.execPath, [VITE, 'preview', '--outDir', OUT_DIR, '--port', String(port), '--strictPort'], { cwd: ROOT, stdio: 'ignore' })
  const url = `http://localhost:${port}/`
  for (let attempt = 0; attempt < 150; attempt++) {
    try {
      if ((await fetch(url)).ok) return server
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  server.kill()
  throw new Error(`vite preview did not answer on ${url}`)
}

/** Installed before any page script: long tasks and animation-frame intervals, kept on globalThis. */
const PAGE_PROBES = `
  globalThis.__bench = { longTasks: [], frames: null, chosenAt: null, loadedFrameAt: null }
  // Loading: when the Scenario select changes, and the end of the main-thread work of the
  // first frame whose VMA table counts the stress scenario's rows.
  globalThis.__benchWatchLoad = (rows) => {
    globalThis.__bench.chosenAt = null
    globalThis.__bench.loadedFrameAt = null
    document.addEventListener('change', (event) => {
      if (event.target instanceof HTMLSelectElement && event.target.labels?.[0]?.textContent?.trim() === 'Scenario') globalThis.__bench.chosenAt ??= performance.now()
    }, { capture: true })
    const check = () => {
      const table = document.querySelector('table[aria-label="VMAs"]')
      if (globalThis.__bench.chosenAt === null || table?.getAttribute('aria-rowcount') !== rows) return false
      observer.disconnect()
      requestAnimationFrame(() => {
        const channel = new MessageChannel()
        channel.port1.onmessage = () => { globalThis.__bench.loadedFrameAt = performance.now() }
        channel.port2.postMessage(0)
      })
      return true
    }
    const observer = new MutationObserver(check)
    observer.observe(document.body, { attributes: true, attributeFilter: ['aria-rowcount'], subtree: true, childList: true })
  }
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) globalThis.__bench.longTasks.push(entry.duration)
  }).observe({ type: 'longtask', buffered: true })
  // Per animation frame: from the frame's start (the rAF timestamp; input events of the frame
  // are handled before it) to the end of its main-thread work (a message posted from the rAF
  // callback runs after the frame's style, layout and paint).
  globalThis.__benchFrames = (on) => {
    if (!on) { const f = globalThis.__bench.frames; globalThis.__bench.frames = null; return f }
    const frames = []
    globalThis.__bench.frames = frames
    const channel = new MessageChannel()
    let started = null
    channel.port1.onmessage = () => {
      if (started !== null && globalThis.__bench.frames === frames) frames.push(performance.now() - started)
      started = null
    }
    const tick = (now) => {
      if (globalThis.__bench.frames !== frames) return
      started = now
      channel.port2.postMessage(0)
      requestAnimationFrame(tick)
    }
    requestAnimationFrame(tick)
    return null
  }
`

async function waitForLastStepDrawn(page: Page, vmas: number): Promise<void> {
  await page.waitForFunction(`document.querySelector('table[aria-label="VMAs"]')?.getAttribute('aria-rowcount') === '${vmas + 1}'`, undefined, { timeout: 120_000 })
}

/** What a main-thread task is called in the "toplevel" trace category. */
const TASK_EVENT = 'ThreadControllerImpl::RunTask'

interface TraceEvent {
  ph: string
  name: string
  tid: number
  pid: number
  ts: number
  dur?: number
  args?: { name?: string }
}

/** Records a Chrome trace of the page in `categories`; stop() gives its events. */
async function startTrace(page: Page, categories: string[]): Promise<{ stop(): Promise<TraceEvent[]> }> {
  const cdp = await page.context().newCDPSession(page)
  const events: TraceEvent[] = []
  cdp.on('Tracing.dataCollected', (message) => {
    events.push(...(message.value as unknown as TraceEvent[]))
  })
  await cdp.send('Tracing.start', { categories: [...categories, '__metadata'].join(','), transferMode: 'ReportEvents' })
  return {
    async stop() {
      const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()))
      await cdp.send('Tracing.end')
      await complete
      await cdp.detach()
      return events
    },
  }
}

/** The duration in ms of every task (RunTask, "toplevel" category) of the page's main thread in a trace. */
function mainThreadTasks(events: TraceEvent[]): number[] {
  const mains = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`))
  // A task is a complete event (X) or a begin/end pair (B, E) of the scheduler's RunTask.
  const durations: number[] = []
  const open = new Map<string, number[]>()
  for (const e of events) {
    const thread = `${e.pid}:${e.tid}`
    if (e.name !== TASK_EVENT || !mains.has(thread)) continue
    if (e.ph === 'X') durations.push((e.dur ?? 0) / 1000)
    else if (e.ph === 'B') open.set(thread, [...(open.get(thread) ?? []), e.ts])
    else if (e.ph === 'E') {
      const begun = open.get(thread)?.pop()
      if (begun !== undefined) durations.push((e.ts - begun) / 1000)
    }
  }
  return durations
}

async function measureLoadAndFrames(page: Page, baseUrl: string): Promise<{ longestTaskMs: number; loadToFirstFrameMs: number; framesP95Ms: number }> {
  // The app starts on a small scenario; then the stress scenario is chosen from the Scenario list.
  await page.goto(`${baseUrl}?scenario=seed`)
  await page.getByRole('table', { name: 'VMAs', exact: true }).waitFor()
  await page.waitForTimeout(800)
  const bootTasks = await page.evaluate<number[]>('globalThis.__bench.longTasks.splice(0)')
  log(`app start-up (seed scenario, before measuring): longest main-thread task ${bootTasks.length > 0 ? Math.max(...bootTasks) : 0} ms`)
  await page.evaluate(`globalThis.__benchWatchLoad('${STRESS_VMAS + 1}')`)
  const tracing = await startTrace(page, ['toplevel'])
  await page.getByRole('combobox', { name: 'Scenario', exact: true }).selectOption('stress-65530')
  await waitForLastStepDrawn(page, STRESS_VMAS)
  await page.waitForFunction('globalThis.__bench.loadedFrameAt !== null', undefined, { timeout: 30_000 })
  const loadToFirstFrameMs = await page.evaluate<number>('globalThis.__bench.loadedFrameAt - globalThis.__bench.chosenAt')
  await page.waitForTimeout(500)
  const tasks = mainThreadTasks(await tracing.stop())
  const longestTaskMs = tasks.length > 0 ? Math.max(...tasks) : 0
  const longTasks = await page.evaluate<number[]>('globalThis.__bench.longTasks.slice()')
  log(`loading stress-65530: ${tasks.length} main-thread tasks, the longest ${tasks.sort((a, b) => b - a).slice(0, 5).map((t) => t.toFixed(1)).join(', ')} ms; "longtask" entries: ${longTasks.length > 0 ? longTasks.join(', ') : 'none'}`)

  const view = page.getByTestId('address-space-view').first().locator('svg')
  const box = await view.boundingBox()
  if (!box) throw new Error('the address-space view is not on screen')
  const y = box.y + box.height / 2
  await page.mouse.move(box.x + box.width / 2, y)
  await page.evaluate('globalThis.__benchFrames(true)')
  // Zoom in step by step at a few places, pan by dragging, zoom back out.
  for (const fraction of [0.5, 0.2, 0.8]) {
    await page.mouse.move(box.x + box.width * fraction, y)
    for (let i = 0; i < 12; i++) {
      await page.mouse.wheel(0, -240)
      await page.waitForTimeout(16)
    }
    await page.mouse.down()
    for (let i = 0; i < 20; i++) {
      await page.mouse.move(box.x + box.width * fraction - i * 15, y)
      await page.waitForTimeout(16)
    }
    await page.mouse.up()
    for (let i = 0; i < 12; i++) {
      await page.mouse.wheel(0, 240)
      await page.waitForTimeout(16)
    }
  }
  const frames = await page.evaluate<number[]>('globalThis.__benchFrames(false)')
  log(`frames measured during zoom and pan: ${frames.length}`)
  return { longestTaskMs, loadToFirstFrameMs, framesP95Ms: percentile(frames, 0.95) }
}

/** What --trace records: every thread of the page (the engine worker too), with JavaScript samples. */
const FULL_TRACE = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.frame', 'toplevel', 'v8.execute', 'blink.user_timing', 'disabled-by-default-v8.cpu_profiler']

interface StepJumps {
  p95Ms: number
  maxMs: number
  firstMs: number
}

async function measureStepJumps(page: Page, baseUrl: string): Promise<StepJumps> {
  await page.goto(`${baseUrl}?scenario=stress-mprotect-sweep`)
  const slider = page.getByRole('slider', { name: 'Step' })
  // The scrubber knows the step count at once; the trace is ready when the kernel's pane shows
  // and the engine is no longer busy (simulating 60,001 steps takes a few seconds).
  await page.waitForFunction(
    `document.querySelector('input[type=range]')?.max === '60001' && document.querySelector('[data-pane="primary"]') !== null && document.querySelector('[data-testid=engine-status]')?.textContent === ''`,
    undefined,
    { timeout: 120_000 },
  )
  await page.waitForTimeout(500)
  const tracing = TRACE_FILE ? await startTrace(page, FULL_TRACE) : null
  // A fixed sequence of "random" steps, the same on every run.
  let seed = 60001
  const next = () => (seed = (seed * 48271) % 2147483647)
  const times: number[] = []
  for (let i = 0; i < JUMPS; i++) {
    const step = 1 + (next() % 60001)
    await page.evaluate(() => performance.clearMarks())
    await slider.fill(String(step))
    await page.waitForFunction(
      (s) => performance.getEntriesByName('vmascope:step-frame').some((e) => (e as { detail?: unknown }).detail === s),
      step,
      { timeout: 30_000 },
    )
    times.push(await page.evaluate(`(() => {
      const at = (name) => performance.getEntriesByName(name).filter((e) => e.detail === ${step}).at(-1).startTime
      return at('vmascope:step-frame') - at('vmascope:step-requested')
    })()`))
    await page.waitForTimeout(50)
  }
  if (tracing && TRACE_FILE) {
    const events = await tracing.stop()
    writeFileSync(TRACE_FILE, JSON.stringify({ traceEvents: events }))
    log(`trace of the step jumps: ${TRACE_FILE} (${events.length} events)`)
  }
  log(`step jumps (ms, in order): ${times.map((t) => t.toFixed(1)).join(" ")}`)
  log(`step jumps (ms, sorted): ${[...times].sort((a, b) => a - b).map((t) => t.toFixed(1)).join(' ')}`)
  return { p95Ms: percentile(times, 0.95), maxMs: Math.max(...times), firstMs: times[0] ?? NaN }
}

async function main(): Promise<void> {
  if (BUILD) {
    log('building the app…')
    execFileSync(process.execPath, [VITE, 'build', '--outDir', OUT_DIR, '--emptyOutDir', '--logLevel', 'warn'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
  }
  const bundleGzipKB = round1((mainChunkSize(OUT_DIR) as { gzipKB: number }).gzipKB)
  const port = await freePort()
  const server = await serve(port)
  const browser = await chromium.launch({ executablePath: EXECUTABLE })
  try {
    log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}; chromium ${browser.version()}; vite preview on port ${port}`)
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    await context.addInitScript(PAGE_PROBES)
    const page = await context.newPage()
    const baseUrl = `http://localhost:${port}/`
    const { longestTaskMs, loadToFirstFrameMs, framesP95Ms } = await measureLoadAndFrames(page, baseUrl)
    const jumps = await measureStepJumps(page, baseUrl)
    const figures = {
      vmas: STRESS_VMAS,
      framesP95Ms: round1(framesP95Ms),
      stepJumpP95Ms: round1(jumps.p95Ms),
      stepJumpMaxMs: round1(jumps.maxMs),
      firstJumpMs: round1(jumps.firstMs),
      longestTaskMs: round1(longestTaskMs),
      loadToFirstFrameMs: round1(loadToFirstFrameMs),
      bundleGzipKB,
    }
    if (JSON_OUTPUT) process.stdout.write(`${JSON.stringify(figures)}\n`)
    else for (const [key, value] of Object.entries(figures)) process.stdout.write(`${key}: ${value}\n`)
  } finally {
    await browser.close()
    server.kill()
  }
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error))
  process.exit(1)
})
