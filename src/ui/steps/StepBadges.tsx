/** The small labelled chips of a step: outcome, KSM timing, error. Text, not colour alone, carries the meaning. */
import type { StepSummary } from '../../worker/engine-protocol'

const CHIP = 'inline-flex items-center rounded-sm border px-1 font-mono text-[11px] leading-4 whitespace-nowrap'

export function StepBadges({ result }: { result: Pick<StepSummary, 'outcome' | 'ksm' | 'error'> }) {
  return (
    <>
      {result.outcome && (
        <span className={`${CHIP} border-line text-fg`} data-outcome={result.outcome}>
          {result.outcome}
        </span>
      )}
      {(result.ksm === 'early' || result.ksm === 'late') && (
        <span
          className={`${CHIP} ${result.ksm === 'early' ? 'border-pass text-pass' : 'border-fail text-fail'}`}
          data-ksm={result.ksm}
          title={result.ksm === 'early' ? 'VM_MERGEABLE set before the merge attempt' : 'VM_MERGEABLE set after the merge attempt'}
        >
          KSM {result.ksm}
        </span>
      )}
      {result.error && (
        <span className={`${CHIP} border-fail font-semibold text-fail`} data-error={result.error}>
          {result.error}
        </span>
      )}
    </>
  )
}
