/**
 * Replay a trace on a simulated kernel and compare it, call by call, with the
 * real recording it holds (`npm run replay`).
 *
 * A call *agrees* when, after it, the simulated VMAs of its address space
 * equal the real ones in start, end, prot, share and `mg`; it is
 * *unmodellable* when the engine does not model it (./to-scenario.ts names
 * the reason); otherwise it *differs*. Inferred events (faults, layout
 * changes between calls) are replayed too but are not calls.
 *
 * `ksmMissedMerges` counts, on the simulated kernel, the new mappings that
 * did not merge only because of VM_MERGEABLE timing: the mmap made a new VMA
 * with the flag set late, and after the step that VMA and a neighbour are
 * identical in everything is_mergeable_vma() and the anon_vma rule compare
 * (flags, file and contiguous offset, anon_vma): with the flag set early they
 * would have been one VMA.
 */
import type { KernelId, VmaView } from '../engine/api'
import { simulate } from '../engine/simulate'
import { loadScenario } from '../scenario/load'
import type { Trace } from '../engine/api'
import type { CallEvent, RealVma, TraceDocument } from './format'
import { pageOf } from './format'
import { USER_SPACE_PAGES } from '../import/smaps'
import { replayPlan, type SegmentScenario } from './to-scenario'
import { syscallText } from './syscall-text'

export interface ComparedVma { start: number; end: number; prot: string; share: 'private' | 'shared'; mergeable: boolean }

export interface CallVerdict {
  space: number
  seq: number
  text: string
  verdict: 'agree' | 'differ' | 'unmodellable'
  reason?: string
  real?: ComparedVma[]
  simulated?: ComparedVma[]
}

export interface MissedMerge {
  space: number
  seq: number
  text: string
  /** The VMA the new mapping would have merged with. */
  neighbour: 'prev' | 'next'
  range: [number, number]
}

export interface ReplaySummary {
  kernel: KernelId
  calls: number
  agree: number
  differ: number
  unmodellable: number
  realVmasAtEnd: number
  simulatedVmasAtEnd: number
  ksmMissedMerges: number
}

export interface ReplayResult {
  summary: ReplaySummary
  verdicts: CallVerdict[]
  missed: MissedMerge[]
  /** Why each segment after the first starts from the real VMAs. */
  resyncs: { space: number; seq: number | null; reason: string }[]
  /** Scenarios the loader refused (a defect in the trace's conversion; named, not hidden). */
  problems: string[]
}

/** The real VMAs as compared; the vsyscall page lies above the user address space, which the engine models. */
export const realCompared = (vmas: readonly RealVma[]): ComparedVma[] =>
  vmas.filter(([, end]) => pageOf(end) <= USER_SPACE_PAGES).map(([start, end, perms, , , , , flags]) => ({
    start: pageOf(start),
    end: pageOf(end),
    prot: perms.slice(0, 3),
    share: perms[3] === 's' ? 'shared' : 'private',
    mergeable: flags.split(' ').includes('mg'),
  }))

/** Calls whose errno the comparison checks as well as the VMAs (they change none, or a key decides). */
const ERRNO_COMPARED: ReadonlySet<string> = new Set(['shmget', 'pkey_alloc', 'pkey_free', 'pkey_mprotect'])

const simCompared = (vmas: readonly VmaView[]): ComparedVma[] =>
  vmas.map(({ start, end, prot, share, mergeable }) => ({ start, end, prot, share, mergeable }))

const sameVmas = (a: readonly ComparedVma[], b: readonly ComparedVma[]): boolean =>
  a.length === b.length && a.every((v, i) => {
    const w = b[i]!
    return v.start === w.start && v.end === w.end && v.prot === w.prot && v.share === w.share && v.mergeable === w.mergeable
  })

const sameFlags = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((f, i) => f === b[i])

/** Would `n` and its neighbour `v` be one VMA, had VM_MERGEABLE been set before the merge attempt? */
function onlyTimingKeptApart(n: VmaView, v: VmaView, side: 'prev' | 'next'): boolean {
  if (!sameFlags(n.flags, v.flags) || n.backing !== v.backing || n.fileId !== v.fileId || n.vmOpsClose || v.vmOpsClose) return false
  if (n.anonVma !== null && v.anonVma !== null && n.anonVma !== v.anonVma) return false
  const [lo, hi] = side === 'prev' ? [v, n] : [n, v]
  return lo.end === hi.start && hi.pgoff === lo.pgoff + (lo.end - lo.start)
}

/** Step `stepIndex` made a new VMA (mmap, or brk) that stayed apart only because its VM_MERGEABLE came late. */
export function missedMerge(trace: Trace, stepIndex: number): { neighbour: 'prev' | 'next'; range: [number, number] } | null {
  const step = trace.steps[stepIndex - 1]
  if (!step || (step.op !== 'mmap' && step.op !== 'brk') || step.outcome !== 'new' || step.ksm !== 'late' || step.created.length !== 1) return null
  const vmas = trace.vmasAt(stepIndex)
  const i = vmas.findIndex((v) => v.id === step.created[0])
  if (i < 0) return null
  const n = vmas[i]!
  if (i > 0 && onlyTimingKeptApart(n, vmas[i - 1]!, 'prev')) return { neighbour: 'prev', range: [n.start, n.end] }
  if (i + 1 < vmas.length && onlyTimingKeptApart(n, vmas[i + 1]!, 'next')) return { neighbour: 'next', range: [n.start, n.end] }
  return null
}

