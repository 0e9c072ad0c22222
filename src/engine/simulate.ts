/**
 * simulate(scenario, kernel): run every step of a scenario through the
 * simulated kernel and return the trace. Pure: no DOM, no I/O, deterministic.
 *
 * A full run records, per step, a few numbers in columns (outcome, KSM timing,
 * errno, range, map_count, and the scalars of process state the step started
 * from); the VMA records live in the trace store (./trace.ts). Step results are
 * made into objects when first read. The decision record ("why") of a step is
 * written on demand by re-running that one step from its restored starting
 * state with explanations on: the engine is deterministic, so the re-run takes
 * the same decisions, and a 60,000-step run does not pay for 60,000
 * explanations it will never show.
 */
import { KERNEL_IDS, type Check, type KernelId, type KsmTiming, type Outcome, type RunAssumptions, type StepResult, type TakenStep, type Trace, type VmaView } from './api'
import { machineAssumptions } from './machine'
import type { Scenario, Step } from '../scenario/types'
import { AddressSpace } from './address-space'
import { describeStep } from './describe'
import { doBrk } from './mm/mmap-brk'
import { doFork } from './kernel/fork'
import { doMmap } from './mm/mmap'
import { doMadvise } from './mm/madvise'
import { doMlock, doMlockall, doMunlock, doMunlockall } from './mm/mlock'
import { VM_LOCKED, VM_LOCKONFAULT } from './flags'
import { doMprotect } from './mm/mprotect'
import { doMseal } from './mm/mseal'
import { doPkeyAlloc, doPkeyFree, type PkeyState } from './mm/pkeys'
import { doMunmap } from './mm/vma-munmap'
import { doPrctl } from './mm/ksm'
import { doTouch } from './mm/memory'
import { doMremap } from './mm/mremap'
import { doShmat, doShmdt, doShmget } from './ipc/shm'
import { DEFAULT_MAX_MAP_COUNT, StepContext, newProcess, type ProcessState, type StepReport } from './process'
import { profileFor, type KernelProfile } from './profiles'
import { TraceStore } from './trace'
import { toView } from './view'
import { loadInitialState } from './initial-state'
import type { FileObject, Vma } from './mm-types'

export interface SimulateOptions {
  /** vm.max_map_count; default the scenario's `maxMapCount`, else 65530. */
  maxMapCount?: number
  /**
   * The profile to run under instead of the kernel's own (PROFILES[kernel]): a
   * test flips one switch of a profile to show what that switch changes.
   */
  profile?: KernelProfile
  /** simulate(): called after every PROGRESS_EVERY steps (and after the last) with the steps done and the total. */
  onProgress?: (done: number, total: number) => void
  /**
   * Simulation only. false: keep no trace, only the current address space (a
   * streaming reader takes the steps one at a time with `takeStep`), so the
   * run's memory does not grow with its length. Default true.
   */
  history?: boolean
}

export const PROGRESS_EVERY = 4096

/**
 * The engine itself failed on a step (a defect: a valid scenario never makes
 * the engine throw). Names the step; `cause` is what was thrown.
 */
export class EngineStepError extends Error {
  constructor(readonly stepIndex: number, cause: unknown) {
    super(`step ${stepIndex}: ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`, { cause })
    this.name = 'EngineStepError'
  }
}

function runStep(ctx: StepContext, step: Step): void {
  switch (step.op) {
    case 'mmap': return doMmap(ctx, step)
    case 'munmap': return doMunmap(ctx, step)
    case 'mprotect': return doMprotect(ctx, step)
    case 'madvise': return doMadvise(ctx, step)
    case 'mlock': return doMlock(ctx, step)
    case 'munlock': return doMunlock(ctx, step)
    case 'mlockall': return doMlockall(ctx, step)
    case 'munlockall': return doMunlockall(ctx)
    case 'mseal': return doMseal(ctx, step)
    case 'pkey_mprotect': return doMprotect(ctx, step)
    case 'pkey_alloc': return doPkeyAlloc(ctx, step)
    case 'pkey_free': return doPkeyFree(ctx, step)
    case 'prctl': return doPrctl(ctx, step)
    case 'brk': return doBrk(ctx, step)
    case 'touch': return doTouch(ctx, step)
    case 'fork': return doFork(ctx)
    case 'mremap': return doMremap(ctx, step)
    case 'shmget': return doShmget(ctx, step)
    case 'shmat': return doShmat(ctx, step)
    case 'shmdt': return doShmdt(ctx, step)
  }
}

