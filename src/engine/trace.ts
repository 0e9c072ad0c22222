/**
 * The trace: every step's result, and the VMAs after any step, without a copy
 * of the address space per step.
 *
 * Every VMA record ever made is kept once, in the order it was made, with the
 * step it was born at and the step it died at. The VMAs after step i are the
 * records with born ≤ i < died. To find them quickly the builder also keeps
 * checkpoints (the full list of live records after some steps); a checkpoint is
 * taken whenever the records born since the last one outnumber the live VMAs,
 * so checkpoints cost no more memory than the records themselves (amortised),
 * and rebuilding step i touches one checkpoint plus the records born after it:
 * O(n + k log k) for n live VMAs and k records born since the checkpoint,
 * whatever the length of the trace.
 */
import { mergeByStart } from './by-start'
import { VmaRecord, type Vma, type VmaChanges, type VmaFields } from './mm-types'

interface Checkpoint {
  readonly step: number
  readonly vmas: readonly Vma[]
}

const MIN_CHECKPOINT_GAP = 256
const CHECKPOINT_DENSITY = 8
const RECENT_STEPS = 4

export class TraceStore {
  /** All records, in birth order. */
  private readonly records: Vma[] = []
  /** birthStart[s] = index in `records` of the first record born at step s. */
  private readonly birthStart: number[] = [0]
  private readonly checkpoints: Checkpoint[] = [{ step: 0, vmas: [] }]
  private bornSinceCheckpoint = 0
  /** Every death, in order; killStart[s] = index of the first death at step s. */
  private readonly killed: Vma[] = []
  private readonly killStart: number[] = [0]
  private nextId: number
  /** Number of steps recorded (the last step begun). */
  stepCount = 0
  step = 0
  /** Where the current step's births and deaths start in `records` and `killed`. */
  private stepBirth = 0
  private stepKill = 0

  /**
   * A scratch store (for re-running one step to explain it) makes records
   * but never marks the trace's own records dead. A store without `history`
   * (a run that only streams its steps, see Simulation.takeStep) keeps only
   * the current step's births and deaths: no earlier step can be rebuilt, and
   * its memory is the live address space, whatever the length of the run.
   */
  constructor(private readonly scratch = false, firstId = 1, private readonly history = true) {
    this.nextId = firstId
  }

  /**
   * Record a new VMA, born at the current step: `base` with `changes` applied;
   * a version of struct `structId`, or (0) a new struct duplicated from `dupOf` (0: none).
   */
  add(base: VmaFields, changes: VmaChanges | null, structId = 0, dupOf = 0): Vma {
    const v = new VmaRecord(this.nextId++, this.step, base, changes, structId, dupOf)
    this.records.push(v)
    this.bornSinceCheckpoint++
    return v
  }

  /** Whether earlier steps can be read back (stepChanges, vmasAt, record, firstIdOf). */
  get keepsHistory(): boolean {
    return this.history
  }

  /** The id of the first record step s (1..stepCount) made: a re-run of step s makes the same ids. */
  firstIdOf(s: number): number {
    return this.birthStart[s]! + 1
  }

  /** How many records were made (their ids are 1..recordCount). */
  get recordCount(): number {
    return this.history ? this.records.length : this.nextId - 1
  }

  /** The record with this id (ids are dense, in birth order). */
  record(id: number): Vma | undefined {
    return this.records[id - 1]
  }

  /** The VMA left the address space at the current step. */
  kill(v: Vma): void {
    if (!this.scratch) v.died = this.step
    this.killed.push(v)
  }

  beginStep(step: number): void {
    this.step = step
    this.stepCount = step
    if (!this.history) {
      this.records.length = 0
      this.killed.length = 0
    } else {
      this.birthStart[step] = this.records.length
      this.killStart[step] = this.killed.length
    }
    this.stepBirth = this.records.length
    this.stepKill = this.killed.length
  }

  /** Whether the current step has removed any VMA that existed before it. */
  removedAny(): boolean {
    for (let k = this.stepKill; k < this.killed.length; k++) if (this.killed[k]!.born < this.step) return true
    return false
  }

  /** The records the current step created and removed (records that lived only within it are neither), in the order made and killed. */
  currentChanges(): { created: Vma[]; removed: Vma[] } {
    const s = this.step
    const created: Vma[] = []
    for (let i = this.stepBirth; i < this.records.length; i++) if (this.records[i]!.died > s) created.push(this.records[i]!)
    const removed: Vma[] = []
    for (let k = this.stepKill; k < this.killed.length; k++) if (this.killed[k]!.born < s) removed.push(this.killed[k]!)
    return { created, removed }
  }

