/**
 * One traced address space → the scenarios that replay it (`vma-scenario/3`,
 * absolute pages: base "0x0", the whole 47-bit user address space as the
 * window, every mmap placed where the real kernel placed it).
 *
 * Each traced call is classified:
 * - `step`: it becomes one scenario step (or, for inferred faults, `touch` steps);
 * - `noop`: the kernel's rule is that it leaves the VMAs alone (madvise
 *   MADV_REMOVE and the like, brk(0), a thread's clone, a query), so there is no step;
 * - `unmodellable`: the engine does not model it (MAP_HUGETLB, PROT_GROWSDOWN, a file
 *   system or device it does not know…), with the reason.
 *
 * When an unmodellable call, or a change the tracer saw between calls (a
 * [stack] grown by a fault), changed the real layout, the simulation can no
 * longer follow: a new *segment* starts there, whose `initial` state is the
 * real VMAs at that point. Each segment is an ordinary scenario. An address
 * space that needs one segment was replayed whole from its exec-time VMAs.
 */
import { importSmapsText } from '../import/to-scenario'
import { USER_SPACE_PAGES } from '../import/smaps'
import { SCENARIO_FORMAT, type Backing, type InitialVma, type MadviseAdvice, type MapFlag, type MlockallFlag, type ShmatFlag, type Step } from '../scenario/types'
import { MADVISE_ADVICES } from '../scenario/vocabulary'
import type { VmaView } from '../engine/api'
import { pageOf, type CallEvent, type RealVma, type TraceDocument, type TracedSpace } from './format'
import { MADVISE_NAMES, MLOCKALL_BITS, SHM_BITS } from '../engine/uapi'
import { shmctlCommand } from './syscall-text'

export type CallStatus =
  | { kind: 'step'; steps: Step[] }
  | { kind: 'noop'; why: string }
  | { kind: 'unmodellable'; reason: string }

/** The raw scenario document of one segment (open it with loadScenario). */
export interface SegmentScenario {
  format: typeof SCENARIO_FORMAT
  title: string
  notes: string
  windowPages: number
  placement: 'fixed'
  brkBase?: number
  /** Set once a pkey_alloc in the trace showed whether the CPU has protection keys. */
  machine?: { protectionKeys: boolean }
  initial: { base: string; mergeAny: boolean; vmas: InitialVma[] }
  steps: Step[]
}

export interface ReplayEvent {
  seq: number
  /** Index into the space's events. */
  event: number
  /** The segment this event is replayed in, and the steps of that segment done after it. */
  segment: number
  stepsAfter: number
  status: CallStatus | null
  /** The real VMAs after the event. */
  real: RealVma[]
}

export interface Segment {
  /** The seq of the event before which it starts (null: from the space's start). */
  fromSeq: number | null
  /** Why it starts (null for the first). */
  reason: string | null
  /** Steps at its start that are not this space's own: a fork child's parent's steps and the fork. */
  inheritedSteps: number
  scenario: SegmentScenario
}

export interface SpaceReplay {
  space: TracedSpace
  segments: Segment[]
  events: ReplayEvent[]
}

const PAGE = 4096n
const big = (hex: string): bigint => BigInt(`0x${hex}`)
const pagesOf = (length: bigint): number => Number((length + PAGE - 1n) / PAGE)
const aligned = (hex: string): boolean => big(hex) % PAGE === 0n

/**
 * Advices whose kernel rule is that vm_flags stay as they are, and that the format does not name
 * (MADV_REMOVE, DONTNEED_LOCKED, COLLAPSE, HWPOISON, SOFT_OFFLINE, GUARD_INSTALL/REMOVE: no
 * madvise_update_vma()).
 */
const VMA_NEUTRAL_ADVICE = new Set([9, 24, 25, 100, 101, 102, 103])
/** The advices the format names (vma-scenario/3), by number (include/uapi/asm-generic/mman-common.h). */
const ADVICE_BY_NUMBER: ReadonlyMap<number, MadviseAdvice> = new Map(
  Object.entries(MADVISE_NAMES).flatMap(([n, name]) => ((MADVISE_ADVICES as readonly string[]).includes(name) ? [[Number(n), name as MadviseAdvice]] : [])),
)

const FS_BY_MAGIC: Record<string, 'ext4' | 'tmpfs' | 'overlayfs'> = { ef53: 'ext4', '1021994': 'tmpfs', '794c7630': 'overlayfs' }
const FS_NAMES: Record<string, string> = { '9123683e': 'btrfs', '58465342': 'xfs', '9fa0': 'proc', '62656572': 'sysfs', '958458f6': 'hugetlbfs', '2fc12fc1': 'zfs', '6969': 'nfs', '65735546': 'fuse' }

