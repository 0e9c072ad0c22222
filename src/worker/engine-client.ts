/**
 * Typed main-thread client of the engine worker (engine.worker.ts).
 *
 * - Every call goes through comlink and returns a promise.
 * - A run reports its progress (`onProgress`, with the steps taken so far, so
 *   the page can show them before the run ends) and can be cancelled.
 * - The watchdog watches the worker, not each call: while anything is
 *   pending, the worker must be heard from (an answer or a run's progress
 *   report) at least every `timeoutMs`. A worker that falls silent that long,
 *   throws, sends an unreadable message or dies (out of memory) is
 *   terminated; every pending call is rejected with an `EngineFailure` that
 *   says what failed, and the next call starts a fresh one. Run ids of the
 *   dead worker are then invalid; `generation` tells callers which worker a
 *   run id belongs to.
 * - Choosing between concurrent answers (dropping stale ones) is the caller's
 *   job: see `LatestRequest`.
 */
import type { StepDifferences } from '../engine/differences'
import * as Comlink from 'comlink'
import type { Check, KernelId, VmaView } from '../engine/api'
import type { Scenario } from '../scenario/types'
import type { EngineWorkerApi, RecordedStepAnswer, RecordingColumns, RecordingProgress, RecordingRefused, RunColumns, RunEnd, RunProgress, RunSummary, StepSummary } from './engine-protocol'
import { stressIdOf } from '../scenario/stress'
import { scenarioTextOf } from '../scenario/known-text'
import { decodeStepsInChunks, decodeVmasInChunks, type VmaColumns } from './columns'
import { nextTurn } from './next-turn'

/** Decoding gives the event loop a turn after this many objects (no long task on the main thread). */
const DECODE_CHUNK = 3000

/**
 * A scenario of this many steps or more, with no known text, goes to the
 * worker as JSON text written `TEXT_CHUNK` steps at a time: a structured clone
 * of an edited 65,530-step scenario held the main thread ~44 ms in one task.
 * The text is UTF-8 bytes: posting the bytes is one memory copy, where posting
 * the string built from the slices held the main thread ~54 ms more.
 */
const TEXT_FROM_STEPS = 4000
const TEXT_CHUNK = 3000

/** `JSON.stringify(scenario)`, steps first, as UTF-8, in slices with a turn of the event loop between them. */
async function scenarioTextInSlices(scenario: Scenario): Promise<Uint8Array> {
  const { steps, ...rest } = scenario
  const encoder = new TextEncoder()
  const parts: Uint8Array[] = [encoder.encode('{"steps":[')]
  for (let i = 0; i < steps.length; i += TEXT_CHUNK) {
    parts.push(encoder.encode((i === 0 ? '' : ',') + JSON.stringify(steps.slice(i, i + TEXT_CHUNK)).slice(1, -1)))
    await nextTurn()
  }
  const shell = JSON.stringify(rest)
  parts.push(encoder.encode(shell === '{}' ? ']}' : '],' + shell.slice(1)))
  const text = new Uint8Array(parts.reduce((n, part) => n + part.length, 0))
  let at = 0
  for (const part of parts) {
    text.set(part, at)
    at += part.length
  }
  return text
}

/** Runs a chunked decoder, giving the event loop a turn between chunks. */
async function drain(chunks: Generator<void>): Promise<void> {
  for (const _ of chunks) await nextTurn()
}

/** Views per page of a ViewMirror. */
const MIRROR_PAGE = 4096

/**
 * The views of one run by record id, in pages of dense arrays (ids are dense; a sparse array
 * would turn into a hash table). Pages, not one array: a 1,000,000-step run has millions of
 * records, and growing one array copies them all in one task (45 ms and more at a million).
 */
class ViewMirror {
  private readonly pages: (VmaView | undefined)[][] = []
  set(view: VmaView): void {
    const at = Math.floor(view.id / MIRROR_PAGE)
    while (this.pages.length <= at) this.pages.push(new Array<VmaView | undefined>(MIRROR_PAGE).fill(undefined))
    this.pages[at]![view.id % MIRROR_PAGE] = view
  }
  get(id: number): VmaView | undefined {
    return this.pages[Math.floor(id / MIRROR_PAGE)]?.[id % MIRROR_PAGE]
  }
}

const mirrorKey = (run: { generation: number; runId: number }) => `${run.generation}:${run.runId}`

