/**
 * The Web Worker that runs the simulated kernel, so a long scenario never
 * blocks the page. It holds the traces (a Trace rebuilds any step's VMAs and
 * writes any step's checks on demand) and answers through comlink; see
 * engine-protocol.ts for the API.
 */
import * as Comlink from 'comlink'
import type { StepResult, Trace, VmaView } from '../engine/api'
import { simulate } from '../engine/simulate'
import type { Scenario } from '../scenario/types'
import { findStressScenario } from '../scenario/stress'
import { encodeSteps, encodeVmas, stepTransferables, vmaTransferables } from './columns'
import type { EngineWorkerApi, RunColumns, StepDifferences, StepSummary, StepVmasAnswer } from './engine-protocol'

/** How many traces the worker keeps; the main thread releases what it stops showing. */
const MAX_KEPT_RUNS = 8
/** Above this many (steps × VMAs), differingSteps compares VMA counts instead of every VMA. */
const FULL_COMPARISON_BUDGET = 20_000_000

const runs = new Map<number, Trace>()
/** Per run: the dense number of every VMA view sent to the client (see StepVmasAnswer). */
const sentViews = new Map<number, { numbers: WeakMap<VmaView, number>; count: number }>()
let nextRunId = 1

function keptTrace(runId: number): Trace {
  const trace = runs.get(runId)
  if (!trace) throw new Error(`run ${runId} is no longer kept in the engine worker`)
  return trace
}

/** Copies a step result without reading `checks` (the engine writes those lazily, at a cost). */
function summarise(step: StepResult): StepSummary {
  const { index, op, process, error, outcome, ksm, summary, created, removed, range, mapCount, mergeAny } = step
  return { index, op, process, error, outcome, ksm, summary, created, removed, range, mapCount, mergeAny }
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

function differences(a: Trace, b: Trace): StepDifferences {
  const count = Math.min(a.steps.length, b.steps.length)
  let largestMap = 0
  for (let i = 0; i < count; i++) largestMap = Math.max(largestMap, a.steps[i].mapCount, b.steps[i].mapCount)
  const vmasByCountOnly = count * largestMap > FULL_COMPARISON_BUDGET
  const steps: number[] = []
  for (let i = 1; i <= count; i++) {
    const sa = a.steps[i - 1]
    const sb = b.steps[i - 1]
    const differs =
      sa.outcome !== sb.outcome ||
      sa.ksm !== sb.ksm ||
      sa.error !== sb.error ||
      (vmasByCountOnly ? sa.mapCount !== sb.mapCount : !sameLayout(a.vmasAt(i), b.vmasAt(i)))
    if (differs) steps.push(i)
  }
  return { steps, vmasByCountOnly }
}

/** Steps between the samples of the warm-up below. */
const WARM_STRIDE = 1500
/** Scenarios whose largest step has fewer VMAs than this need no warm-up. */
const WARM_MIN_VMAS = 5000

/**
 * After a large run, while the page is idle: rebuild a sample of steps, one
 * per task, so the engine has made the view of (nearly) every VMA record
 * before the user jumps there (a first visit makes tens of thousands of views).
 * Requests that arrive meanwhile run between two samples.
 */
function warmViews(runId: number, trace: Trace): void {
  let largest = 0
  for (const step of trace.steps) if (step.mapCount > largest) largest = step.mapCount
  if (largest < WARM_MIN_VMAS) return
  let next = trace.steps.length
  const tick = () => {
    if (runs.get(runId) !== trace || next < 0) return
    trace.vmasAt(next)
    next -= WARM_STRIDE
    setTimeout(tick, 0)
  }
  setTimeout(tick, 0)
}

const api: EngineWorkerApi = {
  run(input, kernel): RunColumns {
    const started = performance.now()
    let scenario = input
    if ('stress' in input) {
      const entry = findStressScenario(input.stress)
      if (!entry) throw new Error(`no stress scenario "${input.stress}"`)
      scenario = entry.build()
    }
    const trace = simulate(scenario as Scenario, kernel)
    const steps = encodeSteps(trace.steps.map(summarise))
    const simulateMs = performance.now() - started
    const runId = nextRunId++
    runs.set(runId, trace)
    while (runs.size > MAX_KEPT_RUNS) {
      const oldest = runs.keys().next().value
      if (oldest === undefined) break
      runs.delete(oldest)
      sentViews.delete(oldest)
    }
    warmViews(runId, trace)
    return Comlink.transfer({ runId, kernel, steps, simulateMs }, stepTransferables(steps))
  },

  stepVmas(runId, step): StepVmasAnswer {
    const views = keptTrace(runId).vmasAt(step)
    let sent = sentViews.get(runId)
    if (!sent) {
      sent = { numbers: new WeakMap(), count: 0 }
      sentViews.set(runId, sent)
    }
    const freshFrom = sent.count
    const ids = new Int32Array(views.length)
    const fresh: VmaView[] = []
    for (let k = 0; k < views.length; k++) {
      const view = views[k]!
      let number = sent.numbers.get(view)
      if (number === undefined) {
        number = sent.count++
        sent.numbers.set(view, number)
        fresh.push(view)
      }
      ids[k] = number
    }
    const columns = encodeVmas(fresh)
    return Comlink.transfer({ ids, freshFrom, fresh: columns }, [ids.buffer as ArrayBuffer, ...vmaTransferables(columns)])
  },

  stepChecks(runId, step) {
    const result = keptTrace(runId).steps[step - 1]
    if (!result) throw new Error(`run ${runId} has no step ${step}`)
    return result.checks
  },

  differingSteps: (runIdA, runIdB) => differences(keptTrace(runIdA), keptTrace(runIdB)),

  release(runId) {
    runs.delete(runId)
    sentViews.delete(runId)
  },
}

Comlink.expose(api)