/** Real VMAs → smaps text, so the one smaps importer (src/import) turns them into initial VMAs. */
function smapsText(vmas: readonly RealVma[]): string {
  return vmas
    .map(([start, end, perms, offset, dev, inode, path, flags, rss, anon]) =>
      `${start}-${end} ${perms} ${offset.padStart(8, '0')} ${dev} ${inode}${path ? ` ${path}` : ''}\nRss: ${rss} kB\nAnonymous: ${anon} kB\nVmFlags: ${flags}`)
    .join('\n')
}

/** The real layout after applying an event's removed/added lists. */
export function applyChanges(vmas: RealVma[], removed: readonly (readonly [string, string])[] | undefined, added: readonly RealVma[] | undefined): RealVma[] {
  if ((!removed || removed.length === 0) && (!added || added.length === 0)) return vmas
  const gone = new Set((removed ?? []).map(([s, e]) => `${s}-${e}`))
  const kept = vmas.filter(([s, e]) => !gone.has(`${s}-${e}`))
  const all = kept.concat(added ?? [])
  all.sort((a, b) => (big(a[0]) < big(b[0]) ? -1 : big(a[0]) > big(b[0]) ? 1 : 0))
  return all
}

interface Context {
  brkBase: number | null
  mergeAny: boolean
  /**
   * The SysV segments ("shmid N") the current scenario has a shmget step for. Replaced, never
   * changed, so a fork point's copy keeps its own. Absent: none.
   */
  shmSegments?: ReadonlySet<string>
  /** Those segments' keys (0: IPC_PRIVATE). Replaced, never changed. */
  shmKeys?: ReadonlyMap<string, number>
  /**
   * The SysV segments ("shmid N", with their key) a shmctl(IPC_RMID) of this address space
   * destroyed: do_shm_rmid() marks them SHM_DEST and removes their key, which the engine does
   * not model. Replaced, never changed. Absent: none.
   */
  shmRemoved?: ReadonlyMap<string, number>
  /** Segments a shmget made that the scenario could not (its key was removed): their attaches are unmodellable. */
  shmUnknown?: ReadonlySet<string>
  /** The protection keys a successful pkey_alloc of the current scenario returned and no pkey_free gave back. Replaced, never changed. */
  pkeys?: ReadonlySet<number>
  /**
   * Whether the machine has protection keys, as a pkey_alloc(0, 0) answered: a key (yes) or
   * EINVAL (no: arch_set_user_pkey_access() refuses key 0 without OSPKE). Absent: not known.
   */
  protectionKeys?: boolean
  /** The replay restarted from the real VMAs while keys were allocated: the simulation no longer has them. */
  pkeysLost?: boolean
}

const SYSV_PATH = /^\/SYSV([0-9a-f]{8}) \(deleted\)$/

/** shmat(2)'s flags from its third argument (include/uapi/linux/shm.h). */
function shmatFlags(bits: bigint): ShmatFlag[] {
  return (Object.entries(SHM_BITS) as [ShmatFlag, number][]).filter(([, bit]) => (bits & BigInt(bit)) !== 0n).map(([name]) => name)
}

const knowSegment = (ctx: Context, segment: string, key: number): void => {
  ctx.shmSegments = new Set([...(ctx.shmSegments ?? []), segment])
  ctx.shmKeys = new Map([...(ctx.shmKeys ?? []), [segment, key]])
}

/**
 * shmat: the segment is named by its shmid. The first attach of a segment the scenario has no
 * shmget for (a trace from before the tracer recorded shmget, a shmget(key, 0, 0) that found
 * it, a segment another process made) gets one before it, from the attach's VMA: the key from
 * its /SYSV%08x name, the size from its length (do_shmat() maps the whole segment).
 */
function classifyShmat(call: CallEvent, ctx: Context): CallStatus {
  const a = call.args
  const failed = call.ret === -1
  const shmid = Number(BigInt.asIntN(32, big(a[0]!)))
  const segment = `shmid ${shmid}`
  const addr = big(a[1]!)
  const flags = shmatFlags(big(a[2]!))
  const steps: Step[] = []
  if (ctx.shmUnknown?.has(segment)) return { kind: 'unmodellable', reason: `shmat of ${segment}, made by a shmget the engine could not follow (a key shmctl(IPC_RMID) removed)` }
  if (ctx.shmRemoved?.has(segment)) {
    // do_shmat() → shm_obtain_object_check(): the id still names the segment while it has
    // attaches (shm_destroy() → shm_rmid() waits for the last shm_close()); after that, EINVAL.
    if (failed) return { kind: 'unmodellable', reason: `shmat of ${segment} after shmctl(IPC_RMID) failed (${call.errno}): the engine does not model IPC_RMID's destruction at the last detach` }
  }
  if (!ctx.shmSegments?.has(segment)) {
    if (failed) return { kind: 'noop', why: `a failed shmat (${call.errno}) of a segment this scenario never attached changes nothing` }
    const vma = call.added?.find((v) => v[0] === call.ret)
    const key = vma ? SYSV_PATH.exec(vma[6])?.[1] : undefined
    if (!vma || key === undefined) return { kind: 'unmodellable', reason: `shmat of ${segment}: the trace has no /SYSV VMA at the address it returned, so the segment's size is unknown` }
    if (vma[7].split(' ').includes('ht')) return { kind: 'unmodellable', reason: `shmat of ${segment}, a SHM_HUGETLB segment: not modelled` }
    steps.push({ op: 'shmget', segment, key: parseInt(key, 16), pages: pagesOf(big(vma[1]) - big(vma[0])) })
    knowSegment(ctx, segment, parseInt(key, 16))
  }
  if (addr === 0n) {
    // The kernel placed it: replayed at the page it chose, which was free.
    if (failed) return steps.length ? { kind: 'step', steps } : { kind: 'noop', why: `a failed shmat (${call.errno}) at an address the kernel was to choose changes nothing` }
    steps.push({ op: 'shmat', segment, at: pageOf(call.ret as string), ...(flags.length ? { flags } : {}) })
  } else {
    const offset = Number(addr % PAGE)
    steps.push({ op: 'shmat', segment, at: Number(addr / PAGE), ...(offset ? { offset } : {}), ...(flags.length ? { flags } : {}) })
  }
  return { kind: 'step', steps }
}