const OUTCOMES: readonly (Outcome | null)[] = [null, 'new', 'merged-prev', 'merged-next', 'merged-both', 'failed', 'expanded', 'shrunk', 'unchanged', 'split', 'modified', 'unmapped', 'moved', 'forked']
const KSM: readonly (KsmTiming | null)[] = [null, 'early', 'late', 'none']
const BIT_MERGE_ANY = 1
const BIT_CHILD = 2
const BIT_START_MERGE_ANY = 4
const BIT_START_KSM_REGISTERED = 8
const BIT_START_CHILD = 16
/** mm->def_flags at the step's start: VM_LOCKED, VM_LOCKONFAULT (mlockall(MCL_FUTURE)). */
const BIT_START_DEF_LOCKED = 32
const BIT_START_DEF_ONFAULT = 64

/** The allocation map (16 bits) and the execute-only key + 1 (5 bits) in one column entry. */
const packPkeys = (p: PkeyState): number => p.allocationMap | ((p.executeOnly + 1) << 16)
const unpackPkeys = (n: number): PkeyState => ({ allocationMap: n & 0xffff, executeOnly: (n >> 16) - 1 })

/**
 * Per-step columns: one number (or interned string) per step in each, in
 * typed arrays sized for the scenario's steps (a million steps cost 55 bytes each).
 */
class StepColumns {
  /** Steps recorded so far. */
  length = 0
  readonly outcome: Uint8Array
  readonly ksm: Uint8Array
  readonly error: (string | null)[]
  readonly rangeStart: Float64Array
  readonly rangeEnd: Float64Array
  readonly mapCount: Int32Array
  readonly bits: Uint8Array
  readonly startBrk: Float64Array
  readonly startAnonVmaId: Float64Array
  readonly startFileId: Int32Array
  readonly startFiles: Int32Array
  /** mm->context's protection keys at the step's start (packPkeys). */
  readonly startPkeys: Int32Array
  /** Steps whose real result cannot be predicted, and why (few, so a map). */
  readonly unpredictable = new Map<number, string>()
  /** Steps that returned a number of their own (pkey_alloc), and what (few, so a map). */
  readonly returned = new Map<number, number>()

  constructor(steps: number) {
    this.outcome = new Uint8Array(steps)
    this.ksm = new Uint8Array(steps)
    this.error = new Array<string | null>(steps).fill(null)
    this.rangeStart = new Float64Array(steps)
    this.rangeEnd = new Float64Array(steps)
    this.mapCount = new Int32Array(steps)
    this.bits = new Uint8Array(steps)
    this.startBrk = new Float64Array(steps)
    this.startAnonVmaId = new Float64Array(steps)
    this.startFileId = new Int32Array(steps)
    this.startFiles = new Int32Array(steps)
    this.startPkeys = new Int32Array(steps)
  }
}

/**
 * A step result whose `checks` (an own, enumerable property, so that it is
 * copied by structured clone and JSON) explains the step when first read. All
 * instances share one accessor, so they keep one hidden class.
 */
class LazyStepResult implements StepResult {
  readonly #trace: { explain(i: number): Check[] }
  index!: number
  op!: StepResult['op']
  process!: StepResult['process']
  error!: string | null
  outcome!: Outcome | null
  ksm!: KsmTiming | null
  summary!: string
  declare checks: Check[]
  created!: number[]
  removed!: number[]
  range!: [number, number] | null
  mapCount!: number
  mergeAny!: boolean

  constructor(trace: { explain(i: number): Check[] }, fields: Omit<StepResult, 'checks'>) {
    this.#trace = trace
    Object.assign(this, fields)
    Object.defineProperty(this, 'checks', CHECKS_ACCESSOR)
  }

