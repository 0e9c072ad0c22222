/**
 * "Why": the engine's decision record for the shown step, check by check
 * (pass or fail as an icon and a word, the kernel function, the reason), and
 * for new mappings under PR_SET_MEMORY_MERGE a sentence on what the timing of
 * VM_MERGEABLE did. Hovering or focusing a check highlights the VMA it looked
 * at in the address-space view.
 */
import { useMemo, useState } from 'react'
import type { Check, KernelId } from '../../engine/api'
import type { Highlight } from '../../store/explorer-store'
import type { ShownStep } from '../engine-session/engine-session'
import { StepBadges } from '../steps/StepBadges'
import { ksmTimingSentence } from './ksm-explanation'
import { mapsRange, textWithAddresses } from './format-range'
import { functionLink } from '../../kernel-source/links'
import { KernelChanges } from './KernelChanges'
import { traceCallsOf } from '../trace/trace-presence'

interface WhyPanelProps {
  shown: ShownStep
  kernel: KernelId
  onHighlight(highlight: Highlight | null): void
  headingId: string
  /** The window's base (the explorer's axis base): the checks print addresses from it, as /proc/PID/maps does. */
  baseAddress: bigint
}

/** The check's range as a highlight: prev-side checks in the prev colour, everything else in the next colour. */
export function checkHighlight(check: Check): Highlight | null {
  if (!check.range) return null
  return check.subject === 'prev' ? { prev: check.range } : { next: check.range }
}

/** The kernel function as a link to its source at the profile's release (or the v2 patch), when there is one. */
function FunctionName({ fn, kernel }: { fn: string; kernel: KernelId }) {
  const link = functionLink(kernel, fn)
  const code = <code className="font-mono text-[12px] text-accent">{fn}</code>
  if (!link) return code
  return (
    <a href={link.href} target="_blank" rel="noreferrer" title={link.title} className="underline decoration-dotted underline-offset-2 hover:decoration-solid" data-testid="kernel-function-link">
      {code}
    </a>
  )
}

function CheckItem({ check, kernel, onHighlight, baseAddress }: { check: Check; kernel: KernelId; onHighlight(h: Highlight | null): void; baseAddress: bigint }) {
  const highlight = checkHighlight(check)
  const on = () => onHighlight(highlight)
  const off = () => onHighlight(null)
  return (
    <li
      tabIndex={0}
      data-pass={check.pass ? 'true' : 'false'}
      data-rule={check.rule}
      onMouseEnter={on}
      onMouseLeave={off}
      onFocus={on}
      onBlur={off}
      className="grid grid-cols-[3.75rem_minmax(0,1fr)] gap-x-2 rounded-sm px-1.5 py-0.5 hover:bg-selection/60 focus-visible:bg-selection/60 @3xl:grid-cols-[3.75rem_14rem_minmax(0,1fr)]"
    >
      <span className={`font-mono text-[12px] font-semibold ${check.pass ? 'text-pass' : 'text-fail'}`}>
        <span aria-hidden="true">{check.pass ? '✓' : '✗'}</span> {check.pass ? 'pass' : 'fail'}
      </span>
      <span className="min-w-0 truncate">
        <FunctionName fn={check.fn} kernel={kernel} />
        {check.subject && check.range && (
          <span className="ml-1.5 font-mono text-[11px] text-muted">
            {check.subject} {mapsRange(check.range, baseAddress)}
          </span>
        )}
      </span>
      <span className="col-start-2 text-[12.5px] @3xl:col-start-3">{textWithAddresses(check.text, baseAddress)}</span>
    </li>
  )
}

/**
 * Checks listed at first, and added per "Show more": a munmap of 65,530 VMAs
 * records a remove_vma check for each, and 65,530 list items would freeze the
 * page on every visit to that step.
 */
export const CHECKS_SHOWN = 100

/**
 * The checks from `from` on, summed up without copying them: how many of each
 * function, in order of first appearance ("remove_vma ×65,430"), and how many
 * failed. A run of checks of one function costs one map update.
 */
function checksAfter(checks: readonly Check[], from: number): { counts: string; failed: number } {
  const counts = new Map<string, number>()
  let failed = 0
  let fn: string | null = null
  let run = 0
  for (let i = from; i < checks.length; i++) {
    const check = checks[i]!
    if (!check.pass) failed++
    if (check.fn === fn) {
      run++
      continue
    }
    if (fn !== null) counts.set(fn, (counts.get(fn) ?? 0) + run)
    fn = check.fn
    run = 1
  }
  if (fn !== null) counts.set(fn, (counts.get(fn) ?? 0) + run)
  return { counts: [...counts].map(([name, n]) => `${name} ×${n.toLocaleString('en-US')}`).join(', '), failed }
}