/** shmget's IPC_CREAT and IPC_EXCL (include/uapi/linux/ipc.h). */
const IPC_CREAT = 0o1000n
const IPC_EXCL = 0o2000n
const SHM_HUGETLB = 0o4000n

/**
 * shmget (the tracer records it, and an strace log has it): the segment its shmid names, with
 * the key and size of the call. A key a shmctl(IPC_RMID) removed is one the engine still finds
 * (it does not model do_shm_rmid()), so a shmget of it is unmodellable.
 */
function classifyShmget(call: CallEvent, ctx: Context): CallStatus {
  const key = Number(big(call.args[0]!) & 0xffffffffn)
  const flags = big(call.args[2]!)
  if (key !== 0 && [...(ctx.shmRemoved?.values() ?? [])].includes(key)) {
    if (call.ret !== -1) ctx.shmUnknown = new Set([...(ctx.shmUnknown ?? []), `shmid ${Number(BigInt.asIntN(32, big(call.ret)))}`])
    return { kind: 'unmodellable', reason: `shmget of key 0x${key.toString(16)}, which a shmctl(IPC_RMID) removed (do_shm_rmid(): ipc_set_key_private() while attached, else shm_destroy()): the engine does not model IPC_RMID and would find the old segment` }
  }
  if (call.ret === -1) return { kind: 'noop', why: `a failed shmget (${call.errno}) changes no VMA` }
  const segment = `shmid ${Number(BigInt.asIntN(32, big(call.ret)))}`
  if (ctx.shmSegments?.has(segment)) return { kind: 'noop', why: `shmget finds ${segment}, which the scenario already has` }
  if (flags & SHM_HUGETLB) return { kind: 'unmodellable', reason: `shmget of ${segment} with SHM_HUGETLB: not modelled` }
  const size = big(call.args[1]!)
  // A segment found by key with size 0: the size is learnt at its first attach.
  if (size === 0n) return { kind: 'noop', why: `shmget finds an existing segment (${segment}) without saying its size; it changes no VMA` }
  knowSegment(ctx, segment, key)
  const exclusive = (flags & (IPC_CREAT | IPC_EXCL)) === (IPC_CREAT | IPC_EXCL)
  return { kind: 'step', steps: [{ op: 'shmget', segment, key, pages: pagesOf(size), ...(exclusive ? { exclusive } : {}) }] }
}

/**
 * shmctl (ksys_shmctl()): no command changes a VMA. IPC_STAT, IPC_SET and the *_INFO/*_STAT
 * queries read or write the segment's perm; SHM_LOCK/SHM_UNLOCK (shmem_lock()) lock its pages
 * in the page cache, leaving vm_flags alone. IPC_RMID (do_shm_rmid()): with attaches, the
 * segment is marked SHM_DEST and its key made private ("Do not find it any more":
 * ipc_set_key_private()), and shm_close() destroys it at the last detach (shm_may_destroy());
 * without, shm_destroy() now. The attaches keep their VMAs, so it is no step; later calls
 * whose answer depends on it are unmodellable (see classifyShmget, classifyShmat).
 */
function classifyShmctl(call: CallEvent, ctx: Context): CallStatus {
  const name = shmctlCommand(call.args[1]!)
  if (call.ret === -1) return { kind: 'noop', why: `a failed shmctl(${name}) (${call.errno}) changes no VMA` }
  if (name !== 'IPC_RMID') return { kind: 'noop', why: `shmctl(${name}) leaves the VMAs alone${name.startsWith('SHM_') && name.endsWith('LOCK') ? ' (shmem_lock() locks the segment\'s pages, not its VMAs)' : ''}` }
  const segment = `shmid ${Number(BigInt.asIntN(32, big(call.args[0]!)))}`
  const key = ctx.shmKeys?.get(segment) ?? 0
  ctx.shmRemoved = new Map([...(ctx.shmRemoved ?? []), [segment, key]])
  return { kind: 'noop', why: `shmctl(IPC_RMID) of ${segment}: do_shm_rmid() marks it SHM_DEST and makes its key private (ipc_set_key_private()), or destroys it if nothing is attached; the attaches keep their VMAs (shm_close() destroys it at the last detach)` }
}

