/**
 * The bridge between the store (what the user asked for) and the engine worker
 * (what the kernel answered). Everything that cannot be serialised lives here,
 * outside the store: the worker client, the runs it holds, the cache of VMAs
 * per step.
 *
 * - When the scenario or a kernel changes, it re-runs that side in the worker.
 *   The previous run stays on screen until the new one is ready (including the
 *   VMAs of the current step), and an answer that a newer request has
 *   overtaken is dropped (LatestRequest).
 * - If the engine fails, `failure` says what failed and the last good runs stay.
 * - VMAs are fetched one step at a time (`loadStep`), kept in a small LRU
 *   cache, and the neighbours of the shown step are prefetched so that the next
 *   step can be drawn in the same frame as the key press.
 */
import type { DifferenceKind } from '../../engine/differences'
import type { Check, KernelId, StepResult, VmaView } from '../../engine/api'
import { viewsBefore } from '../../engine/by-start'
import type { Scenario } from '../../scenario/types'
import type { ExplorerStore, ExplorerStoreState } from '../../store/explorer-store'
import { plainStep } from '../../worker/columns'
import { EngineClient, LatestRequest, type EngineRun } from '../../worker/engine-client'

export type Side = 'primary' | 'compare'

export interface SideRun extends EngineRun {
  scenario: Scenario
}

/** One step ready to draw: the VMAs after it and before it, from one run. */
export interface ShownStep {
  run: SideRun
  step: number
  /** The step's result with its checks; null for step 0 (the initial state). */
  result: StepResult | null
  vmas: VmaView[]
  previousVmas: VmaView[]
  /** The VMAs the step created (in `vmas`) and removed (in `previousVmas`), in address order. */
  created: VmaView[]
  removed: VmaView[]
}

export interface SessionSnapshot {
  primary: SideRun | null
  compare: SideRun | null
  /** Steps whose results differ between the two kernels, with what differs; null when not comparing (or not known yet). */
  differing: ReadonlyMap<number, DifferenceKind> | null
  /** A run is in flight. */
  busy: boolean
  /** What failed, in words; null when the last requests succeeded. */
  failure: string | null
  /** Bumps whenever more VMAs are cached, so views waiting for a step re-render. */
  vmaVersion: number
}

type FailureSlot = Side | 'compare-steps' | 'vmas'

const CACHE_LIMIT = 128
/** VMAs kept in all in a cache of VMA lists: about 16 steps of 60,000 VMAs. */
const CACHE_VMA_BUDGET = 1_000_000
/** Steps around the shown one that are fetched ahead of time (relative offsets). */
const PREFETCH_OFFSETS = [1, -1, 2, -2]
/** Above this many VMAs in the shown step, only the next step in the direction of travel is prefetched. */
const PREFETCH_MAX_VMAS = 4000

/** Runs that made this many VMA records have all their VMAs fetched ahead (see replaceRun)… */
const PREFETCH_ALL_MIN_RECORDS = 5000
/** …up to this many (about 150 bytes each on the page). */
const PREFETCH_ALL_MAX_RECORDS = 500_000
const PREFETCH_ALL_CHUNK = 5000

const NO_VMAS: VmaView[] = []
const byStart = (a: VmaView, b: VmaView) => a.start - b.start

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

export class EngineSession {
  private snapshot: SessionSnapshot = { primary: null, compare: null, differing: null, busy: false, failure: null, vmaVersion: 0 }
  private readonly failures = new Map<FailureSlot, string>()
  private readonly listeners = new Set<() => void>()
  private readonly latest: Record<Side, LatestRequest> = { primary: new LatestRequest(), compare: new LatestRequest() }
  private readonly inFlight: Record<Side, boolean> = { primary: false, compare: false }
  private readonly wanted: Record<Side, { scenario: Scenario; kernel: KernelId } | null> = { primary: null, compare: null }
  private readonly latestDiff = new LatestRequest()
  private readonly vmaCache = new Map<string, VmaView[]>()
  private readonly vmaLoads = new Map<string, Promise<VmaView[]>>()
  private readonly checksCache = new Map<string, Check[]>()
  private readonly checksLoads = new Map<string, Promise<Check[]>>()
  private readonly shownCache = new Map<string, ShownStep>()
  /** The last change of the store's step (+1 / -1 while the user steps one by one). */
  private lastMove = 0
  private readonly store: ExplorerStore
  private readonly client: EngineClient

