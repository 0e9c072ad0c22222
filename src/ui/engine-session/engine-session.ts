/**
 * The bridge between the store (what the user asked for) and the engine worker
 * (what the kernel answered). Everything that cannot be serialised lives here,
 * outside the store: the worker client, the runs it holds, the cache of VMAs
 * per step.
 *
 * - When the scenario or a kernel changes, it re-runs that side in the worker.
 *   One run per side at a time: a new request cancels the one in flight, and
 *   a request within a burst (something in flight, or another request in the
 *   last SUPERSEDE_SETTLE_MS) waits that long first, so a burst runs only its
 *   last; a lone request runs at once. The
 *   previous run stays on screen until the new one is ready (including the
 *   VMAs of the current step); a long run of a new scenario is shown as it
 *   goes (the steps taken so far), with its progress, and can be cancelled.
 * - If a run fails or is cancelled, the last good run comes back on screen
 *   and the store is set back to it (scenario, kernel, step), so what the
 *   page shows is always one run; `failure` says what failed, naming the
 *   kernel. If the worker itself died, the last good runs are run again in a
 *   fresh one, so stepping works again.
 * - VMAs are fetched one step at a time (`loadStep`), kept in a small LRU
 *   cache, and the neighbours of the shown step are prefetched so that the next
 *   step can be drawn in the same frame as the key press.
 * - A step is drawn as soon as its VMAs are here; its decision record (the
 *   checks, which the worker writes by re-running the step) is asked for right
 *   after and fills in the Why panel when it comes (`checksPending` until then),
 *   so a jump waits for the VMAs only.
 */
import type { DifferenceKind } from '../../engine/differences'
import type { Check, KernelId, StepResult, VmaView } from '../../engine/api'
import { viewsBefore } from '../../engine/by-start'
import type { Scenario } from '../../scenario/types'
import type { ExplorerStore, ExplorerStoreState } from '../../store/explorer-store'
import { plainStep } from '../../worker/columns'
import { EngineClient, EngineFailure, LatestRequest, type EngineRun } from '../../worker/engine-client'
import type { RecordedStepAnswer, RecordingColumns, RecordingProgress, RecordingRefused } from '../../worker/engine-protocol'

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
  /** The step's checks are on their way: `result.checks` is empty until they come (a new ShownStep then). */
  checksPending?: boolean
  vmas: VmaView[]
  previousVmas: VmaView[]
  /** The VMAs the step created (in `vmas`) and removed (in `previousVmas`), in address order. */
  created: VmaView[]
  removed: VmaView[]
}

/** A run in flight, for the progress bar. */
export interface RunStatus {
  side: Side
  kernel: KernelId
  title: string
  /** Steps taken so far, of `total` (null until the first report). */
  done: number | null
  total: number
}

export interface SessionSnapshot {
  /** The run shown on each side: the last good one, or a new scenario's run in progress (its `partial` says so). */
  primary: SideRun | null
  compare: SideRun | null
  /** Runs in flight (at most one per side). */
  running: RunStatus[]
  /** A note on what just happened that is not a failure (a cancelled run); null when none. */
  notice: string | null
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
/**
 * What the step caches may hold, in bytes (estimated): a cached VMA list is an
 * array of pointers to views the client's mirror owns (8 bytes a slot), so the
 * VMA lists get 8 MB (about 16 steps of 60,000 VMAs; each list is one more
 * array the garbage collector walks); a decision record is copied out of the
 * worker, about 250 bytes a check (a munmap of 65,530 VMAs has 65,531), so
 * checks get 32 MB.
 */
export const STEP_CACHE_BYTE_BUDGET = { vmaLists: 8_000_000, checks: 32_000_000 } as const
const BYTES_PER_LISTED_VMA = 8
const BYTES_PER_CHECK = 250
const listBytes = (vmas: readonly VmaView[]) => vmas.length * BYTES_PER_LISTED_VMA
/** Steps around the shown one that are fetched ahead of time (relative offsets). */
const PREFETCH_OFFSETS = [1, -1, 2, -2]
/** Above this many VMAs in the shown step, only the next step in the direction of travel is prefetched. */
const PREFETCH_MAX_VMAS = 4000

/** Runs that made this many VMA records have all their VMAs fetched ahead (see replaceRun)… */
const PREFETCH_ALL_MIN_RECORDS = 5000
/** …up to this many (about 150 bytes each on the page). */
const PREFETCH_ALL_MAX_RECORDS = 500_000
const PREFETCH_ALL_CHUNK = 5000

/** A new scenario's run in progress is shown (the steps taken so far) at most this often. */
const PARTIAL_SHOW_MS = 1000
/**
 * A run asked for while another is in flight (or waiting), or within this long of the side's
 * previous request, starts this much later, unless it is superseded in turn: a burst of switches
 * (a key held on the Kernel select) runs only its last, instead of starting a run per switch whose
 * records then sit in the worker's and the page's heaps until their next full GC (Chromium reached
 * 1 GB in 10 s of switching the 65,530-VMA scenario 9 times a second). A lone switch starts at once.
 */
export const SUPERSEDE_SETTLE_MS = 150

const NO_VMAS: VmaView[] = []
const byStart = (a: VmaView, b: VmaView) => a.start - b.start

/** Resolves after `ms`, or at once when `signal` aborts (the run then ends as cancelled in the client). */
function settle(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve()
    }, { once: true })
  })
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