/** Why the trace cannot say whether `pkey` is allocated (null: it can). */
function pkeyUnknown(ctx: Context, pkey: number): string | null {
  if (ctx.pkeysLost) return 'the replay restarted from the real VMAs, and the keys allocated before are not in the simulation'
  // Known: the keys a successful pkey_alloc returned are allocated, no other is
  // (mm_pkey_is_allocated(): EINVAL); without protection keys it denies every key.
  if (ctx.pkeys?.has(pkey) || ctx.protectionKeys !== undefined) return null
  return 'no pkey_alloc before it in the trace says whether the CPU has protection keys, or whether the key is allocated'
}

/**
 * pkey_alloc(flags, init_val): a step; the engine answers as mm_pkey_alloc() and
 * arch_set_user_pkey_access() do. Its answer says what the machine has: a key (protection
 * keys), or EINVAL for pkey_alloc(0, 0) (none: arch_max_pkey() is 1, key 0 cannot be set up
 * in PKRU). Other flags or init_val bits are EINVAL before that (the engine takes only (0, 0)).
 */
function classifyPkeyAlloc(call: CallEvent, ctx: Context): CallStatus {
  if (ctx.pkeysLost) return { kind: 'unmodellable', reason: 'pkey_alloc after the replay restarted from the real VMAs: the keys allocated before are not in the simulation' }
  const flags = big(call.args[0]!)
  const initVal = big(call.args[1]!)
  // "if (flags) return -EINVAL; if (init_val & ~PKEY_ACCESS_MASK) return -EINVAL;"
  if (flags !== 0n || (initVal & ~3n) !== 0n) return call.ret === -1 ? { kind: 'noop', why: `pkey_alloc with flags 0x${flags.toString(16)} or init_val 0x${initVal.toString(16)} fails with EINVAL and changes nothing` } : { kind: 'unmodellable', reason: 'pkey_alloc with unknown flags succeeded' }
  if (call.ret !== -1) {
    ctx.protectionKeys = true
    ctx.pkeys = new Set([...(ctx.pkeys ?? []), Number(big(call.ret))])
  } else if (call.errno === 'EINVAL' && ctx.protectionKeys === undefined) {
    ctx.protectionKeys = false
  }
  return { kind: 'step', steps: [{ op: 'pkey_alloc' }] }
}

function fileBacking(call: CallEvent, pgoff: number): Backing | string {
  const fd = call.fd
  const fdNumber = Number(BigInt.asIntN(32, big(call.args[4]!)))
  if (!fd) return `mmap of fd ${fdNumber}: the tracer could not see what the fd is`
  const id = `${fd.path} [fd ${fdNumber}]`
  if (fd.type === 'chr') {
    if (fd.path === '/dev/zero') return { kind: 'device', file: '/dev/zero', pgoff, hook: 'mmap', setsFlags: [] }
    return `a mapping of the device ${fd.path} (${fd.rdev ?? '?'}): its driver's mmap hook is not modelled`
  }
  if (fd.type !== 'file') return `a mapping of ${fd.path}, which is a ${fd.type ?? 'special file'}`
  if (/^\/memfd:/.test(fd.path)) return { kind: 'shmem', file: id, pgoff }
  const fs = fd.fsMagic ? FS_BY_MAGIC[fd.fsMagic] : undefined
  if (!fs) {
    const magic = fd.fsMagic ?? '?'
    return `a file on ${FS_NAMES[magic] ?? `the file system with magic 0x${magic}`}: its .mmap hook is not modelled`
  }
  return { kind: 'file', file: id, pgoff, fs }
}

function baseName(path: string): string {
  const i = path.lastIndexOf('/')
  return i >= 0 ? path.slice(i + 1) : path
}

