/** The words the explorer uses for a step: its one-line label and the sentence announced to screen readers. */
import type { StepSummary } from '../../worker/engine-protocol'

/** "merged-prev, KSM early, error EEXIST": the parts of a result worth saying after its summary. */
export function resultWords(result: StepSummary): string {
  const parts: string[] = []
  if (result.outcome) parts.push(result.outcome)
  if (result.ksm === 'early' || result.ksm === 'late') parts.push(`KSM ${result.ksm}`)
  if (result.error) parts.push(`error ${result.error}`)
  return parts.join(', ')
}

/** "Step 3 of 5: mmap B [2,4) rw- anon private — merged-prev, KSM early". */
export function stepAnnouncement(step: number, stepCount: number, result: StepSummary | null): string {
  if (!result) return `Step 0 of ${stepCount}: initial state, before any step`
  const words = resultWords(result)
  return `Step ${step} of ${stepCount}: ${result.summary}${words ? ` — ${words}` : ''}`
}
