/**
 * The overview wired to the page: the series of the kernel(s) shown and of an
 * open recording, the differing and failed steps, the current step.
 */
import { memo, useMemo } from 'react'
import type { StepSummary } from '../../worker/engine-protocol'
import { useExplorer, useExplorerStoreApi } from '../../store/use-explorer-store'
import { useFindTargets } from '../find/find-targets'
import { extendsSteps, failedSteps, unionSteps } from '../find/step-navigation'
import { Overview, type OverviewSeries } from './Overview'

const countCache = new WeakMap<readonly StepSummary[], Int32Array>()
let lastCounts: { steps: readonly StepSummary[]; counts: Int32Array } | undefined
/**
 * VMAs after each step of a run (index 0 = the initial state), computed once per run; a run in
 * progress (a longer list every 250 ms) costs only its new steps.
 */
function countsOf(steps: readonly StepSummary[], initial: number): Int32Array {
  let counts = countCache.get(steps)
  if (!counts) {
    counts = new Int32Array(steps.length + 1)
    counts[0] = initial
    let from = 0
    if (extendsSteps(steps, lastCounts?.steps) && lastCounts!.counts[0] === initial) {
      counts.set(lastCounts!.counts)
      from = lastCounts!.steps.length
    }
    for (let i = from; i < steps.length; i++) counts[i + 1] = steps[i]!.mapCount
    countCache.set(steps, counts)
  }
  lastCounts = { steps, counts }
  return counts
}

interface OverviewPanelProps {
  primary: { kernel: string; steps: readonly StepSummary[] } | null
  compare: { kernel: string; steps: readonly StepSummary[] } | null
}

export const OverviewPanel = memo(function OverviewPanel({ primary, compare }: OverviewPanelProps) {
  const store = useExplorerStoreApi()
  const step = useExplorer((s) => s.step)
  const initial = useExplorer((s) => s.scenario.initial?.vmas.length ?? 0)
  const kernelDifferences = useFindTargets((s) => s.kernelDifferences)
  const recordingDifferences = useFindTargets((s) => s.recordingDifferences)
  const recordingCounts = useFindTargets((s) => s.recordingCounts)
  const series = useMemo(() => {
    const out: OverviewSeries[] = []
    if (primary) out.push({ label: primary.kernel, counts: countsOf(primary.steps, initial), colour: '--accent' })
    if (compare) out.push({ label: compare.kernel, counts: countsOf(compare.steps, initial), colour: '--next-highlight', dashed: true })
    if (recordingCounts) out.push({ label: 'recording', counts: recordingCounts, colour: '--prev-highlight', dashed: true })
    return out
  }, [primary, compare, initial, recordingCounts])
  const differing = useMemo(() => unionSteps(kernelDifferences, recordingDifferences), [kernelDifferences, recordingDifferences])
  const failed = primary ? failedSteps(primary.steps) : []
  if (!primary) return null
  return <Overview series={series} stepCount={primary.steps.length} current={step} differing={differing} failed={failed} onSelect={store.getState().goToStep} />
})
