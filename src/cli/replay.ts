/**
 * `npm run --silent replay -- [--kernel K] [--json] TRACE_FILE`
 *
 * Replays a vma-trace/1 document (from `npm run trace`) on a simulated kernel
 * (default 6.18) and compares it, call by call, with the real recording it
 * holds. With --json it prints exactly
 *
 *   {"kernel","calls","agree","differ","unmodellable","realVmasAtEnd","simulatedVmasAtEnd","ksmMissedMerges"}
 *
 * and without it the same as text, plus each differing call and each
 * mapping that did not merge only because of VM_MERGEABLE timing.
 *
 * Exit status: 0 printed; 2 bad usage or an unreadable trace (the reason on stderr).
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { DEFAULT_KERNEL, KERNEL_IDS, type KernelId } from '../engine/api'
import { readTraceDocument } from '../trace/format'
import { replayTrace, type ReplayResult } from '../trace/replay'
import { importStrace, smapsAsRealVmas } from '../trace/strace'
import type { RealVma } from '../trace/format'
import { mainPart, openPart } from '../trace/to-recording'

const USAGE = `Usage: npm run --silent replay -- [--kernel K] [--json] TRACE_FILE
       npm run --silent replay -- --scenario OUT.json --recording OUT.json [--space N] [--part N] TRACE_FILE
  --kernel K          ${KERNEL_IDS.join(', ')} (default ${DEFAULT_KERNEL})
  --json              print only the summary object
  --scenario FILE     write one part of one address space as a scenario (default: the
                      traced command's own process after its last execve, part 1)
  --recording FILE    and the real kernel's recording of the same steps, for "Open recording"
  --strace            TRACE_FILE is an strace log (strace -f -y -e trace=%memory,shmget,shmctl,pkey_alloc,pkey_free,execve,clone,clone3,fork,vfork,prctl)
  --initial SMAPS     with --strace: the first process's VMAs at the start of the log (a /proc/PID/smaps)`
/** A trace of 100,000 calls is tens of MB; this bounds what is read. */
const MAX_TRACE_BYTES = 1 << 30

