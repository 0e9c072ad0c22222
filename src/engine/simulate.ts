/**
 * simulate(scenario, kernel): run every step of a scenario through the
 * simulated kernel and return the trace. Pure: no DOM, no I/O, deterministic.
 */
import { KERNEL_IDS, type KernelId, type StepResult, type Trace, type VmaView } from './api'
import type { Scenario, Step } from '../scenario/types'
import { describeStep } from './describe'
import { doBrk } from './ops/brk'
import { doFork } from './ops/fork'
import { doMmap } from './ops/mmap'
import { doMadvise, doMprotect, doMunmap, doPrctl, doTouch } from './ops/modify'
import { doMremap } from './ops/mremap'
import { DEFAULT_MAX_MAP_COUNT, StepContext, newProcess } from './process'
import { profileFor } from './profiles'
import { TraceStore } from './trace'
import { toView } from './view'

export interface SimulateOptions {
  /** vm.max_map_count; default the scenario's `maxMapCount`, else 65530. */
  maxMapCount?: number
}

function runStep(ctx: StepContext, step: Step): void {
  switch (step.op) {
    case 'mmap': return doMmap(ctx, step)
    case 'munmap': return doMunmap(ctx, step)
    case 'mprotect': return doMprotect(ctx, step)
    case 'madvise': return doMadvise(ctx, step)
    case 'prctl': return doPrctl(ctx, step)
    case 'brk': return doBrk(ctx, step)
    case 'touch': return doTouch(ctx, step)
    case 'fork': return doFork(ctx)
    case 'mremap': return doMremap(ctx, step)
  }
}

class SimulatedTrace implements Trace {
  constructor(
    readonly kernel: KernelId,
    readonly scenario: Scenario,
    readonly steps: StepResult[],
    private readonly store: TraceStore,
  ) {}

  vmasAt(i: number): VmaView[] {
    return this.store.vmasAt(i).map(toView)
  }
}

export function simulate(scenario: Scenario, kernel: KernelId, options: SimulateOptions = {}): Trace {
  if (!KERNEL_IDS.includes(kernel)) throw new Error(`unknown kernel "${kernel}"; expected one of ${KERNEL_IDS.join(', ')}`)
  const profile = profileFor(kernel)
  const store = new TraceStore()
  const state = newProcess(store, scenario)
  const ids = { anonVma: 0, file: 0 }
  const maxMapCount = options.maxMapCount ?? scenario.maxMapCount ?? DEFAULT_MAX_MAP_COUNT
  const steps = scenario.steps
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!
    const index = i + 1
    store.beginStep(index)
    const ctx = new StepContext(profile, state, store, scenario, maxMapCount, ids)
    runStep(ctx, step)
    const rep = ctx.report
    if (rep.error && (step.op === 'mmap' || step.op === 'brk')) rep.outcome = 'failed'
    if (rep.ksm === null && (step.op === 'mmap' || step.op === 'brk')) rep.ksm = 'none'
    const { created, removed } = store.stepChanges()
    store.results.push({
      index,
      op: step.op,
      process: state.process,
      error: rep.error,
      outcome: rep.outcome,
      ksm: rep.ksm,
      summary: describeStep(step, step.op === 'mmap' && step.at === undefined && rep.range ? rep.range[0] : undefined),
      checks: ctx.checks,
      created,
      removed,
      range: rep.range,
      mapCount: state.mm.count,
      mergeAny: state.mergeAny,
    })
    store.endStep(state.mm.vmas)
  }
  return new SimulatedTrace(kernel, scenario, store.results, store)
}
