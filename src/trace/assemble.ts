/**
 * The tracer's event stream (tools/tracer: one JSON object per line, format
 * "vma-trace-events/1") → the `vma-trace/1` document (./format.ts).
 *
 * The tracer writes events as they happen, interleaved across address spaces;
 * this groups them per address space, in order, and checks that the stream is
 * whole: a stream without its closing "end" line was cut short (the tracer
 * was killed, or the disk filled), and is refused with the line it stopped at.
 */
import { TRACE_FORMAT, type TraceDocument, type TraceEvent, type TracedSpace, readTraceDocument } from './format'

export type Assembled = { ok: true; trace: TraceDocument } | { ok: false; message: string }

interface Start { format: string; kernel: string; machine: string; pageSize: number; mergeAny: boolean; command: string[] }

export function assembleTrace(ndjson: string): Assembled {
  const lines = ndjson.split('\n')
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  let start: Start | null = null
  let end: { calls: number; exitCode: number } | null = null
  const spaces = new Map<number, TracedSpace>()
  const tids = new Map<number, Set<number>>()
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1
    let ev: Record<string, unknown>
    try {
      ev = JSON.parse(lines[i]!) as Record<string, unknown>
    } catch {
      const last = i === lines.length - 1
      return { ok: false, message: `line ${lineNo} of the tracer's output is ${last ? 'cut short' : 'not JSON'}: the trace is incomplete` }
    }
    if (end) return { ok: false, message: `line ${lineNo}: an event after the trace's "end" line` }
    switch (ev.ev) {
      case 'start':
        if (ev.format !== 'vma-trace-events/1') return { ok: false, message: `line ${lineNo}: unknown tracer output format ${JSON.stringify(ev.format)}` }
        start = ev as unknown as Start
        break
      case 'space': {
        const id = ev.space as number
        spaces.set(id, {
          id,
          pid: ev.pid as number,
          origin: ev.origin as 'exec' | 'fork',
          parent: (ev.parent as number | null) ?? null,
          parentSeq: (ev.parentSeq as number | undefined) ?? null,
          exe: ev.exe as string,
          initial: ev.vmas as TracedSpace['initial'],
          events: [],
          exit: null,
          threads: 1,
        })
        tids.set(id, new Set())
        break
      }
      case 'call':
      case 'faults':
      case 'between': {
        const space = spaces.get(ev.space as number)
        if (!space) return { ok: false, message: `line ${lineNo}: an event for address space ${String(ev.space)}, which never began` }
        const { ev: kind, space: _space, ...rest } = ev
        space.events.push({ kind, ...rest } as unknown as TraceEvent)
        if (kind === 'call') tids.get(space.id)!.add(ev.tid as number)
        break
      }
      case 'exit': {
        const space = spaces.get(ev.space as number)
        if (space) space.exit = { how: ev.how as 'exited' | 'killed' | 'exec', code: ev.code as number }
        break
      }
      case 'end':
        end = { calls: ev.calls as number, exitCode: ev.exitCode as number }
        break
      default:
        return { ok: false, message: `line ${lineNo}: unknown event ${JSON.stringify(ev.ev)}` }
    }
  }
  if (!start) return { ok: false, message: 'the tracer wrote nothing: no "start" line' }
  if (!end) return { ok: false, message: `the tracer's output stops after ${lines.length} lines without its "end" line: the trace was cut short` }
  for (const space of spaces.values()) space.threads = Math.max(1, tids.get(space.id)!.size)
  const limits: string[] = []
  if ([...spaces.values()].some((s) => s.threads > 1))
    limits.push('Some address spaces ran several threads: the tracer stops only the calling thread, so a snapshot can include another thread\'s call that was in flight.')
  const document: TraceDocument = {
    format: TRACE_FORMAT,
    source: 'ptrace',
    kernel: start.kernel,
    machine: start.machine,
    pageSize: 4096,
    mergeAny: start.mergeAny,
    command: start.command,
    exitCode: end.exitCode,
    calls: end.calls,
    limits,
    spaces: [...spaces.values()].sort((a, b) => a.id - b.id),
  }
  // The document must read back through the schema: that checks the tracer's output too.
  return readTraceDocument(document)
}
