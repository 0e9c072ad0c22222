/**
 * The tracer and the replay.
 *
 * - Pure parts: the strace-style call text, the call classification, the
 *   event-stream assembly (a cut-short stream is refused).
 * - Real programs, traced fresh on this machine (nothing recorded elsewhere):
 *   each is replayed on the 6.18 profile, which must agree with the real
 *   kernel after every call it models; the figures are printed.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runTracer, TRACER_BINARY } from '../cli/trace'
import { assembleTrace } from './assemble'
import { readTraceDocument, type CallEvent, type TraceDocument } from './format'
import { importStrace, smapsAsRealVmas } from './strace'
import { replayTrace } from './replay'
import { syscallText } from './syscall-text'
import { classifyCall } from './to-scenario'

const call = (name: string, args: string[], ret: string | -1, errno: string | null = null, extra: Partial<CallEvent> = {}): CallEvent => ({
  kind: 'call', seq: 1, tid: 1, name, nr: 0, args: [...args, '0', '0', '0', '0', '0', '0'].slice(0, 6), ret, errno, ...extra,
})

describe('a traced call reads as strace prints it', () => {
  it('mmap, munmap, mprotect, madvise, mremap, brk, prctl', () => {
    expect(syscallText(call('mmap', ['0', '2000', '3', '22', 'ffffffff', '0'], '7f0000001000')))
      .toBe('mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000001000')
    expect(syscallText(call('mmap', ['7f0000000000', '1000', '5', '812', '3', '26000'], '7f0000000000', null, { fd: { path: '/usr/lib/libc.so.6' } })))
      .toBe('mmap(0x7f0000000000, 4096, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, 3</usr/lib/libc.so.6>, 0x26000) = 0x7f0000000000')
    expect(syscallText(call('munmap', ['7f0000000001', '1000'], -1, 'EINVAL'))).toBe('munmap(0x7f0000000001, 4096) = -1 EINVAL')
    expect(syscallText(call('mprotect', ['7f0000000000', '4000', '0'], '0'))).toBe('mprotect(0x7f0000000000, 16384, PROT_NONE) = 0')
    expect(syscallText(call('madvise', ['7f0000000000', '4000', 'c'], '0'))).toBe('madvise(0x7f0000000000, 16384, MADV_MERGEABLE) = 0')
    expect(syscallText(call('mremap', ['7f0000000000', '1000', '2000', '3', '7f0000100000'], '7f0000100000')))
      .toBe('mremap(0x7f0000000000, 4096, 8192, MREMAP_MAYMOVE|MREMAP_FIXED, 0x7f0000100000) = 0x7f0000100000')
    expect(syscallText(call('brk', ['0'], '55d2dc956000'))).toBe('brk(NULL) = 0x55d2dc956000')
    expect(syscallText(call('prctl', ['43', '1'], '0'))).toBe('prctl(PR_SET_MEMORY_MERGE, 1, 0, 0, 0) = 0')
  })
})

describe('what each call is to the engine', () => {
  const ctx = () => ({ brkBase: null as number | null, mergeAny: false })
  it('an anonymous mmap becomes a step at the page the kernel chose', () => {
    const status = classifyCall(call('mmap', ['0', '2001', '3', '22', 'ffffffff', '0'], '7f0000001000'), ctx())
    expect(status).toEqual({ kind: 'step', steps: [{ op: 'mmap', name: 'anon@7f0000001000', at: 0x7f0000001, pages: 3, prot: 'rw-', share: 'private', backing: { kind: 'anon' } }] })
  })
  it('MAP_GROWSDOWN is a map flag; MAP_HUGETLB is not modelled; pkey_mprotect with key -1 is a step, with a key it is unmodellable (no pkey_alloc in the trace)', () => {
    const gd = classifyCall(call('mmap', ['0', '2000', '3', '122', 'ffffffff', '0'], '7f0000001000'), ctx())
    expect(gd.kind === 'step' && gd.steps[0]).toMatchObject({ op: 'mmap', mapFlags: ['MAP_GROWSDOWN'] })
    expect(classifyCall(call('mmap', ['0', '200000', '3', '40022', 'ffffffff', '0'], '7f0000200000'), ctx())).toEqual({ kind: 'unmodellable', reason: expect.stringContaining('MAP_HUGETLB') })
    expect(classifyCall(call('pkey_mprotect', ['7f0000000000', '1000', '1', 'ffffffff'], '0'), ctx())).toEqual({ kind: 'step', steps: [{ op: 'mprotect', at: 0x7f0000000, pages: 1, prot: 'r--' }] })
    expect(classifyCall(call('pkey_mprotect', ['7f0000000000', '1000', '1', '1'], '0'), ctx()).kind).toBe('unmodellable')
  })
  it('pkey_alloc and pkey_free are steps; a pkey_mprotect is a step once a pkey_alloc said what the machine has', () => {
    // This machine (no pku): pkey_alloc(0, 0) is EINVAL, and pkey_mprotect with key 1 is EINVAL.
    const none = ctx() as Parameters<typeof classifyCall>[1]
    expect(classifyCall(call('pkey_alloc', ['0', '0'], -1, 'EINVAL'), none)).toEqual({ kind: 'step', steps: [{ op: 'pkey_alloc' }] })
    expect(none.protectionKeys).toBe(false)
    expect(classifyCall(call('pkey_mprotect', ['7f0000000000', '1000', '1', '1'], -1, 'EINVAL'), none)).toEqual({ kind: 'step', steps: [{ op: 'pkey_mprotect', at: 0x7f0000000, pages: 1, prot: 'r--', pkey: 1 }] })
    // A CPU with keys: the key pkey_alloc returned.
    const keys = ctx() as Parameters<typeof classifyCall>[1]
    expect(classifyCall(call('pkey_alloc', ['0', '0'], '1'), keys).kind).toBe('step')
    expect(keys.pkeys).toEqual(new Set([1]))
    expect(classifyCall(call('pkey_mprotect', ['7f0000000000', '1000', '3', '1'], '0'), keys)).toEqual({ kind: 'step', steps: [{ op: 'pkey_mprotect', at: 0x7f0000000, pages: 1, prot: 'rw-', pkey: 1 }] })
    expect(classifyCall(call('pkey_free', ['1'], '0'), keys)).toEqual({ kind: 'step', steps: [{ op: 'pkey_free', pkey: 1 }] })
    expect(keys.pkeys).toEqual(new Set())
    expect(classifyCall(call('pkey_alloc', ['1', '0'], -1, 'EINVAL'), ctx()).kind).toBe('noop')
  })
  it('shmget is a step with its key, size and IPC_EXCL; shmctl changes no VMA; after IPC_RMID the removed key and a destroyed id are unmodellable', () => {
    const c = ctx() as Parameters<typeof classifyCall>[1]
    expect(classifyCall(call('shmget', ['564d0001', '4000', '780'], '2a'), c)).toEqual({ kind: 'step', steps: [{ op: 'shmget', segment: 'shmid 42', key: 0x564d0001, pages: 4, exclusive: true }] })
    expect(classifyCall(call('shmget', ['564d0001', '4000', '780'], -1, 'EEXIST'), c).kind).toBe('noop')
    expect(classifyCall(call('shmctl', ['2a', '2', '7ffd00000000'], '0'), c)).toEqual({ kind: 'noop', why: 'shmctl(IPC_STAT) leaves the VMAs alone' })
    expect(classifyCall(call('shmctl', ['2a', 'b', '0'], '0'), c).kind).toBe('noop')
    expect(classifyCall(call('shmctl', ['2a', '0', '0'], '0'), c)).toEqual({ kind: 'noop', why: expect.stringContaining('do_shm_rmid() marks it SHM_DEST') })
    expect(classifyCall(call('shmat', ['2a', '0', '0'], -1, 'EINVAL'), c)).toEqual({ kind: 'unmodellable', reason: expect.stringContaining('after shmctl(IPC_RMID)') })
    expect(classifyCall(call('shmget', ['564d0001', '2000', '780'], '2b'), c)).toEqual({ kind: 'unmodellable', reason: expect.stringContaining('which a shmctl(IPC_RMID) removed') })
    expect(classifyCall(call('shmat', ['2b', '0', '0'], '7f0000000000'), c).kind).toBe('unmodellable')
    expect(syscallText(call('shmctl', ['2a', '0', '0'], '0'))).toBe('shmctl(42, IPC_RMID, NULL) = 0')
    expect(syscallText(call('pkey_alloc', ['0', '0'], -1, 'EINVAL'))).toBe('pkey_alloc(0, 0) = -1 EINVAL')
  })
  it('a file mmap names its struct file by path and fd, on the file system its magic names', () => {
    const status = classifyCall(call('mmap', ['0', '1000', '1', '2', '3', '2000'], '7f0000001000', null, { fd: { path: '/usr/lib/x.so', type: 'file', fsMagic: 'ef53' } }), ctx())
    expect(status.kind === 'step' && status.steps[0]).toMatchObject({ backing: { kind: 'file', file: '/usr/lib/x.so [fd 3]', pgoff: 2, fs: 'ext4' }, share: 'private', prot: 'r--' })
    const xfs = classifyCall(call('mmap', ['0', '1000', '1', '2', '3', '0'], '7f0000001000', null, { fd: { path: '/data/x', type: 'file', fsMagic: '58465342' } }), ctx())
    expect(xfs).toEqual({ kind: 'unmodellable', reason: 'a file on xfs: its .mmap hook is not modelled' })
  })
  it('every advice the format names is a step (MADV_DONTFORK, MADV_DONTNEED, MADV_POPULATE_WRITE…); MADV_REMOVE leaves the VMAs alone; MAP_STACK is a map flag', () => {
    const madvise = (advice: string) => classifyCall(call('madvise', ['7f0000000000', '1000', advice], '0'), ctx())
    expect(madvise('c')).toEqual({ kind: 'step', steps: [{ op: 'madvise', at: 0x7f0000000, pages: 1, advice: 'MADV_MERGEABLE' }] })
    expect(madvise('a')).toEqual({ kind: 'step', steps: [{ op: 'madvise', at: 0x7f0000000, pages: 1, advice: 'MADV_DONTFORK' }] })
    expect(madvise('4')).toEqual({ kind: 'step', steps: [{ op: 'madvise', at: 0x7f0000000, pages: 1, advice: 'MADV_DONTNEED' }] })
    expect(madvise('17')).toEqual({ kind: 'step', steps: [{ op: 'madvise', at: 0x7f0000000, pages: 1, advice: 'MADV_POPULATE_WRITE' }] })
    expect(madvise('9').kind).toBe('noop')
    expect(madvise('3e7')).toEqual({ kind: 'unmodellable', reason: 'madvise(advice 999) is not modelled' })
    const stack = classifyCall(call('mmap', ['0', '1000', '3', '20022', 'ffffffff', '0'], '7f0000001000'), ctx())
    expect(stack.kind === 'step' && stack.steps[0]).toMatchObject({ op: 'mmap', at: 0x7f0000001, pages: 1, mapFlags: ['MAP_STACK'] })
  })
  it('mlock, mlock2 and munlock are steps over the pages they touch (do_mlock rounds a misaligned start down); mlock2 with unknown flags is EINVAL', () => {
    expect(classifyCall(call('mlock', ['7f0000000800', '1000'], '0'), ctx())).toEqual({ kind: 'step', steps: [{ op: 'mlock', at: 0x7f0000000, pages: 2 }] })
    expect(classifyCall(call('mlock2', ['7f0000000000', '2000', '1'], '0'), ctx())).toEqual({ kind: 'step', steps: [{ op: 'mlock', at: 0x7f0000000, pages: 2, onFault: true }] })
    expect(classifyCall(call('munlock', ['7f0000000000', '1000'], '0'), ctx())).toEqual({ kind: 'step', steps: [{ op: 'munlock', at: 0x7f0000000, pages: 1 }] })
    expect(classifyCall(call('mlock2', ['7f0000000000', '1000', '2'], -1, 'EINVAL'), ctx()).kind).toBe('noop')
  })
  it('mlockall names its MCL_* flags (0 stays a step: the kernel answers EINVAL); unknown bits are EINVAL; munlockall is a step', () => {
    expect(classifyCall(call('mlockall', ['3'], '0'), ctx())).toEqual({ kind: 'step', steps: [{ op: 'mlockall', flags: ['MCL_CURRENT', 'MCL_FUTURE'] }] })
    expect(classifyCall(call('mlockall', ['6'], '0'), ctx())).toEqual({ kind: 'step', steps: [{ op: 'mlockall', flags: ['MCL_FUTURE', 'MCL_ONFAULT'] }] })
    expect(classifyCall(call('mlockall', ['0'], -1, 'EINVAL'), ctx())).toEqual({ kind: 'step', steps: [{ op: 'mlockall', flags: [] }] })
    expect(classifyCall(call('mlockall', ['8'], -1, 'EINVAL'), ctx()).kind).toBe('noop')
    expect(classifyCall(call('munlockall', [], '0'), ctx())).toEqual({ kind: 'step', steps: [{ op: 'munlockall' }] })
  })
  it('mseal is a step over the pages it rounds up to; flags or a misaligned start are EINVAL', () => {
    expect(classifyCall(call('mseal', ['7f0000000000', '1001', '0'], '0'), ctx())).toEqual({ kind: 'step', steps: [{ op: 'mseal', at: 0x7f0000000, pages: 2 }] })
    expect(classifyCall(call('mseal', ['7f0000000000', '1000', '1'], -1, 'EINVAL'), ctx()).kind).toBe('noop')
    expect(classifyCall(call('mseal', ['7f0000000800', '1000', '0'], -1, 'EINVAL'), ctx()).kind).toBe('noop')
  })
  it('mremap(MREMAP_DONTUNMAP) is a move to where the kernel put it, or to MREMAP_FIXED\'s address', () => {
    expect(classifyCall(call('mremap', ['7f0000000000', '2000', '2000', '5', '0'], '7f0000010000'), ctx())).toEqual({ kind: 'step', steps: [{ op: 'mremap', at: 0x7f0000000, pages: 2, newPages: 2, to: 0x7f0000010, dontUnmap: true }] })
    expect(classifyCall(call('mremap', ['7f0000000000', '2000', '2000', '7', '7f0000020000'], '7f0000020000'), ctx())).toEqual({ kind: 'step', steps: [{ op: 'mremap', at: 0x7f0000000, pages: 2, newPages: 2, to: 0x7f0000020, dontUnmap: true }] })
    expect(classifyCall(call('mremap', ['7f0000000000', '2000', '3000', '5', '0'], -1, 'EINVAL'), ctx())).toEqual({ kind: 'step', steps: [{ op: 'mremap', at: 0x7f0000000, pages: 2, newPages: 3, mayMove: true, dontUnmap: true }] })
  })
  it('MAP_SHARED_VALIDATE is kept where the address was the caller\'s (MAP_FIXED_NOREPLACE is refused under it), dropped where the kernel placed it', () => {
    const placed = classifyCall(call('mmap', ['0', '1000', '3', '3', '3', '0'], '7f0000001000', null, { fd: { path: '/tmp/f', type: 'file', fsMagic: 'ef53' } }), ctx())
    expect(placed.kind === 'step' && placed.steps[0]).not.toHaveProperty('mapFlags')
    const noReplace = classifyCall(call('mmap', ['7f0000001000', '1000', '3', '100003', '3', '0'], -1, 'EOPNOTSUPP', { fd: { path: '/tmp/f', type: 'file', fsMagic: 'ef53' } }), ctx())
    expect(noReplace.kind === 'step' && noReplace.steps[0]).toMatchObject({ at: 0x7f0000001, mapFlags: ['MAP_SHARED_VALIDATE'] })
  })
  it('shmat: the first attach of a shmid gets a shmget from its /SYSV VMA (key, length); later ones, a shmdt, and an unaligned SHM_RND address map to steps', () => {
    const c: Parameters<typeof classifyCall>[1] = ctx()
    const vma = ['7f0000010000', '7f0000014000', 'rw-s', '0', '00:01', 11, '/SYSV1234abcd (deleted)', 'rd wr sh mr mw me ms', 0, 0] as const
    // shmat(11, NULL, 0) = 0x7f0000010000: kernel-placed, replayed at the page it chose.
    expect(classifyCall(call('shmat', ['b', '0', '0'], '7f0000010000', null, { added: [[...vma]] }), c)).toEqual({
      kind: 'step', steps: [{ op: 'shmget', segment: 'shmid 11', key: 0x1234abcd, pages: 4 }, { op: 'shmat', segment: 'shmid 11', at: 0x7f0000010 }],
    })
    // shmat(11, 0x7f0000020064, SHM_RND|SHM_RDONLY): the segment is known now.
    expect(classifyCall(call('shmat', ['b', '7f0000020064', '3000'], '7f0000020000'), c)).toEqual({
      kind: 'step', steps: [{ op: 'shmat', segment: 'shmid 11', at: 0x7f0000020, offset: 0x64, flags: ['SHM_RDONLY', 'SHM_RND'] }],
    })
    expect(classifyCall(call('shmdt', ['7f0000020000'], '0'), c)).toEqual({ kind: 'step', steps: [{ op: 'shmdt', at: 0x7f0000020 }] })
    expect(classifyCall(call('shmdt', ['7f0000020008'], -1, 'EINVAL'), c)).toEqual({ kind: 'step', steps: [{ op: 'shmdt', at: 0x7f0000020, offset: 8 }] })
    // A failed attach of a segment the scenario never saw changes nothing; a SHM_HUGETLB one is not modelled.
    expect(classifyCall(call('shmat', ['c', '0', '0'], -1, 'EINVAL'), c).kind).toBe('noop')
    const huge = ['7f0000200000', '7f0000400000', 'rw-s', '0', '00:10', 12, '/SYSV00000000 (deleted)', 'rd wr sh mr mw me ms ht', 0, 0] as const
    expect(classifyCall(call('shmat', ['c', '0', '0'], '7f0000200000', null, { added: [[...huge]] }), c)).toEqual({ kind: 'unmodellable', reason: 'shmat of shmid 12, a SHM_HUGETLB segment: not modelled' })
    expect(syscallText(call('shmat', ['b', '7f0000020064', '3000'], '7f0000020000'))).toBe('shmat(11, 0x7f0000020064, SHM_RDONLY|SHM_RND) = 0x7f0000020000')
    expect(syscallText(call('shmget', ['0', '3064', '380'], 'a'))).toBe('shmget(IPC_PRIVATE, 12388, IPC_CREAT|0600) = 10')
  })
  it('brk learns the heap start from brk(0) and then sets the break in pages from it', () => {
    const c = ctx()
    expect(classifyCall(call('brk', ['0'], '555555554000'), c).kind).toBe('noop')
    expect(c.brkBase).toBe(0x555555554)
    expect(classifyCall(call('brk', ['555555576000'], '555555576000'), c)).toEqual({ kind: 'step', steps: [{ op: 'brk', pages: 0x22 }] })
  })
})

describe('the event stream is whole or refused', () => {
  const start = '{"ev":"start","format":"vma-trace-events/1","kernel":"6.18.44","machine":"x86_64","pageSize":4096,"mergeAny":false,"time":0,"command":["/bin/true"]}'
  const space = '{"ev":"space","space":1,"pid":7,"origin":"exec","parent":null,"exe":"/bin/true","vmas":[["1000","3000","r--p","0","fe:00",5,"/bin/true","rd mr mw me",8,0]]}'
  it('a stream without its end line was cut short', () => {
    const r = assembleTrace(`${start}\n${space}\n`)
    expect(r).toEqual({ ok: false, message: 'the tracer\'s output stops after 2 lines without its "end" line: the trace was cut short' })
  })
  it('a line cut in the middle is named', () => {
    expect(assembleTrace(`${start}\n${space.slice(0, 40)}`)).toEqual({ ok: false, message: 'line 2 of the tracer\'s output is cut short: the trace is incomplete' })
  })
  it('a whole stream reads back through the document schema', () => {
    const r = assembleTrace(`${start}\n${space}\n{"ev":"exit","space":1,"pid":7,"how":"exited","code":0}\n{"ev":"end","calls":0,"exitCode":0}\n`)
    expect(r.ok && r.trace.spaces[0]!.initial.length).toBe(1)
  })
  it('a document that is not a trace names what is wrong', () => {
    expect(readTraceDocument({ format: 'vma-scenario/1' })).toEqual({ ok: false, message: 'not a vmascope trace: expected "format": "vma-trace/1", got "vma-scenario/1"' })
  })
})

// ---------------------------------------------------------------- real programs

const gcc = spawnSync('gcc', ['--version'])
const canTrace = process.platform === 'linux' && !gcc.error && gcc.status === 0
const why = process.platform !== 'linux' ? 'ptrace tracing needs Linux' : 'gcc is not available to build the tracer'

interface Program { name: string; command: string[]; mergeAny?: boolean }

function corpus(): Program[] {
  const dir = mkdtempSync(join(tmpdir(), 'vmascope-trace-test-'))
  const build = join(TRACER_BINARY, '..')
  mkdirSync(build, { recursive: true })
  const programs = join(TRACER_BINARY, '..', '..', 'programs')
  for (const p of ['threads', 'churn', 'sysv-shm', 'shm-rmid']) {
    const r = spawnSync('gcc', ['-O1', '-Wall', '-pthread', '-o', join(build, p), join(programs, `${p}.c`)], { encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`gcc ${p}.c: ${r.stderr}`)
  }
  mkdirSync(join(dir, 'tree', 'a', 'b'), { recursive: true })
  for (const f of ['x', 'a/y', 'a/b/z']) writeFileSync(join(dir, 'tree', f), f)
  writeFileSync(join(dir, 'small.c'), 'int twice(int x) { return 2 * x; }\n')
  const nodeScript = 'let s = 0; for (let i = 0; i < 2e6; i++) s += Math.sqrt(i); const a = []; for (let i = 0; i < 1e5; i++) a.push({ i }); console.log(s > 0, a.length)'
  return [
    { name: '/bin/true', command: ['/bin/true'] },
    { name: 'ls -lR', command: ['ls', '-lR', join(dir, 'tree')] },
    { name: 'python3 imports', command: ['/usr/bin/python3', '-c', 'import json, re, collections, decimal; print(json.dumps([1]))'] },
    { name: 'python3 imports, merge-any', command: ['/usr/bin/python3', '-c', 'import json, re, collections, decimal; print(json.dumps([1]))'], mergeAny: true },
    { name: 'node -e (JIT)', command: [process.execPath, '-e', nodeScript] },
    { name: 'gcc -c', command: ['gcc', '-c', '-o', join(dir, 'small.o'), join(dir, 'small.c')] },
    { name: 'threads + malloc arenas', command: [join(build, 'threads')] },
    { name: 'threads, merge-any', command: [join(build, 'threads')], mergeAny: true },
    { name: 'churn (1,200 regions)', command: [join(build, 'churn')] },
    { name: 'churn, merge-any', command: [join(build, 'churn')], mergeAny: true },
    { name: 'SysV shm (sysv-shm.c)', command: [join(build, 'sysv-shm')] },
    { name: 'SysV shm, merge-any', command: [join(build, 'sysv-shm')], mergeAny: true },
    { name: 'SysV IPC_RMID, pkeys', command: [join(build, 'shm-rmid')] },
    { name: 'perl', command: ['perl', '-e', 'my %h = map { $_ => $_ * 2 } 1..20000; print scalar(keys %h), "\\n"'] },
    { name: 'sqlite3', command: ['sqlite3', ':memory:', 'create table t(x); insert into t values (1), (2), (3); select sum(x) from t;'] },
  ]
}

describe.skipIf(!canTrace)(`real programs traced on this machine and replayed on 6.18${canTrace ? '' : ` (skipped: ${why})`}`, () => {
  const rows: string[] = []
  const totals = { calls: 0, unmodellable: 0 }
  const programs = canTrace ? corpus() : []
  afterAll(() => {
    if (rows.length === 0) return
    console.log(`traced on ${machineKernel()}:\n${rows.join('\n')}\nunmodellable: ${totals.unmodellable} of ${totals.calls} calls (${((100 * totals.unmodellable) / Math.max(1, totals.calls)).toFixed(2)}%)`)
  })
  it.each(programs)('$name: 6.18 agrees with the real kernel after every call it models', { timeout: 300_000 }, async (p) => {
    const missing = spawnSync('sh', ['-c', `command -v '${p.command[0]}'`]).status !== 0
    if (missing) throw new Error(`${p.command[0]} is not installed: .ci/run installs it`)
    const run = await runTracer(p.command, { mergeAny: p.mergeAny, stdio: 'ignore' })
    if (!run.ok) throw new Error(`${p.name}: ${run.message}`)
    const read = readTraceDocument(JSON.parse(run.document))
    if (!read.ok) throw new Error(`${p.name}: ${read.message}`)
    expect(read.trace.mergeAny).toBe(p.mergeAny === true)
    const r = replayTrace(read.trace, '6.18')
    const s = r.summary
    expect(s.calls).toBeGreaterThan(0)
    expect(s.agree + s.differ + s.unmodellable).toBe(s.calls)
    expect(r.problems).toEqual([])
    totals.calls += s.calls
    totals.unmodellable += s.unmodellable
    const on616 = p.mergeAny ? replayTrace(read.trace, '6.16').summary : null
    rows.push(`${p.name.padEnd(28)} ${String(s.calls).padStart(6)} calls ${String(s.agree).padStart(6)} agree ${String(s.differ).padStart(3)} differ ${String(s.unmodellable).padStart(4)} unmodellable  VMAs at end: real ${s.realVmasAtEnd}, 6.18 ${s.simulatedVmasAtEnd}${on616 ? `, 6.16 ${on616.simulatedVmasAtEnd} (${on616.ksmMissedMerges} missed KSM merges)` : ''}`)
    expect(r.verdicts.filter((x) => x.verdict === 'differ').map((v) => `#${v.seq} ${v.text}`)).toEqual([])
    expect(s.simulatedVmasAtEnd).toBe(s.realVmasAtEnd)
  })
})

function machineKernel(): string {
  return spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim()
}

describe('an strace log imports with the same meaning', () => {
  const log = [
    '100 execve("/bin/x", ["x"], 0x7ffd /* 3 vars */) = 0',
    '100 brk(NULL)                         = 0x555555560000',
    '100 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000010000',
    '100 clone3({flags=CLONE_VM|CLONE_FS|CLONE_THREAD, child_tid=0x7f, stack=0x7f, stack_size=0x7fff80}, 88) = 101',
    '101 munmap(0x7f0000010000, 8192 <unfinished ...>',
    '100 mmap(0x7f0000020000, 4096, PROT_READ, MAP_PRIVATE|MAP_FIXED, 3</usr/lib/x.so>, 0x2000 <unfinished ...>',
    '101 <... munmap resumed>)             = 0',
    '100 <... mmap resumed>)               = 0x7f0000020000',
    '100 this is not strace output',
    '100 mprotect(0x7f0000030000, 4096, PROT_READ) = -1 ENOMEM (Cannot allocate memory)',
    '100 +++ exited with 0 +++',
  ].join('\n')
  it('joins unfinished and resumed calls, follows threads, and reports the line it cannot read', () => {
    const r = importStrace(log)
    expect(r.problems).toEqual([{ line: 9, message: 'not a system call line: "this is not strace output"' }])
    expect(r.trace.spaces).toHaveLength(1)
    expect(r.trace.spaces[0]!.threads).toBe(2)
    expect(r.trace.spaces[0]!.events.map((e) => (e.kind === 'call' ? syscallText(e) : e.kind))).toEqual([
      'brk(NULL) = 0x555555560000',
      'mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000010000',
      'clone3(0x100, 0x0, 0x0, 0x0, 0x0, 0x0) = 101',
      'munmap(0x7f0000010000, 8192) = 0',
      'mmap(0x7f0000020000, 4096, PROT_READ, MAP_PRIVATE|MAP_FIXED, 3</usr/lib/x.so>, 0x2000) = 0x7f0000020000',
      'mprotect(0x7f0000030000, 4096, PROT_READ) = -1 ENOMEM',
    ])
    expect(r.trace.limits.join(' ')).toMatch(/not the VMAs/)
    expect(readTraceDocument(JSON.parse(JSON.stringify(r.trace))).ok).toBe(true)
  })
  it('an smaps snapshot can be the first process\'s VMAs', () => {
    const smaps = '55d0a0000000-55d0a0002000 r--p 00000000 fe:00 12 /bin/x\nRss: 8 kB\nAnonymous: 0 kB\nVmFlags: rd mr mw me\n7f0000000000-7f0000003000 rw-p 00000000 00:00 0\nAnonymous: 12 kB\nVmFlags: rd wr mr mw me ac\nbogus line\n'
    const r = smapsAsRealVmas(smaps)
    expect(r.vmas).toEqual([
      ['55d0a0000000', '55d0a0002000', 'r--p', '0', 'fe:00', 12, '/bin/x', 'rd mr mw me', 8, 0],
      ['7f0000000000', '7f0000003000', 'rw-p', '0', '00:00', 0, '', 'rd wr mr mw me ac', 0, 12],
    ])
    expect(r.problems).toEqual([{ line: 8, message: 'not an smaps line: "bogus line"' }])
    const imported = importStrace(log, { initial: r.vmas })
    expect(imported.trace.spaces[0]!.initial).toHaveLength(2)
    expect(imported.trace.limits[0]).toMatch(/starts from the smaps snapshot given/)
  })
  it('the replay compares results: the munmap and mmap agree, the mprotect of nothing fails as the real one did', () => {
    const r = replayTrace(importStrace(log).trace, '6.18')
    expect(r.verdicts.map((v) => v.verdict)).toEqual(['agree', 'agree', 'agree', 'agree', 'agree', 'agree'])
  })
})

