/**
 * Moving through steps of a kind: the next and previous differing step, failed
 * step (an errno), merge (merged-prev/next/both, or a brk that expanded).
 * Lists are ascending step numbers; lookups are binary searches, and the lists
 * of a run's steps are computed once per run (a WeakMap on its step array), so
 * a 1,000,000-step run costs one pass, not one per key press.
 */
import type { StepSummary } from '../../worker/engine-protocol'

/** The first entry of ascending `steps` after `current`, or null. */
export function nextAfter(steps: readonly number[], current: number): number | null {
  let lo = 0
  let hi = steps.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (steps[mid]! <= current) lo = mid + 1
    else hi = mid
  }
  return lo < steps.length ? steps[lo]! : null
}

/** The index of the first entry of ascending `steps` that is ≥ `value` (steps.length when none is). */
export function lowerBound(steps: readonly number[], value: number): number {
  let lo = 0
  let hi = steps.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (steps[mid]! < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** The last entry of ascending `steps` before `current`, or null. */
export function previousBefore(steps: readonly number[], current: number): number | null {
  const at = lowerBound(steps, current)
  return at > 0 ? steps[at - 1]! : null
}

const MERGE_OUTCOMES = new Set(['merged-prev', 'merged-next', 'merged-both', 'expanded'])

/**
 * True when `steps` begins with all of `before` (the longer step list of the same run in progress:
 * its step objects are shared, never replaced), so a list over it extends the one over `before`.
 */
export function extendsSteps(steps: readonly StepSummary[], before: readonly StepSummary[] | undefined): before is readonly StepSummary[] {
  const n = before?.length ?? 0
  return n > 0 && steps.length >= n && steps[0] === before![0] && steps[n - 1] === before![n - 1]
}

function memoByArray(pick: (step: StepSummary) => boolean): (steps: readonly StepSummary[]) => number[] {
  const cache = new WeakMap<readonly StepSummary[], number[]>()
  let last: { steps: readonly StepSummary[]; found: number[] } | undefined
  return (steps) => {
    let found = cache.get(steps)
    if (!found) {
      // A run in progress reports a longer list every 250 ms: only its new steps are looked at.
      const from = extendsSteps(steps, last?.steps) ? last!.steps.length : 0
      found = from > 0 ? last!.found.slice() : []
      for (let i = from; i < steps.length; i++) if (pick(steps[i]!)) found.push(steps[i]!.index)
      cache.set(steps, found)
    }
    last = { steps, found }
    return found
  }
}

/** Steps that returned an errno. */
export const failedSteps = memoByArray((step) => step.error !== null)
/** Steps whose new or changed range merged with a neighbour (or a brk that grew the heap VMA). */
export const mergeSteps = memoByArray((step) => step.outcome !== null && MERGE_OUTCOMES.has(step.outcome))

const sortedKeyCache = new WeakMap<ReadonlyMap<number, unknown>, number[]>()
/** The steps of a differences map, ascending (cached per map). */
export function sortedSteps(map: ReadonlyMap<number, unknown>): number[] {
  let sorted = sortedKeyCache.get(map)
  if (!sorted) {
    sorted = [...map.keys()].sort((a, b) => a - b)
    sortedKeyCache.set(map, sorted)
  }
  return sorted
}

/** Two differences maps as one (compare mode and a recording at once); either may be null. */
export function unionSteps(a: ReadonlyMap<number, unknown> | null, b: ReadonlyMap<number, unknown> | null): number[] {
  if (!a) return b ? sortedSteps(b) : []
  if (!b) return sortedSteps(a)
  return [...new Set([...sortedSteps(a), ...sortedSteps(b)])].sort((x, y) => x - y)
}
