/**
 * What the engine worker does (engine.worker.ts exposes it with comlink): it
 * holds the traces (a Trace rebuilds any step's VMAs and writes any step's
 * checks on demand) and answers the calls of engine-protocol.ts. A plain
 * object with no worker globals, so tests drive it over a MessageChannel.
 */
import * as Comlink from 'comlink'
import type { Check, Trace, VmaView } from '../engine/api'
import { stepDifferences } from '../engine/differences'
import { simulate } from '../engine/simulate'
import type { Scenario } from '../scenario/types'
import { findStressScenario } from '../scenario/stress'
import { encodeSteps, encodeVmas, plainStep, stepTransferables, vmaTransferables } from './columns'
import type { EngineWorkerApi, RunColumns, StepVmasAnswer } from './engine-protocol'

/** How many traces the worker keeps; the main thread releases what it stops showing. */
const MAX_KEPT_RUNS = 8

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

function stepChecks(trace: Trace, runId: number, step: number): Check[] {
  const result = trace.steps[step - 1]
  if (!result) throw new Error(`run ${runId} has no step ${step}`)
  return result.checks
}

/** A fresh engine: no runs kept. */
export function createEngineApi(): EngineWorkerApi {
  const runs = new Map<number, Trace>()
  const sentViews = new Map<number, SentViews>()
  let nextRunId = 1

  const keptTrace = (runId: number): Trace => {
    const trace = runs.get(runId)
    if (!trace) throw new Error(`run ${runId} is no longer kept in the engine worker`)
    return trace
  }

  const sentTo = (runId: number): SentViews => {
    let sent = sentViews.get(runId)
    if (!sent) {
      sent = new SentViews()
      sentViews.set(runId, sent)
    }
    return sent
  }

  return {
    run(input, kernel): RunColumns {
      const started = performance.now()
      let scenario = input
      if ('stress' in input) {
        const entry = findStressScenario(input.stress)
        if (!entry) throw new Error(`no stress scenario "${input.stress}"`)
        scenario = entry.build()
      }
      const trace = simulate(scenario as Scenario, kernel)
      const steps = encodeSteps(trace.steps.map(plainStep))
      const simulateMs = performance.now() - started
      const runId = nextRunId++
      runs.set(runId, trace)
      while (runs.size > MAX_KEPT_RUNS) {
        const oldest = runs.keys().next().value
        if (oldest === undefined) break
        runs.delete(oldest)
        sentViews.delete(oldest)
      }
      return Comlink.transfer({ runId, kernel, steps, simulateMs, recordCount: trace.recordCount }, stepTransferables(steps))
    },

    stepVmas(runId, steps, checksOf): StepVmasAnswer {
      const trace = keptTrace(runId)
      const sent = sentTo(runId)
      const fresh: VmaView[] = []
      const lists = steps.map((step) => {
        const ids = trace.idsAt(step)
        for (let k = 0; k < ids.length; k++) if (sent.mark(ids[k]!)) fresh.push(trace.viewOf(ids[k]!)!)
        // And the VMAs the step removed: with them the client rebuilds the step before (viewsBefore).
        for (const id of trace.steps[step - 1]?.removed ?? []) if (sent.mark(id)) fresh.push(trace.viewOf(id)!)
        return ids
      })
      const columns = encodeVmas(fresh)
      const checks = checksOf === undefined ? null : stepChecks(trace, runId, checksOf)
      return Comlink.transfer({ lists, fresh: columns, checks }, [...lists.map((ids) => ids.buffer as ArrayBuffer), ...vmaTransferables(columns)])
    },

    recordViews(runId, fromId, count) {
      const trace = keptTrace(runId)
      const sent = sentTo(runId)
      const fresh: VmaView[] = []
      const to = Math.min(trace.recordCount, fromId + count - 1)
      for (let id = Math.max(1, fromId); id <= to; id++) {
        if (sent.mark(id)) fresh.push(trace.viewOf(id)!)
      }
      const columns = encodeVmas(fresh)
      return Comlink.transfer(columns, vmaTransferables(columns))
    },

    stepChecks: (runId, step) => stepChecks(keptTrace(runId), runId, step),

    differingSteps: (runIdA, runIdB) => stepDifferences(keptTrace(runIdA), keptTrace(runIdB)),

    release(runId) {
      runs.delete(runId)
      sentViews.delete(runId)
    },
  }
}
