/**
 * The list of steps, each in words (the engine's summary) with its outcome,
 * KSM timing and error. Step 0 is the initial state. In compare mode every
 * step whose result differs between the two kernels is marked with what
 * differs (DifferenceMark: "≠ outcome", and data-differs="layout" | "outcome" |
 * "error" | "ksm"), and the second kernel's badges are shown under it.
 * For a traced program each step reads as the call it came from, as strace
 * prints it (`data-call`), with the engine's summary in its title.
 */
import { memo, useEffect, useLayoutEffect, useRef } from 'react'
import { useRowWindow } from '../vma-table/use-row-window'
import type { KernelId } from '../../engine/api'
import type { StepSummary } from '../../worker/engine-protocol'
import { StepBadges } from './StepBadges'
import { DifferenceMark } from './DifferenceMark'
import { lowerBound } from '../find/step-navigation'
import type { DifferenceKind } from '../../engine/differences'

interface StepListProps {
  steps: StepSummary[]
  compareSteps: StepSummary[] | null
  compareKernel: KernelId | null
  kernel: KernelId
  current: number
  differing: ReadonlyMap<number, DifferenceKind> | null
  /** Only these steps (ascending), when the list is filtered; null = every step. */
  only?: readonly number[] | null
  /** For a traced program: the call each step came from, as strace prints it ([0] is step 1). */
  callTexts?: readonly string[] | null
  onSelect(step: number): void
}

/** From this many steps on the list is virtualised (see StepList). */
const WINDOWED_MIN_STEPS = 2000
const WINDOWED_ROW_PX = 50
/** In compare mode an item has a second line of badges (the other kernel's). */
const WINDOWED_COMPARE_ROW_PX = 70

interface StepItemProps {
  /** Fixed height in px when the list is virtualised. */
  height?: number
  index: number
  result: StepSummary | null
  compareResult: StepSummary | null
  /** The traced call this step came from, as strace prints it. */
  call: string | null
  kernel: KernelId
  compareKernel: KernelId | null
  selected: boolean
  differs: DifferenceKind | null
  onSelect(step: number): void
}

const StepItem = memo(function StepItem(props: StepItemProps) {
  const { index, result, compareResult, selected, differs } = props
  // A virtualised item has a fixed height: one line for the summary (cut with an ellipsis, whole
  // in its title) and one for each kernel's badges.
  const fixed = props.height !== undefined
  const summary = result ? result.summary : 'initial state'
  const line = props.call ?? summary
  const badgeLine = `flex items-center gap-1 pb-0.5 ${fixed ? 'flex-nowrap overflow-hidden' : 'flex-wrap'}`
  return (
    <li
      data-step={index}
      data-differs={differs ?? undefined}
      className="border-b border-line/60 [contain-intrinsic-size:auto_50px] [content-visibility:auto]"
      style={props.height === undefined ? undefined : { height: props.height, overflow: 'hidden' }}
    >
      <button
        type="button"
        aria-current={selected ? 'step' : undefined}
        onClick={() => props.onSelect(index)}
        className={`flex w-full items-start gap-2 px-2 py-1 text-left hover:bg-selection/60 ${
          selected ? 'bg-selection shadow-[inset_3px_0_0_var(--accent)]' : ''
        }`}
      >
        <span className="w-7 shrink-0 text-right font-mono text-[11px] leading-5 text-muted">{index}</span>
        <span className="min-w-0 flex-1">
          <span
            className={`block font-mono text-[12px] leading-5 ${fixed ? 'truncate' : 'break-words'}`}
            data-call={props.call !== null ? '' : undefined}
            title={props.call !== null ? `${props.call}\n${summary}` : fixed ? summary : undefined}
          >
            {line}
            {result?.process === 'child' && <span className="ml-1 text-muted">(child)</span>}
          </span>
          {result && (
            <span className={badgeLine}>
              {props.compareKernel && <span className="font-mono text-[10px] text-muted">{props.kernel}</span>}
              <StepBadges result={result} />
            </span>
          )}
          {compareResult && props.compareKernel && (
            <span className={badgeLine}>
              <span className="font-mono text-[10px] text-muted">{props.compareKernel}</span>
              <StepBadges result={compareResult} />
            </span>
          )}
        </span>
        {differs && <DifferenceMark kind={differs} />}
      </button>
    </li>
  )
})

export const StepList = memo(function StepList(props: StepListProps) {
  const listRef = useRef<HTMLOListElement>(null)
  /** The scrolling parent (the step list's <nav>), which the virtualised list follows. */
  const scrollerRef = useRef<HTMLElement | null>(null)
  useLayoutEffect(() => {
    scrollerRef.current = listRef.current?.parentElement ?? null
  }, [])
  const { current } = props
  const onlyRef = useRef(props.only ?? null)
  useLayoutEffect(() => {
    onlyRef.current = props.only ?? null
  }, [props.only])
  const rowPx = props.compareSteps ? WINDOWED_COMPARE_ROW_PX : WINDOWED_ROW_PX

  // Long lists (the stress scenarios) are virtualised: only the items near the
  // scroll position are in the DOM, each rowPx high.
  const only = props.only ?? null
  const total = only ? only.length : props.steps.length + 1
  // A run still coming in may not have the current step yet (a kernel switched while the
  // step shown is far on): the list follows again once it has it.
  const currentListed = only !== null || current < total

  // Keep the current step in view. Deferred until after the frame is painted: scrolling
  // needs a clean layout, and forcing one inside the commit would delay the step's frame.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => {
        const item = listRef.current?.querySelector(`li[data-step="${current}"]`)
        if (item) item.scrollIntoView({ block: 'nearest' })
        else if (scrollerRef.current) {
          const row = onlyRef.current ? lowerBound(onlyRef.current, current) : current
          scrollerRef.current.scrollTop = Math.max(0, row * rowPx - scrollerRef.current.clientHeight / 2)
        }
      }, 0)
    })
    return () => {
      cancelAnimationFrame(frame)
      clearTimeout(timer)
    }
  }, [current, rowPx, currentListed])

  const windowed = total >= WINDOWED_MIN_STEPS
  const { first, end } = useRowWindow(scrollerRef, windowed ? total : 0, rowPx)
  const from = windowed ? first : 0
  const to = windowed ? end : total
  /** The step shown in row `row` of the list. */
  const stepAt = (row: number) => (only ? only[row]! : row)
  const rows: number[] = []
  for (let row = from; row < to; row++) rows.push(stepAt(row))
  return (
    <ol
      ref={listRef}
      aria-label="Steps"
      className="text-fg"
      style={windowed ? { paddingTop: first * rowPx, paddingBottom: (total - end) * rowPx } : undefined}
    >
      {rows.length === 0 && <li className="px-3 py-2 text-[12.5px] text-muted">No step is of this kind.</li>}
      {rows.map((index, i) => {
        const result = index > 0 ? (props.steps[index - 1] ?? null) : null
        return (
        <StepItem
          // Windowed: items are slots, refilled in place when the window moves far.
          key={windowed ? i : index}
          height={windowed ? rowPx : undefined}
          index={index}
          result={result}
          compareResult={index > 0 ? (props.compareSteps?.[index - 1] ?? null) : null}
          call={index > 0 ? (props.callTexts?.[index - 1] ?? null) : null}
          kernel={props.kernel}
          compareKernel={props.compareKernel}
          selected={index === props.current}
          differs={props.differing?.get(index) ?? null}
          onSelect={props.onSelect}
        />
        )
      })}
    </ol>
  )
})
