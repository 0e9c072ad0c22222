/**
 * Which steps of one scenario differ between two kernels: the outcome, the
 * KSM timing, the errno, or the VMAs after the step, compared by start, end,
 * protection and VM_MERGEABLE.
 *
 * Comparing every step's whole VMA list would cost steps × VMAs (60,001 steps
 * of up to 60,000 VMAs is 3.6 billion comparisons). Instead a running balance
 * follows both traces through each step's own created/removed lists: +1 for a
 * VMA layout the first kernel has, −1 for one the second has. VMAs never
 * overlap, so the two lists are equal exactly when every layout balances out.
 * That is O(steps + VMAs ever made).
 */
import type { Trace, VmaView } from './api'

const layoutKey = (v: VmaView) => `${v.start}:${v.end}:${v.prot}:${v.mergeable ? 1 : 0}`

class LayoutBalance {
  private readonly counts = new Map<string, number>()
  /** How many layouts are held by one kernel more often than by the other. */
  unbalanced = 0

  add(v: VmaView, delta: number): void {
    const key = layoutKey(v)
    const before = this.counts.get(key) ?? 0
    const after = before + delta
    if (before === 0) this.unbalanced++
    if (after === 0) {
      this.unbalanced--
      this.counts.delete(key)
    } else {
      this.counts.set(key, after)
    }
  }

  /** Applies step `i` of `trace` to its side (`sign` = +1 for the first kernel, −1 for the second). */
  step(trace: Trace, i: number, sign: number): void {
    const { created, removed } = trace.steps[i - 1]!
    for (const id of removed) this.add(trace.viewOf(id)!, -sign)
    for (const id of created) this.add(trace.viewOf(id)!, sign)
  }
}

/**
 * What differs at a step, the one that explains most first: the errno (one
 * kernel failed, or failed otherwise: `error`), else the outcome (`outcome`:
 * merged on one, new on the other), else the VMAs after it (`layout`: this
 * step did the same, but the address spaces differ, from an earlier step),
 * else only the KSM timing (`ksm`: early on one, late on the other, and
 * nothing else differs).
 */
export type DifferenceKind = 'layout' | 'outcome' | 'error' | 'ksm'
export const DIFFERENCE_KINDS: readonly DifferenceKind[] = ['error', 'outcome', 'layout', 'ksm']

/** The differing steps (1-based, ascending) and, for each, what differs. */
export interface StepDifferences {
  steps: number[]
  kinds: DifferenceKind[]
}

/** The steps (of the steps both traces have) whose result differs, with what differs. */
export function stepDifferences(a: Trace, b: Trace): StepDifferences {
  const count = Math.min(a.steps.length, b.steps.length)
  const balance = new LayoutBalance()
  for (const v of a.vmasAt(0)) balance.add(v, 1)
  for (const v of b.vmasAt(0)) balance.add(v, -1)
  const steps: number[] = []
  const kinds: DifferenceKind[] = []
  for (let i = 1; i <= count; i++) {
    balance.step(a, i, 1)
    balance.step(b, i, -1)
    const sa = a.steps[i - 1]!
    const sb = b.steps[i - 1]!
    const kind: DifferenceKind | null =
      sa.error !== sb.error ? 'error' : sa.outcome !== sb.outcome ? 'outcome' : balance.unbalanced > 0 ? 'layout' : sa.ksm !== sb.ksm ? 'ksm' : null
    if (kind) {
      steps.push(i)
      kinds.push(kind)
    }
  }
  return { steps, kinds }
}

/** The 1-based steps (of the steps both traces have) whose result differs. */
export function differingSteps(a: Trace, b: Trace): number[] {
  return stepDifferences(a, b).steps
}