export class EngineFailure extends Error {
  override name = 'EngineFailure'
  /**
   * Why a run ended without a trace, when it did not fail: cancelled, or too
   * large for the explorer's memory; a defect of the simulated kernel. Null
   * when the worker itself failed (it was replaced).
   */
  readonly end: RunEnd | null
  constructor(message: string, end: RunEnd | null = null) {
    super(message)
    this.end = end
  }
}

export interface EngineRun extends RunSummary {
  /** Which worker holds the trace; bumps each time the worker is replaced. */
  generation: number
  /** While the run is still going (a progress report): steps taken and the scenario's total. */
  partial?: { done: number; total: number; bytes: number }
}

export interface RunOptions {
  /** Hears from the run every few hundred ms, with the steps taken so far (a run whose steps up to `done` can be shown). */
  onProgress?(run: EngineRun): void
  /** Aborting it cancels the run; `run` then rejects with an EngineFailure whose `end` is 'cancelled'. */
  signal?: AbortSignal
}

const RUN_ENDS: readonly string[] = ['cancelled', 'too-large', 'defect'] satisfies RunEnd[]

export interface EngineClientOptions {
  /** How long one call may take before the worker is declared hung and replaced. */
  timeoutMs?: number
  createWorker?: () => Worker
}

const DEFAULT_TIMEOUT_MS = 30_000

function createEngineWorker(): Worker {
  return new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name: 'vmascope-engine' })
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}

export class EngineClient {
  private worker: Worker | null = null
  private remote: Comlink.Remote<EngineWorkerApi> | null = null
  private readonly pending = new Set<(failure: EngineFailure) => void>()
  private tickets = 0
  /** When the worker was last heard from (any message), for the watchdog. */
  private lastHeard = 0
  private watchdog: ReturnType<typeof setInterval> | undefined
  private readonly timeoutMs: number
  private readonly createWorker: () => Worker
  generation = 0
  /** Per run (generation:runId): every VMA view received, by record id (see StepVmasAnswer). */
  private readonly mirrors = new Map<string, { views: ViewMirror; chain: Promise<void> }>()
  /** The text last written for a large scenario (another kernel's run of it reuses it). */
  private written: { scenario: Scenario; text: Promise<Uint8Array> } | null = null

  constructor(options: EngineClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.createWorker = options.createWorker ?? createEngineWorker
  }

  async run(scenario: Scenario, kernel: KernelId, options: RunOptions = {}): Promise<EngineRun> {
    const cancelled = () => new EngineFailure(`the run of kernel ${kernel} was cancelled`, 'cancelled')
    // Aborted before it began (its signal's 'abort' event has passed): nothing is asked of the worker.
    if (options.signal?.aborted) throw cancelled()
    const stress = stressIdOf(scenario)
    let text = stress === undefined ? scenarioTextOf(scenario) : undefined
    if (stress === undefined && text === undefined && scenario.steps.length >= TEXT_FROM_STEPS) {
      if (this.written?.scenario !== scenario) this.written = { scenario, text: scenarioTextInSlices(scenario) }
      text = await this.written.text
      if (options.signal?.aborted) throw cancelled()
    }
    const { remote, generation } = this.ensureWorker()
    const ticket = ++this.tickets
    const steps: StepSummary[] = []
    let recordCount = 0
    // Reports are decoded in the order they came, each in short chunks.
    let decoded = Promise.resolve()
    const append = (columns: RunColumns) => {
      decoded = decoded.then(async () => {
        recordCount = columns.recordCount
        const chunk: StepSummary[] = new Array(columns.steps.count)
        await drain(decodeStepsInChunks(columns.steps, chunk, DECODE_CHUNK))
        for (let i = 0; i < chunk.length; i++) steps[columns.from - 1 + i] = chunk[i]!
      })
      return decoded
    }
    const onProgress = Comlink.proxy((progress: RunProgress) => {
      void append(progress).then(() => {
        if (options.signal?.aborted || generation !== this.generation) return
        this.mirrorFor({ generation, runId: progress.runId })
        options.onProgress?.({
          runId: progress.runId,
          kernel,
          steps: steps.slice(),
          simulateMs: progress.simulateMs,
          recordCount: progress.recordCount,
          generation,
          partial: { done: progress.done, total: progress.total, bytes: progress.bytes },
        })
      })
    })
    const onAbort = () => void remote.cancel(ticket).catch(() => undefined)
    options.signal?.addEventListener('abort', onAbort)
    try {
      const columns = await this.call(`simulating on kernel ${kernel}`, () => remote.run(stress ? { stress } : text !== undefined ? { json: text } : scenario, kernel, ticket, onProgress))
      await append(columns)
      const summary: RunSummary = { runId: columns.runId, kernel: columns.kernel, steps, simulateMs: columns.simulateMs, recordCount }
      const run: EngineRun = { ...summary, generation }
      this.mirrorFor(run)
      return run
    } finally {
      options.signal?.removeEventListener('abort', onAbort)
    }
  }

