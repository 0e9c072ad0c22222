/**
 * The command-line runner's JSON document (scenario-format.md, "What the
 * runner prints"): the profile, then the state after every step.
 */
import type { Check, KernelId, KsmTiming, Outcome, RunAssumptions, StepResult, TakenStep, Trace, VmaView } from './api'
import type { StepOp } from '../scenario/types'
import { changeTexts, vmaChanges, type VmaChange, type VmaChangeKind } from './changes'

export interface RunnerVma {
  start: number
  end: number
  prot: string
  share: 'private' | 'shared'
  mergeable: boolean
  names: string[]
  flags: string[]
  mnemonics: string[]
  pgoff: number
  backing: VmaView['backing']
  file: string | null
  anonVma: number | null
}

export interface RunnerStep {
  index: number
  op: StepOp
  process: 'parent' | 'child'
  error: string | null
  outcome: Outcome | null
  ksm: KsmTiming | null
  summary: string
  vmas: RunnerVma[]
  /** What the step did to each vm_area_struct it made, changed or freed, by address (./changes.ts). */
  changes: RunnerChange[]
  checks: Check[]
  /** Why the real result of this step cannot be predicted (absent when it can). */
  unpredictable?: string
}

export interface RunnerChange {
  kind: VmaChangeKind
  /** The VMA's range before the step (null when new) and after it (null when removed). */
  before: [number, number] | null
  after: [number, number] | null
  /** "[0,2) expanded to [0,4)". */
  text: string
}

export interface RunnerDocument {
  kernel: KernelId | string
  /** The window base and machine properties the run assumed (a recording: what the machine had). */
  machine?: RunAssumptions
  steps: RunnerStep[]
}

export function runnerVma(v: VmaView): RunnerVma {
  return {
    start: v.start, end: v.end, prot: v.prot, share: v.share, mergeable: v.mergeable, names: v.names,
    flags: v.flags, mnemonics: v.mnemonics, pgoff: v.pgoff, backing: v.backing, file: v.file, anonVma: v.anonVma,
  }
}

export function stepToRunnerJson(trace: Trace, i: number): RunnerStep {
  const s = trace.stepAt(i)
  if (!s) throw new RangeError(`no step ${i} in this run`)
  const view = (id: number) => trace.viewOf(id)!
  return runnerStep(s, trace.vmasAt(i), s.created.map(view), s.removed.map(view))
}

/** A step taken by `Simulation.takeStep` (a run streamed without history): the same object stepToRunnerJson makes. */
export function takenStepToRunnerJson(taken: TakenStep): RunnerStep {
  return runnerStep(taken.result, taken.vmas, taken.created, taken.removed)
}

function runnerStep(s: StepResult, vmas: readonly VmaView[], created: readonly VmaView[], removed: readonly VmaView[]): RunnerStep {
  return {
    index: s.index, op: s.op, process: s.process, error: s.error, outcome: s.outcome, ksm: s.ksm,
    summary: s.summary, vmas: vmas.map(runnerVma), changes: runnerChanges(vmaChanges(created, removed, s.op), s.op), checks: s.checks,
    ...(s.unpredictable ? { unpredictable: s.unpredictable } : {}),
  }
}

function runnerChanges(changes: readonly VmaChange[], op: StepResult['op']): RunnerChange[] {
  const range = (v: VmaView | null): [number, number] | null => (v ? [v.start, v.end] : null)
  const texts = changeTexts(changes, op)
  return changes.map((c, k) => ({ kind: c.kind, before: range(c.before), after: range(c.after), text: texts[k]! }))
}

export function traceToRunnerJson(trace: Trace): RunnerDocument {
  return { kernel: trace.kernel, machine: trace.assumptions, steps: trace.steps.map((s) => stepToRunnerJson(trace, s.index)) }
}
