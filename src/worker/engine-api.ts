/**
 * What the engine worker does (engine.worker.ts exposes it with comlink): it
 * holds the traces (a Trace rebuilds any step's VMAs and writes any step's
 * checks on demand) and answers the calls of engine-protocol.ts. A plain
 * object with no worker globals, so tests drive it over a MessageChannel.
 */
import * as Comlink from 'comlink'
import type { Check, KernelId, Trace, VmaView } from '../engine/api'
import { stepDifferences } from '../engine/differences'
import { Simulation, type SimulatedTrace } from '../engine/simulate'
import type { Scenario } from '../scenario/types'
import { findStressScenario } from '../scenario/stress'
import { compareRecordingInSlices, recordedStepColumns, type SimulatedSteps } from '../trace/recording-compare'
import { parseRecording, recordedVmaViews, recordingMismatch, stepDifferences as recordedStepWords, type Recording } from '../trace/recording'
import { encodeStepsOf, encodeVmas, stepTransferables, vmaTransferables } from './columns'
import type { EngineWorkerApi, RecordingColumns, RecordingRefused, RunColumns, RunEnd, RunProgress, ScenarioInput, StepVmasAnswer } from './engine-protocol'
import { nextTurn } from './next-turn'

/** How many traces the worker keeps; the main thread releases what it stops showing (two sides, and one in flight each). */
const MAX_KEPT_RUNS = 4

/** How many recordings the worker keeps (one shown, one being opened). */
const MAX_KEPT_RECORDINGS = 2

/** A run goes this long between two turns of the worker's event loop (a cancel, a step's VMAs are answered in between). */
const SLICE_MS = 20
/** Steps taken between two looks at the clock. */
const STEPS_PER_LOOK = 32
/** A progress report at most this often. */
const PROGRESS_MS = 250

/**
 * What a run holds in the worker, estimated from what it made: measured in
 * Node and Chromium on the stress scenarios (145–220 bytes per step for its
 * columns, 310–450 per VMA record with its view), rounded up.
 */
const BYTES_PER_STEP = 250
const BYTES_PER_RECORD = 600
/** The most one run may hold (estimated): a run that would need more is stopped with a message, the worker lives on. */
export const RUN_BYTE_BUDGET = 1_000_000_000

/** The most all kept runs may hold together: older runs are forgotten first. */
export const KEPT_BYTE_BUDGET = 1_200_000_000

const estimateBytes = (steps: number, records: number) => steps * BYTES_PER_STEP + records * BYTES_PER_RECORD
const megabytes = (bytes: number) => `${Math.round(bytes / 1e6).toLocaleString('en-US')} MB`

function runEnd(name: RunEnd, message: string): Error {
  const error = new Error(message)
  error.name = name
  return error
}

/** A kept run: its simulation (which may still be going) and what its client has been sent. */
interface KeptRun {
  simulation: Simulation
  trace: SimulatedTrace
  sent: SentViews
  bytes: number
}

/** The step's removed VMA ids, without making the whole step list (a run in progress has none). */
function removedAt(trace: SimulatedTrace, step: number): number[] {
  return trace.stepAt(step)?.removed ?? []
}

/** Steps from..to (1-based, inclusive) as columns, made one at a time (no list of a million result objects). */
function stepColumns(trace: SimulatedTrace, from: number, to: number) {
  return encodeStepsOf(to - from + 1, (k) => trace.summaryAt(from + k)!)
}

/** Per record id (ids are dense, from 1): 1 once the client has been sent its view. */
class SentViews {
  private sent = new Uint8Array(1024)
  /** Marks the view sent; true if it had not been. */
  mark(id: number): boolean {
    if (id >= this.sent.length) {
      const grown = new Uint8Array(Math.max(id + 1, this.sent.length * 2))
      grown.set(this.sent)
      this.sent = grown
    }
    if (this.sent[id] === 1) return false
    this.sent[id] = 1
    return true
  }
}

/** A finished run as the recording comparison reads it: errno and VMA count per step without listing the VMAs. */
function simulatedSteps(trace: SimulatedTrace): SimulatedSteps {
  return {
    errorAt: (step) => trace.stepAt(step)?.error ?? null,
    countAt: (step) => trace.stepAt(step)?.mapCount ?? 0,
    vmasAt: (step) => trace.vmasAt(step),
  }
}

function stepChecks(trace: Trace, runId: number, step: number): Check[] {
  if (step < 1 || step > (trace as SimulatedTrace).stepCount) throw new Error(`run ${runId} has no step ${step}`)
  return trace.explain(step)
}

