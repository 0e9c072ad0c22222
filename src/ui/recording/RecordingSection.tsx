/**
 * "Open recording": a document from `npm run record -- scenario.json` (a run of
 * the open scenario on someone's real kernel) shown beside the simulation:
 * the real kernel's address space at the current step, what differs there in
 * words, and the list of recorded steps with every differing one marked
 * (data-differs="error" or "layout", and a DifferenceMark, as compare mode marks steps).
 *
 * The engine worker reads the file and compares it with the run the page
 * shows (src/trace/recording-compare.ts), in slices, with progress: a 3 MB
 * recording of 65,530 steps never blocks the page. The steps come back as
 * columns; the list of them is windowed, and the page asks for the VMAs and
 * words of the one step it shows.
 */
import { useEffect, useMemo, useRef, useState, type ChangeEvent, type JSX } from 'react'
import type { VmaView } from '../../engine/api'
import type { SideRun } from '../engine-session/engine-session'
import { AddressSpaceView } from '../address-space'
import { FileInputWithAlert } from '../import/FileInputWithAlert'
import { InputTooLarge, readTextCapped } from '../import/read-capped'
import type { DifferenceKind } from '../../engine/differences'
import type { RecordedStepAnswer, RecordingColumns, RecordingProgress, RecordingRefused } from '../../worker/engine-protocol'
import { DifferenceMark } from '../steps/DifferenceMark'
import { findTargets } from '../find/find-targets'
import { useRowWindow } from '../vma-table/use-row-window'
import { subscribeRecordings } from './recording-inbox'

/** What the recording section asks of the engine (the EngineSession gives it). */
export interface RecordingEngine {
  openRecording(run: SideRun, text: string, onProgress?: (progress: RecordingProgress) => void): Promise<RecordingColumns | RecordingRefused>
  recordedStep(run: SideRun, recordingId: number, step: number): Promise<RecordedStepAnswer>
  releaseRecording(run: SideRun, recordingId: number): void
}

interface Comparison {
  run: SideRun
  columns: RecordingColumns
  differing: ReadonlyMap<number, DifferenceKind>
}

/** From this many recorded steps on, only the rows in view are in the DOM. */
const WINDOWED_MIN_STEPS = 200
const STEP_ROW_PX = 18

export interface RecordingSectionProps {
  engine: RecordingEngine
  /** The run the page shows (null before the first one); the recording is compared with it once it is finished. */
  run: SideRun | null
  step: number
  onSelectStep(step: number): void
  baseAddress: bigint
  axisMode: 'linear' | 'compressed'
  viewport: { startPage: number; endPage: number } | null
  onViewportChange(v: { startPage: number; endPage: number }): void
}

const NO_VMAS: VmaView[] = []