  static explain(r: LazyStepResult): Check[] {
    return r.#trace.explain(r.index)
  }
}

const CHECKS_ACCESSOR: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: LazyStepResult): Check[] {
    const checks = LazyStepResult.explain(this)
    Object.defineProperty(this, 'checks', { value: checks, enumerable: true, writable: true, configurable: true })
    return checks
  },
}

export class SimulatedTrace implements Trace {
  private materialised: StepResult[] | null = null
  readonly assumptions: RunAssumptions

  constructor(
    readonly kernel: KernelId,
    readonly scenario: Scenario,
    private readonly store: TraceStore,
    private readonly profile: KernelProfile,
    private readonly maxMapCount: number,
    private readonly cols: StepColumns,
    private readonly files: [string, FileObject][],
  ) {
    this.assumptions = runAssumptions(scenario)
  }

  get steps(): StepResult[] {
    if (!this.materialised) {
      const out: StepResult[] = []
      for (let i = 1; i <= this.cols.length; i++) out.push(this.result(i))
      if (out.length < this.scenario.steps.length) return out // a run still going (Simulation): not kept
      this.materialised = out
    }
    return this.materialised
  }

  /** Steps taken (all of them once the run is over). */
  get stepCount(): number {
    return this.cols.length
  }

  /** Step i (1-based) as a result object, without making the whole list; undefined past the steps taken. */
  stepAt(i: number): StepResult | undefined {
    if (i < 1 || i > this.cols.length) return undefined
    return this.materialised ? this.materialised[i - 1] : this.result(i)
  }

  /**
   * Step i (1-based) without its checks, as a plain object made for the caller to read
   * and drop (the worker encodes each one into columns): no accessor, no optional fields.
   */
  summaryAt(i: number): Omit<StepResult, 'checks' | 'unpredictable' | 'returned'> | undefined {
    if (i < 1 || i > this.cols.length) return undefined
    const c = this.cols
    const k = i - 1
    const step = this.scenario.steps[k]!
    const range: [number, number] | null = Number.isNaN(c.rangeStart[k]!) ? null : [c.rangeStart[k]!, c.rangeEnd[k]!]
    const { created, removed } = this.store.stepChanges(i)
    return {
      index: i,
      op: step.op,
      process: c.bits[k]! & BIT_CHILD ? 'child' : 'parent',
      error: c.error[k]!,
      outcome: OUTCOMES[c.outcome[k]!]!,
      ksm: KSM[c.ksm[k]!]!,
      summary: stepSummary(step, range),
      created,
      removed,
      range,
      mapCount: c.mapCount[k]!,
      mergeAny: (c.bits[k]! & BIT_MERGE_ANY) !== 0,
    }
  }

  private result(i: number): StepResult {
    const k = i - 1
    const c = this.cols
    return new LazyStepResult(this, {
      ...this.summaryAt(i)!,
      ...(c.unpredictable.has(k) ? { unpredictable: c.unpredictable.get(k)! } : {}),
      ...(c.returned.has(k) ? { returned: c.returned.get(k)! } : {}),
    })
  }

  /** One view per record, by record id (ids are dense): a record never changes, and neighbouring steps share most records. */
  private readonly views: (VmaView | undefined)[] = []

  vmasAt(i: number): VmaView[] {
    const records = this.store.vmasAt(i)
    const out: VmaView[] = new Array(records.length)
    for (let k = 0; k < records.length; k++) out[k] = this.view(records[k]!)
    return out
  }

  idsAt(i: number): Int32Array {
    const records = this.store.vmasAt(i)
    const ids = new Int32Array(records.length)
    for (let k = 0; k < records.length; k++) ids[k] = records[k]!.id
    return ids
  }

  get recordCount(): number {
    return this.store.recordCount
  }

  viewOf(id: number): VmaView | undefined {
    const record = this.store.record(id)
    return record ? this.view(record) : undefined
  }

  private view(record: Vma): VmaView {
    let view = this.views[record.id]
    if (!view) {
      view = toView(record)
      this.views[record.id] = view
    }
    return view
  }

