/**
 * What the explorer asks of an opened trace, answered in the trace worker
 * (src/worker/trace.worker.ts) so that reading a large trace and simulating
 * it on every kernel never blocks the page. Pure: also tested in Node.
 *
 * `open` reads the file once (a vma-trace/1 document, or an strace log) and
 * keeps it; `part` gives one part of one address space: the scenario, the
 * real recording beside it, and on every kernel profile the VMA count after
 * each step and the mappings that did not merge only because of
 * VM_MERGEABLE timing ("what KSM costs").
 */
import { KERNEL_IDS, type KernelId } from '../engine/api'
import { simulate } from '../engine/simulate'
import { DEFAULT_MAX_MAP_COUNT } from '../scenario/defaults'
import { loadScenario } from '../scenario/load'
import { readTraceDocument, type TraceDocument } from './format'
import { missedMerge } from './replay'
import { importStrace } from './strace'
import { mainPart, openPart, traceParts, type PartChoice } from './to-recording'

export interface OpenedTrace {
  source: 'ptrace' | 'strace'
  command: string[]
  kernel: string
  mergeAny: boolean
  calls: number
  limits: string[]
  /** strace lines that could not be read (line number and why). */
  problems: string[]
  parts: PartChoice[]
  main: { space: number; part: number }
}

export interface KernelCost {
  kernel: KernelId
  vmasAtEnd: number
  /** Steps (1-based) whose new mapping did not merge only because of VM_MERGEABLE timing. */
  missed: { step: number; call: string; neighbour: 'prev' | 'next' }[]
  /** VMA count after each step; [0] is before the first. */
  counts: number[]
}

export interface TracePart {
  scenarioText: string
  recordingText: string
  calls: string[]
  /** The real VMA count after each step ([0] before the first); null for strace (no VMAs). */
  realCounts: number[] | null
  maxMapCount: number
  costs: KernelCost[]
}

export function createTraceApi() {
  let trace: TraceDocument | null = null
  return {
    open(text: string, fileName: string): { ok: true; trace: OpenedTrace } | { ok: false; message: string } {
      let doc: TraceDocument
      let problems: string[] = []
      const trimmed = text.trimStart()
      if (trimmed.startsWith('{')) {
        let value: unknown
        try {
          value = JSON.parse(text)
        } catch (e) {
          return { ok: false, message: `${fileName} is not JSON (${(e as Error).message}): a trace cut short?` }
        }
        const read = readTraceDocument(value)
        if (!read.ok) return { ok: false, message: `${fileName}: ${read.message}` }
        doc = read.trace
      } else {
        const imported = importStrace(text)
        if (imported.trace.calls === 0) return { ok: false, message: `${fileName}: neither a vmascope trace nor an strace log with memory calls (${imported.problems[0] ? `line ${imported.problems[0].line}: ${imported.problems[0].message}` : 'no calls'})` }
        doc = imported.trace
        problems = imported.problems.map((p) => `line ${p.line}: ${p.message}`)
      }
      trace = doc
      return {
        ok: true,
        trace: { source: doc.source, command: doc.command, kernel: doc.kernel, mergeAny: doc.mergeAny, calls: doc.calls, limits: doc.limits, problems, parts: traceParts(doc), main: mainPart(doc) },
      }
    },

    part(space: number, part: number): { ok: true; part: TracePart } | { ok: false; message: string } {
      if (!trace) return { ok: false, message: 'no trace is open' }
      const opened = openPart(trace, space, part)
      if (typeof opened === 'string') return { ok: false, message: opened }
      const loaded = loadScenario(opened.scenario)
      if (!loaded.ok) return { ok: false, message: `the trace's scenario was refused (a vmascope defect): ${loaded.text}` }
      const costs: KernelCost[] = KERNEL_IDS.map((kernel) => {
        const run = simulate(loaded.scenario, kernel)
        const counts = [run.idsAt(0).length]
        const missed: KernelCost['missed'] = []
        for (let i = 1; i <= run.steps.length; i++) {
          counts.push(run.idsAt(i).length)
          if (i <= opened.inheritedSteps) continue
          const m = missedMerge(run, i)
          if (m) missed.push({ step: i, call: opened.calls[i - 1] ?? '', neighbour: m.neighbour })
        }
        return { kernel, vmasAtEnd: counts[counts.length - 1]!, missed, counts }
      })
      const initial = loaded.scenario.initial?.vmas.length ?? 0
      const realCounts = trace.source === 'ptrace' ? [initial, ...opened.recording.steps.map((s) => s.vmas.length)] : null
      return {
        ok: true,
        part: {
          scenarioText: JSON.stringify(opened.scenario),
          recordingText: JSON.stringify(opened.recording),
          calls: opened.calls,
          realCounts,
          maxMapCount: loaded.scenario.maxMapCount ?? DEFAULT_MAX_MAP_COUNT,
          costs,
        },
      }
    },
  }
}

export type TraceApi = ReturnType<typeof createTraceApi>
