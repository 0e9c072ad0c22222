/**
 * An strace log → a `vma-trace/1` document (source "strace"), so that a log
 * someone already has replays like a trace. The command line it reads:
 *
 *   strace -f -y -e trace=%memory,shmget,shmctl,pkey_alloc,pkey_free,execve,clone,clone3,fork,vfork,prctl -o LOG COMMAND…
 *
 * (`-f` follows threads and children: lines start with the pid; `-y` prints a
 * file descriptor with its path, `3</usr/lib/libc.so.6>`, which a file mmap
 * needs; `shmget` gives a SysV segment's size, which a `shmat` line does not say.) Lines split by `<unfinished ...>` / `<... mmap resumed>` are joined.
 *
 * strace sees the calls and their results, not the VMAs: there are no VMAs at
 * execve, no faults, and no VMAs after each call. The document says so in
 * `limits`, and the replay compares results (errno), not layouts. It does not
 * say which file system a file is on either: files are taken as ext4, and the
 * document says that too. A line that cannot be read is reported with its
 * number; the rest loads.
 */
import { TRACE_FORMAT, type CallEvent, type RealVma, type TraceDocument, type TracedSpace } from './format'
import { MADVISE_NAMES } from '../engine/uapi'

export interface StraceProblem { line: number; message: string }
export interface ImportedStrace { trace: TraceDocument; problems: StraceProblem[]; lines: number }

const NR: Record<string, number> = {
  mmap: 9, mprotect: 10, munmap: 11, brk: 12, mremap: 25, madvise: 28, shmget: 29, shmat: 30, shmctl: 31, shmdt: 67, clone: 56, fork: 57, vfork: 58,
  execve: 59, mlock: 149, munlock: 150, mlockall: 151, munlockall: 152, prctl: 157, remap_file_pages: 216, mlock2: 325,
  pkey_mprotect: 329, pkey_alloc: 330, pkey_free: 331, execveat: 322, clone3: 435, mseal: 462,
}
const CONSTANTS: Record<string, bigint> = {
  PROT_NONE: 0n, PROT_READ: 1n, PROT_WRITE: 2n, PROT_EXEC: 4n, PROT_SEM: 8n, PROT_GROWSDOWN: 0x01000000n, PROT_GROWSUP: 0x02000000n,
  MAP_SHARED: 1n, MAP_PRIVATE: 2n, MAP_SHARED_VALIDATE: 3n, MAP_FIXED: 0x10n, MAP_ANONYMOUS: 0x20n, MAP_ANON: 0x20n, MAP_32BIT: 0x40n,
  MAP_DROPPABLE: 0x08n, MAP_GROWSDOWN: 0x100n, MAP_DENYWRITE: 0x800n, MAP_EXECUTABLE: 0x1000n, MAP_LOCKED: 0x2000n,
  MAP_NORESERVE: 0x4000n, MAP_POPULATE: 0x8000n, MAP_NONBLOCK: 0x10000n, MAP_STACK: 0x20000n, MAP_HUGETLB: 0x40000n,
  MAP_SYNC: 0x80000n, MAP_FIXED_NOREPLACE: 0x100000n, MAP_UNINITIALIZED: 0x4000000n,
  MREMAP_MAYMOVE: 1n, MREMAP_FIXED: 2n, MREMAP_DONTUNMAP: 4n, MCL_CURRENT: 1n, MCL_FUTURE: 2n, MCL_ONFAULT: 4n, MLOCK_ONFAULT: 1n,
  PR_SET_MM: 35n, PR_SET_THP_DISABLE: 41n, PR_SET_MEMORY_MERGE: 67n, PR_SET_MDWE: 77n, PR_SET_VMA: 0x53564d41n,
  PR_SET_VMA_ANON_NAME: 0n, NULL: 0n,
  IPC_PRIVATE: 0n, IPC_CREAT: 0o1000n, IPC_EXCL: 0o2000n, SHM_HUGETLB: 0o4000n, SHM_NORESERVE: 0o10000n,
  SHM_RDONLY: 0o10000n, SHM_RND: 0o20000n, SHM_REMAP: 0o40000n, SHM_EXEC: 0o100000n,
  IPC_RMID: 0n, IPC_SET: 1n, IPC_STAT: 2n, IPC_INFO: 3n, SHM_LOCK: 11n, SHM_UNLOCK: 12n, SHM_STAT: 13n, SHM_INFO: 14n, SHM_STAT_ANY: 15n, IPC_64: 0x100n,
  PKEY_DISABLE_ACCESS: 1n, PKEY_DISABLE_WRITE: 2n,
}
for (const [n, name] of Object.entries(MADVISE_NAMES)) CONSTANTS[name] = BigInt(n)