describe('SysV shared memory in an strace log', () => {
  // What strace printed for tools/tracer/programs/sysv-shm.c on this machine (the first calls).
  const log = [
    '14250 execve("/tmp/sysv-shm", ["/tmp/sysv-shm"], 0x7ffe231c3f30 /* 35 vars */) = 0',
    '14250 shmget(IPC_PRIVATE, 32768, IPC_CREAT|0600) = 10',
    '14250 shmget(IPC_PRIVATE, 12388, IPC_CREAT|0600) = 11',
    '14250 shmat(10, NULL, 0)                = 0x7f300a494000',
    '14250 shmat(10, NULL, SHM_RDONLY)       = 0x7f300a2a2000',
    '14250 shmat(11, 0x7f300a28a000, 0)      = 0x7f300a28a000',
    '14250 shmat(11, 0x7f300a28a000, 0)      = -1 EINVAL (Invalid argument)',
    '14250 shmat(11, 0x7f300a296000, SHM_REMAP|SHM_EXEC) = 0x7f300a296000',
    '14250 shmdt(0x7f300a495000)             = -1 EINVAL (Invalid argument)',
    '14250 shmdt(0x7f300a494000)             = 0',
    '14250 shmget(0x1234, 0, 0)              = -1 ENOENT (No such file or directory)',
    '14250 +++ exited with 0 +++',
  ].join('\n')
  it('reads shmget (its size), shmat and shmdt, and the replay agrees with every result', () => {
    const imported = importStrace(log)
    expect(imported.problems).toEqual([])
    const space = imported.trace.spaces[0]!
    const ctx = { brkBase: null as number | null, mergeAny: false }
    const steps = space.events.flatMap((e) => (e.kind === 'call' ? [classifyCall(e, ctx)] : []))
    expect(steps.slice(0, 3)).toEqual([
      { kind: 'step', steps: [{ op: 'shmget', segment: 'shmid 10', key: 0, pages: 8 }] },
      { kind: 'step', steps: [{ op: 'shmget', segment: 'shmid 11', key: 0, pages: 4 }] },
      { kind: 'step', steps: [{ op: 'shmat', segment: 'shmid 10', at: 0x7f300a494 }] },
    ])
    expect(steps[6]).toEqual({ kind: 'step', steps: [{ op: 'shmat', segment: 'shmid 11', at: 0x7f300a296, flags: ['SHM_REMAP', 'SHM_EXEC'] }] })
    expect(steps[9]).toEqual({ kind: 'noop', why: 'a failed shmget (ENOENT) changes no VMA' })
    const r = replayTrace(imported.trace, '6.18')
    expect(r.verdicts.map((v) => v.verdict)).toEqual(['agree', 'agree', 'agree', 'agree', 'agree', 'agree', 'agree', 'agree', 'agree', 'unmodellable'])
  })
})

