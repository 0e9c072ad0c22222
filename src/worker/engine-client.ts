/**
 * Typed main-thread client of the engine worker (engine.worker.ts).
 *
 * - Every call goes through comlink and returns a promise.
 * - If the worker dies (an uncaught error, a message that cannot be read, or no
 *   answer within `timeoutMs`), every pending call is rejected with an
 *   `EngineFailure` that says what failed, the worker is terminated, and the
 *   next call starts a fresh one. Run ids of the dead worker are then invalid;
 *   `generation` tells callers which worker a run id belongs to.
 * - Choosing between concurrent answers (dropping stale ones) is the caller's
 *   job: see `LatestRequest`.
 */
import type { StepDifferences } from '../engine/differences'
import * as Comlink from 'comlink'
import type { Check, KernelId, VmaView } from '../engine/api'
import type { Scenario } from '../scenario/types'
import type { EngineWorkerApi, RunSummary, StepSummary } from './engine-protocol'
import { stressIdOf } from '../scenario/stress'
import { decodeStepsInChunks, decodeVmasInChunks, type VmaColumns } from './columns'

/** Decoding gives the event loop a turn after this many objects (no long task on the main thread). */
const DECODE_CHUNK = 3000

/** Runs a chunked decoder, yielding to the event loop between chunks (a message, not a clamped timer). */
async function drain(chunks: Generator<void>): Promise<void> {
  for (const _ of chunks) {
    await new Promise<void>((resolve) => {
      const channel = new MessageChannel()
      channel.port1.onmessage = () => resolve()
      channel.port2.postMessage(null)
    })
  }
}

/** The views of one run by record id, in a flat array (ids are dense; a sparse array would turn into a hash table). */
class ViewMirror {
  private views: (VmaView | undefined)[]
  constructor(capacity: number) {
    this.views = new Array<VmaView | undefined>(capacity).fill(undefined)
  }
  set(view: VmaView): void {
    if (view.id >= this.views.length) {
      const grown = new Array<VmaView | undefined>(Math.max(view.id + 1, this.views.length * 2)).fill(undefined)
      for (let i = 0; i < this.views.length; i++) grown[i] = this.views[i]
      this.views = grown
    }
    this.views[view.id] = view
  }
  get(id: number): VmaView | undefined {
    return this.views[id]
  }
}

const mirrorKey = (run: EngineRun) => `${run.generation}:${run.runId}`

export class EngineFailure extends Error {
  override name = 'EngineFailure'
}

export interface EngineRun extends RunSummary {
  /** Which worker holds the trace; bumps each time the worker is replaced. */
  generation: number
}

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
  private readonly timeoutMs: number
  private readonly createWorker: () => Worker
  generation = 0
  /** Per run (generation:runId): every VMA view received, by record id (see StepVmasAnswer). */
  private readonly mirrors = new Map<string, { views: ViewMirror; chain: Promise<void> }>()

  constructor(options: EngineClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.createWorker = options.createWorker ?? createEngineWorker
  }

  async run(scenario: Scenario, kernel: KernelId): Promise<EngineRun> {
    const generation = this.ensureWorker().generation
    const stress = stressIdOf(scenario)
    const columns = await this.call(`simulating on kernel ${kernel}`, (remote) => remote.run(stress ? { stress } : scenario, kernel))
    const steps: StepSummary[] = new Array(columns.steps.count)
    await drain(decodeStepsInChunks(columns.steps, steps, DECODE_CHUNK))
    const summary: RunSummary = { runId: columns.runId, kernel: columns.kernel, steps, simulateMs: columns.simulateMs, recordCount: columns.recordCount }
    const run: EngineRun = { ...summary, generation }
    this.mirrors.set(mirrorKey(run), { views: new ViewMirror(columns.recordCount + 1), chain: Promise.resolve() })
    return run
  }

  /** The VMAs after each of `steps`, in the order asked, in one round trip. */
  async stepVmas(run: EngineRun, steps: number[]): Promise<VmaView[][]> {
    return (await this.stepVmasAndChecks(run, steps)).lists
  }

  /** As stepVmas, plus the decision record of step `checksOf` in the same round trip. */
  async stepVmasAndChecks(run: EngineRun, steps: number[], checksOf?: number): Promise<{ lists: VmaView[][]; checks: Check[] | null }> {
    this.checkGeneration(run)
    const answer = await this.call(`reading the VMAs of step ${steps.join(' and ')}`, (remote) => remote.stepVmas(run.runId, steps, checksOf))
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
    return { lists, checks: answer.checks }
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
      this.worker = worker
      this.remote = Comlink.wrap<EngineWorkerApi>(worker)
    }
    return { remote: this.remote, generation: this.generation }
  }

  private call<T>(what: string, invoke: (remote: Comlink.Remote<EngineWorkerApi>) => Promise<T>): Promise<T> {
    const { remote } = this.ensureWorker()
    return new Promise<T>((resolve, reject) => {
      let settled = false
      const settle = () => {
        settled = true
        clearTimeout(timer)
        this.pending.delete(onFailure)
      }
      const onFailure = (failure: EngineFailure) => {
        if (settled) return
        settle()
        reject(failure)
      }
      const timer = setTimeout(() => {
        this.fail(new EngineFailure(`the engine did not answer within ${Math.round(this.timeoutMs / 1000)} s while ${what}; it was stopped`))
      }, this.timeoutMs)
      this.pending.add(onFailure)
      invoke(remote).then(
        (value) => {
          if (settled) return
          settle()
          resolve(value)
        },
        (error: unknown) => {
          if (settled) return
          settle()
          reject(new EngineFailure(`the engine failed while ${what}: ${describeError(error)}`))
        },
      )
    })
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