const CLONE_VM = 0x100n
const LINE = /^(?:\[pid\s+)?(\d+)\]?\s+(.*)$/
const CALL = /^([a-z_0-9]+)\((.*)\)\s+=\s+(-?\d+|0x[0-9a-f]+|\?)(?:\s+(E[A-Z0-9]+)\b.*)?$/

/** Splits top-level arguments (commas outside brackets, braces and quotes). */
function splitArgs(text: string): string[] {
  const out: string[] = []
  let depth = 0
  let quoted = false
  let cur = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      cur += c
      if (c === '\\') cur += text[++i] ?? ''
      else if (c === '"') quoted = false
      continue
    }
    if (c === '"') quoted = true
    else if (c === '(' || c === '[' || c === '{' || c === '<') depth++
    else if (c === ')' || c === ']' || c === '}' || c === '>') depth--
    if (c === ',' && depth === 0) {
      out.push(cur.trim())
      cur = ''
    } else cur += c
  }
  if (cur.trim() !== '') out.push(cur.trim())
  return out
}

/** One argument as a 64-bit value: a number, NULL, a constant or an OR of them, an fd with its path. */
function argValue(token: string): bigint | null {
  const fd = /^(-?\d+)<.*>$/.exec(token)
  if (fd) return BigInt.asUintN(64, BigInt(fd[1]!))
  if (/^0[0-7]+$/.test(token)) return BigInt(`0o${token.slice(1)}`) // a mode, as strace prints shmget's 0600
  if (/^-?\d+$/.test(token)) return BigInt.asUintN(64, BigInt(token))
  if (/^0x[0-9a-f]+$/i.test(token)) return BigInt(token)
  let value = 0n
  for (const part of token.split('|')) {
    const known = CONSTANTS[part.trim()]
    if (known !== undefined) value |= known
    else if (/^0x[0-9a-f]+$/i.test(part.trim())) value |= BigInt(part.trim())
    else if (/^0[0-7]*$/.test(part.trim())) value |= BigInt(`0o${part.trim().slice(1) || '0'}`) // a mode: shmget's IPC_CREAT|0600
    else if (/^\d+$/.test(part.trim())) value |= BigInt(part.trim())
    else return null
  }
  return value
}

const hex = (v: bigint): string => BigInt.asUintN(64, v).toString(16)

const SMAPS_HEADER = /^([0-9a-f]+)-([0-9a-f]+)\s+([r-][w-][x-][ps])\s+([0-9a-f]+)\s+([0-9a-f]+:[0-9a-f]+)\s+(\d+)\s*(.*)$/i

/**
 * A /proc/PID/smaps snapshot as a trace's VMAs, for the first address space of
 * an strace log (strace cannot see the VMAs at execve). Lines that are not a
 * mapping or one of its Rss, Anonymous and VmFlags fields are passed over.
 */