describe('shmctl and protection keys in an strace log', () => {
  // What strace printed for tools/tracer/programs/shm-rmid.c on this machine (a part).
  const log = [
    '13469 execve("/tmp/shm-rmid", ["/tmp/shm-rmid"], 0x7ffe231c3f30 /* 35 vars */) = 0',
    '13469 shmget(0x564d3499, 16384, IPC_CREAT|IPC_EXCL|0600) = 42',
    '13469 shmctl(42, IPC_STAT, {shm_perm={uid=0, gid=0, mode=0600, key=1447900313, cuid=0, cgid=0}, shm_segsz=16384, shm_cpid=13465, shm_lpid=0, shm_nattch=0, shm_atime=0, shm_dtime=0, shm_ctime=1796335600}) = 0',
    '13469 shmctl(42, IPC_RMID, NULL)              = 0',
    '13469 pkey_alloc(0, 0)                  = -1 EINVAL (Invalid argument)',
    '13469 pkey_mprotect(0x7f5dc172d000, 4096, PROT_READ, 1) = -1 EINVAL (Invalid argument)',
    '13469 +++ exited with 0 +++',
  ].join('\n')
  it('reads shmctl (its struct left out) and pkey_alloc; the replay agrees with every errno', () => {
    const imported = importStrace(log)
    expect(imported.problems).toEqual([])
    expect(imported.trace.spaces[0]!.events.map((e) => (e.kind === 'call' ? syscallText(e) : e.kind))).toEqual([
      'shmget(0x564d3499, 16384, IPC_CREAT|IPC_EXCL|0600) = 42',
      'shmctl(42, IPC_STAT, NULL) = 0',
      'shmctl(42, IPC_RMID, NULL) = 0',
      'pkey_alloc(0, 0) = -1 EINVAL',
      'pkey_mprotect(0x7f5dc172d000, 4096, PROT_READ, 1) = -1 EINVAL',
    ])
    expect(replayTrace(imported.trace, '6.18').verdicts.map((v) => v.verdict)).toEqual(['agree', 'agree', 'agree', 'agree', 'agree'])
  })
})