  /** The decision record of step i (1-based), written by re-running that step. */
  explain(i: number): Check[] {
    return this.replay(i)?.checks ?? []
  }

  /**
   * Step i (1-based) run again from its restored starting state with the
   * decision record on: what `explain` shows, with the result the re-run came
   * to (the tests hold it equal to the recorded step, see replay.test.ts).
   */
  replay(i: number, tamper?: (state: ProcessState) => void): Replay | null {
    const c = this.cols
    const k = i - 1
    const step = this.scenario.steps[k]
    if (!step || k < 0 || k >= c.length) return null
    // The re-run makes the same record ids as the run did, and never marks the trace's records dead.
    const scratch = new TraceStore(true, this.store.firstIdOf(i))
    scratch.beginStep(i)
    const mm = new AddressSpace(scratch)
    mm.vmas = this.store.vmasAt(i - 1).slice() // the re-run changes its copy, never the trace's
    const bits = c.bits[k]!
    const state: ProcessState = {
      mm,
      mergeAny: (bits & BIT_START_MERGE_ANY) !== 0,
      ksmRegistered: (bits & BIT_START_KSM_REGISTERED) !== 0,
      brkStart: this.scenario.brkBase ?? null,
      brk: Number.isNaN(c.startBrk[k]!) ? null : c.startBrk[k]!,
      process: bits & BIT_START_CHILD ? 'child' : 'parent',
      defFlags: (bits & BIT_START_DEF_LOCKED ? VM_LOCKED : 0) | (bits & BIT_START_DEF_ONFAULT ? VM_LOCKONFAULT : 0),
      files: new Map(this.files.slice(0, c.startFiles[k]!)),
      pkeys: unpackPkeys(c.startPkeys[k]!),
    }
    const ids = { anonVma: c.startAnonVmaId[k]!, file: c.startFileId[k]! }
    tamper?.(state)
    const ctx = new StepContext(this.profile, state, scratch, this.scenario, this.maxMapCount, ids, true)
    runStep(ctx, step)
    finishReport(step, ctx.report)
    const r = ctx.report
    return {
      checks: ctx.checks, outcome: r.outcome, ksm: r.ksm, error: r.error, range: r.range,
      // Made when read: `explain` wants the checks only, not a view of each of 60,000 VMAs.
      get vmas() {
        return mm.vmas.map(toView)
      },
      mapCount: mm.count, mergeAny: state.mergeAny, process: state.process,
    }
  }
}

/** What a run of this scenario assumes about the machine (the document's `machine`). */
function runAssumptions(scenario: Scenario): RunAssumptions {
  const m = machineAssumptions(scenario)
  return { base: m.baseText, baseKnown: m.baseKnown, protectionKeys: m.protectionKeys, protectionKeysKnown: m.protectionKeysKnown }
}

/** A step's one line; an mmap without `at` names the address it got. */
function stepSummary(step: Step, range: readonly [number, number] | null): string {
  return describeStep(step, (step.op === 'mmap' || step.op === 'shmat') && step.at === undefined && range ? range[0] : undefined)
}

/** What re-running one step with explanations on came to. */
export interface Replay {
  checks: Check[]
  outcome: Outcome | null
  ksm: KsmTiming | null
  error: string | null
  range: [number, number] | null
  vmas: VmaView[]
  mapCount: number
  mergeAny: boolean
  process: 'parent' | 'child'
}

/**
 * Re-run step i of a trace made by `simulate` with the decision record on (see
 * SimulatedTrace.replay). `tamper` changes the restored starting state first:
 * only for the test that shows a wrongly restored state is caught.
 */
export function replayStep(trace: Trace, i: number, tamper?: (state: ProcessState) => void): Replay | null {
  if (!(trace instanceof SimulatedTrace)) throw new Error('replayStep needs a trace made by simulate()')
  return trace.replay(i, tamper)
}

/** The outcome and KSM timing every mmap and brk reports, whatever its path. */
function finishReport(step: Step, rep: StepReport): void {
  const isMmapOrBrk = step.op === 'mmap' || step.op === 'brk' || step.op === 'shmat'
  if (rep.error && isMmapOrBrk) rep.outcome = 'failed'
  if (rep.ksm === null && isMmapOrBrk) rep.ksm = 'none'
}

