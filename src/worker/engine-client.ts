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
import * as Comlink from 'comlink'
import type { Check, KernelId, VmaView } from '../engine/api'
import type { Scenario } from '../scenario/types'
import type { EngineWorkerApi, RunSummary, StepDifferences, StepSummary } from './engine-protocol'
import { stressIdOf } from '../scenario/stress'
import { decodeStepsInChunks, decodeVmasInChunks } from './columns'

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
  /** Per run (generation:runId): every VMA view received, by its dense number (see StepVmasAnswer). */
  private readonly mirrors = new Map<string, { views: VmaView[]; chain: Promise<void> }>()

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
    const summary: RunSummary = { runId: columns.runId, kernel: columns.kernel, steps, simulateMs: columns.simulateMs }
    return { ...summary, generation }
  }

  async stepVmas(run: EngineRun, step: number): Promise<VmaView[]> {
    this.checkGeneration(run)
    const answer = await this.call(`reading the VMAs of step ${step}`, (remote) => remote.stepVmas(run.runId, step))
    const key = `${run.generation}:${run.runId}`
    let mirror = this.mirrors.get(key)
    if (!mirror) {
      mirror = { views: [], chain: Promise.resolve() }
      this.mirrors.set(key, mirror)
    }
    const target = mirror
    // Answers are decoded in the order the worker numbered their fresh views.
    const decoded = target.chain.then(async () => {
      if (answer.freshFrom !== target.views.length) {
        throw new EngineFailure(`VMA views arrived out of order (${answer.freshFrom}, have ${target.views.length})`)
      }
      const fresh: VmaView[] = new Array(answer.fresh.count)
      await drain(decodeVmasInChunks(answer.fresh, fresh, DECODE_CHUNK))
      for (const view of fresh) target.views.push(view)
    })
    target.chain = decoded.catch(() => undefined)
    await decoded
    const { ids } = answer
    const vmas: VmaView[] = new Array(ids.length)
    for (let k = 0; k < ids.length; k++) vmas[k] = target.views[ids[k]!]!
    return vmas
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
    this.mirrors.delete(`${run.generation}:${run.runId}`)
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