  /** The run's view mirror, made on first use (a run in progress gets one with its first report). */
  private mirrorFor(run: { generation: number; runId: number }): void {
    const key = mirrorKey(run)
    if (!this.mirrors.has(key)) this.mirrors.set(key, { views: new ViewMirror(), chain: Promise.resolve() })
  }

  /** The VMAs after each of `steps`, in the order asked, in one round trip. */
  async stepVmas(run: EngineRun, steps: number[]): Promise<VmaView[][]> {
    this.checkGeneration(run)
    const answer = await this.call(`reading the VMAs of step ${steps.join(' and ')}`, (remote) => remote.stepVmas(run.runId, steps))
    const views = await this.receive(run, answer.fresh)
    const lists = answer.lists.map((ids) => {
      const vmas: VmaView[] = new Array(ids.length)
      for (let k = 0; k < ids.length; k++) {
        const view = views.get(ids[k]!)
        if (!view) throw new EngineFailure(`the engine listed VMA ${ids[k]} at step ${steps.join('/')} without sending it`)
        vmas[k] = view
      }
      return vmas
    })
    return lists
  }

  /**
   * Views this client already holds, by record id: those of any step fetched
   * with `stepVmas`, and of the VMAs such a step removed. undefined if one is missing.
   */
  viewsOf(run: EngineRun, ids: readonly number[]): VmaView[] | undefined {
    const mirror = this.mirrors.get(mirrorKey(run))
    if (!mirror) return undefined
    const out: VmaView[] = new Array(ids.length)
    for (let k = 0; k < ids.length; k++) {
      const view = mirror.views.get(ids[k]!)
      if (!view) return undefined
      out[k] = view
    }
    return out
  }

  /**
   * Fetches the views of all of a run's VMA records ahead of the steps that
   * show them, `chunk` records per call (each call and its decoding are short
   * tasks, so steps asked for meanwhile are answered between two chunks).
   * Stops early, without failing, when `keepGoing` says so or the run is gone.
   */
  async prefetchViews(run: EngineRun, chunk: number, keepGoing: () => boolean): Promise<void> {
    for (let from = 1; from <= run.recordCount && keepGoing(); from += chunk) {
      if (run.generation !== this.generation || !this.mirrors.has(mirrorKey(run))) return
      const fresh = await this.call('reading VMAs ahead', (remote) => remote.recordViews(run.runId, from, chunk))
      await this.receive(run, fresh)
    }
  }

  /** Decodes views the worker sent into the run's mirror, in the order answers arrive (a later answer may list views an earlier one carried). */
  private async receive(run: EngineRun, columns: VmaColumns): Promise<ViewMirror> {
    const mirror = this.mirrors.get(mirrorKey(run))
    if (!mirror) throw new EngineFailure(`kernel ${run.kernel}'s run was released`)
    const decoded = mirror.chain.then(async () => {
      const fresh: VmaView[] = new Array(columns.count)
      await drain(decodeVmasInChunks(columns, fresh, DECODE_CHUNK))
      for (const view of fresh) mirror.views.set(view)
    })
    mirror.chain = decoded.catch(() => undefined)
    await decoded
    return mirror.views
  }

  stepChecks(run: EngineRun, step: number): Promise<Check[]> {
    this.checkGeneration(run)
    return this.call(`explaining step ${step}`, (remote) => remote.stepChecks(run.runId, step))
  }

  differingSteps(a: EngineRun, b: EngineRun): Promise<StepDifferences> {
    this.checkGeneration(a)
    this.checkGeneration(b)
    return this.call('comparing two kernels', (remote) => remote.differingSteps(a.runId, b.runId))
  }

  /**
   * Compares a recorder document with a finished run, in the worker (parsing
   * 3 MB and comparing 65,530 steps never blocks the page); `onProgress`
   * hears every few hundred ms, which also keeps the watchdog fed.
   */
  openRecording(run: EngineRun, text: string, onProgress?: (progress: RecordingProgress) => void): Promise<RecordingColumns | RecordingRefused> {
    this.checkGeneration(run)
    const progress = Comlink.proxy((report: RecordingProgress) => onProgress?.(report))
    return this.call<RecordingColumns | RecordingRefused>(`comparing a recording with kernel ${run.kernel}`, (remote) => remote.openRecording(text, run.runId, progress))
  }

