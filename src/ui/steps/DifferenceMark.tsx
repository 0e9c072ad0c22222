/**
 * The mark of a step that differs between two kernels (or a kernel and its
 * recording), saying what differs: a "≠" chip with a word, each kind in its
 * own colour and border, so neither the word nor the colour alone carries it.
 * `data-differs` on the step names the kind (layout, outcome, error, ksm).
 */
import type { DifferenceKind } from '../../engine/differences'

export const DIFFERENCE_WORDS: Record<DifferenceKind, { short: string; long: string; className: string }> = {
  error: { short: 'errno', long: 'the errno differs (one kernel failed, or failed otherwise)', className: 'border-fail text-fail font-semibold' },
  outcome: { short: 'outcome', long: 'the outcome differs (for example merged on one kernel, a new VMA on the other)', className: 'border-accent text-accent' },
  layout: { short: 'VMAs', long: 'the VMAs after the step differ (the step itself did the same)', className: 'border-fg text-fg border-double border-[3px] leading-3' },
  ksm: { short: 'KSM', long: 'only the KSM timing differs (VM_MERGEABLE set early on one kernel, late on the other)', className: 'border-dashed border-line text-muted' },
}

export function DifferenceMark({ kind }: { kind: DifferenceKind }) {
  const words = DIFFERENCE_WORDS[kind]
  return (
    <span
      className={`inline-flex shrink-0 items-center rounded-sm border px-1 font-mono text-[11px] leading-4 whitespace-nowrap ${words.className}`}
      title={`Differs: ${words.long}`}
      data-difference={kind}
    >
      ≠ {words.short}
      <span className="sr-only">: {words.long}</span>
    </span>
  )
}

/** The key to the marks, shown above the step list while comparing. */
export function DifferenceKey() {
  return (
    <p className="flex flex-wrap items-center gap-1 px-3 pb-1 text-[11.5px] text-muted" data-testid="difference-key">
      Steps that differ:
      {(['error', 'outcome', 'layout', 'ksm'] as const).map((kind) => (
        <span key={kind} aria-hidden="true" title={DIFFERENCE_WORDS[kind].long} className={`rounded-sm border px-1 font-mono text-[10.5px] ${DIFFERENCE_WORDS[kind].className}`}>
          ≠ {DIFFERENCE_WORDS[kind].short}
        </span>
      ))}
      <span className="sr-only">each differing step says whether its errno, its outcome, the VMAs after it, or only its KSM timing differs.</span>
    </p>
  )
}
