/**
 * The Web Worker that runs the simulated kernel, so a long scenario never
 * blocks the page. It holds the traces (a Trace rebuilds any step's VMAs on
 * demand) and answers through comlink; see engine-protocol.ts for the API.
 */
import * as Comlink from 'comlink'
import type { Trace, VmaView } from '../engine/api'
import { simulate } from '../engine/simulate'
import type { EngineWorkerApi, RunSummary } from './engine-protocol'

/** How many traces the worker keeps; the main thread releases what it stops showing. */
const MAX_KEPT_RUNS = 8

const runs = new Map<number, Trace>()
let nextRunId = 1

function keptTrace(runId: number): Trace {
  const trace = runs.get(runId)
  if (!trace) throw new Error(`run ${runId} is no longer kept in the engine worker`)
  return trace
}

function sameLayout(a: VmaView[], b: VmaView[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) {
    const x = a[i]
    const y = b[i]
    if (x.start !== y.start || x.end !== y.end || x.prot !== y.prot || x.mergeable !== y.mergeable) return false
  }
  return true
}

const api: EngineWorkerApi = {
  run(scenario, kernel): RunSummary {
    const started = performance.now()
    const trace = simulate(scenario, kernel)
    const simulateMs = performance.now() - started
    const runId = nextRunId++
    runs.set(runId, trace)
    while (runs.size > MAX_KEPT_RUNS) {
      const oldest = runs.keys().next().value
      if (oldest === undefined) break
      runs.delete(oldest)
    }
    return { runId, kernel, steps: trace.steps, simulateMs }
  },

  stepVmas(runId, step) {
    return keptTrace(runId).vmasAt(step)
  },

  differingSteps(runIdA, runIdB) {
    const a = keptTrace(runIdA)
    const b = keptTrace(runIdB)
    const count = Math.min(a.steps.length, b.steps.length)
    const differing: number[] = []
    for (let i = 1; i <= count; i++) {
      const sa = a.steps[i - 1]
      const sb = b.steps[i - 1]
      const differs =
        sa.outcome !== sb.outcome ||
        sa.ksm !== sb.ksm ||
        sa.error !== sb.error ||
        !sameLayout(a.vmasAt(i), b.vmasAt(i))
      if (differs) differing.push(i)
    }
    return differing
  },

  release(runId) {
    runs.delete(runId)
  },
}

Comlink.expose(api)