/** A fresh engine: no runs kept. */
export function createEngineApi(options: { runByteBudget?: number } = {}): EngineWorkerApi {
  const runByteBudget = options.runByteBudget ?? RUN_BYTE_BUDGET
  const runs = new Map<number, KeptRun>()
  const cancelled = new Set<number>()
  /** Tickets of the runs asked for and not ended yet (a cancel that comes after its run ended is dropped). */
  const live = new Set<number>()
  let nextRunId = 1
  /** Runs take turns: one simulates at a time (a superseded one is cancelled by its client first). */
  let queue: Promise<unknown> = Promise.resolve()

  const recordings = new Map<number, Recording>()
  let nextRecordingId = 1

  const kept = (runId: number): KeptRun => {
    const run = runs.get(runId)
    if (!run) throw new Error(`run ${runId} is no longer kept in the engine worker`)
    return run
  }

  /** Forgets the oldest runs until at most MAX_KEPT_RUNS are kept and they fit KEPT_BYTE_BUDGET (never `keep`). */
  const evict = (keep: number) => {
    let total = 0
    for (const run of runs.values()) total += run.bytes
    for (const [runId, run] of runs) {
      if (runs.size <= MAX_KEPT_RUNS && total <= KEPT_BYTE_BUDGET) break
      if (runId === keep) continue
      runs.delete(runId)
      total -= run.bytes
    }
  }

  async function simulateInSlices(input: ScenarioInput, kernel: KernelId, ticket: number, onProgress?: (progress: RunProgress) => void): Promise<RunColumns> {
    const cancelledRun = () => runEnd('cancelled', `the run of kernel ${kernel} was cancelled`)
    // Cancelled while it waited for its turn: nothing is built.
    if (cancelled.has(ticket)) throw cancelledRun()
    const started = performance.now()
    let scenario: Scenario
    if ('stress' in input) {
      const entry = findStressScenario(input.stress)
      if (!entry) throw new Error(`no stress scenario "${input.stress}"`)
      scenario = entry.build()
    } else if ('json' in input) {
      scenario = JSON.parse(new TextDecoder().decode(input.json)) as Scenario // the UTF-8 text of a loaded or edited scenario (known-text.ts)
    } else {
      scenario = input
    }
    const simulation = new Simulation(scenario, kernel)
    const runId = nextRunId++
    const run: KeptRun = { simulation, trace: simulation.trace, sent: new SentViews(), bytes: 0 }
    runs.set(runId, run)
    let reported = 0
    let lastReport = performance.now()
    const columnsSince = () => {
      const from = reported + 1
      const steps = stepColumns(run.trace, from, simulation.done)
      reported = simulation.done
      return { runId, kernel, from, steps, simulateMs: performance.now() - started, recordCount: simulation.recordCount }
    }
    try {
      while (simulation.done < simulation.total) {
        if (cancelled.has(ticket)) throw cancelledRun()
        const sliceEnd = performance.now() + SLICE_MS
        do {
          try {
            simulation.advance(STEPS_PER_LOOK)
          } catch (error) {
            throw defect(scenario, simulation.done + 1, error)
          }
        } while (simulation.done < simulation.total && performance.now() < sliceEnd)
        run.bytes = estimateBytes(simulation.done, simulation.recordCount)
        const budget = runByteBudget
        if (run.bytes > budget) {
          throw runEnd(
            'too-large',
            `this scenario does not fit in the explorer's memory: after ${simulation.done.toLocaleString('en-US')} of ${simulation.total.toLocaleString('en-US')} steps on kernel ${kernel} it holds ${simulation.recordCount.toLocaleString('en-US')} VMA records (about ${megabytes(run.bytes)}; one run may hold ${megabytes(budget)}). Run it with \`npm run simulate\`, which streams its output, or shorten it`,
          )
        }
        if (onProgress && performance.now() - lastReport >= PROGRESS_MS) {
          lastReport = performance.now()
          const progress: RunProgress = { ...columnsSince(), done: simulation.done, total: simulation.total, bytes: run.bytes }
          void onProgress(Comlink.transfer(progress, stepTransferables(progress.steps)))
        }
        await nextTurn()
      }
    } catch (error) {
      runs.delete(runId)
      throw error
    } finally {
      // The callback is a comlink proxy: releasing it closes its port.
      ;(onProgress as Partial<Comlink.Remote<unknown>> | undefined)?.[Comlink.releaseProxy]?.()
    }
    run.bytes = estimateBytes(simulation.done, simulation.recordCount)
    evict(runId)
    const answer = columnsSince()
    return Comlink.transfer(answer, stepTransferables(answer.steps))
  }

  return {
    run(input, kernel, ticket, onProgress) {
      live.add(ticket)
      const turn = queue
        .then(() => simulateInSlices(input, kernel, ticket, onProgress))
        .finally(() => {
          live.delete(ticket)
          cancelled.delete(ticket)
        })
      queue = turn.catch(() => undefined)
      return turn
    },

    cancel(ticket) {
      if (live.has(ticket)) cancelled.add(ticket)
    },

    stepVmas(runId, steps): StepVmasAnswer {
      const { trace, sent, simulation } = kept(runId)
      const fresh: VmaView[] = []
      const lists = steps.map((step) => {
        if (step > simulation.done) throw new Error(`kernel ${trace.kernel} has not reached step ${step} yet`)
        const ids = trace.idsAt(step)
        for (let k = 0; k < ids.length; k++) if (sent.mark(ids[k]!)) fresh.push(trace.viewOf(ids[k]!)!)
        // And the VMAs the step removed: with them the client rebuilds the step before (viewsBefore).
        for (const id of removedAt(trace, step)) if (sent.mark(id)) fresh.push(trace.viewOf(id)!)
        return ids
      })
      const columns = encodeVmas(fresh)
      return Comlink.transfer({ lists, fresh: columns }, [...lists.map((ids) => ids.buffer as ArrayBuffer), ...vmaTransferables(columns)])
    },

    recordViews(runId, fromId, count) {
      const { trace, sent, simulation } = kept(runId)
      const fresh: VmaView[] = []
      const to = Math.min(simulation.recordCount, fromId + count - 1)
      for (let id = Math.max(1, fromId); id <= to; id++) {
        if (sent.mark(id)) fresh.push(trace.viewOf(id)!)
      }
      const columns = encodeVmas(fresh)
      return Comlink.transfer(columns, vmaTransferables(columns))
    },

    stepChecks: (runId, step) => stepChecks(kept(runId).trace, runId, step),

    differingSteps: (runIdA, runIdB) => stepDifferences(kept(runIdA).trace, kept(runIdB).trace),

    release(runId) {
      runs.delete(runId)
    },

    async openRecording(text, runId, onProgress): Promise<RecordingColumns | RecordingRefused> {
      try {
        const { trace, simulation } = kept(runId)
        if (simulation.done < simulation.total) return { problem: `kernel ${trace.kernel} is still running the scenario; open the recording again when it is done` }
        const parsed = parseRecording(text)
        if (!parsed.ok) return { problem: parsed.message }
        const recording = parsed.recording
        const mismatch = recordingMismatch(recording, trace.scenario)
        if (mismatch) return { problem: mismatch }
        const total = recording.steps.length
        const compare = compareRecordingInSlices(recording, simulatedSteps(trace))
        let lastReport = performance.now()
        let sliceEnd = performance.now() + SLICE_MS
        let next = compare.next()
        while (!next.done) {
          if (performance.now() >= sliceEnd) {
            if (onProgress && performance.now() - lastReport >= PROGRESS_MS) {
              lastReport = performance.now()
              void onProgress({ done: next.value, total })
            }
            await nextTurn()
            if (!runs.has(runId)) throw new Error(`kernel ${trace.kernel}'s run was released while the recording was compared with it`)
            sliceEnd = performance.now() + SLICE_MS
          }
          next = compare.next()
        }
        const recordingId = nextRecordingId++
        recordings.set(recordingId, recording)
        for (const id of recordings.keys()) if (recordings.size > MAX_KEPT_RECORDINGS) recordings.delete(id)
        const columns = recordedStepColumns(recording, trace.scenario.initial?.vmas.length ?? 0)
        const answer: RecordingColumns = { recordingId, kernel: recording.kernel, stepCount: total, ...columns, differing: next.value.steps, differingErrno: next.value.errno }
        return Comlink.transfer(answer, [columns.opIndex.buffer, columns.errorIndex.buffer, columns.unsupported.buffer, columns.counts.buffer, answer.differing.buffer, answer.differingErrno.buffer] as ArrayBuffer[])
      } finally {
        ;(onProgress as Partial<Comlink.Remote<unknown>> | undefined)?.[Comlink.releaseProxy]?.()
      }
    },

    recordedStep(recordingId, runId, step) {
      const recording = recordings.get(recordingId)
      if (!recording) throw new Error(`recording ${recordingId} is no longer kept in the engine worker`)
      const recorded = recording.steps[step - 1]
      const words = recorded ? recordedStepWords(recorded, { error: kept(runId).trace.stepAt(step)?.error ?? null, vmas: kept(runId).trace.vmasAt(step) }) : []
      return { vmas: recordedVmaViews(recorded), previous: recordedVmaViews(recording.steps[step - 2]), words }
    },

    releaseRecording(recordingId) {
      recordings.delete(recordingId)
    },
  }
}

/**
 * An exception out of the simulated kernel on a valid scenario is a bug in
 * vmascope, never the kernel's behaviour: one line that names the step and
 * says so (the page shows it; the scenario stays for a report).
 */
function defect(scenario: Scenario, step: number, error: unknown): Error {
  const op = scenario.steps[step - 1]?.op ?? 'step'
  const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  return runEnd(
    'defect',
    `step ${step.toLocaleString('en-US')} (${op}) made the simulated kernel fail (${what.split('\n')[0]}). This is a vmascope defect, not kernel behaviour: please report it with the scenario (Download scenario)`,
  )
}
