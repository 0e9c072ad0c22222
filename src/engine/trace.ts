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
 * O(n log n) for n live VMAs, whatever the length of the trace.
 */
import type { StepResult } from './api'
import type { Vma } from './vma'

interface Checkpoint {
  readonly step: number
  readonly vmas: readonly Vma[]
}

const MIN_CHECKPOINT_GAP = 256

export class TraceStore {
  /** All records, in birth order. */
  private readonly records: Vma[] = []
  /** birthStart[s] = index in `records` of the first record born at step s. */
  private readonly birthStart: number[] = [0]
  private readonly checkpoints: Checkpoint[] = [{ step: 0, vmas: [] }]
  private bornSinceCheckpoint = 0
  private killed: Vma[] = []
  readonly results: StepResult[] = []
  private nextId = 1
  step = 0

  /** Record a new VMA, born at the current step. */
  add<T extends Omit<Vma, 'id' | 'born' | 'died'>>(fields: T): Vma {
    const v: Vma = { ...fields, id: this.nextId++, born: this.step, died: Infinity }
    this.records.push(v)
    this.bornSinceCheckpoint++
    return v
  }

  /** The VMA left the address space at the current step. */
  kill(v: Vma): void {
    v.died = this.step
    this.killed.push(v)
  }

  beginStep(step: number): void {
    this.step = step
    this.birthStart[step] = this.records.length
    this.killed = []
  }

  /** Ids created and removed in the current step (records that lived only within it are neither). */
  stepChanges(): { created: number[]; removed: number[] } {
    const created: number[] = []
    for (let i = this.birthStart[this.step]!; i < this.records.length; i++) {
      const r = this.records[i]!
      if (r.died === Infinity) created.push(r.id)
    }
    const removed: number[] = []
    for (const r of this.killed) if (r.born < this.step) removed.push(r.id)
    return { created, removed }
  }

  endStep(live: readonly Vma[]): void {
    if (this.bornSinceCheckpoint >= Math.max(MIN_CHECKPOINT_GAP, live.length)) {
      this.checkpoints.push({ step: this.step, vmas: live.slice() })
      this.bornSinceCheckpoint = 0
    }
  }

  /** Live records after step i (0 = before the first step), sorted by start. */
  vmasAt(i: number): Vma[] {
    const last = this.results.length
    const step = Math.max(0, Math.min(last, Math.floor(i)))
    // The last checkpoint at or before `step`.
    let lo = 0
    let hi = this.checkpoints.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.checkpoints[mid]!.step <= step) lo = mid
      else hi = mid - 1
    }
    const cp = this.checkpoints[lo]!
    const out: Vma[] = []
    for (const v of cp.vmas) if (v.died > step) out.push(v)
    const from = cp.step + 1 <= last ? this.birthStart[cp.step + 1]! : this.records.length
    const to = step + 1 <= last ? this.birthStart[step + 1]! : this.records.length
    let sorted = true
    for (let k = from; k < to; k++) {
      const v = this.records[k]!
      if (v.died > step) {
        if (out.length > 0 && out[out.length - 1]!.start > v.start) sorted = false
        out.push(v)
      }
    }
    if (!sorted) out.sort((a, b) => a.start - b.start)
    return out
  }
}