const strace = spawnSync('strace', ['-V'])
const setarch = spawnSync('setarch', ['--help'])
const canStrace = canTrace && !strace.error && strace.status === 0 && !setarch.error
describe.skipIf(!canStrace)(`the strace import of the same run gives the same steps${canStrace ? '' : ' (skipped: strace or setarch is missing)'}`, () => {
  // Address-space randomisation off (setarch -R), so both runs place every mapping alike.
  const programs = canStrace ? corpus().filter((p) => ['/bin/true', 'ls -lR', 'sqlite3'].includes(p.name)) : []
  it.each(programs)('$name', { timeout: 120_000 }, async (p) => {
    const norandom = ['setarch', 'x86_64', '-R', ...p.command]
    const run = await runTracer(norandom, { stdio: 'ignore' })
    if (!run.ok) throw new Error(run.message)
    const traced = readTraceDocument(JSON.parse(run.document))
    if (!traced.ok) throw new Error(traced.message)
    const dir = mkdtempSync(join(tmpdir(), 'vmascope-strace-'))
    const logFile = join(dir, 'log')
    const s = spawnSync('strace', ['-f', '-y', '-e', 'trace=%memory,shmget,shmctl,pkey_alloc,pkey_free,execve,clone,clone3,fork,vfork,prctl', '-o', logFile, ...norandom], { stdio: 'ignore' })
    expect(s.status).toBe(0)
    const imported = importStrace(readFileSync(logFile, 'utf8'))
    expect(imported.problems).toEqual([])
    const steps = (t: TraceDocument) => t.spaces.filter((sp) => sp.exe !== '/usr/bin/setarch').map((sp) => {
      const ctx = { brkBase: null as number | null, mergeAny: false }
      return sp.events.flatMap((e) => (e.kind === 'call' && !['clone', 'clone3', 'fork', 'vfork'].includes(e.name) ? [JSON.stringify(classifyCall(e, ctx))] : []))
    })
    const fromTrace = steps(traced.trace)
    expect(fromTrace.flat().length).toBeGreaterThan(5)
    expect(steps(imported.trace)).toEqual(fromTrace)
  })
})