/** What one traced call is to the engine. */
export function classifyCall(call: CallEvent, ctx: Context): CallStatus {
  const a = call.args
  const failed = call.ret === -1
  switch (call.name) {
    case 'mmap': {
      const prot = Number(big(a[2]!))
      const flags = Number(big(a[3]!) & 0xffffffffn)
      if (prot & ~7) return { kind: 'unmodellable', reason: `mmap with prot 0x${prot.toString(16)} (PROT_SEM, PROT_GROWSDOWN or PROT_GROWSUP)` }
      const type = flags & 3
      if (type === 0) return failed ? { kind: 'noop', why: 'mmap without MAP_SHARED or MAP_PRIVATE fails with EINVAL' } : { kind: 'unmodellable', reason: 'mmap without a sharing type' }
      for (const [bit, name] of [[0x40000, 'MAP_HUGETLB'], [0x80000, 'MAP_SYNC'], [0x4000000, 'MAP_UNINITIALIZED']] as const)
        if (flags & bit) return { kind: 'unmodellable', reason: `mmap with ${name}: not modelled` }
      const fixed = (flags & 0x10) !== 0
      const noReplace = (flags & 0x100000) !== 0
      let at: number
      if (!failed) at = pageOf(call.ret as string)
      else if (fixed || noReplace) {
        if (!aligned(a[0]!)) return { kind: 'noop', why: 'a misaligned MAP_FIXED address fails with EINVAL and changes nothing' }
        at = pageOf(a[0]!)
      } else return { kind: 'unmodellable', reason: `the kernel found no place for it (${call.errno}); the simulation cannot know where it looked` }
      const anonymous = (flags & 0x20) !== 0
      if (!anonymous && !aligned(a[5]!)) return { kind: 'noop', why: 'a misaligned file offset fails with EINVAL and changes nothing' }
      let backing: Backing
      if (anonymous) backing = { kind: 'anon' }
      else {
        const b = fileBacking(call, pageOf(a[5]!))
        if (typeof b === 'string') return { kind: 'unmodellable', reason: b }
        backing = b
      }
      const mapFlags: MapFlag[] = []
      if (fixed) mapFlags.push('MAP_FIXED')
      if (flags & 0x4000) mapFlags.push('MAP_NORESERVE')
      if (flags & 0x8000) mapFlags.push('MAP_POPULATE')
      if (flags & 0x2000) mapFlags.push('MAP_LOCKED')
      if (flags & 0x08) mapFlags.push('MAP_DROPPABLE')
      if (flags & 0x20000) mapFlags.push('MAP_STACK')
      if (flags & 0x100) mapFlags.push('MAP_GROWSDOWN')
      // A kernel-placed MAP_SHARED_VALIDATE mapping is replayed at its page, which the engine maps with
      // MAP_FIXED_NOREPLACE (refused under MAP_SHARED_VALIDATE): it succeeded, so it was a MAP_SHARED one.
      if (type === 3 && (fixed || noReplace)) mapFlags.push('MAP_SHARED_VALIDATE')
      const step: Step = {
        op: 'mmap',
        name: anonymous ? `anon@${failed ? a[0] : call.ret}` : baseName(call.fd!.path),
        at,
        pages: pagesOf(big(a[1]!)),
        prot: `${prot & 1 ? 'r' : '-'}${prot & 2 ? 'w' : '-'}${prot & 4 ? 'x' : '-'}`,
        share: type === 2 ? 'private' : 'shared',
        backing,
        ...(mapFlags.length ? { mapFlags } : {}),
      }
      return { kind: 'step', steps: [step] }
    }
    case 'munmap':
    case 'mprotect':
    case 'pkey_mprotect': {
      const pkey = call.name === 'pkey_mprotect' ? Number(BigInt.asIntN(32, big(a[3]!))) : -1
      if (pkey !== -1) {
        const why = pkeyUnknown(ctx, pkey)
        if (why) return { kind: 'unmodellable', reason: `pkey_mprotect with protection key ${pkey}: ${why}` }
      }
      if (!aligned(a[0]!)) return { kind: 'noop', why: 'a misaligned address fails with EINVAL and changes nothing' }
      const at = pageOf(a[0]!)
      const pages = pagesOf(big(a[1]!))
      if (call.name === 'munmap') return { kind: 'step', steps: [{ op: 'munmap', at, pages }] }
      const prot = Number(big(a[2]!))
      if (prot & ~7) return { kind: 'unmodellable', reason: `mprotect with prot 0x${prot.toString(16)} (PROT_GROWSDOWN/PROT_GROWSUP)` }
      const protText = `${prot & 1 ? 'r' : '-'}${prot & 2 ? 'w' : '-'}${prot & 4 ? 'x' : '-'}` as const
      if (pkey !== -1) return { kind: 'step', steps: [{ op: 'pkey_mprotect', at, pages, prot: protText, pkey }] }
      return { kind: 'step', steps: [{ op: 'mprotect', at, pages, prot: protText }] }
    }
    case 'madvise': {
      const advice = Number(big(a[2]!))
      const name = MADVISE_NAMES[advice] ?? `advice ${advice}`
      if (!aligned(a[0]!)) return { kind: 'noop', why: 'a misaligned address fails with EINVAL and changes nothing' }
      const at = pageOf(a[0]!)
      const pages = pagesOf(big(a[1]!))
      const known = ADVICE_BY_NUMBER.get(advice)
      if (known) return { kind: 'step', steps: [{ op: 'madvise', at, pages, advice: known }] }
      if (VMA_NEUTRAL_ADVICE.has(advice)) return { kind: 'noop', why: `${name} changes no VMA flags` }
      return { kind: 'unmodellable', reason: `madvise(${name}) is not modelled` }
    }
    case 'brk': {
      const requested = big(a[0]!)
      if (ctx.brkBase === null && requested === 0n && !failed) {
        ctx.brkBase = pageOf(call.ret as string)
        return { kind: 'noop', why: 'brk(0) asks for the break' }
      }
      if (requested === 0n) return { kind: 'noop', why: 'brk(0) asks for the break' }
      if (ctx.brkBase === null) return { kind: 'unmodellable', reason: 'a brk before the tracer learnt where the heap starts (no brk(0) first)' }
      const base = BigInt(ctx.brkBase) * PAGE
      if (requested < base) return { kind: 'noop', why: 'a break below the heap start is ignored' }
      return { kind: 'step', steps: [{ op: 'brk', pages: pagesOf(requested - base) }] }
    }
    case 'mremap': {
      const flags = Number(big(a[3]!))
      if (!aligned(a[0]!)) return { kind: 'noop', why: 'a misaligned address fails with EINVAL and changes nothing' }
      const at = pageOf(a[0]!)
      const pages = pagesOf(big(a[1]!))
      const newPages = pagesOf(big(a[2]!))
      if (flags & 4) {
        // MREMAP_DONTUNMAP: a move; without MREMAP_FIXED the kernel chose where (the result says).
        if (flags & 2) return { kind: 'step', steps: [{ op: 'mremap', at, pages, newPages, to: pageOf(a[4]!), dontUnmap: true }] }
        if (!failed) return { kind: 'step', steps: [{ op: 'mremap', at, pages, newPages, to: pageOf(call.ret as string), dontUnmap: true }] }
        return { kind: 'step', steps: [{ op: 'mremap', at, pages, newPages, ...(flags & 1 ? { mayMove: true } : {}), dontUnmap: true }] }
      }
      if (flags & 2) return { kind: 'step', steps: [{ op: 'mremap', at, pages, newPages, to: pageOf(a[4]!) }] }
      if (flags & 1) {
        if (!failed && pageOf(call.ret as string) !== at) return { kind: 'step', steps: [{ op: 'mremap', at, pages, newPages, to: pageOf(call.ret as string) }] }
        return { kind: 'step', steps: [{ op: 'mremap', at, pages, newPages, mayMove: true }] }
      }
      return { kind: 'step', steps: [{ op: 'mremap', at, pages, newPages }] }
    }
    case 'prctl': {
      const option = Number(big(a[0]!))
      if (option === 67) {
        const value = Number(big(a[1]!))
        if (!failed) ctx.mergeAny = value !== 0
        return { kind: 'step', steps: [{ op: 'prctl', option: 'PR_SET_MEMORY_MERGE', value }] }
      }
      if (option === 0x53564d41) return { kind: 'unmodellable', reason: 'prctl(PR_SET_VMA) names anonymous VMAs: anon_vma_name is not modelled' }
      return { kind: 'unmodellable', reason: `prctl option ${option} is not modelled` }
    }
    case 'mlock':
    case 'mlock2':
    case 'munlock': {
      // do_mlock(): "len = PAGE_ALIGN(len + (offset_in_page(start))); start &= PAGE_MASK;"
      if (call.name === 'mlock2' && (big(a[2]!) & ~1n) !== 0n) return { kind: 'noop', why: 'mlock2 with flags other than MLOCK_ONFAULT fails with EINVAL and changes nothing' }
      const start = big(a[0]!)
      const at = Number(start / PAGE)
      const pages = pagesOf(big(a[1]!) + (start % PAGE))
      if (call.name === 'munlock') return { kind: 'step', steps: [{ op: 'munlock', at, pages }] }
      const onFault = call.name === 'mlock2' && big(a[2]!) === 1n
      return { kind: 'step', steps: [{ op: 'mlock', at, pages, ...(onFault ? { onFault } : {}) }] }
    }
    case 'mlockall': {
      const bits = big(a[0]!)
      if ((bits & ~7n) !== 0n) return { kind: 'noop', why: 'mlockall with flags other than MCL_CURRENT, MCL_FUTURE, MCL_ONFAULT fails with EINVAL and changes nothing' }
      const flags = (Object.entries(MLOCKALL_BITS) as [MlockallFlag, number][]).filter(([, bit]) => (bits & BigInt(bit)) !== 0n).map(([name]) => name)
      return { kind: 'step', steps: [{ op: 'mlockall', flags }] }
    }
    case 'munlockall':
      return { kind: 'step', steps: [{ op: 'munlockall' }] }
    case 'mseal': {
      // do_mseal(): "if (flags) return -EINVAL; ... if (!PAGE_ALIGNED(start)) return -EINVAL; len = PAGE_ALIGN(len_in);"
      if (big(a[2]!) !== 0n) return { kind: 'noop', why: 'mseal with flags fails with EINVAL and changes nothing' }
      if (!aligned(a[0]!)) return { kind: 'noop', why: 'a misaligned address fails with EINVAL and changes nothing' }
      return { kind: 'step', steps: [{ op: 'mseal', at: pageOf(a[0]!), pages: pagesOf(big(a[1]!)) }] }
    }
    case 'shmat':
      return classifyShmat(call, ctx)
    case 'shmdt': {
      const addr = big(a[0]!)
      const offset = Number(addr % PAGE)
      return { kind: 'step', steps: [{ op: 'shmdt', at: Number(addr / PAGE), ...(offset ? { offset } : {}) }] }
    }
    case 'shmget':
      return classifyShmget(call, ctx)
    case 'shmctl':
      return classifyShmctl(call, ctx)
    case 'pkey_alloc':
      return classifyPkeyAlloc(call, ctx)
    case 'pkey_free': {
      const pkey = Number(BigInt.asIntN(32, big(a[0]!)))
      if (ctx.pkeysLost) return { kind: 'unmodellable', reason: 'pkey_free after the replay restarted from the real VMAs: the keys allocated before are not in the simulation' }
      if (!failed) ctx.pkeys = new Set([...(ctx.pkeys ?? [])].filter((k) => k !== pkey))
      return { kind: 'step', steps: [{ op: 'pkey_free', pkey }] }
    }
    case 'execve':
    case 'execveat':
      return failed ? { kind: 'noop', why: `the execve failed (${call.errno})` } : { kind: 'noop', why: 'execve ends this address space; the new image has its own' }
    case 'clone':
    case 'clone3':
    case 'fork':
    case 'vfork':
      return { kind: 'noop', why: 'creating a thread or a child leaves this address space\'s VMAs as they are (a child gets its own)' }
    default:
      return { kind: 'unmodellable', reason: `${call.name} is not modelled yet` }
  }
}