export function smapsAsRealVmas(text: string): { vmas: RealVma[]; problems: StraceProblem[] } {
  const vmas: RealVma[] = []
  const problems: StraceProblem[] = []
  let current: RealVma | null = null
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim()
    if (line === '') return
    const h = SMAPS_HEADER.exec(line)
    if (h) {
      current = [h[1]!.toLowerCase(), h[2]!.toLowerCase(), h[3]!, h[4]!.toLowerCase().replace(/^0+(?=.)/, ''), h[5]!, Number(h[6]), h[7]!, '', 0, 0]
      vmas.push(current)
      return
    }
    const f = /^(Rss|Anonymous|VmFlags):\s*(.*)$/.exec(line)
    if (f && current) {
      if (f[1] === 'VmFlags') current[7] = f[2]!.trim()
      else current[f[1] === 'Rss' ? 8 : 9] = Number(/^(\d+)/.exec(f[2]!)?.[1] ?? 0)
    } else if (!/^[A-Za-z_]+:/.test(line)) problems.push({ line: i + 1, message: `not an smaps line: ${JSON.stringify(line.slice(0, 80))}` })
  })
  return { vmas, problems }
}

export function importStrace(text: string, options: { command?: string[]; initial?: RealVma[] } = {}): ImportedStrace {
  const problems: StraceProblem[] = []
  const unfinished = new Map<number, { head: string; line: number }>()
  const spaceOf = new Map<number, TracedSpace>()
  const spaces: TracedSpace[] = []
  let seq = 0
  let calls = 0
  let exitCode: number | null = null
  let firstPid: number | null = null
  const newSpace = (pid: number, origin: 'exec' | 'fork', parent: TracedSpace | null, exe: string): TracedSpace => {
    const s: TracedSpace = { id: spaces.length + 1, pid, origin, parent: parent?.id ?? null, parentSeq: parent ? seq : null, exe, initial: spaces.length === 0 ? (options.initial ?? []) : [], events: [], exit: null, threads: 1 }
    spaces.push(s)
    return s
  }
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1
    const raw = lines[i]!.trim()
    if (raw === '') continue
    const m = LINE.exec(raw)
    const pid: number = m ? Number(m[1]) : (firstPid ?? 0)
    let body = m ? m[2]! : raw
    if (firstPid === null) firstPid = pid
    if (/^\+\+\+ (exited with (\d+)|killed by (SIG\w+)).* \+\+\+$/.test(body)) {
      const code = /exited with (\d+)/.exec(body)
      if (pid === firstPid) exitCode = code ? Number(code[1]) : 128
      const s = spaceOf.get(pid)
      if (s && s.pid === pid) s.exit = code ? { how: 'exited', code: Number(code[1]) } : { how: 'killed', code: 0 }
      continue
    }
    if (body.startsWith('---')) continue // a signal
    if (body.endsWith('<unfinished ...>')) {
      unfinished.set(pid, { head: body.slice(0, -'<unfinished ...>'.length).trimEnd(), line: lineNo })
      continue
    }
    const resumed = /^<\.\.\. ([a-z_0-9]+) resumed>(.*)$/.exec(body)
    if (resumed) {
      const head = unfinished.get(pid)
      unfinished.delete(pid)
      if (!head) {
        problems.push({ line: lineNo, message: `"${resumed[1]} resumed" without its start` })
        continue
      }
      const tail = resumed[2]!.trimStart()
      body = `${head.head}${head.head.endsWith('(') || tail.startsWith(')') ? '' : ', '}${tail}`
    }
    const call = CALL.exec(body)
    if (!call) {
      if (!/^\+\+\+|^strace: /.test(body)) problems.push({ line: lineNo, message: `not a system call line: ${JSON.stringify(body.slice(0, 80))}` })
      continue
    }
    const [, name, argText, retText, errno] = call
    const nr = NR[name!]
    if (nr === undefined) continue // a call that cannot change the address space
    const tokens = splitArgs(argText!)
    let space = spaceOf.get(pid)
    if (name === 'execve' || name === 'execveat') {
      if (retText === '0') {
        const exe = /^"(.*)"/.exec(tokens[name === 'execve' ? 0 : 1] ?? '')?.[1] ?? '?'
        if (space && space.pid === pid && space.exit === null) space.exit = { how: 'exec', code: 0 }
        space = newSpace(pid, 'exec', null, exe)
        spaceOf.set(pid, space)
      }
      continue
    }
    if (!space) {
      space = newSpace(pid, 'exec', null, '?')
      spaceOf.set(pid, space)
      problems.push({ line: lineNo, message: `pid ${pid} calls ${name} before any execve: its address space starts here, unknown` })
    }
    if (name === 'clone' || name === 'clone3' || name === 'fork' || name === 'vfork') {
      const child = Number(retText)
      const flagsText = /flags=([A-Z_|0-9x]+)/.exec(argText!)?.[1] ?? ''
      const sharesVm = /\bCLONE_VM\b/.test(flagsText) || ((argValue(flagsText) ?? 0n) & CLONE_VM) !== 0n
      if (child > 0) {
        if (name === 'vfork' || sharesVm) spaceOf.set(child, space)
        else spaceOf.set(child, newSpace(child, 'fork', space, space.exe))
      }
    }
    const args: string[] = []
    let bad = false
    const fdPath = /^-?\d+<(.*)>$/.exec(tokens[4] ?? '')?.[1]
    for (let a = 0; a < 6; a++) {
      if (a >= tokens.length || name === 'clone3' || name === 'clone') { args.push('0'); continue }
      // shmctl's struct shmid_ds (IPC_STAT's answer, IPC_SET's input): its address is not printed, and no rule needs it.
      if (name === 'shmctl' && a === 2 && tokens[a]!.startsWith('{')) { args.push('0'); continue }
      const v = argValue(tokens[a]!)
      if (v === null) { bad = true; break }
      args.push(hex(v))
    }
    if ((name === 'clone' || name === 'clone3') && /\bCLONE_VM\b/.test(argText!)) args[0] = hex(CLONE_VM)
    if (bad) {
      problems.push({ line: lineNo, message: `cannot read the arguments of ${name}: ${JSON.stringify(argText!.slice(0, 80))}` })
      continue
    }
    const failed = retText === '-1'
    const event: CallEvent = {
      kind: 'call', seq: ++seq, tid: pid, name: name!, nr, args,
      ret: failed ? -1 : hex(BigInt.asUintN(64, BigInt(retText === '?' ? 0 : retText!))),
      errno: failed ? (errno ?? 'EUNKNOWN') : null,
      ...(name === 'mmap' && fdPath !== undefined ? { fd: { path: fdPath, type: fdPath === '/dev/zero' ? 'chr' : 'file', fsMagic: fdPath === '/dev/zero' ? undefined : 'ef53' } } : {}),
    }
    space.events.push(event)
    calls++
  }
  for (const [pid, u] of unfinished) problems.push({ line: u.line, message: `pid ${pid}'s call never resumed: the log was cut short?` })
  const threads = new Map<TracedSpace, Set<number>>()
  for (const [pid, s] of spaceOf) threads.set(s, (threads.get(s) ?? new Set()).add(pid))
  for (const s of spaces) s.threads = Math.max(1, threads.get(s)?.size ?? 1)
  return {
    trace: {
      format: TRACE_FORMAT,
      source: 'strace',
      kernel: 'unknown (strace log)',
      machine: 'x86_64',
      pageSize: 4096,
      mergeAny: false,
      command: options.command ?? [],
      exitCode,
      calls,
      limits: [
        options.initial ? 'strace sees the calls and their results, not the VMAs: the first address space starts from the smaps snapshot given; there are no faults and no VMAs after a call. The replay compares results (errno), not layouts.' : 'strace sees the calls and their results, not the VMAs: no VMAs at execve (an smaps snapshot can be given as the start), no faults, no VMAs after a call. The replay compares results (errno), not layouts.',
        'strace does not say which file system a file is on: files are taken as ext4.',
        'strace does not say whether PR_SET_MEMORY_MERGE was set before the log began.',
      ],
      spaces,
    },
    problems,
    lines: lines.length,
  }
}
