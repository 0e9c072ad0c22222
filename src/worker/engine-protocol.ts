/**
 * What the engine worker offers the main thread, shared by the worker
 * (engine.worker.ts) and its typed client (engine-client.ts).
 *
 * The worker keeps each Trace it computed under a run id. The main thread
 * receives the step list once per run (without the decision records, which
 * the engine writes on demand) and asks for the VMAs and the checks of the one
 * or two steps it draws, so a scenario with thousands of steps and VMAs never
 * crosses the worker boundary in one piece.
 */
import type { Check, KernelId, StepResult, VmaView } from '../engine/api'
import type { StepDifferences } from '../engine/differences'
import type { Scenario } from '../scenario/types'
import type { RecordedStepColumns } from '../trace/recording-compare'
import type { StepColumns, VmaColumns } from './columns'

/**
 * A scenario, or the id of a built-in stress scenario (generated in the worker: 65,530 steps need
 * not be copied), or the JSON text of a loaded or edited scenario as UTF-8 bytes
 * (src/scenario/known-text.ts: one memory copy, not a million objects).
 */
export type ScenarioInput = Scenario | { stress: string } | { json: Uint8Array }

/**
 * What `stepVmas` sends back. A VMA record never changes and its id is unique
 * in its run, so an answer lists each asked step's VMAs by record id and
 * carries only the views this client has not been sent yet. Neighbouring steps
 * share most VMAs, so a jump in a 60,000-VMA scenario moves lists of ids and a
 * few new VMAs.
 */
export interface StepVmasAnswer {
  /** Per asked step, in the order asked: the record ids of its VMAs, in address order. */
  lists: Int32Array[]
  /**
   * The views not sent to this client before, of the records in `lists` and of
   * the records each asked step removed (so the client can rebuild the step
   * before it: engine/by-start.ts viewsBefore).
   */
  fresh: VmaColumns
}

/**
 * What `run` sends back, and what each progress report carries: the steps
 * taken since the last report, as columns (see columns.ts), starting at step
 * `from` (1-based). The client appends them into one step list.
 */
export interface RunColumns {
  runId: number
  kernel: KernelId
  /** The steps from..from + steps.count - 1. */
  from: number
  steps: StepColumns
  simulateMs: number
  recordCount: number
}

/** A report on a run in progress (at most every few hundred ms), with the steps taken since the last one. */
export interface RunProgress extends RunColumns {
  /** Steps taken so far, of `total`. */
  done: number
  total: number
  /** What the run holds in the worker so far, estimated (bytes). */
  bytes: number
}

/** Why a run ended without a trace: the `name` of the Error `run` rejects with (its message is one line for the page). */
export type RunEnd = 'cancelled' | 'too-large' | 'defect'

/** A step's result without its decision record (ask `stepChecks` for that). */
export type StepSummary = Omit<StepResult, 'checks'>

export interface RunSummary {
  /** Handle of the trace kept in the worker; pass it to stepVmas / stepChecks / differingSteps. */
  runId: number
  kernel: KernelId
  steps: StepSummary[]
  /** Milliseconds the simulation took inside the worker. */
  simulateMs: number
  /** How many VMA records the run made (ids 1..recordCount): what `recordViews` can send. */
  recordCount: number
}

/**
 * What `openRecording` sends back: the recording's steps as columns (see
 * src/trace/recording-compare.ts) and the steps where it differs from the
 * run, with what differs (1 the errno, 0 the VMAs). The recording stays in
 * the worker under `recordingId`; `recordedStep` reads one step of it.
 */
export interface RecordingColumns extends RecordedStepColumns {
  recordingId: number
  /** The recorded kernel, as the recorder names it ("real:6.18.44"). */
  kernel: string
  stepCount: number
  differing: Int32Array
  differingErrno: Uint8Array
}

/** A recording the worker refused, in words for the page (the recording shown before stays). */
export interface RecordingRefused {
  problem: string
}

/** A progress report while a recording is read and compared. */
export interface RecordingProgress {
  done: number
  total: number
}

/** One recorded step as the page draws it: its VMAs and the step before's (ids made up), and what differs there in words. */
export interface RecordedStepAnswer {
  vmas: VmaView[]
  previous: VmaView[]
  words: string[]
}

export interface EngineWorkerApi {
  /**
   * Simulates the scenario under one kernel and keeps the trace. The run goes
   * a slice of about 20 ms at a time, so the worker answers other calls (a
   * cancel, the VMAs of a step already taken) in between; `onProgress` hears
   * from it every few hundred ms. `ticket` names the run for `cancel`. It
   * rejects with an Error named by a RunEnd whose message is one line for
   * the page.
   */
  run(scenario: ScenarioInput, kernel: KernelId, ticket: number, onProgress?: (progress: RunProgress) => void): Promise<RunColumns>
  /** Stops the run of `ticket` before its next slice; its `run` rejects as 'cancelled'. */
  cancel(ticket: number): void
  /**
   * The VMAs after each of `steps` (0 = before the first step) of a kept run
   * (the decision record comes separately, by `stepChecks`).
   */
  stepVmas(runId: number, steps: number[]): StepVmasAnswer
  /**
   * The views of records `fromId`..`fromId + count - 1` not sent to this client
   * yet (by `stepVmas` or here): lets the client fetch a large run's VMAs ahead
   * of the steps that show them.
   */
  recordViews(runId: number, fromId: number, count: number): VmaColumns
  /** The decision record of step `step` (1-based) of a kept run. */
  stepChecks(runId: number, step: number): Check[]
  /**
   * The steps (1-based) whose result differs between two runs of the same
   * scenario: outcome, ksm, error, or the VMAs compared by (start, end, prot,
   * mergeable), exactly, however large, with what differs at each (engine/differences.ts).
   */
  differingSteps(runIdA: number, runIdB: number): StepDifferences
  /** Forgets a run the main thread no longer shows. */
  release(runId: number): void
  /**
   * Reads a recorder document (`npm run record`) and compares it with the
   * kept run `runId`, step by step, in slices of about 20 ms (the worker
   * answers other calls in between; `onProgress` hears every few hundred
   * ms). Resolves with the comparison, or with why the recording is refused.
   */
  openRecording(text: string, runId: number, onProgress?: (progress: RecordingProgress) => void): Promise<RecordingColumns | RecordingRefused>
  /** Step `step` of a kept recording (0 = before the first step), against the run it was compared with. */
  recordedStep(recordingId: number, runId: number, step: number): RecordedStepAnswer
  /** Forgets a recording the page no longer shows. */
  releaseRecording(recordingId: number): void
}