/**
 * What smaps does not show, taken from the simulation where it covers the same
 * pages: an anonymous VMA's vm_pgoff (its address when it was made, kept when
 * mremap moves it), which anon_vma a VMA shares with the pieces it was split
 * from, and which struct file a file VMA maps. Pages the simulation does not
 * cover keep what the smaps importer gives (pgoff = start, an anon_vma of its own).
 */
export type SimulatedLayout = readonly Pick<VmaView, 'start' | 'end' | 'pgoff' | 'backing' | 'file' | 'anonVma'>[]

function carryHiddenState(imported: InitialVma[], sim: SimulatedLayout): InitialVma[] {
  let fresh = Math.max(0, ...sim.map((v) => v.anonVma ?? 0), ...imported.map((v) => v.anonVma ?? 0))
  let j = 0
  return imported.map((v) => {
    while (j < sim.length && sim[j]!.end <= v.start) j++
    const s = sim[j]
    if (!s || s.start > v.start) return v.anonVma !== undefined ? { ...v, anonVma: ++fresh } : v
    const anonymous = v.backing === 'anon' || v.backing === 'heap'
    const simAnonymous = s.backing === 'anon' || s.backing === 'heap'
    if (anonymous !== simAnonymous || (!anonymous && v.backing !== s.backing)) return v.anonVma !== undefined ? { ...v, anonVma: ++fresh } : v
    const out: InitialVma = { ...v }
    if (anonymous && v.share === 'private') out.pgoff = s.pgoff + (v.start - s.start)
    if (s.anonVma !== null) out.anonVma = s.anonVma
    else if (v.anonVma !== undefined) out.anonVma = ++fresh
    if ((v.backing === 'file' || v.backing === 'shmem') && s.file) {
      out.file = v.backing === 'shmem' ? s.file.replace(/^memfd:/, '') : s.file
      out.pgoff = v.pgoff
    }
    return out
  })
}