export function readTraceFile(path: string): ReturnType<typeof readTraceDocument> {
  let size: number
  try {
    const st = statSync(path)
    if (!st.isFile()) return { ok: false, message: `${path} is not a regular file` }
    size = st.size
  } catch (e) {
    return { ok: false, message: `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }
  }
  if (size > MAX_TRACE_BYTES) return { ok: false, message: `${path} is ${size} bytes; a trace may be at most ${MAX_TRACE_BYTES} bytes` }
  let value: unknown
  try {
    value = JSON.parse(readFileSync(path, 'utf8'))
  } catch (e) {
    return { ok: false, message: `${path} is not JSON (${(e as Error).message}): a trace cut short?` }
  }
  return readTraceDocument(value)
}

const fmt = (n: number): string => n.toLocaleString('en-US')

export function replayText(r: ReplayResult, maxListed = 50): string {
  const s = r.summary
  const lines = [
    `kernel ${s.kernel}: ${fmt(s.calls)} calls: ${fmt(s.agree)} agree, ${fmt(s.differ)} differ, ${fmt(s.unmodellable)} unmodellable`,
    `VMAs at the end of the main process: real ${fmt(s.realVmasAtEnd)}, simulated ${fmt(s.simulatedVmasAtEnd)}`,
    `new mappings that did not merge only because of VM_MERGEABLE timing: ${fmt(s.ksmMissedMerges)}`,
  ]
  const differing = r.verdicts.filter((v) => v.verdict === 'differ')
  if (differing.length) {
    lines.push('', 'differing calls:')
    for (const v of differing.slice(0, maxListed)) lines.push(`  [${v.space}] #${v.seq} ${v.text}${v.reason ? `: ${v.reason}` : ''}`)
    if (differing.length > maxListed) lines.push(`  … and ${fmt(differing.length - maxListed)} more`)
  }
  const unmodellable = new Map<string, number>()
  for (const v of r.verdicts) if (v.verdict === 'unmodellable') unmodellable.set(v.reason!, (unmodellable.get(v.reason!) ?? 0) + 1)
  if (unmodellable.size) {
    lines.push('', 'unmodellable calls, by reason:')
    for (const [reason, n] of [...unmodellable].sort((a, b) => b[1] - a[1])) lines.push(`  ${fmt(n)} × ${reason}`)
  }
  if (r.missed.length) {
    lines.push('', 'did not merge only because of VM_MERGEABLE timing:')
    for (const m of r.missed.slice(0, maxListed)) lines.push(`  [${m.space}] #${m.seq} ${m.text} (with its ${m.neighbour})`)
  }
  if (r.resyncs.length) lines.push('', `the simulation restarted from the real VMAs ${fmt(r.resyncs.length)} time(s); the first: ${r.resyncs[0]!.reason}`)
  for (const p of r.problems) lines.push(`problem: ${p}`)
  return lines.join('\n')
}

function fail(message: string): number {
  process.stderr.write(`replay: ${message}\n`)
  return 2
}

/** An strace log, read with the same size cap as a trace. */
function readStraceFile(path: string, initialPath: string | null): ReturnType<typeof readTraceDocument> {
  try {
    for (const p of [path, ...(initialPath ? [initialPath] : [])]) {
      const st = statSync(p)
      if (!st.isFile()) return { ok: false, message: `${p} is not a regular file` }
      if (st.size > MAX_TRACE_BYTES) return { ok: false, message: `${p} is ${st.size} bytes; a log may be at most ${MAX_TRACE_BYTES} bytes` }
    }
    let initial: RealVma[] | undefined
    if (initialPath) {
      const smaps = smapsAsRealVmas(readFileSync(initialPath, 'utf8'))
      for (const p of smaps.problems.slice(0, 20)) process.stderr.write(`replay: ${initialPath}:${p.line}: ${p.message}\n`)
      if (smaps.vmas.length === 0) return { ok: false, message: `${initialPath} has no mapping lines: not an smaps or maps file` }
      initial = smaps.vmas
    }
    const imported = importStrace(readFileSync(path, 'utf8'), { initial })
    for (const p of imported.problems.slice(0, 20)) process.stderr.write(`replay: ${path}:${p.line}: ${p.message}\n`)
    if (imported.problems.length > 20) process.stderr.write(`replay: … and ${imported.problems.length - 20} more lines that could not be read\n`)
    return { ok: true, trace: imported.trace }
  } catch (e) {
    return { ok: false, message: `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }
  }
}

function main(argv: string[]): number {
  let kernel: KernelId = DEFAULT_KERNEL
  let json = false
  let strace = false
  let initial: string | null = null
  let scenarioOut: string | null = null
  let recordingOut: string | null = null
  let space: number | null = null
  let part = 1
  const files: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '--json') json = true
    else if (a === '--strace') strace = true
    else if (a === '--initial') {
      initial = argv[++i] ?? null
      if (!initial) return fail('--initial needs an smaps file')
    }
    else if (a === '--scenario' || a === '--recording') {
      const f = argv[++i]
      if (!f) return fail(`${a} needs a file name`)
      if (a === '--scenario') scenarioOut = f
      else recordingOut = f
    } else if (a === '--space' || a === '--part') {
      const n = argv[++i] ?? ''
      if (!/^[1-9]\d{0,6}$/.test(n)) return fail(`${a} needs a whole number ≥ 1, got ${JSON.stringify(n)}`)
      if (a === '--space') space = Number(n)
      else part = Number(n)
    }
    else if (a === '--kernel') {
      const k = argv[++i]
      if (!k || !(KERNEL_IDS as readonly string[]).includes(k)) {
        process.stderr.write(`replay: unknown kernel ${JSON.stringify(k ?? '')}; expected one of ${KERNEL_IDS.join(', ')}\n`)
        return 2
      }
      kernel = k as KernelId
    } else if (a === '--help') {
      process.stdout.write(`${USAGE}\n`)
      return 0
    } else if (a.startsWith('-') && a !== '-') {
      process.stderr.write(`replay: unknown option ${a}\n${USAGE}\n`)
      return 2
    } else files.push(a)
  }
  if (files.length !== 1) {
    process.stderr.write(`replay: expected one trace file\n${USAGE}\n`)
    return 2
  }
  if (initial && !strace) return fail('--initial goes with --strace (a trace has the VMAs at execve already)')
  const read = strace ? readStraceFile(files[0]!, initial) : readTraceFile(files[0]!)
  if (!read.ok) {
    process.stderr.write(`replay: ${read.message}\n`)
    return 2
  }
  if (scenarioOut || recordingOut) {
    const which = space ?? mainPart(read.trace).space
    const opened = openPart(read.trace, which, part)
    if (typeof opened === 'string') return fail(opened)
    if (scenarioOut) writeFileSync(scenarioOut, `${JSON.stringify(opened.scenario)}\n`)
    if (recordingOut) writeFileSync(recordingOut, `${JSON.stringify(opened.recording)}\n`)
    process.stderr.write(`replay: address space ${which}, part ${part}: ${opened.scenario.steps.length} steps\n`)
    return 0
  }
  const result = replayTrace(read.trace, kernel)
  const s = result.summary
  if (json) {
    const { kernel: k, calls, agree, differ, unmodellable, realVmasAtEnd, simulatedVmasAtEnd, ksmMissedMerges } = s
    process.stdout.write(`${JSON.stringify({ kernel: k, calls, agree, differ, unmodellable, realVmasAtEnd, simulatedVmasAtEnd, ksmMissedMerges })}\n`)
  } else process.stdout.write(`${replayText(result)}\n`)
  return 0
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2))
