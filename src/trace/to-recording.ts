/**
 * One part of a traced address space as the explorer opens it: the scenario
 * (./to-scenario.ts) and, beside it, the real kernel's recording of the same
 * steps, in the recorder's document shape (src/trace/recording.ts), so "Open
 * recording" marks every step where a simulated kernel differs from the real
 * one. Each step also keeps the traced call it came from, as strace prints it.
 *
 * Pure: the trace worker and the command line (`npm run replay -- --scenario
 * … --recording …`) both use it.
 */
import { USER_SPACE_PAGES } from '../import/smaps'
import type { RealVma, TraceDocument } from './format'
import { pageOf } from './format'
import { syscallText } from './syscall-text'
import { replayPlan, type SegmentScenario } from './to-scenario'

export interface RecordedVmaOut { start: number; end: number; prot: string; share: 'private' | 'shared'; mergeable: boolean; mnemonics: string[]; names: string[] }
export interface RecordingOut { kernel: string; steps: { index: number; op: string; error: string | null; vmas: RecordedVmaOut[]; unsupported?: string }[] }

export interface OpenedPart {
  scenario: SegmentScenario
  recording: RecordingOut
  /** For each step (0-based): the traced call, as strace prints it, or "faults (inferred)". */
  calls: string[]
  /** Steps before this space's own (a fork child's parent's steps and the fork). */
  inheritedSteps: number
}

export interface PartChoice { space: number; part: number; exe: string; pid: number; steps: number; reason: string | null }

const realVma = ([start, end, perms, , , , path, flags]: RealVma): RecordedVmaOut => ({
  start: pageOf(start),
  end: pageOf(end),
  prot: perms.slice(0, 3),
  share: perms[3] === 's' ? 'shared' : 'private',
  mergeable: flags.split(' ').includes('mg'),
  mnemonics: flags.split(' ').filter(Boolean),
  names: path ? [path] : [],
})

/** Every part of every address space, for a chooser. */
export function traceParts(trace: TraceDocument): PartChoice[] {
  return replayPlan(trace).flatMap((plan) => plan.segments.map((s, i) => ({
    space: plan.space.id, part: i + 1, exe: plan.space.exe, pid: plan.space.pid, steps: s.scenario.steps.length, reason: s.reason,
  })))
}

/** The part a user wants first: the traced command's own process after its last execve, part 1. */
export function mainPart(trace: TraceDocument): { space: number; part: number } {
  const pid = trace.spaces[0]?.pid
  const main = trace.spaces.filter((s) => s.pid === pid).pop() ?? trace.spaces[0]
  return { space: main?.id ?? 1, part: 1 }
}

export function openPart(trace: TraceDocument, spaceId: number, part: number): OpenedPart | string {
  const plan = replayPlan(trace).find((p) => p.space.id === spaceId)
  if (!plan) return `the trace has no address space ${spaceId}`
  const segment = plan.segments[part - 1]
  if (!segment) return `address space ${spaceId} has ${plan.segments.length} part(s), not ${part}`
  const stepsTotal = segment.scenario.steps.length
  const realAfter: (RealVma[] | null)[] = new Array(stepsTotal).fill(null)
  const calls: string[] = new Array(stepsTotal).fill('')
  const errors: (string | null)[] = new Array(stepsTotal).fill(null)
  for (let i = 0; i < segment.inheritedSteps; i++) calls[i] = i === segment.inheritedSteps - 1 ? 'fork (the parent\'s steps before it)' : 'the parent\'s step'
  let done = segment.inheritedSteps
  for (const ev of plan.events) {
    if (ev.segment !== part - 1) continue
    const event = plan.space.events[ev.event]!
    for (; done < ev.stepsAfter; done++) {
      realAfter[done] = ev.real
      calls[done] = event.kind === 'call' ? syscallText(event) : 'faults (inferred from smaps)'
      errors[done] = event.kind === 'call' ? event.errno : null
    }
  }
  const real = trace.source === 'ptrace'
  const steps = segment.scenario.steps.map((step, i) => {
    const after = realAfter[i]
    return {
      index: i + 1,
      op: step.op,
      error: errors[i]!,
      vmas: real && after ? after.filter(([, e]) => pageOf(e) <= USER_SPACE_PAGES).map(realVma) : [],
      ...(!real ? { unsupported: 'strace recorded the result, not the VMAs' } : !after ? { unsupported: 'a step of the parent before the fork' } : {}),
    }
  })
  return { scenario: segment.scenario, recording: { kernel: `real:${trace.kernel}`, steps }, calls, inheritedSteps: segment.inheritedSteps }
}