function CheckList({ checks, kernel, onHighlight, baseAddress }: { checks: readonly Check[]; kernel: KernelId; onHighlight(h: Highlight | null): void; baseAddress: bigint }) {
  const [shownCount, setShownCount] = useState(CHECKS_SHOWN)
  const rest = checks.length - shownCount
  const { counts, failed } = useMemo(() => (rest > 0 ? checksAfter(checks, shownCount) : { counts: '', failed: 0 }), [checks, shownCount, rest])
  return (
    <>
      <ol aria-label={`Checks the kernel made (${kernel})`} className="space-y-0.5" data-count={checks.length}>
        {checks.slice(0, shownCount).map((check, i) => (
          <CheckItem key={i} check={check} kernel={kernel} onHighlight={onHighlight} baseAddress={baseAddress} />
        ))}
      </ol>
      {rest > 0 && (
        <p className="text-[12.5px] text-muted" data-testid="checks-more">
          {rest.toLocaleString('en-US')} more {rest === 1 ? 'check' : 'checks'} ({counts}), {failed === 0 ? 'all passed' : `${failed.toLocaleString('en-US')} failed`}.{' '}
          <button type="button" className="rounded border border-line px-2 text-[12px] hover:bg-selection" onClick={() => setShownCount((n) => n + CHECKS_SHOWN)}>
            Show {Math.min(rest, CHECKS_SHOWN)} more
          </button>
        </p>
      )}
    </>
  )
}

export function WhyPanel({ shown, kernel, onHighlight, headingId, baseAddress }: WhyPanelProps) {
  const { result } = shown
  if (!result) {
    return (
      <section aria-labelledby={headingId} className="space-y-1" data-testid="why-panel">
        <h3 id={headingId} className="text-[12px] font-semibold tracking-wide text-muted uppercase">
          Why · {kernel}
        </h3>
        <p>
          Initial state, before any step: {shown.vmas.length === 0 ? 'the window holds no VMA.' : `${shown.vmas.length} VMA(s) in the window.`}{' '}
          Step forward to see what each call did and why.
        </p>
      </section>
    )
  }
  const scenarioStep = shown.run.scenario.steps[result.index - 1]
  // A traced program's step is the call it came from, as strace prints it; the engine's words follow.
  const call = traceCallsOf(shown.run.scenario)?.[result.index - 1] ?? null
  // The sentence reads the checks too: it waits for them.
  const sentence = scenarioStep && !shown.checksPending
    ? ksmTimingSentence({ kernel, result, step: scenarioStep, previousVmas: shown.previousVmas, vmas: shown.vmas })
    : null

  return (
    <section aria-labelledby={headingId} className="@container space-y-1.5" data-testid="why-panel">
      <h3 id={headingId} className="text-[12px] font-semibold tracking-wide text-muted uppercase">
        Why · {kernel}
      </h3>
      <p className="flex flex-wrap items-center gap-1.5">
        <span className="font-mono text-[12.5px] break-all" data-call={call !== null ? '' : undefined}>
          {result.index}. {call ?? result.summary}
        </span>
        <StepBadges result={result} />
        {result.process === 'child' && <span className="text-[12px] text-muted">in the child process</span>}
      </p>
      {call !== null && <p className="font-mono text-[12px] text-muted">{result.summary}</p>}
      {result.error && (
        <p className="text-[12.5px]">
          The call failed with <code className="font-mono font-semibold text-fail">{result.error}</code>.
        </p>
      )}
      {sentence && (
        <p className="rounded-sm border-l-3 border-accent bg-raised px-2 py-1 text-[12.5px]" data-testid="ksm-sentence">
          {sentence}
        </p>
      )}
      {shown.checksPending ? (
        <p className="text-[12.5px] text-muted" data-testid="checks-pending">
          Reading the checks the kernel made…
        </p>
      ) : result.checks.length > 0 ? (
        // Keyed by the step: another step starts again with its first checks.
        <CheckList key={`${shown.run.runId}:${result.index}`} checks={result.checks} kernel={kernel} onHighlight={onHighlight} baseAddress={baseAddress} />
      ) : (
        <p className="text-[12.5px] text-muted">The engine recorded no merge decisions for this step.</p>
      )}
      <KernelChanges kernel={kernel} />
    </section>
  )
}
