/**
 * A real-kernel recording against a simulated run, at any size, as the
 * engine worker runs it: a 65,530-step recording of the stress scenario is
 * compared in slices (a generator the worker resumes between turns of its
 * event loop), and no step's VMA list is built unless it has to be.
 *
 * A step differs when its errno differs, or when its VMAs do (recording.ts,
 * stepDifferences). The VMA count comes first: the simulation knows it for
 * every step without listing the VMAs (StepResult.mapCount is what vmasAt
 * lists), so only a step whose counts agree has its VMAs listed and compared,
 * which costs what the recording holds for that step. The whole comparison
 * is O(steps + recorded VMAs + simulated VMAs of the steps whose counts agree).
 *
 * The step list the page shows is sent as columns (an op table and indexes,
 * errnos, the recorded VMA counts), so 65,530 steps cross the worker boundary
 * as a few typed arrays. Pure: no DOM.
 */
import type { DifferenceKind } from '../engine/differences'
import { sameVma, type LayoutVma, type Recording } from './recording'

/** What the comparison reads of a simulated run (the worker's SimulatedTrace gives it). */
export interface SimulatedSteps {
  errorAt(step: number): string | null
  /** How many VMAs vmasAt(step) lists, without listing them. */
  countAt(step: number): number
  vmasAt(step: number): readonly LayoutVma[]
}

/** The differing steps (1-based, ascending) and what differs at each: 1 the errno, 0 the VMAs. */
export interface RecordingDifferences {
  steps: Int32Array
  errno: Uint8Array
}

/** The recorded steps as the page lists them (see RecordingColumns in src/worker/engine-protocol.ts). */
export interface RecordedStepColumns {
  /** Distinct ops; opIndex[s - 1] names step s's. */
  ops: string[]
  opIndex: Uint16Array
  /** Distinct errnos; errorIndex[s - 1] names step s's, -1 for none. */
  errors: string[]
  errorIndex: Int32Array
  /** 1 when the recorder could not run step s on its machine. */
  unsupported: Uint8Array
  /** counts[s]: the VMAs recorded after step s; counts[0] the scenario's initial ones. */
  counts: Int32Array
}

export function recordedStepColumns(recording: Recording, initialCount: number): RecordedStepColumns {
  const n = recording.steps.length
  const ops: string[] = []
  const opIds = new Map<string, number>()
  const errors: string[] = []
  const errorIds = new Map<string, number>()
  const opIndex = new Uint16Array(n)
  const errorIndex = new Int32Array(n)
  const unsupported = new Uint8Array(n)
  const counts = new Int32Array(n + 1)
  counts[0] = initialCount
  for (let i = 0; i < n; i++) {
    const step = recording.steps[i]!
    let op = opIds.get(step.op)
    if (op === undefined) opIds.set(step.op, (op = ops.push(step.op) - 1))
    opIndex[i] = op
    if (step.error === null) errorIndex[i] = -1
    else {
      let e = errorIds.get(step.error)
      if (e === undefined) errorIds.set(step.error, (e = errors.push(step.error) - 1))
      errorIndex[i] = e
    }
    unsupported[i] = step.unsupported !== undefined ? 1 : 0
    counts[i + 1] = step.vmas.length
  }
  return { ops, opIndex, errors, errorIndex, unsupported, counts }
}

/** What differs at step `index` (1-based): 'error', 'layout', or null when nothing does. */
export function recordedStepDifference(recording: Recording, simulated: SimulatedSteps, index: number): DifferenceKind | null {
  const recorded = recording.steps[index - 1]!
  if (recorded.unsupported !== undefined) return null
  if (recorded.error !== simulated.errorAt(index)) return 'error'
  if (recorded.vmas.length !== simulated.countAt(index)) return 'layout'
  if (recorded.vmas.length === 0) return null
  const vmas = simulated.vmasAt(index)
  for (let k = 0; k < vmas.length; k++) if (!sameVma(recorded.vmas[k]!, vmas[k]!)) return 'layout'
  return null
}

/**
 * Compares every step, yielding the number of steps compared after each
 * `chunk` of them (the caller gives its event loop a turn there); returns the
 * differing steps.
 */
export function* compareRecordingInSlices(recording: Recording, simulated: SimulatedSteps, chunk = 512): Generator<number, RecordingDifferences> {
  const steps: number[] = []
  const errno: number[] = []
  const n = recording.steps.length
  for (let index = 1; index <= n; index++) {
    const kind = recordedStepDifference(recording, simulated, index)
    if (kind) {
      steps.push(index)
      errno.push(kind === 'error' ? 1 : 0)
    }
    if (index % chunk === 0 && index < n) yield index
  }
  return { steps: Int32Array.from(steps), errno: Uint8Array.from(errno) }
}