/**
 * A run in progress: the steps are taken a batch at a time (`advance`), so a
 * caller can report progress, stay responsive between batches (the worker
 * answers a cancel or a step of the run so far), or give up. `trace` reads the
 * steps taken so far: between two batches every step up to `done` is final
 * (a record's death only ever sets a later step), so the VMAs after any of
 * them can be read while the run goes on.
 */
export class Simulation {
  readonly total: number
  private readonly store: TraceStore
  private readonly state: ProcessState
  private readonly ids = { anonVma: 0, file: 0 }
  /** Per-step columns and the trace over them; null without history. */
  private readonly cols: StepColumns | null
  private readonly files: [string, FileObject][]
  private readonly ctx: StepContext
  /** The context with the decision record on, for takeStep (made on first use). */
  private explaining: StepContext | null = null
  private readonly view: SimulatedTrace | null
  private next = 0

  constructor(readonly scenario: Scenario, readonly kernel: KernelId, options: SimulateOptions = {}) {
    if (!KERNEL_IDS.includes(kernel)) throw new Error(`unknown kernel "${kernel}"; expected one of ${KERNEL_IDS.join(', ')}`)
    const profile = options.profile ?? profileFor(kernel)
    const maxMapCount = options.maxMapCount ?? scenario.maxMapCount ?? DEFAULT_MAX_MAP_COUNT
    this.total = scenario.steps.length
    const history = options.history ?? true
    this.store = new TraceStore(false, 1, history)
    this.cols = history ? new StepColumns(this.total) : null
    this.state = newProcess(this.store, scenario)
    // Files in creation order, so a step's starting set is a prefix.
    this.files = loadInitialState(scenario, this.state, this.store, this.ids)
    // Before 6.4 there is no MMF_VM_MERGE_ANY for an imported process to have set.
    if (!profile.hasMemoryMerge) this.state.mergeAny = false
    this.ctx = new StepContext(profile, this.state, this.store, scenario, maxMapCount, this.ids, false)
    this.view = this.cols ? new SimulatedTrace(kernel, scenario, this.store, profile, maxMapCount, this.cols, this.files) : null
  }

  /** The window base and machine properties the run assumes (the trace's `assumptions`). */
  get assumptions(): RunAssumptions {
    return this.view?.assumptions ?? runAssumptions(this.scenario)
  }

  /** Steps taken so far. */
  get done(): number {
    return this.next
  }

  /** VMA records made so far (a measure of the run's memory). */
  get recordCount(): number {
    return this.store.recordCount
  }

  /** Takes up to `maxSteps` more steps; returns how many are done. */
  advance(maxSteps: number): number {
    const end = Math.min(this.total, this.next + maxSteps)
    for (let i = this.next; i < end; i++) {
      // The step that throws (a vmascope defect) is the one callers name.
      this.next = i
      this.runOne(i, this.ctx)
    }
    this.next = end
    return end
  }

  /**
   * Takes the next step with its decision record written, and returns it with
   * the VMAs after it and the VMAs it created and removed (null once the run is
   * over). Made for a caller that streams the steps (the command-line runner):
   * with `history: false` nothing of the step is kept once the next is taken.
   * A step that throws (a vmascope defect) throws EngineStepError naming it.
   */
  takeStep(): TakenStep | null {
    const i = this.next
    if (i >= this.total) return null
    const ctx = (this.explaining ??= new StepContext(this.ctx.profile, this.state, this.store, this.scenario, this.ctx.maxMapCount, this.ids, true))
    try {
      this.runOne(i, ctx)
    } catch (error) {
      throw new EngineStepError(i + 1, error)
    }
    this.next = i + 1
    const step = this.scenario.steps[i]!
    const rep = ctx.report
    const changes = this.store.currentChanges()
    const view = (v: Vma) => this.viewOfRecord(v)
    const result: StepResult = {
      index: i + 1,
      op: step.op,
      process: this.state.process,
      error: rep.error,
      outcome: rep.outcome,
      ksm: rep.ksm,
      summary: stepSummary(step, rep.range),
      checks: ctx.checks.slice(),
      created: changes.created.map((v) => v.id),
      removed: changes.removed.map((v) => v.id),
      range: rep.range ? [rep.range[0], rep.range[1]] : null,
      mapCount: this.state.mm.count,
      mergeAny: this.state.mergeAny,
      ...(rep.unpredictable ? { unpredictable: rep.unpredictable } : {}),
      ...(rep.returned !== null ? { returned: rep.returned } : {}),
    }
    return { result, vmas: this.state.mm.toArray().map(view), created: changes.created.map(view), removed: changes.removed.map(view) }
  }