  constructor(store: ExplorerStore, client: EngineClient = new EngineClient()) {
    this.store = store
    this.client = client
  }

  /** Starts following the store; returns a function that stops it. */
  start(): () => void {
    this.sync(this.store.getState())
    const unsubscribe = this.store.subscribe((state, previous) => {
      if (
        state.scenario !== previous.scenario ||
        state.kernel !== previous.kernel ||
        state.compare !== previous.compare ||
        state.compareKernel !== previous.compareKernel
      ) {
        this.sync(state)
      } else if (state.step !== previous.step) {
        this.lastMove = state.step - previous.step
        // Ask the worker now, not after React has drawn the step change: both then run at once.
        for (const run of [this.snapshot.primary, this.snapshot.compare]) {
          if (!run) continue
          const step = Math.min(state.step, run.steps.length)
          if (!this.shownStep(run, step)) void this.loadStep(run, step)
        }
      }
    })
    return () => {
      unsubscribe()
      this.client.dispose()
    }
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  getSnapshot = (): SessionSnapshot => this.snapshot

  /** Runs both sides again (after a failure). */
  retry(): void {
    this.failures.clear()
    this.publish({})
    this.sync(this.store.getState(), true)
  }

  /** The step, ready to draw, if its VMAs (and the previous step's) are cached; else undefined. */
  shownStep(run: SideRun, step: number): ShownStep | undefined {
    const key = `${run.generation}:${run.runId}:${step}`
    const known = this.shownCache.get(key)
    if (known) return known
    const vmas = this.cached(run, step)
    const summary = step > 0 ? run.steps[step - 1] : undefined
    const checks = summary ? this.checksCache.get(key) : []
    if (!vmas || !checks) return undefined
    // The step before, from this one: the worker sent the views of the VMAs the step removed
    // (those it created are in the step's own list).
    const removed = summary ? this.client.viewsOf(run, summary.removed)?.sort(byStart) : NO_VMAS
    const created = summary ? this.client.viewsOf(run, summary.created)?.sort(byStart) : NO_VMAS
    if (!removed || !created) return undefined
    const previousVmas = summary ? viewsBefore(vmas, created, removed) : vmas
    const result: StepResult | null = summary ? { ...plainStep(summary), checks } : null
    const shown: ShownStep = { run, step, result, vmas, previousVmas, created, removed }
    this.remember(this.shownCache, key, shown, (kept) => kept.vmas.length + kept.previousVmas.length)
    return shown
  }

  /** Fetches what `shownStep(run, step)` needs, then notifies; a failure is reported in the snapshot. */
  async loadStep(run: SideRun, step: number): Promise<void> {
    try {
      await this.fetchStep(run, step)
      this.setFailure('vmas', null)
    } catch (error) {
      // A run replaced meanwhile (and released) is no one's concern.
      if (this.snapshot.primary === run || this.snapshot.compare === run) this.setFailure('vmas', `Kernel ${run.kernel}, step ${step}: ${describe(error)}`)
    }
  }

  private async fetchStep(run: SideRun, step: number): Promise<void> {
    await Promise.all(step > 0 ? [this.vmas(run, [step], step), this.checks(run, step)] : [this.vmas(run, [step])])
    this.publish({ vmaVersion: this.snapshot.vmaVersion + 1 })
  }

  /** Fetches the neighbours of `step` in the background; failures here are silent (the real load reports them). */
  prefetchAround(run: SideRun, step: number): void {
    const last = run.steps.length
    // Tens of thousands of VMAs per step: only while the user steps one by one, the next step in
    // that direction (an id list derived from the shown step in the worker: a few ms). More, or
    // after a jump, would keep the worker busy and make garbage when the next jump comes.
    const large = (run.steps[Math.max(step, 1) - 1]?.mapCount ?? 0) > PREFETCH_MAX_VMAS
    const offsets = !large ? PREFETCH_OFFSETS : this.lastMove === 1 || this.lastMove === -1 ? [this.lastMove] : []
    for (const offset of offsets) {
      const s = step + offset
      if (s < 0 || s > last) continue
      if (!this.cached(run, s)) this.vmas(run, [s], s > 0 ? s : undefined).catch(() => undefined)
      if (s > 0) this.checks(run, s).catch(() => undefined)
    }
  }

  // ------------------------------------------------------------------ runs

  private sync(state: ExplorerStoreState, force = false): void {
    this.want('primary', { scenario: state.scenario, kernel: state.kernel }, force)
    this.want('compare', state.compare ? { scenario: state.scenario, kernel: state.compareKernel } : null, force)
  }

  private want(side: Side, wanted: { scenario: Scenario; kernel: KernelId } | null, force: boolean): void {
    const previous = this.wanted[side]
    if (!force && previous?.scenario === wanted?.scenario && previous?.kernel === wanted?.kernel) return
    this.wanted[side] = wanted
    if (!wanted) {
      this.latest[side].begin() // drops any answer still on its way
      this.inFlight[side] = false
      this.replaceRun(side, null)
      return
    }
    void this.runSide(side, wanted.scenario, wanted.kernel)
  }

  private async runSide(side: Side, scenario: Scenario, kernel: KernelId): Promise<void> {
    const request = this.latest[side].begin()
    this.inFlight[side] = true
    this.publish({})
    try {
      const run: SideRun = { ...(await this.client.run(scenario, kernel)), scenario }
      // Have the current step ready before the run replaces what is on screen.
      await this.fetchStep(run, Math.min(this.store.getState().step, run.steps.length))
      if (!this.latest[side].isCurrent(request)) {
        this.client.release(run)
        return
      }
      this.inFlight[side] = false
      this.failures.delete(side)
      this.replaceRun(side, run)
    } catch (error) {
      if (!this.latest[side].isCurrent(request)) return
      this.inFlight[side] = false
      this.setFailure(side, `Kernel ${kernel}: ${describe(error)}`)
    }
  }

  private replaceRun(side: Side, run: SideRun | null): void {
    const old = this.snapshot[side]
    if (old && old !== run) this.client.release(old)
    if (!run) this.failures.delete(side)
    this.publish({ [side]: run, differing: null })
    void this.updateDiffering()
    if (run && run.recordCount >= PREFETCH_ALL_MIN_RECORDS && run.recordCount <= PREFETCH_ALL_MAX_RECORDS) {
      // A first visit to a far step of a large run would carry tens of thousands of new VMAs:
      // fetch them all now, in short tasks, while the user looks at the first step.
      const shown = () => this.snapshot.primary === run || this.snapshot.compare === run
      this.client.prefetchViews(run, PREFETCH_ALL_CHUNK, shown).catch(() => undefined)
    }
  }

  private async updateDiffering(): Promise<void> {
    const request = this.latestDiff.begin()
    const { primary, compare } = this.snapshot
    if (!primary || !compare || primary.scenario !== compare.scenario) return
    try {
      const found = await this.client.differingSteps(primary, compare)
      if (!this.latestDiff.isCurrent(request)) return
      this.failures.delete('compare-steps')
      this.publish({ differing: new Map(found.steps.map((step, i) => [step, found.kinds[i]!])) })
    } catch (error) {
      if (this.latestDiff.isCurrent(request)) this.setFailure('compare-steps', `Comparing kernels: ${describe(error)}`)
    }
  }

  // ------------------------------------------------------------------ VMAs

  private cached(run: SideRun, step: number): VmaView[] | undefined {
    return this.vmaCache.get(`${run.generation}:${run.runId}:${step}`)
  }

  /**
   * The VMAs of each of `steps`; those neither cached nor on their way are asked
   * for in one call, which also brings the checks of step `checksOf` if they are
   * neither cached nor on their way (a jump: one message, not two).
   */
  private vmas(run: SideRun, steps: number[], checksOf?: number): Promise<VmaView[][]> {
    const keyOf = (step: number) => `${run.generation}:${run.runId}:${step}`
    const missing = steps.filter((step) => !this.vmaCache.has(keyOf(step)) && !this.vmaLoads.has(keyOf(step)))
    if (missing.length > 0) {
      const checksKey = checksOf === undefined ? null : keyOf(checksOf)
      const withChecks = checksKey !== null && !this.checksCache.has(checksKey) && !this.checksLoads.has(checksKey)
      const batch = this.client.stepVmasAndChecks(run, missing, withChecks ? checksOf : undefined)
      if (withChecks) this.track(this.checksCache, this.checksLoads, checksKey, batch.then(({ checks }) => checks!))
      missing.forEach((step, i) => {
        this.track(this.vmaCache, this.vmaLoads, keyOf(step), batch.then(({ lists }) => lists[i]!), (kept) => kept.length)
      })
    }
    return Promise.all(steps.map((step) => this.vmaCache.get(keyOf(step)) ?? this.vmaLoads.get(keyOf(step))!))
  }

  /** One request per (run, step) at a time; answers go into an LRU cache. */
  private checks(run: SideRun, step: number): Promise<Check[]> {
    const key = `${run.generation}:${run.runId}:${step}`
    const cached = this.checksCache.get(key)
    if (cached) return Promise.resolve(cached)
    return this.checksLoads.get(key) ?? this.track(this.checksCache, this.checksLoads, key, this.client.stepChecks(run, step))
  }

  /** Notes `answer` as on its way for `key` (in `loads`) until it settles, and caches it when it comes. */
  private track<T>(cache: Map<string, T>, loads: Map<string, Promise<T>>, key: string, answer: Promise<T>, weight?: (value: T) => number): Promise<T> {
    const load = answer
      .then((value) => {
        this.remember(cache, key, value, weight)
        return value
      })
      .finally(() => loads.delete(key))
    loads.set(key, load)
    return load
  }

  /**
   * LRU: at most CACHE_LIMIT entries, and for VMA lists at most CACHE_VMA_BUDGET
   * VMAs in all (each cached list is one more array the garbage collector walks:
   * 128 steps of 60,000 VMAs would make every major GC slow).
   */
  private remember<T>(cache: Map<string, T>, key: string, value: T, weight: (value: T) => number = () => 0): void {
    cache.delete(key)
    cache.set(key, value)
    let total = 0
    for (const kept of cache.values()) total += weight(kept)
    while (cache.size > CACHE_LIMIT || (cache.size > 1 && total > CACHE_VMA_BUDGET)) {
      const oldest = cache.keys().next().value
      if (oldest === undefined) break
      total -= weight(cache.get(oldest)!)
      cache.delete(oldest)
    }
  }

  // ------------------------------------------------------------------ listeners

  private setFailure(slot: FailureSlot, message: string | null): void {
    if (message === null && !this.failures.has(slot)) return
    if (message === null) this.failures.delete(slot)
    else this.failures.set(slot, message)
    this.publish({})
  }

  private publish(change: Partial<SessionSnapshot>): void {
    const failure = this.failures.size > 0 ? [...this.failures.values()].join(' · ') : null
    this.snapshot = { ...this.snapshot, ...change, failure, busy: this.inFlight.primary || this.inFlight.compare }
    for (const listener of this.listeners) listener()
  }
}