function simulateSegment(space: number, index: number, scenario: SegmentScenario, kernel: KernelId, problems: string[]): Trace | null {
  const loaded = loadScenario(scenario)
  if (!loaded.ok) {
    problems.push(`address space ${space}, part ${index + 1}: the converted scenario was refused: ${loaded.error.path ? `${loaded.error.path}: ` : ''}${loaded.error.message}`)
    return null
  }
  return simulate(loaded.scenario, kernel)
}

export function replayTrace(trace: TraceDocument, kernel: KernelId): ReplayResult {
  const problems: string[] = []
  // A segment that ends in a restart is complete when the plan asks for its
  // simulated end state: that run is the one compared below.
  const runs = new Map<string, Trace | null>()
  const plans = replayPlan(trace, (space, index, scenario) => {
    const run = simulateSegment(space, index, scenario, kernel, problems)
    runs.set(`${space}:${index}`, run)
    return run ? run.vmasAt(run.steps.length) : null
  })
  const verdicts: CallVerdict[] = []
  const missed: MissedMerge[] = []
  const resyncs: ReplayResult['resyncs'] = []
  let realVmasAtEnd = 0
  let simulatedVmasAtEnd = 0
  // The main process's last address space: the traced command's own pid, after its last execve.
  const mainPid = plans[0]?.space.pid
  const mainSpace = plans.filter((p) => p.space.pid === mainPid).pop()
  for (const plan of plans) {
    const traces = plan.segments.map((segment, i) => {
      const key = `${plan.space.id}:${i}`
      return runs.has(key) ? runs.get(key)! : simulateSegment(plan.space.id, i, segment.scenario, kernel, problems)
    })
    plan.segments.forEach((s, i) => { if (i > 0) resyncs.push({ space: plan.space.id, seq: s.fromSeq, reason: s.reason ?? '' }) })
    // A fork child's first segment starts with its parent's steps and the fork: those are not its calls.
    const stepsSeen = plan.segments.map((s) => s.inheritedSteps)
    let lastSim: VmaView[] | null = null
    for (const ev of plan.events) {
      const t = traces[ev.segment] ?? null
      const sim = t ? t.vmasAt(ev.stepsAfter) : null
      for (let s = stepsSeen[ev.segment]! + 1; t && s <= ev.stepsAfter; s++) {
        const m = missedMerge(t, s)
        const event = plan.space.events[ev.event]!
        if (m && event.kind === 'call') missed.push({ space: plan.space.id, seq: ev.seq, text: syscallText(event), ...m })
      }
      stepsSeen[ev.segment] = ev.stepsAfter
      lastSim = sim
      const event = plan.space.events[ev.event]!
      if (event.kind !== 'call') continue
      const text = syscallText(event as CallEvent)
      const real = realCompared(ev.real)
      if (ev.status?.kind === 'unmodellable') {
        verdicts.push({ space: plan.space.id, seq: ev.seq, text, verdict: 'unmodellable', reason: ev.status.reason })
        continue
      }
      if (!sim || !t) {
        verdicts.push({ space: plan.space.id, seq: ev.seq, text, verdict: 'differ', reason: 'the converted scenario could not be simulated', real })
        continue
      }
      if (trace.source === 'strace') {
        // strace recorded results, not layouts: compare the errno.
        const call = event as CallEvent
        if (ev.status?.kind === 'noop') {
          if (call.errno === null) verdicts.push({ space: plan.space.id, seq: ev.seq, text, verdict: 'agree' })
          else verdicts.push({ space: plan.space.id, seq: ev.seq, text, verdict: 'unmodellable', reason: `the engine does not model this call's errors (${call.errno})` })
          continue
        }
        const simError = ev.stepsAfter > 0 ? (t.steps[ev.stepsAfter - 1]?.error ?? null) : null
        if (simError === call.errno) verdicts.push({ space: plan.space.id, seq: ev.seq, text, verdict: 'agree' })
        else verdicts.push({ space: plan.space.id, seq: ev.seq, text, verdict: 'differ', reason: `errno: real ${call.errno ?? 'none'}, simulated ${simError ?? 'none'}` })
        continue
      }
      const simulated = simCompared(sim)
      // Calls that change no VMA, or whose key decides whether they change any: their errno too.
      const call = event as CallEvent
      if (ev.status?.kind === 'step' && ERRNO_COMPARED.has(call.name)) {
        const simError = t.steps[ev.stepsAfter - 1]?.error ?? null
        if (simError !== call.errno) {
          verdicts.push({ space: plan.space.id, seq: ev.seq, text, verdict: 'differ', reason: `errno: real ${call.errno ?? 'none'}, simulated ${simError ?? 'none'}`, real, simulated })
          continue
        }
      }
      if (sameVmas(real, simulated)) verdicts.push({ space: plan.space.id, seq: ev.seq, text, verdict: 'agree' })
      else verdicts.push({ space: plan.space.id, seq: ev.seq, text, verdict: 'differ', real, simulated })
    }
    if (plan === mainSpace && trace.source === 'ptrace') {
      const lastReal = plan.events.length > 0 ? plan.events[plan.events.length - 1]!.real : plan.space.initial
      realVmasAtEnd = realCompared(lastReal).length
      const t = traces[traces.length - 1]
      simulatedVmasAtEnd = lastSim ? lastSim.length : t ? t.vmasAt(0).length : 0
    }
  }
  const count = (v: CallVerdict['verdict']): number => verdicts.filter((x) => x.verdict === v).length
  return {
    summary: {
      kernel,
      calls: verdicts.length,
      agree: count('agree'),
      differ: count('differ'),
      unmodellable: count('unmodellable'),
      realVmasAtEnd,
      simulatedVmasAtEnd,
      ksmMissedMerges: missed.length,
    },
    verdicts,
    missed,
    resyncs,
    problems,
  }
}