  /** One step of a recording kept in the worker, against the run it was compared with. */
  recordedStep(run: EngineRun, recordingId: number, step: number): Promise<RecordedStepAnswer> {
    this.checkGeneration(run)
    return this.call(`reading step ${step} of the recording`, (remote) => remote.recordedStep(recordingId, run.runId, step))
  }

  releaseRecording(run: EngineRun, recordingId: number): void {
    if (run.generation !== this.generation || !this.remote) return
    this.remote.releaseRecording(recordingId).catch(() => undefined)
  }

  release(run: EngineRun): void {
    this.mirrors.delete(mirrorKey(run))
    if (run.generation !== this.generation || !this.remote) return
    this.remote.release(run.runId).catch(() => undefined)
  }

  dispose(): void {
    this.fail(new EngineFailure('the engine was shut down'))
  }

  private checkGeneration(run: EngineRun): void {
    if (run.generation !== this.generation || !this.worker) {
      throw new EngineFailure(`the engine worker that computed kernel ${run.kernel} has stopped; run the scenario again`)
    }
  }

  private ensureWorker(): { remote: Comlink.Remote<EngineWorkerApi>; generation: number } {
    if (!this.worker || !this.remote) {
      const worker = this.createWorker()
      worker.addEventListener('error', (event) => {
        event.preventDefault()
        this.fail(new EngineFailure(`the engine worker failed: ${event.message || 'it could not start (a script error)'}`))
      })
      worker.addEventListener('messageerror', () => {
        this.fail(new EngineFailure('the engine worker sent a message that could not be read'))
      })
      worker.addEventListener('message', () => {
        this.lastHeard = performance.now()
      })
      this.worker = worker
      this.remote = Comlink.wrap<EngineWorkerApi>(worker)
    }
    return { remote: this.remote, generation: this.generation }
  }

  private call<T>(what: string, invoke: (remote: Comlink.Remote<EngineWorkerApi>) => Promise<T>): Promise<T> {
    const { remote } = this.ensureWorker()
    if (this.pending.size === 0) this.lastHeard = performance.now()
    this.startWatchdog()
    return new Promise<T>((resolve, reject) => {
      let settled = false
      const settle = () => {
        settled = true
        this.pending.delete(onFailure)
      }
      const onFailure = (failure: EngineFailure) => {
        if (settled) return
        settle()
        reject(failure)
      }
      const silence = () => {
        this.fail(new EngineFailure(`the engine did not answer for ${Math.round(this.timeoutMs / 1000)} s while ${what}; it was stopped`))
      }
      this.pending.add(Object.assign(onFailure, { silence }))
      invoke(remote).then(
        (value) => {
          if (settled) return
          settle()
          resolve(value)
        },
        (error: unknown) => {
          if (settled) return
          settle()
          const end = error instanceof Error && RUN_ENDS.includes(error.name) ? (error.name as RunEnd) : null
          reject(new EngineFailure(end ? describeError(error) : `the engine failed while ${what}: ${describeError(error)}`, end))
        },
      )
    })
  }

  /** Checks once a second that a worker with calls pending has been heard from within timeoutMs. */
  private startWatchdog(): void {
    if (this.watchdog !== undefined) return
    this.watchdog = setInterval(() => {
      if (this.pending.size === 0) {
        clearInterval(this.watchdog)
        this.watchdog = undefined
        return
      }
      if (performance.now() - this.lastHeard > this.timeoutMs) {
        const first = this.pending.values().next().value as ((failure: EngineFailure) => void) & { silence?(): void }
        first.silence?.()
      }
    }, Math.min(1000, this.timeoutMs / 2))
  }

  /** Rejects every pending call, terminates the worker and lets the next call start a new one. */
  private fail(failure: EngineFailure): void {
    this.mirrors.clear()
    const worker = this.worker
    this.worker = null
    this.remote = null
    if (worker) {
      worker.terminate()
      this.generation += 1
    }
    for (const reject of [...this.pending]) reject(failure)
    this.pending.clear()
  }
}

/**
 * Request ids for one kind of request: only the answer to the latest request
 * is used; an answer that arrives after a newer request was made is stale.
 */
export class LatestRequest {
  private latest = 0

  begin(): number {
    this.latest += 1
    return this.latest
  }

  isCurrent(id: number): boolean {
    return id === this.latest
  }
}
