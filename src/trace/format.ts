/**
 * The trace format, `vma-trace/1` (docs/trace-format.md): what `npm run trace`
 * writes. One document holds every address space a traced program made, each
 * with the VMAs it started with and every event that changed them: the system
 * calls (arguments, result, errno, and the VMAs that changed) and what the
 * tracer inferred between calls (faults, layout changes).
 *
 * The schema is the reader: a file that is cut short, or is not a trace,
 * is refused with the path of the first bad field.
 */
import { z } from 'zod'

export const TRACE_FORMAT = 'vma-trace/1'

const hex = z.string().regex(/^[0-9a-f]{1,16}$/, 'expected a hex number without 0x')

/** One VMA as /proc/PID/smaps printed it: [start, end, perms, offset, dev, inode, path, VmFlags, Rss kB, Anonymous kB]. */
export const realVmaSchema = z.tuple([
  hex, hex, z.string().regex(/^[r-][w-][x-][ps]$/), hex, z.string(), z.number().int().min(0), z.string(), z.string(),
  z.number().int().min(0), z.number().int().min(0),
])
export type RealVma = z.infer<typeof realVmaSchema>

const rangeSchema = z.tuple([hex, hex])

export const fdSchema = z.object({
  path: z.string(),
  type: z.string().optional(),
  dev: z.string().optional(),
  inode: z.number().optional(),
  size: z.number().optional(),
  rdev: z.string().optional(),
  fsMagic: z.string().optional(),
})
export type FdInfo = z.infer<typeof fdSchema>

export const callEventSchema = z.object({
  kind: z.literal('call'),
  seq: z.number().int(),
  tid: z.number().int(),
  name: z.string(),
  nr: z.number().int(),
  args: z.array(hex).length(6),
  /** The result as hex, or -1 with errno set. */
  ret: z.union([hex, z.literal(-1)]),
  errno: z.string().nullable(),
  fd: fdSchema.optional(),
  /** VMAs gone after the call, by [start, end]; absent when the tracer did not read smaps (clone, execve). */
  removed: z.array(rangeSchema).optional(),
  /** VMAs that are new or changed after the call. */
  added: z.array(realVmaSchema).optional(),
})
export type CallEvent = z.infer<typeof callEventSchema>

export const faultsEventSchema = z.object({
  kind: z.literal('faults'),
  seq: z.number().int(),
  inferred: z.literal(true),
  /** [start, end, written, Anonymous kB gained, Rss kB gained] */
  touched: z.array(z.tuple([hex, hex, z.boolean(), z.number(), z.number()])),
})
export type FaultsEvent = z.infer<typeof faultsEventSchema>

export const betweenEventSchema = z.object({
  kind: z.literal('between'),
  seq: z.number().int(),
  inferred: z.literal(true),
  removed: z.array(rangeSchema),
  added: z.array(realVmaSchema),
})
export type BetweenEvent = z.infer<typeof betweenEventSchema>

export const traceEventSchema = z.discriminatedUnion('kind', [callEventSchema, faultsEventSchema, betweenEventSchema])
export type TraceEvent = z.infer<typeof traceEventSchema>

export const tracedSpaceSchema = z.object({
  id: z.number().int().min(1),
  pid: z.number().int(),
  origin: z.enum(['exec', 'fork']),
  /** The address space this one was forked from, and the seq of its last event before the fork. */
  parent: z.number().int().nullable(),
  parentSeq: z.number().int().nullable(),
  exe: z.string(),
  /** The VMAs right after execve (or in the child, right after fork). */
  initial: z.array(realVmaSchema),
  events: z.array(traceEventSchema),
  exit: z.object({ how: z.enum(['exited', 'killed', 'exec']), code: z.number().int() }).nullable(),
  /** Threads that ran in it: with more than one, a snapshot can include another thread's call in flight. */
  threads: z.number().int().min(1),
})
export type TracedSpace = z.infer<typeof tracedSpaceSchema>

export const traceDocumentSchema = z.object({
  format: z.literal(TRACE_FORMAT),
  source: z.enum(['ptrace', 'strace']),
  kernel: z.string(),
  machine: z.string(),
  pageSize: z.literal(4096),
  mergeAny: z.boolean(),
  command: z.array(z.string()),
  /** The traced command's exit status (128 + signal when killed); null when unknown (strace). */
  exitCode: z.number().int().nullable(),
  /** Traced calls in all address spaces. */
  calls: z.number().int().min(0),
  /** What the source could not see, in words (strace: no VMAs at exec, no faults). */
  limits: z.array(z.string()),
  spaces: z.array(tracedSpaceSchema),
})
export type TraceDocument = z.infer<typeof traceDocumentSchema>

export type ReadTrace = { ok: true; trace: TraceDocument } | { ok: false; message: string }

/** Reads a trace document's JSON value: the first bad field is named. */
export function readTraceDocument(value: unknown): ReadTrace {
  if (typeof value !== 'object' || value === null || (value as { format?: unknown }).format !== TRACE_FORMAT) {
    const format = typeof value === 'object' && value !== null ? (value as { format?: unknown }).format : undefined
    return { ok: false, message: `not a vmascope trace: expected "format": "${TRACE_FORMAT}", got ${format === undefined ? 'no format field' : JSON.stringify(format)}` }
  }
  const parsed = traceDocumentSchema.safeParse(value)
  if (parsed.success) return { ok: true, trace: parsed.data }
  const issue = parsed.error.issues[0]!
  return { ok: false, message: `${issue.path.join('.') || '(document)'}: ${issue.message}` }
}

export const pageOf = (hexAddress: string): number => Number(BigInt(`0x${hexAddress}`) / 4096n)