function segmentScenario(space: TracedSpace, vmas: readonly RealVma[], ctx: Context, index: number, why: string | null, sim?: SimulatedLayout | null): SegmentScenario {
  const imported = importSmapsText(smapsText(vmas), space.exe)
  const initialVmas = sim ? carryHiddenState(imported.document.initial.vmas, sim) : imported.document.initial.vmas
  const brkBase = ctx.brkBase ?? imported.document.brkBase
  if (ctx.brkBase === null && brkBase !== undefined) ctx.brkBase = brkBase
  return {
    format: SCENARIO_FORMAT,
    title: `${baseName(space.exe)} (pid ${space.pid})${index > 0 ? `, part ${index + 1}` : ''}`,
    notes: [
      `Traced from the real kernel: address space ${space.id}, ${space.origin === 'exec' ? 'after execve' : 'a fork child'}.`,
      why ? `This part starts from the real VMAs because ${why}.` : 'It starts from the VMAs the kernel made at execve.',
    ].join(' '),
    windowPages: USER_SPACE_PAGES,
    placement: 'fixed',
    ...(brkBase !== undefined ? { brkBase } : {}),
    ...(ctx.protectionKeys !== undefined ? { machine: { protectionKeys: ctx.protectionKeys } } : {}),
    initial: { base: '0x0', mergeAny: ctx.mergeAny, vmas: initialVmas },
    steps: [],
  }
}