export class EngineSession {
  private snapshot: SessionSnapshot = { primary: null, compare: null, running: [], notice: null, differing: null, busy: false, failure: null, vmaVersion: 0 }
  private readonly failures = new Map<FailureSlot, string>()
  private readonly listeners = new Set<() => void>()
  private readonly latest: Record<Side, LatestRequest> = { primary: new LatestRequest(), compare: new LatestRequest() }
  /** The run in flight on each side: cancelling it aborts the worker's run. */
  private readonly inFlight: Record<Side, { controller: AbortController; status: RunStatus } | null> = { primary: null, compare: null }
  /** The last complete run of each side: kept in the worker while a newer one is in flight, shown again if that fails. */
  private readonly good: Record<Side, SideRun | null> = { primary: null, compare: null }
  /** Where the user was in the scenario of the good primary run (its source and step), to go back there after a failure. */
  private goodPlace: { source: ExplorerStoreState['source']; step: number } | null = null
  private readonly wanted: Record<Side, { scenario: Scenario; kernel: KernelId } | null> = { primary: null, compare: null }
  /** When each side last asked for a run (performance.now()): a request soon after it is part of a burst. */
  private readonly lastWantAt: Record<Side, number> = { primary: -Infinity, compare: -Infinity }
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
      if (this.good.primary && previous.scenario === this.good.primary.scenario) this.goodPlace = { source: previous.source, step: previous.step }
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
    this.publish({ notice: null })
    this.sync(this.store.getState(), true)
  }

  /** Cancels the runs in flight; the last good runs stay (the store goes back to them). */
  cancel(): void {
    for (const side of ['primary', 'compare'] as const) this.inFlight[side]?.controller.abort()
  }

  /** The step, ready to draw, if its VMAs (and the previous step's) are cached; else undefined. */
  /** Compares a real kernel's recording with `run` (a finished run this session shows), in the worker. */
  openRecording(run: SideRun, text: string, onProgress?: (progress: RecordingProgress) => void): Promise<RecordingColumns | RecordingRefused> {
    return this.client.openRecording(run, text, onProgress)
  }

  recordedStep(run: SideRun, recordingId: number, step: number): Promise<RecordedStepAnswer> {
    return this.client.recordedStep(run, recordingId, step)
  }

  releaseRecording(run: SideRun, recordingId: number): void {
    this.client.releaseRecording(run, recordingId)
  }

  shownStep(run: SideRun, step: number): ShownStep | undefined {
    const key = `${run.generation}:${run.runId}:${step}`
    const known = this.shownCache.get(key)
    const checks = step > 0 ? this.checksCache.get(key) : []
    if (known && (!known.checksPending || !checks)) return known
    if (known && known.result && checks) {
      // The checks came after the step was drawn: the same step, with them.
      const complete: ShownStep = { ...known, result: { ...known.result, checks }, checksPending: false }
      this.remember(this.shownCache, key, complete, STEP_CACHE_BYTE_BUDGET.vmaLists, (kept) => listBytes(kept.vmas) + listBytes(kept.previousVmas))
      return complete
    }
    if (step > run.steps.length) return undefined // past the steps a run in progress has taken
    const vmas = this.cached(run, step)
    const summary = step > 0 ? run.steps[step - 1] : undefined
    if (!vmas) return undefined
    // The step before, from this one: the worker sent the views of the VMAs the step removed
    // (those it created are in the step's own list).
    const removed = summary ? this.client.viewsOf(run, summary.removed)?.sort(byStart) : NO_VMAS
    const created = summary ? this.client.viewsOf(run, summary.created)?.sort(byStart) : NO_VMAS
    if (!removed || !created) return undefined
    const previousVmas = summary ? viewsBefore(vmas, created, removed) : vmas
    const result: StepResult | null = summary ? { ...plainStep(summary), checks: checks ?? [] } : null
    const shown: ShownStep = { run, step, result, vmas, previousVmas, created, removed, checksPending: summary !== undefined && !checks }
    this.remember(this.shownCache, key, shown, STEP_CACHE_BYTE_BUDGET.vmaLists, (kept) => listBytes(kept.vmas) + listBytes(kept.previousVmas))
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

  /** Fetches the checks of step `step` (≥ 1) of `run`, so that `shownStep` has them (the export needs them). */
  async loadChecks(run: SideRun, step: number): Promise<void> {
    if (step < 1) return
    const had = this.checksCache.has(`${run.generation}:${run.runId}:${step}`)
    await this.checks(run, step)
    if (!had) this.publish({ vmaVersion: this.snapshot.vmaVersion + 1 })
  }

  /** The step's VMAs (then it can be drawn), and after them, in the background, its checks. */
  private async fetchStep(run: SideRun, step: number): Promise<void> {
    await this.vmas(run, [step])
    this.publish({ vmaVersion: this.snapshot.vmaVersion + 1 })
    this.loadChecks(run, step).catch((error: unknown) => {
      if (this.snapshot.primary === run || this.snapshot.compare === run) this.setFailure('vmas', `Kernel ${run.kernel}, step ${step}: ${describe(error)}`)
    })
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
      if (!this.cached(run, s)) this.vmas(run, [s]).catch(() => undefined)
      // The checks of a large step's neighbour are asked for when it is shown, so the worker is free for the next jump.
      if (s > 0 && !large) this.checks(run, s).catch(() => undefined)
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
    // One run per side: whatever was in flight is cancelled (its answer is dropped).
    this.latest[side].begin()
    const now = performance.now()
    const burst = this.inFlight[side] !== null || now - this.lastWantAt[side] < SUPERSEDE_SETTLE_MS
    this.lastWantAt[side] = now
    this.stopInFlight(side)
    const good = this.good[side]
    if (!wanted) {
      this.replaceRun(side, null)
      return
    }
    const alive = good !== null && good.generation === this.client.generation
    if (!force && alive && good.scenario === wanted.scenario && good.kernel === wanted.kernel) {
      // Back to what the last good run shows (after a revert, or an undo): nothing to run.
      if (this.snapshot[side] !== good) this.replaceRun(side, good)
      this.publish({})
      return
    }
    void this.runSide(side, wanted.scenario, wanted.kernel, false, burst ? SUPERSEDE_SETTLE_MS : 0)
  }

  /** Aborts the side's run in flight; a run in progress shown on screen gives way to the last good run. */
  private stopInFlight(side: Side): void {
    const flight = this.inFlight[side]
    if (!flight) return
    flight.controller.abort()
    this.inFlight[side] = null
    this.dropPartial(side)
  }

  /** A run in progress shown on the side gives way to the last good run (its trace is gone from the worker). */
  private dropPartial(side: Side): void {
    const shown = this.snapshot[side]
    if (!shown?.partial) return
    this.release(shown)
    this.publish({ [side]: this.good[side] })
  }

  private async runSide(side: Side, scenario: Scenario, kernel: KernelId, recovering = false, settleMs = 0): Promise<void> {
    const request = this.latest[side].begin()
    const controller = new AbortController()
    const status: RunStatus = { side, kernel, title: scenario.title ?? 'the scenario', done: null, total: scenario.steps.length }
    this.inFlight[side] = { controller, status }
    this.publish({ notice: null })
    const current = () => this.latest[side].isCurrent(request) && !controller.signal.aborted
    let lastPartial = 0
    const onProgress = (partial: EngineRun) => {
      if (!current()) return
      status.done = partial.partial?.done ?? null
      // A new scenario's long run is shown as it goes (a kernel switch keeps the last good run until done).
      const shown = this.snapshot[side]
      const newScenario = !shown || (shown.partial ? shown.scenario === scenario : shown.scenario !== scenario)
      const now = performance.now()
      if (newScenario && partial.steps.length > 0 && now - lastPartial >= PARTIAL_SHOW_MS) {
        lastPartial = now
        const run: SideRun = { ...partial, scenario }
        // Shown only while the run is still in flight: a late answer must not cover the finished run.
        void this.fetchStep(run, Math.min(this.store.getState().step, run.steps.length)).then(
          () => current() && this.inFlight[side]?.controller === controller && this.publish({ [side]: run }),
          () => undefined,
        )
      }
      this.publish({})
    }
    try {
      if (settleMs > 0) await settle(settleMs, controller.signal)
      const run: SideRun = { ...(await this.client.run(scenario, kernel, { onProgress, signal: controller.signal })), scenario }
      // Have the current step ready before the run replaces what is on screen.
      await this.fetchStep(run, Math.min(this.store.getState().step, run.steps.length))
      if (!current()) {
        this.release(run)
        // Cancelled after the worker had finished (while the current step was fetched): the run
        // still ends as cancelled, and the last good run comes back.
        if (this.latest[side].isCurrent(request)) {
          this.inFlight[side] = null
          this.runFailed(side, kernel, new EngineFailure(`the run of kernel ${kernel} was cancelled`, 'cancelled'), recovering)
        }
        return
      }
      this.inFlight[side] = null
      this.failures.delete(side)
      this.replaceRun(side, run)
    } catch (error) {
      if (!this.latest[side].isCurrent(request)) return
      this.inFlight[side] = null
      this.runFailed(side, kernel, error, recovering)
    }
  }

  /**
   * After a run failed or was cancelled: the last good run is shown, the store
   * goes back to it, and the page is told in one line naming the kernel. If
   * the worker died with it, the last good runs are run again in a new one.
   */
  private runFailed(side: Side, kernel: KernelId, error: unknown, recovering: boolean): void {
    const end = error instanceof EngineFailure ? error.end : null
    const good = this.good[side]
    const workerDied = good !== null && good.generation !== this.client.generation
    this.dropPartial(side)
    this.revertStore()
    const keeps = good ? ` The explorer shows kernel ${good.kernel} on ${good.scenario.title ? `“${good.scenario.title}”` : 'the previous scenario'} again${workerDied ? ' (run again in a fresh engine)' : ''}; stepping works.` : ''
    if (end === 'cancelled') {
      this.failures.delete(side)
      this.publish({ notice: `Cancelled the run on kernel ${kernel}.${keeps}` })
    } else {
      const what = end === 'too-large' ? 'Does not fit' : 'Failed'
      this.setFailure(side, `${what}: kernel ${kernel}: ${describe(error)}.${keeps}`)
    }
    if (workerDied && !recovering) {
      // The good run's trace died with the worker: run it again, so stepping works.
      for (const s of ['primary', 'compare'] as const) {
        const lost = this.good[s]
        if (lost && lost.generation !== this.client.generation && !this.inFlight[s]) void this.runSide(s, lost.scenario, lost.kernel, true)
      }
    }
  }

  /** Sets the store back to what the good runs show (scenario, where the user was in it, kernels, compare). */
  private revertStore(): void {
    const { primary, compare } = this.good
    if (!primary) return
    const state = this.store.getState()
    const change: Partial<ExplorerStoreState> = {}
    if (state.scenario !== primary.scenario) {
      change.scenario = primary.scenario
      if (this.goodPlace) {
        change.source = this.goodPlace.source
        change.step = Math.min(this.goodPlace.step, primary.steps.length)
      } else change.step = Math.min(state.step, primary.steps.length)
      change.playing = false
      change.viewport = null
      change.pinnedVmaId = null
      change.highlight = null
    }
    if (state.kernel !== primary.kernel) change.kernel = primary.kernel
    if (state.compare && !compare && !this.inFlight.compare) change.compare = false
    if (compare && state.compareKernel !== compare.kernel) change.compareKernel = compare.kernel
    if (Object.keys(change).length > 0) this.store.setState(change)
  }

  /**
   * A run the page stops showing: the worker forgets its trace, the client its
   * views, and the step caches every entry of it (each holds views of that run:
   * left to the LRU, each kernel switch on the stress scenario kept 13-16 MB).
   */
  private release(run: SideRun): void {
    this.client.release(run)
    const prefix = `${run.generation}:${run.runId}:`
    for (const cache of [this.vmaCache, this.checksCache, this.shownCache] as Map<string, unknown>[]) {
      for (const key of [...cache.keys()]) if (key.startsWith(prefix)) cache.delete(key)
    }
  }

  private replaceRun(side: Side, run: SideRun | null): void {
    const old = this.good[side]
    const shown = this.snapshot[side]
    for (const gone of [old, shown]) {
      if (gone && gone !== run && !(run && gone.runId === run.runId && gone.generation === run.generation)) this.release(gone)
    }
    this.good[side] = run
    if (!run) this.failures.delete(side)
    if (side === 'primary' && run) this.goodPlace = null
    this.publish({ [side]: run, differing: null })
    void this.updateDiffering()
    if (run && run.recordCount >= PREFETCH_ALL_MIN_RECORDS && run.recordCount <= PREFETCH_ALL_MAX_RECORDS) {
      // A first visit to a far step of a large run would carry tens of thousands of new VMAs:
      // fetch them all now, in short tasks, while the user looks at the first step.
      const showing = () => this.snapshot.primary === run || this.snapshot.compare === run
      this.client.prefetchViews(run, PREFETCH_ALL_CHUNK, showing).catch(() => undefined)
    }
  }

  private async updateDiffering(): Promise<void> {
    const request = this.latestDiff.begin()
    const { primary, compare } = this.snapshot
    if (!primary || !compare || primary.scenario !== compare.scenario || primary.partial || compare.partial) return
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
   * for in one call (without the checks: those come after, see fetchStep).
   */
  private vmas(run: SideRun, steps: number[]): Promise<VmaView[][]> {
    const keyOf = (step: number) => `${run.generation}:${run.runId}:${step}`
    const missing = steps.filter((step) => !this.vmaCache.has(keyOf(step)) && !this.vmaLoads.has(keyOf(step)))
    if (missing.length > 0) {
      const batch = this.client.stepVmas(run, missing)
      missing.forEach((step, i) => {
        this.track(this.vmaCache, this.vmaLoads, keyOf(step), batch.then((lists) => lists[i]!), STEP_CACHE_BYTE_BUDGET.vmaLists, listBytes)
      })
    }
    return Promise.all(steps.map((step) => this.vmaCache.get(keyOf(step)) ?? this.vmaLoads.get(keyOf(step))!))
  }

  /** One request per (run, step) at a time; answers go into an LRU cache. */
  private checks(run: SideRun, step: number): Promise<Check[]> {
    const key = `${run.generation}:${run.runId}:${step}`
    const cached = this.checksCache.get(key)
    if (cached) return Promise.resolve(cached)
    return this.checksLoads.get(key) ?? this.track(this.checksCache, this.checksLoads, key, this.client.stepChecks(run, step), STEP_CACHE_BYTE_BUDGET.checks, (checks) => checks.length * BYTES_PER_CHECK)
  }

  /** Notes `answer` as on its way for `key` (in `loads`) until it settles, and caches it when it comes. */
  private track<T>(cache: Map<string, T>, loads: Map<string, Promise<T>>, key: string, answer: Promise<T>, budget: number, weight: (value: T) => number): Promise<T> {
    const load = answer
      .then((value) => {
        this.remember(cache, key, value, budget, weight)
        return value
      })
      .finally(() => loads.delete(key))
    loads.set(key, load)
    return load
  }

  /**
   * LRU: at most CACHE_LIMIT entries, and at most `budget` bytes in all as
   * `weight` estimates them (STEP_CACHE_BYTE_BUDGET); the entry just added
   * stays even if it alone is over.
   */
  private remember<T>(cache: Map<string, T>, key: string, value: T, budget: number, weight: (value: T) => number): void {
    cache.delete(key)
    cache.set(key, value)
    let total = 0
    for (const kept of cache.values()) total += weight(kept)
    while (cache.size > CACHE_LIMIT || (cache.size > 1 && total > budget)) {
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
    const running = (['primary', 'compare'] as const).flatMap((side) => (this.inFlight[side] ? [{ ...this.inFlight[side].status }] : []))
    this.snapshot = { ...this.snapshot, ...change, failure, running, busy: running.length > 0 }
    for (const listener of this.listeners) listener()
  }
}
