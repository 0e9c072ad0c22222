/**
 * "Open recording": a document from `npm run record -- scenario.json` (a run of
 * the open scenario on someone's real kernel) shown beside the simulation:
 * the real kernel's address space at the current step, what differs there in
 * words, and the list of recorded steps with every differing one marked
 * (data-differs="error" or "layout", and a DifferenceMark, as compare mode marks steps).
 *
 * The comparison simulates the scenario once more in this thread (recordings
 * are of small scenarios: the recorder runs each step as a real system call);
 * the engine and the recording reader are loaded on first use only.
 */
import { useEffect, useMemo, useState, type ChangeEvent, type JSX } from 'react'
import type { KernelId, VmaView } from '../../engine/api'
import type { Scenario } from '../../scenario/types'
import { AddressSpaceView } from '../address-space'
import { FileInputWithAlert } from '../import/FileInputWithAlert'
import { InputTooLarge, readTextCapped } from '../import/read-capped'
import type { Recording } from './recording'
import type { DifferenceKind } from '../../engine/differences'
import { DifferenceMark } from '../steps/DifferenceMark'
import { findTargets } from '../find/find-targets'
import { subscribeRecordings } from './recording-inbox'

interface Comparison {
  recording: Recording
  differing: ReadonlyMap<number, DifferenceKind>
  words: (step: number) => string[]
  views: (step: number) => VmaView[]
}

export interface RecordingSectionProps {
  scenario: Scenario
  kernel: KernelId
  step: number
  onSelectStep(step: number): void
  baseAddress: bigint
  axisMode: 'linear' | 'compressed'
  viewport: { startPage: number; endPage: number } | null
  onViewportChange(v: { startPage: number; endPage: number }): void
}

async function compare(text: string, scenario: Scenario, kernel: KernelId): Promise<Comparison | string> {
  const [{ parseRecording, recordingMismatch, recordedDifferenceKinds, stepDifferences, recordedVmaViews }, { simulate }] = await Promise.all([
    import('./recording'),
    import('../../engine/simulate'),
  ])
  const parsed = parseRecording(text)
  if (!parsed.ok) return parsed.message
  const mismatch = recordingMismatch(parsed.recording, scenario)
  if (mismatch) return mismatch
  const trace = simulate(scenario, kernel)
  const simulated = trace.steps.map((s) => ({ error: s.error, vmas: trace.vmasAt(s.index) }))
  const at = (i: number) => simulated[i - 1] ?? { error: null, vmas: [] }
  const recording = parsed.recording
  return {
    recording,
    differing: recordedDifferenceKinds(recording, { errorAt: (i) => at(i).error, vmasAt: (i) => at(i).vmas }),
    words: (i) => (recording.steps[i - 1] ? stepDifferences(recording.steps[i - 1]!, at(i)) : []),
    views: (i) => recordedVmaViews(recording.steps[i - 1]),
  }
}

export function RecordingSection(props: RecordingSectionProps): JSX.Element {
  const { scenario, kernel, step } = props
  const [file, setFile] = useState<{ name: string; text: string } | null>(null)
  const [comparison, setComparison] = useState<Comparison | null>(null)
  const [problem, setProblem] = useState<string | null>(null)

  // A recording another part of the page made (an opened trace's real VMAs, a dropped or pasted recording).
  useEffect(() => subscribeRecordings((offered) => {
    setFile(offered)
    if (!offered) {
      setComparison(null)
      setProblem(null)
    }
  }), [])

  // (Re)compare when a recording is opened, or the scenario or kernel changes under it.
  useEffect(() => {
    if (!file) return
    let current = true
    compare(file.text, scenario, kernel).then(
      (result) => {
        if (!current) return
        if (typeof result === 'string') {
          setComparison(null)
          setProblem(`${file.name}: ${result}`)
        } else {
          setProblem(null)
          setComparison(result)
        }
      },
      (error: unknown) => current && setProblem(`${file.name}: ${error instanceof Error ? error.message : String(error)}`),
    )
    return () => {
      current = false
    }
  }, [file, scenario, kernel])
  // The differing steps, for "Next difference" and the overview (outside this section).
  useEffect(() => {
    const counts = comparison ? Int32Array.from({ length: comparison.recording.steps.length + 1 }, (_, i) => (i === 0 ? (scenario.initial?.vmas.length ?? 0) : (comparison.recording.steps[i - 1]?.vmas.length ?? 0))) : null
    findTargets.setState({ recordingDifferences: comparison?.differing ?? null, recordingCounts: counts })
    return () => findTargets.setState({ recordingDifferences: null, recordingCounts: null })
  }, [comparison, scenario])

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

  const recordedVmas = useMemo(() => (comparison ? comparison.views(step) : []), [comparison, step])
  const previousVmas = useMemo(() => (comparison && step > 1 ? comparison.views(step - 1) : []), [comparison, step])
  const words = comparison && step > 0 ? comparison.words(step) : []

  return (
    <section aria-label="Recording" className="flex min-w-0 flex-col gap-2" data-testid="recording-section">
      <FileInputWithAlert label="Open recording" accept=".json,application/json" onChange={onChange} alert={problem} />
      {comparison && (
        <div className="rounded border border-line bg-panel p-2" data-kernel={comparison.recording.kernel}>
          <p className="pb-1 text-[12.5px]" data-testid="recording-summary">
            Real kernel <span className="font-mono">{comparison.recording.kernel}</span> against the simulation of {kernel}:{' '}
            {comparison.differing.size === 0
              ? 'no step differs.'
              : `${comparison.differing.size} of ${comparison.recording.steps.length} steps differ (marked ≠).`}
          </p>
          <AddressSpaceView
            vmas={recordedVmas}
            previousVmas={previousVmas}
            step={null}
            windowPages={scenario.windowPages}
            baseAddress={props.baseAddress}
            axisMode={props.axisMode}
            viewport={props.viewport}
            onViewportChange={props.onViewportChange}
            highlight={null}
            pinnedVmaId={null}
            onPinVma={() => undefined}
            label={comparison.recording.kernel}
          />
          {words.length > 0 && (
            <ul aria-label="Differences at this step" className="mt-1 text-[12px] text-(--check-fail)">
              {words.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          )}
          <ol aria-label="Recorded steps" className="mt-1 max-h-48 overflow-y-auto text-[12px]">
            {comparison.recording.steps.map((s) => {
              const differs = comparison.differing.get(s.index)
              return (
                <li key={s.index} data-recorded-step={s.index} data-differs={differs}>
                  <button
                    type="button"
                    aria-current={s.index === step ? 'step' : undefined}
                    onClick={() => props.onSelectStep(s.index)}
                    className={`w-full px-1 text-left font-mono ${s.index === step ? 'bg-selection' : ''}`}
                  >
                    {s.index}. {s.op}
                    {s.error ? ` → ${s.error}` : ''}
                    {s.unsupported !== undefined ? ' (not recorded here)' : ''}
                    {differs && <> <DifferenceMark kind={differs} /></>}
                  </button>
                </li>
              )
            })}
          </ol>
        </div>
      )}
    </section>
  )
}