/** Where a fork child starts: its parent's segment up to the fork, plus the fork. */
export interface ForkPoint { scenario: SegmentScenario; ctx: Context }

/**
 * The segments and events of every address space. `simulated(space, k)`, when
 * given, answers the simulated VMAs at the end of segment k so far: a new
 * segment then takes what smaps cannot show from it (carryHiddenState).
 */
export function replayPlan(trace: TraceDocument, simulated?: (space: number, segment: number, scenario: SegmentScenario) => SimulatedLayout | null): SpaceReplay[] {
  const plans: SpaceReplay[] = []
  const forkPoints = new Map<string, ForkPoint>()
  // parentSeq is the tracer's global event counter when the fork happened: the
  // child starts from its parent's state after the parent's last event up to it.
  const wanted = new Map<number, number[]>()
  for (const s of trace.spaces)
    if (s.parent !== null && s.parentSeq !== null) wanted.set(s.parent, [...(wanted.get(s.parent) ?? []), s.parentSeq])
  for (const space of trace.spaces) {
    const ctx: Context = { brkBase: null, mergeAny: trace.mergeAny }
    const segments: Segment[] = []
    let real = space.initial.slice()
    const fork = space.parent !== null ? forkPoints.get(`${space.parent}:${space.parentSeq}`) : undefined
    if (fork) {
      Object.assign(ctx, fork.ctx)
      segments.push({ fromSeq: null, reason: null, inheritedSteps: fork.scenario.steps.length + 1, scenario: { ...fork.scenario, title: `${baseName(space.exe)} (pid ${space.pid}, forked)`, steps: [...fork.scenario.steps, { op: 'fork' }] } })
    } else {
      segments.push({ fromSeq: null, reason: null, inheritedSteps: 0, scenario: segmentScenario(space, real, ctx, 0, null) })
    }
    const events: ReplayEvent[] = []
    const pending = (wanted.get(space.id) ?? []).sort((x, y) => x - y)
    /** Fork points at or before `seq`: the state now is the state they forked. */
    const remember = (seq: number): void => {
      while (pending.length > 0 && pending[0]! < seq) {
        const current = segments[segments.length - 1]!.scenario
        forkPoints.set(`${space.id}:${pending.shift()}`, { scenario: { ...current, steps: current.steps.slice() }, ctx: { ...ctx } })
      }
    }
    space.events.forEach((event, index) => {
      remember(event.seq)
      const before = real
      const removed = event.kind === 'faults' ? undefined : event.removed
      const added = event.kind === 'faults' ? undefined : event.added
      real = applyChanges(real, removed, added)
      const changed = real !== before
      let status: CallStatus | null = null
      let restart: string | null = null
      if (event.kind === 'call') {
        status = classifyCall(event, ctx)
        const current = segments[segments.length - 1]!.scenario
        if (ctx.brkBase !== null && current.brkBase === undefined) current.brkBase = ctx.brkBase
        if (ctx.protectionKeys !== undefined && current.machine === undefined) current.machine = { protectionKeys: ctx.protectionKeys }
        if (status.kind === 'step') segments[segments.length - 1]!.scenario.steps.push(...status.steps)
        else if (status.kind === 'unmodellable' && changed) restart = `${event.name} (seq ${event.seq}) is not modelled: ${status.reason}`
      } else if (event.kind === 'faults') {
        const steps: Step[] = event.touched.filter(([, , written]) => written).map(([start]) => ({ op: 'touch', at: pageOf(start), pages: 1, write: true }))
        segments[segments.length - 1]!.scenario.steps.push(...steps)
      } else if (changed) {
        restart = `the layout changed between two traced calls (seq ${event.seq}: a [stack] grown by a fault, or a mapping no traced call made)`
      }
      if (restart) {
        const sim = simulated ? simulated(space.id, segments.length - 1, segments[segments.length - 1]!.scenario) : null
        segments.push({ fromSeq: event.seq, reason: restart, inheritedSteps: 0, scenario: segmentScenario(space, real, ctx, segments.length, restart, sim) })
        // The new part has no shmget steps: a later shmat makes its segment again.
        ctx.shmSegments = new Set()
        // Nor has its engine the segments IPC_RMID removed, or the keys pkey_alloc gave.
        ctx.shmRemoved = new Map()
        ctx.shmUnknown = new Set()
        if ((ctx.pkeys?.size ?? 0) > 0) ctx.pkeysLost = true
        ctx.pkeys = new Set()
      }
      events.push({ seq: event.seq, event: index, segment: segments.length - 1, stepsAfter: segments[segments.length - 1]!.scenario.steps.length, status, real })
    })
    remember(Number.POSITIVE_INFINITY)
    plans.push({ space, segments, events })
  }
  return plans
}