  /** Ids created and removed by step s (records that lived only within it are neither). */
  stepChanges(s: number): { created: number[]; removed: number[] } {
    const last = this.stepCount
    const created: number[] = []
    const bEnd = s + 1 <= last ? this.birthStart[s + 1]! : this.records.length
    for (let i = this.birthStart[s]!; i < bEnd; i++) {
      const r = this.records[i]!
      if (r.died > s) created.push(r.id)
    }
    const removed: number[] = []
    const kEnd = s + 1 <= last ? this.killStart[s + 1]! : this.killed.length
    for (let k = this.killStart[s]!; k < kEnd; k++) {
      const r = this.killed[k]!
      if (r.born < s) removed.push(r.id)
    }
    return { created, removed }
  }

  /** The VMAs before the first step (records added at step 0, see ./initial-state.ts). */
  setInitial(live: readonly Vma[]): void {
    if (!this.history) return
    this.checkpoints[0] = { step: 0, vmas: live.slice() }
    this.bornSinceCheckpoint = 0
  }

  endStep(live: { readonly count: number; toArray(): Vma[] }): void {
    if (!this.history) return
    // A checkpoint every live/8 births: at most 8 pointers of checkpoint per record ever made,
    // and a step is rebuilt from a checkpoint plus at most live/8 newer records.
    if (this.bornSinceCheckpoint >= Math.max(MIN_CHECKPOINT_GAP, live.count / CHECKPOINT_DENSITY)) {
      this.checkpoints.push({ step: this.step, vmas: live.toArray() })
      this.bornSinceCheckpoint = 0
    }
  }

  /**
   * The last few steps rebuilt: a step is usually asked for together with the
   * one before it (the change highlight) and again to explain it (which starts
   * from the step before), so a jump rebuilds two steps, not three.
   */
  private readonly recent: { step: number; vmas: Vma[] }[] = []

  /** Live records after step i (0 = before the first step), sorted by start. Do not modify the array. */
  vmasAt(i: number): Vma[] {
    const last = this.stepCount
    const step = Math.max(0, Math.min(last, Math.floor(i)))
    const hit = this.recent.find((r) => r.step === step)
    if (hit) return hit.vmas
    // A neighbour of a step rebuilt lately differs from it by a few records: derive it in O(n).
    const near = this.recent.find((r) => r.step === step + 1 || r.step === step - 1)
    const vmas = near ? this.derive(near.vmas, near.step, step, last) : this.rebuild(step, last)
    // Read only once the run is over (records stop dying), so a rebuilt step stays valid.
    if (!this.scratch) {
      this.recent.unshift({ step, vmas })
      if (this.recent.length > RECENT_STEPS) this.recent.pop()
    }
    return vmas
  }

  /**
   * The VMAs of `step` from those of the adjacent step `from`: keep the records
   * alive at `step`, and merge in the few that `from` lacks (born at `step` when
   * going forward; killed at `from` when going back).
   */
  private derive(base: readonly Vma[], from: number, step: number, last: number): Vma[] {
    const kept: Vma[] = []
    for (const v of base) if (v.born <= step && v.died > step) kept.push(v)
    const added: Vma[] = []
    if (from === step - 1) {
      const end = step + 1 <= last ? this.birthStart[step + 1]! : this.records.length
      for (let k = this.birthStart[step]!; k < end; k++) {
        const v = this.records[k]!
        if (v.died > step) added.push(v)
      }
    } else {
      const end = from + 1 <= last ? this.killStart[from + 1]! : this.killed.length
      for (let k = this.killStart[from]!; k < end; k++) {
        const v = this.killed[k]!
        if (v.born <= step) added.push(v)
      }
    }
    return mergeByStart(kept, added)
  }

  private rebuild(step: number, last: number): Vma[] {
    // The last checkpoint at or before `step`.
    let lo = 0
    let hi = this.checkpoints.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.checkpoints[mid]!.step <= step) lo = mid
      else hi = mid - 1
    }
    const cp = this.checkpoints[lo]!
    // Survivors of the checkpoint are in address order already; the records born since
    // are merged in (sorted first, as a step may make its records in any order).
    const kept: Vma[] = []
    for (const v of cp.vmas) if (v.died > step) kept.push(v)
    const from = cp.step + 1 <= last ? this.birthStart[cp.step + 1]! : this.records.length
    const to = step + 1 <= last ? this.birthStart[step + 1]! : this.records.length
    const born: Vma[] = []
    for (let k = from; k < to; k++) {
      const v = this.records[k]!
      if (v.died > step) born.push(v)
    }
    return mergeByStart(kept, born)
  }
}
