/**
 * The step list's filter: every step, the differing steps only (compare mode
 * or against a recording), the failed steps only. The list then shows only
 * those steps (still virtualised, still in order).
 */
import { memo, useMemo } from 'react'
import type { StepSummary } from '../../worker/engine-protocol'
import { findTargets, useFindTargets, type StepFilter } from './find-targets'
import { failedSteps, unionSteps } from './step-navigation'

export const StepFilterSelect = memo(function StepFilterSelect() {
  const filter = useFindTargets((s) => s.filter)
  return (
    <select
      aria-label="Show steps"
      className="h-6 rounded border border-line bg-raised px-1 text-[11.5px] text-fg"
      value={filter}
      onChange={(event) => findTargets.setState({ filter: event.currentTarget.value as StepFilter })}
    >
      <option value="all">Every step</option>
      <option value="differing">Differing steps only</option>
      <option value="failed">Failed steps only</option>
    </select>
  )
})

/** The steps the list shows under `filter` (ascending), or null for every step. */
export function useFilteredSteps(filter: StepFilter, steps: readonly StepSummary[] | null): readonly number[] | null {
  const kernel = useFindTargets((s) => s.kernelDifferences)
  const recording = useFindTargets((s) => s.recordingDifferences)
  return useMemo(() => {
    if (filter === 'all' || !steps) return null
    if (filter === 'failed') return failedSteps(steps)
    return unionSteps(kernel, recording)
  }, [filter, steps, kernel, recording])
}