export function RecordingSection(props: RecordingSectionProps): JSX.Element {
  const { engine, run, step } = props
  const [file, setFile] = useState<{ name: string; text: string } | null>(null)
  const [comparison, setComparison] = useState<Comparison | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const [progress, setProgress] = useState<RecordingProgress | null>(null)

  // A recording another part of the page made (an opened trace's real VMAs, a dropped or pasted recording).
  useEffect(() => subscribeRecordings((offered) => {
    setFile(offered)
    if (!offered) {
      setComparison(null)
      setProblem(null)
    }
  }), [])

  // (Re)compare when a recording is opened, or when the run it is compared with changes (scenario, kernel).
  const finished = run && !run.partial ? run : null
  useEffect(() => {
    if (!file || !finished) return
    let current = true
    engine.openRecording(finished, file.text, (report) => current && setProgress(report)).then(
      (result) => {
        if (!current) {
          if ('recordingId' in result) engine.releaseRecording(finished, result.recordingId)
          return
        }
        setProgress(null)
        if ('problem' in result) {
          setComparison(null)
          setProblem(`${file.name}: ${result.problem}`)
        } else {
          setProblem(null)
          const differing = new Map<number, DifferenceKind>()
          for (let i = 0; i < result.differing.length; i++) differing.set(result.differing[i]!, result.differingErrno[i] ? 'error' : 'layout')
          setComparison({ run: finished, columns: result, differing })
        }
      },
      (error: unknown) => {
        if (!current) return
        setProgress(null)
        setProblem(`${file.name}: ${error instanceof Error ? error.message : String(error)}`)
      },
    )
    return () => {
      current = false
    }
  }, [engine, file, finished])
  // The worker forgets a recording the section no longer shows.
  useEffect(() => {
    if (!comparison) return
    return () => engine.releaseRecording(comparison.run, comparison.columns.recordingId)
  }, [engine, comparison])
  // The differing steps, for "Next difference" and the overview (outside this section).
  useEffect(() => {
    findTargets.setState({ recordingDifferences: comparison?.differing ?? null, recordingCounts: comparison?.columns.counts ?? null })
    return () => findTargets.setState({ recordingDifferences: null, recordingCounts: null })
  }, [comparison])

  // The shown step's recorded VMAs and words, asked of the worker (the latest step wins).
  const [shown, setShown] = useState<{ comparison: Comparison; step: number; answer: RecordedStepAnswer } | null>(null)
  useEffect(() => {
    // A comparison with a run the page no longer shows waits for the new one (its run may be gone from the worker).
    if (!comparison || comparison.run !== finished) return
    let current = true
    engine.recordedStep(comparison.run, comparison.columns.recordingId, step).then(
      (answer) => current && setShown({ comparison, step, answer }),
      (error: unknown) => current && setProblem(`${file?.name ?? 'recording'}: ${error instanceof Error ? error.message : String(error)}`),
    )
    return () => {
      current = false
    }
  }, [engine, comparison, finished, step, file])

  const onChange = async (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget
    const chosen = input.files?.[0]
    if (!chosen) return
    input.value = ''
    try {
      setFile({ name: chosen.name, text: await readTextCapped(chosen) })
    } catch (error) {
      if (!(error instanceof InputTooLarge)) throw error
      setProblem(`${chosen.name}: ${error.message}`) // the recording shown so far stays
    }
  }

  const answer = shown && shown.comparison === comparison ? shown.answer : null
  const words = answer && shown?.step === step && step > 0 ? answer.words : []

  return (
    <section aria-label="Recording" className="flex min-w-0 flex-col gap-2" data-testid="recording-section">
      <FileInputWithAlert label="Open recording" accept=".json,application/json" onChange={onChange} alert={problem} />
      {progress && (
        <p className="text-[12.5px] text-muted" data-testid="recording-progress">
          Comparing the recording with kernel {finished?.kernel}: {progress.done.toLocaleString('en-US')} of {progress.total.toLocaleString('en-US')} steps…
          <progress className="ml-2 align-middle" max={progress.total} value={progress.done} />
        </p>
      )}
      {comparison && (
        <div className="rounded border border-line bg-panel p-2" data-kernel={comparison.columns.kernel}>
          <p className="pb-1 text-[12.5px]" data-testid="recording-summary">
            Real kernel <span className="font-mono">{comparison.columns.kernel}</span> against the simulation of {comparison.run.kernel}:{' '}
            {comparison.differing.size === 0
              ? 'no step differs.'
              : `${comparison.differing.size.toLocaleString('en-US')} of ${comparison.columns.stepCount.toLocaleString('en-US')} steps differ (marked ≠).`}
          </p>
          <AddressSpaceView
            vmas={answer?.vmas ?? NO_VMAS}
            previousVmas={answer?.previous ?? NO_VMAS}
            step={null}
            windowPages={comparison.run.scenario.windowPages}
            baseAddress={props.baseAddress}
            axisMode={props.axisMode}
            viewport={props.viewport}
            onViewportChange={props.onViewportChange}
            highlight={null}
            pinnedVmaId={null}
            onPinVma={() => undefined}
            label={comparison.columns.kernel}
          />
          {words.length > 0 && (
            <ul aria-label="Differences at this step" className="mt-1 text-[12px] text-(--check-fail)">
              {words.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          )}
          <RecordedSteps comparison={comparison} step={step} onSelectStep={props.onSelectStep} />
        </div>
      )}
    </section>
  )
}

/** The recorded steps, each differing one marked; windowed from WINDOWED_MIN_STEPS on (aria-setsize says how many). */
function RecordedSteps({ comparison, step, onSelectStep }: { comparison: Comparison; step: number; onSelectStep(step: number): void }): JSX.Element {
  const { columns, differing } = comparison
  const total = columns.stepCount
  const windowed = total >= WINDOWED_MIN_STEPS
  const scrollRef = useRef<HTMLOListElement>(null)
  const { first, end } = useRowWindow(scrollRef, windowed ? total : 0, STEP_ROW_PX)
  const rows = useMemo(() => {
    const from = windowed ? first : 0
    const to = windowed ? end : total
    const out: number[] = []
    for (let i = from + 1; i <= to; i++) out.push(i)
    return out
  }, [windowed, first, end, total])
  // The shown step stays in view as the page steps.
  useEffect(() => {
    const list = scrollRef.current
    if (!windowed || !list || step < 1) return
    const top = (step - 1) * STEP_ROW_PX
    if (top < list.scrollTop || top + STEP_ROW_PX > list.scrollTop + list.clientHeight) list.scrollTop = Math.max(0, top - list.clientHeight / 2)
  }, [windowed, step])
  return (
    <ol ref={scrollRef} aria-label="Recorded steps" className="mt-1 max-h-48 overflow-y-auto text-[12px]" data-count={total}>
      {windowed && first > 0 && <li aria-hidden="true" style={{ height: first * STEP_ROW_PX }} />}
      {rows.map((index) => {
        const differs = differing.get(index)
        const errorIndex = columns.errorIndex[index - 1]!
        return (
          <li
            key={windowed ? index % 256 : index}
            data-recorded-step={index}
            data-differs={differs}
            aria-posinset={windowed ? index : undefined}
            aria-setsize={windowed ? total : undefined}
            style={windowed ? { height: STEP_ROW_PX } : undefined}
          >
            <button
              type="button"
              aria-current={index === step ? 'step' : undefined}
              onClick={() => onSelectStep(index)}
              className={`w-full truncate px-1 text-left font-mono ${index === step ? 'bg-selection' : ''}`}
            >
              {index}. {columns.ops[columns.opIndex[index - 1]!]}
              {errorIndex >= 0 ? ` → ${columns.errors[errorIndex]}` : ''}
              {columns.unsupported[index - 1] ? ' (not recorded here)' : ''}
              {differs && <> <DifferenceMark kind={differs} /></>}
            </button>
          </li>
        )
      })}
      {windowed && end < total && <li aria-hidden="true" style={{ height: (total - end) * STEP_ROW_PX }} />}
    </ol>
  )
}