  /** One view per live record (a record never changes), dropped with the record. */
  private readonly views = new WeakMap<Vma, VmaView>()

  private viewOfRecord(record: Vma): VmaView {
    let view = this.views.get(record)
    if (!view) {
      view = toView(record)
      this.views.set(record, view)
    }
    return view
  }

  /** Step i (0-based) through `ctx`; with history, its columns. */
  private runOne(i: number, ctx: StepContext): void {
    const { state, store, cols, files, ids } = this
    const step = this.scenario.steps[i]!
    const index = i + 1
    const startBits = (state.mergeAny ? BIT_START_MERGE_ANY : 0) | (state.ksmRegistered ? BIT_START_KSM_REGISTERED : 0) | (state.process === 'child' ? BIT_START_CHILD : 0)
      | (state.defFlags & VM_LOCKED ? BIT_START_DEF_LOCKED : 0) | (state.defFlags & VM_LOCKONFAULT ? BIT_START_DEF_ONFAULT : 0)
    if (cols) {
      cols.startBrk[i] = state.brk ?? NaN
      cols.startAnonVmaId[i] = ids.anonVma
      cols.startFileId[i] = ids.file
      cols.startFiles[i] = files.length
      cols.startPkeys[i] = packPkeys(state.pkeys)
    }
    store.beginStep(index)
    const filesBefore = state.files.size
    ctx.reset()
    runStep(ctx, step)
    if (cols && state.files.size !== filesBefore) {
      let n = 0
      for (const entry of state.files) if (n++ >= filesBefore) files.push(entry)
    }
    const rep = ctx.report
    finishReport(step, rep)
    if (cols) {
      cols.outcome[i] = OUTCOMES.indexOf(rep.outcome)
      cols.ksm[i] = KSM.indexOf(rep.ksm)
      cols.error[i] = rep.error
      cols.rangeStart[i] = rep.range ? rep.range[0] : NaN
      cols.rangeEnd[i] = rep.range ? rep.range[1] : NaN
      cols.mapCount[i] = state.mm.count
      if (rep.unpredictable) cols.unpredictable.set(i, rep.unpredictable)
      if (rep.returned !== null) cols.returned.set(i, rep.returned)
      cols.bits[i] = startBits | (state.mergeAny ? BIT_MERGE_ANY : 0) | (state.process === 'child' ? BIT_CHILD : 0)
      cols.length = index
    }
    store.endStep(state.mm)
  }

  /**
   * The trace of the steps taken so far. Before the run ends read it only
   * through `stepAt`, `vmasAt`, `idsAt`, `viewOf` and `explain` (its `steps`
   * list is the whole run's and is made only once the run is complete).
   */
  get trace(): SimulatedTrace {
    if (!this.view) throw new Error('a run without history (history: false) keeps no trace: read its steps with takeStep()')
    return this.view
  }
}

export function simulate(scenario: Scenario, kernel: KernelId, options: SimulateOptions = {}): Trace {
  const run = new Simulation(scenario, kernel, options)
  const { onProgress } = options
  try {
    if (!onProgress) run.advance(Infinity)
    else do onProgress(run.advance(PROGRESS_EVERY), run.total)
    while (run.done < run.total)
  } catch (error) {
    throw new EngineStepError(run.done + 1, error) // `done` stays at the step that threw
  }
  return run.trace
}
