/**
 * mmap(): do_mmap() → mmap_region() → __mmap_region(), in the order of steps
 * of the chosen kernel's __mmap_region(), stage by stage: __mmap_setup(),
 * call_mmap_prepare(), the merge attempt, __mmap_new_vma(), __mmap_complete().
 * The one thing that differs
 * between releases is when VM_MERGEABLE is computed for a new mapping under
 * PR_SET_MEMORY_MERGE:
 *
 *   6.15/6.16  flags → merge attempt → new VMA → .mmap hook → ksm_add_vma()         (late)
 *   v2         can_set_ksm_flags_early? early : late BEFORE the .mmap hook
 *   6.17/6.18  can_set_ksm_flags_early? early : late AFTER the .mmap hook (cf7e7a3503df)
 */
import { executeOnlyPkey } from './pkeys'
import { HUGE_PAGE_PAGES } from '../machine'
import type { Backing, MapFlag, MmapStep } from '../../scenario/types'
import {
  VM_ACCOUNT, VM_DONTDUMP, VM_DONTEXPAND, VM_DROPPABLE, VM_EXEC, VM_GROWSDOWN, VM_HUGETLB, VM_LOCKED, VM_LOCKONFAULT, VM_MAYEXEC, VM_MAYREAD, VM_MAYSHARE,
  VM_MAYWRITE, VM_MERGEABLE, VM_NOHUGEPAGE, VM_NORESERVE, VM_SHARED, VM_SPECIAL, VM_WIPEONFORK, VM_WRITE,
  flagMnemonics, flagNames, flagsFromNames, protToFlags, type VmFlags,
} from '../flags'
import { ksmAddVma } from './ksm'
import { mergeExistingRange, mergeNewRange, type MergeKind, type MergeState } from './vma'
import { mmapRegionExpand, vmaMerge } from './mmap-vma-merge'
import { rangeText, type StepContext } from '../process'
import type { KernelProfile } from '../profiles'
import { asPage } from '../units'
import type { FileObject, Label, Vma } from '../mm-types'
import { populateRange } from './memory'
import { getUnmappedArea, hugePageHole } from './mmap-unmapped-area'
import { SPECIAL_DISPLAY, specialHookFlags, specialHookRefusal, specialNoexec } from '../special-files'
import { unmapRange } from './vma-munmap'

type Hook = 'mmap' | 'mmap_prepare' | 'none'

const NO_MAP_FLAGS: readonly MapFlag[] = []

/** What the backing gives the mapping: its struct file and the hook its f_op has in this release. */
export interface FileSetup {
  file: FileObject | null
  hook: Hook
  /** Flags the hook adds (device setsFlags). */
  hookFlags: VmFlags
  /** The file the .mmap hook leaves in vma->vm_file (overlayfs swaps in the real file). */
  fileAfterHook: (ctx: StepContext) => FileObject | null
  /** vma_set_anonymous(): vm_ops stays NULL (anonymous memory, private /dev/zero). */
  anonymous: boolean
  /** The hook in words, for the decision record. */
  hookText: string
  /** A refusal by the hook (errno, kernel function, reason), decided from the call's arguments. */
  refusal?: [string, string, string] | null
  /** The hook leaves vm_ops with a .close (shm_vm_ops: shm_close()), which limits merges. */
  vmOpsClose?: boolean
  /** The file is open without FMODE_WRITE (shmat SHM_RDONLY's O_RDONLY clone). */
  readOnly?: boolean
}

/** The hook a file has: `.mmap_prepare` exists only from 6.16; before, such a driver uses `.mmap`. */
function resolveHook(p: KernelProfile, natural: Hook, override?: 'mmap' | 'mmap_prepare'): Hook {
  const want = override ?? natural
  return want === 'mmap_prepare' && !p.hasMmapPrepare ? 'mmap' : want
}

const ANON_PRIVATE: FileSetup = {
  file: null, hook: 'none', hookFlags: 0, anonymous: true, fileAfterHook: () => null, hookText: 'anonymous: no file, no hook',
}

/**
 * MAP_HUGETLB on anonymous memory: ksys_mmap_pgoff() → hugetlb_file_setup() makes a hugetlbfs file
 * of its own ("anon_hugepage"), whose .mmap (hugetlbfs_file_mmap()) adds VM_HUGETLB|VM_DONTEXPAND
 * and reserves the huge pages (hugetlb_reserve_pages()) unless VM_NORESERVE: the engine assumes the
 * pool is empty (nr_hugepages 0, as on this machine), so that is ENOMEM.
 */
function hugetlbSetup(ctx: StepContext, noreserve: boolean): FileSetup {
  const file = ctx.newFile({ display: 'anon_hugepage (deleted)', kind: 'hugetlb', fs: null, isShmem: false, unmappedArea: 'hugetlb' })
  return {
    file, hook: 'mmap', hookFlags: VM_HUGETLB | VM_DONTEXPAND, anonymous: false, fileAfterHook: () => file,
    hookText: 'MAP_HUGETLB: a hugetlbfs file of its own (hugetlb_file_setup()); hugetlbfs .mmap adds VM_HUGETLB|VM_DONTEXPAND',
    refusal: noreserve ? null : ['ENOMEM', 'hugetlb_reserve_pages', 'no huge page is free to reserve (the engine assumes nr_hugepages 0); MAP_NORESERVE would leave the reservation out'],
  }
}

function setupFile(ctx: StepContext, backing: Backing, share: 'private' | 'shared', pages: number, hugetlb = false, noreserve = false): FileSetup {
  const p = ctx.profile
  if (hugetlb && backing.kind === 'anon') return hugetlbSetup(ctx, noreserve)
  switch (backing.kind) {
    case 'anon':
      if (share === 'shared') {
        return {
          file: null, hook: 'none', hookFlags: 0, anonymous: false,
          fileAfterHook: (c) => c.newFile({ display: 'anon shared (a new shmem file)', kind: 'anon-shmem', fs: 'tmpfs', isShmem: true, sizePages: pages }),
          hookText: 'MAP_SHARED|MAP_ANONYMOUS: shmem_zero_setup() gives the VMA a new shmem file of its own',
        }
      }
      return ANON_PRIVATE
    case 'file': {
      const file = ctx.fileFor(`file:${backing.fs}:${backing.file}`, () => ({
        display: backing.fs === 'ext4' ? backing.file : `${backing.file} (${backing.fs})`, kind: 'file', fs: backing.fs, isShmem: backing.fs === 'tmpfs',
      }))
      const natural: Hook = backing.fs === 'ext4' && p.mmapPrepareFs.includes('ext4') ? 'mmap_prepare' : 'mmap'
      const hook = resolveHook(p, natural, backing.hook)
      if (backing.fs === 'overlayfs') {
        return {
          file, hook, hookFlags: 0, anonymous: false,
          fileAfterHook: (c) => c.fileFor(`overlay-real:${backing.file}`, () => ({ display: `${backing.file} (real file under overlayfs)`, kind: 'file', fs: 'ext4', isShmem: false })),
          hookText: 'overlayfs .mmap (ovl_mmap) replaces vma->vm_file with the real file underneath',
        }
      }
      return {
        file, hook, hookFlags: 0, anonymous: false, fileAfterHook: () => file,
        hookText: backing.fs === 'tmpfs' ? 'tmpfs: shmem .mmap (shmem_mmap)' : `${backing.fs} .${hook}`,
      }
    }
    case 'shmem': {
      const file = ctx.fileFor(`shmem:${backing.file}`, () => ({ display: `memfd:${backing.file}`, kind: 'shmem', fs: 'tmpfs', isShmem: true }))
      return { file, hook: 'mmap', hookFlags: 0, anonymous: false, fileAfterHook: () => file, hookText: 'memfd: shmem .mmap (shmem_mmap)' }
    }
    case 'device': {
      const file = ctx.fileFor(`device:${backing.file}`, () => ({ display: backing.file, kind: 'device', fs: null, isShmem: false }))
      const hook = resolveHook(p, backing.hook)
      const devZero = backing.file === '/dev/zero'
      if (devZero && share === 'shared') {
        return {
          file, hook, hookFlags: 0, anonymous: false,
          fileAfterHook: (c) => c.newFile({ display: '/dev/zero (a new shmem file)', kind: 'anon-shmem', fs: 'tmpfs', isShmem: true, sizePages: pages }),
          hookText: '/dev/zero .mmap (mmap_zero): MAP_SHARED → shmem_zero_setup(), a new shmem file',
        }
      }
      const hookFlags = flagsFromNames(backing.setsFlags)
      return {
        file, hook, hookFlags, anonymous: devZero, fileAfterHook: () => file,
        hookText: devZero ? '/dev/zero .mmap (mmap_zero): MAP_PRIVATE → vma_set_anonymous()'
          : `driver .${hook}${hookFlags ? ` adds ${flagNames(hookFlags).join(' ')}` : ''}`,
      }
    }
    case 'secretmem':
    case 'perf':
    case 'io_uring': {
      const kind = backing.kind
      const file = ctx.fileFor(`${kind}:${backing.file}`, () => ({
        display: SPECIAL_DISPLAY[kind], kind, fs: null, isShmem: false, noexec: specialNoexec(kind, p),
        unmappedArea: kind === 'io_uring' ? 'io_uring' as const : undefined,
      }))
      // secretmem has .mmap_prepare from 6.16 ("mm: secretmem: convert to .mmap_prepare()"); perf and io_uring keep .mmap.
      const hook: Hook = kind === 'secretmem' ? resolveHook(p, 'mmap_prepare') : 'mmap'
      const hookFlags = specialHookFlags(kind, p)
      const fn = kind === 'secretmem' ? `secretmem_mmap${hook === 'mmap_prepare' ? '_prepare' : ''}` : kind === 'perf' ? 'perf_mmap' : 'io_uring_mmap'
      return {
        file, hook, hookFlags, anonymous: false, fileAfterHook: () => file,
        hookText: `${fn}() adds ${flagNames(hookFlags).join(' ')}`,
        refusal: specialHookRefusal(kind, share === 'shared', pages, backing.pgoff),
      }
    }
  }
}

/** can_set_ksm_flags_early() (6.17, v2): anonymous, .mmap_prepare, or shmem. */
function canSetKsmFlagsEarly(ctx: StepContext, setup: FileSetup): boolean {
  const f = setup.file
  let text: string
  let early: boolean
  if (!f) { early = true; text = 'no file (anonymous mapping): safe to set KSM flags before the merge attempt' }
  else if (setup.hook === 'mmap_prepare') { early = true; text = `${f.display} has .mmap_prepare, which runs before the merge: safe to set KSM flags early` }
  else if (f.kind === 'sysv-shm') {
    // shmem_file() tests file->f_mapping, which do_shmat()'s alloc_file_clone() took from the segment's shmem file.
    early = true
    text = `${f.display} is a SysV shm attach: its f_op is shm_file_operations (.mmap = shm_mmap, no .mmap_prepare), but shmem_file() looks at f_mapping, the segment's shmem inode, so flags are set early`
  } else if (f.isShmem) { early = true; text = `${f.display} is a shmem file: its .mmap does nothing that affects KSM, so flags are set early` }
  else { early = false; text = `${f.display} has a .mmap hook that may change the flags after the merge attempt: KSM flags are set late` }
  ctx.check('can_set_ksm_flags_early', 'ksm-early-eligible', early, text, 'new')
  return early
}

/** A hook refused the mapping after MAP_FIXED had unmapped the range: the errno, and a hole where the old VMAs were. */
function failLeavingHole(ctx: StepContext, [errno, fn, reason]: [string, string, string], replaced: boolean, start: number, end: number): void {
  ctx.fail(errno, fn, reason, 'new')
  ctx.report.outcome = 'failed'
  if (replaced) {
    ctx.note('vms_abort_munmap_vmas', 'hole', () => `the old mappings in ${rangeText({ start, end })} were already unmapped (MAP_FIXED) and cannot be put back: "leaving a gap where the MAP_FIXED mapping failed"`)
  }
}

/**
 * struct mmap_state, reduced: what do_mmap() hands to __mmap_region() and its
 * stages pass on. `flags`, `file` and `ksm` change as the stages run.
 */
interface MmapState {
  readonly mapFlags: readonly MapFlag[]
  readonly start: number
  readonly end: number
  readonly pgoff: number
  /** map->vm_flags. */
  flags: VmFlags
  /** The protection key do_mmap() gives it (calc_vm_prot_bits(prot, pkey)): 0, or the execute-only key. */
  readonly pkey: number
  /** The backing's struct file and hook. */
  readonly setup: FileSetup
  /** map->file: the backing's file, or the one .mmap_prepare put in its place. */
  file: FileObject | null
  /** MAP_FIXED replaced existing VMAs: a later failure leaves a hole. */
  replaced: boolean
  readonly mergeAny: boolean
  /** map->check_ksm_early (6.17, v2); true where the profile has no late path to choose. */
  checkEarly: boolean
  /** When VM_MERGEABLE was given, for the step's KSM timing. */
  ksm: 'early' | 'late' | 'none'
  readonly labels: Label[]
}

/**
 * do_mmap(): the checks on the call's arguments, vm_flags and pgoff, the file's
 * noexec mount; then mmap_region() → __mmap_region().
 */
export function doMmap(ctx: StepContext, step: MmapStep, fileSetup?: FileSetup): void {
  const mm = ctx.mm
  const mapFlags: readonly MapFlag[] = step.mapFlags ?? NO_MAP_FLAGS
  // MAP_SHARED_VALIDATE (0x03) is a shared map type: with MAP_PRIVATE (0x02) its bits are still 0x03.
  const share: 'private' | 'shared' = mapFlags.includes('MAP_SHARED_VALIDATE') ? 'shared' : step.share
  const hugetlb = mapFlags.includes('MAP_HUGETLB')
  const noreserve = mapFlags.includes('MAP_NORESERVE')
  if (hugetlb && step.backing.kind !== 'anon') {
    // ksys_mmap_pgoff(): "if (is_file_hugepages(file)) ... else if (unlikely(flags & MAP_HUGETLB)) return -EINVAL;"
    ctx.fail('EINVAL', 'ksys_mmap_pgoff', 'MAP_HUGETLB with a file that is not on hugetlbfs')
    return
  }
  // ksys_mmap_pgoff(): "len = ALIGN(len, huge_page_size(hs))" — whole 2 MiB pages.
  const pages = hugetlb ? Math.ceil(step.pages / HUGE_PAGE_PAGES) * HUGE_PAGE_PAGES : step.pages
  if (hugetlb && pages !== step.pages) ctx.note('ksys_mmap_pgoff', 'hugetlb-len', () => `MAP_HUGETLB: the length is rounded up to whole 2 MiB huge pages: ${pages} pages`)
  let at = step.at
  if (pages === 0) {
    ctx.fail('EINVAL', 'do_mmap', 'a mapping of length 0 is invalid')
    return
  }
  if (at !== undefined && hugetlb && (ctx.machine.basePage + at) % HUGE_PAGE_PAGES !== 0) {
    // hugetlb_get_unmapped_area(): "if (flags & MAP_FIXED) { if (addr & ~huge_page_mask(h)) return -EINVAL; ...".
    ctx.fail('EINVAL', 'hugetlb_get_unmapped_area', () => `page ${at} is not 2 MiB-aligned (window base ${ctx.machine.baseText}): a huge page mapping must start on a huge page`)
    if (!ctx.machine.baseKnown) ctx.report.unpredictable = `whether page ${at} is 2 MiB-aligned depends on the window's base, which the scenario does not give (the engine assumes ${ctx.machine.baseText})`
    return
  }
  if (at === undefined) {
    const hole = hugetlb ? hugePageHole(ctx, pages) : getUnmappedArea(ctx, { pages, file: (fileSetup ?? setupFile(ctx, step.backing, share, pages)).file, pgoff: step.backing.kind === 'anon' ? 0 : step.backing.pgoff, shared: share === 'shared' })
    if (hole === null) {
      ctx.fail('ENOMEM', 'get_unmapped_area', () => `no free hole of ${pages} pages in the window`)
      return
    }
    at = hole
    ctx.note('get_unmapped_area', 'placement', () => `the kernel places it top-down in the highest free hole: ${rangeText({ start: hole, end: hole + pages })}`)
  }
  const start = at
  const end = at + pages
  ctx.report.range = [start, end]
  if (hugetlb && !ctx.machine.baseKnown) ctx.report.unpredictable = `a huge page mapping starts on a 2 MiB boundary of absolute addresses; the scenario gives no base, so the engine assumes ${ctx.machine.baseText} (2 MiB-aligned)`
  if (step.at !== undefined && step.backing.kind === 'io_uring') {
    // __get_unmapped_area() → io_uring_get_unmapped_area(): "if (addr) return -EINVAL;", also for MAP_FIXED.
    ctx.fail('EINVAL', 'io_uring_get_unmapped_area', 'io_uring rings may not be mapped at an address the caller chooses (only with addr 0, kernel placement)')
    return
  }
  if (end > ctx.windowPages) {
    // The window is all the scenario's process has: past its end lies memory the scenario cannot
    // touch (the recorder keeps a guard mapping there), so MAP_FIXED_NOREPLACE meets an overlap.
    // A loaded scenario never gets here (src/scenario/step-rules.ts refuses a range outside the
    // window); engine-level callers that skip the loader still get the recorder's answer.
    if (mapFlags.includes('MAP_FIXED')) ctx.fail('ENOMEM', 'get_unmapped_area', () => `${rangeText({ start, end })} runs past the end of the ${ctx.windowPages}-page window`)
    else ctx.fail('EEXIST', 'do_mmap', () => `${rangeText({ start, end })} runs past the end of the ${ctx.windowPages}-page window, into memory outside the scenario`)
    return
  }
  const backing = step.backing
  // do_mmap: "Too many mappings?"
  if (mm.count > ctx.maxMapCount) {
    ctx.fail('ENOMEM', 'do_mmap', () => `map_count ${mm.count} exceeds max_map_count ${ctx.maxMapCount}`)
    return
  }
  if (!mapFlags.includes('MAP_FIXED') && mm.intersects(start, end)) {
    ctx.fail('EEXIST', 'do_mmap', () => `MAP_FIXED_NOREPLACE: ${rangeText({ start, end })} overlaps an existing VMA`)
    return
  }
  // do_mmap's switch on the map type comes after the overlap check.
  const droppable = mapFlags.includes('MAP_DROPPABLE')
  if (droppable && !ctx.profile.hasMapDroppable) {
    ctx.fail('EINVAL', 'do_mmap', 'MAP_DROPPABLE (0x08) is not a map type this release knows (it came in 6.11, 9651fcedf7b9): the switch on flags & MAP_TYPE answers EINVAL')
    return
  }
  if (droppable && (share === 'shared' || backing.kind !== 'anon' || hugetlb || mapFlags.includes('MAP_LOCKED'))) {
    ctx.fail('EINVAL', 'do_mmap', 'MAP_DROPPABLE is a mapping type of its own: anonymous, not shared, not locked')
    return
  }

  if (mapFlags.includes('MAP_SHARED_VALIDATE') && !sharedValidateAllowed(ctx, step)) return
  const growsDown = mapFlags.includes('MAP_GROWSDOWN')
  // do_mmap(), anonymous memory: "case MAP_SHARED: if (vm_flags & (VM_GROWSDOWN|VM_GROWSUP)) return -EINVAL;", and the same under MAP_DROPPABLE.
  if (growsDown && backing.kind === 'anon' && !hugetlb && (share === 'shared' || droppable)) {
    ctx.fail('EINVAL', 'do_mmap', () => `MAP_GROWSDOWN on ${droppable ? 'a MAP_DROPPABLE' : 'a shared anonymous'} mapping: only private memory may grow down`, 'new')
    return
  }

  // do_mmap(): "if (prot == PROT_EXEC) { pkey = execute_only_pkey(mm); if (pkey < 0) pkey = 0; }"
  const pkey = step.prot === '--x' ? Math.max(executeOnlyPkey(ctx), 0) : 0
  if (pkey !== 0) ctx.note('do_mmap', 'exec-only-pkey', () => `PROT_EXEC alone on a machine with protection keys: the mapping gets the execute-only key ${pkey}`, 'new')
  // calc_vm_prot_bits | calc_vm_flag_bits | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC
  let flags = protToFlags(step.prot) | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC
  if (mapFlags.includes('MAP_LOCKED')) flags |= VM_LOCKED
  // do_mmap(): "vm_flags |= calc_vm_prot_bits(prot, pkey) | calc_vm_flag_bits(file, flags) | mm->def_flags | ..."
  const defFlags = ctx.state.defFlags
  if (defFlags) {
    flags |= defFlags
    ctx.note('do_mmap', 'def-flags', () => `mm->def_flags (mlockall(MCL_FUTURE)) adds ${flagNames(defFlags).join('|')}`, 'new')
  }
  if (mapFlags.includes('MAP_STACK')) {
    if (ctx.profile.mapStackNoHugepage) flags |= VM_NOHUGEPAGE
    ctx.note('calc_vm_flag_bits', 'map-stack', ctx.profile.mapStackNoHugepage
      ? 'MAP_STACK: the mapping gets VM_NOHUGEPAGE (c4608d1bf7c6, 6.7), so it merges only with VM_NOHUGEPAGE neighbours'
      : 'MAP_STACK is accepted and ignored in this release (VM_NOHUGEPAGE for it came in 6.7, c4608d1bf7c6)')
  }
  if (share === 'shared') flags |= VM_SHARED | VM_MAYSHARE
  if (share === 'shared' && fileSetup?.readOnly) {
    // do_mmap(), MAP_SHARED of a file: "if (!(file->f_mode & FMODE_WRITE)) vm_flags &= ~(VM_MAYWRITE | VM_SHARED);"
    flags &= ~(VM_MAYWRITE | VM_SHARED)
    ctx.note('do_mmap', 'read-only-file', 'the file is open read-only (no FMODE_WRITE): VM_MAYWRITE and VM_SHARED are cleared, VM_MAYSHARE stays', 'new')
  }
  if (droppable) flags |= VM_DROPPABLE | VM_WIPEONFORK | VM_DONTDUMP | VM_NORESERVE
  if (mapFlags.includes('MAP_NORESERVE')) flags |= VM_NORESERVE
  if (growsDown) flags |= VM_GROWSDOWN // calc_vm_flag_bits(): _calc_vm_trans(flags, MAP_GROWSDOWN, VM_GROWSDOWN)
  let pgoff: number
  if (backing.kind === 'anon') pgoff = share === 'shared' || hugetlb ? 0 : ctx.anonPgoff(start)
  else pgoff = backing.pgoff

  const setup = fileSetup ?? setupFile(ctx, backing, share, pages, hugetlb, noreserve)
  if (setup.file?.noexec) {
    // do_mmap(): "if (path_noexec(&file->f_path)) { if (vm_flags & VM_EXEC) return -EPERM; vm_flags &= ~VM_MAYEXEC; }"
    if (flags & VM_EXEC) {
      ctx.fail('EPERM', 'do_mmap', () => `${setup.file!.display} lives on a noexec mount (path_noexec): PROT_EXEC is refused`, 'new')
      return
    }
    flags &= ~VM_MAYEXEC
    ctx.note('do_mmap', 'noexec', () => `${setup.file!.display} lives on a noexec mount (path_noexec): VM_MAYEXEC is cleared`, 'new')
  }
  // do_mmap(), a file (after the noexec test): "if (vm_flags & (VM_GROWSDOWN|VM_GROWSUP)) return -EINVAL;"
  if (growsDown && (backing.kind !== 'anon' || hugetlb)) {
    ctx.fail('EINVAL', 'do_mmap', 'MAP_GROWSDOWN on a file mapping: only anonymous private memory may grow down', 'new')
    return
  }
  mmapRegion(ctx, {
    mapFlags, start, end, pgoff, flags, pkey, setup, file: setup.file, replaced: false, mergeAny: ctx.state.mergeAny, checkEarly: false, ksm: 'none',
    labels: step.name ? [{ start: asPage(start), end: asPage(end), name: step.name }] : [],
  })
}

/**
 * do_mmap()'s switch on flags & MAP_TYPE for MAP_SHARED_VALIDATE. A file: "if (flags & ~flags_mask)
 * return -EOPNOTSUPP;" with flags_mask = LEGACY_MAP_MASK | f_op->mmap_supported_flags, and
 * LEGACY_MAP_MASK (include/linux/mman.h) lacks MAP_FIXED_NOREPLACE, which a scenario's `at` without
 * MAP_FIXED is. Anonymous memory knows only MAP_SHARED and MAP_PRIVATE: "default: return -EINVAL;".
 */
function sharedValidateAllowed(ctx: StepContext, step: MmapStep): boolean {
  if (step.backing.kind === 'anon') {
    ctx.fail('EINVAL', 'do_mmap', 'MAP_SHARED_VALIDATE is not a map type anonymous memory takes (only MAP_SHARED or MAP_PRIVATE)', 'new')
    return false
  }
  if (step.at !== undefined && !step.mapFlags?.includes('MAP_FIXED')) {
    ctx.fail('EOPNOTSUPP', 'do_mmap', 'MAP_SHARED_VALIDATE refuses every flag outside LEGACY_MAP_MASK and the file\'s mmap_supported_flags, and MAP_FIXED_NOREPLACE (how a mapping at a chosen page is made) is outside it', 'new')
    return false
  }
  ctx.note('do_mmap', 'shared-validate', 'MAP_SHARED_VALIDATE with legacy flags only: the same as MAP_SHARED', 'new')
  return true
}

/**
 * __mmap_region(): __mmap_setup(), call_mmap_prepare(), the early KSM flags,
 * the merge attempt (vma_merge_new_range(); up to 6.11 its own vma_expand()),
 * else __mmap_new_vma(); then __mmap_complete().
 */
function mmapRegion(ctx: StepContext, s: MmapState): void {
  if (!mmapSetup(ctx, s)) return
  if (s.setup.hook === 'mmap_prepare') callMmapPrepare(ctx, s)
  const profile = ctx.profile
  if (s.checkEarly && s.mergeAny) {
    s.flags = ksmAddVma(ctx, s.file, s.flags, 'early', 'update_ksm_flags()')
    if (s.flags & VM_MERGEABLE) s.ksm = 'early'
  } else if (profile.ksm === 'late' && s.mergeAny) {
    ctx.note('__mmap_region', 'ksm-late', 'this kernel sets VM_MERGEABLE only after the merge attempt (ksm_add_vma() on a new VMA): the range is compared WITHOUT it', 'new')
  }
  const mm = ctx.mm
  const { start, end, pgoff, flags, pkey, file, labels } = s
  const vmg: MergeState = {
    start, end, pgoff, flags, pkey, file, anonVma: 0, anonForkChild: false, middle: null,
    prev: mm.prevOf(start), next: mm.nextFrom(end), justExpand: false, labels,
  }
  // Up to 6.11 __mmap_region() expands a neighbour itself (vma_expand()); from 6.12 it calls vma_merge_new_range().
  const merged = profile.mergeCode === 'vma_merge' ? mmapRegionExpand(ctx, { ...vmg, anonVma: 0, anonForkChild: false }, vmg.next) : mergeNewRange(ctx, vmg)
  let result: Vma | null
  if (merged) {
    result = merged.vma
    ctx.report.outcome = outcomeOf(merged.kind)
    if (profile.mergeCode === 'vma_merge_range') ctx.check('vma_merge_new_range', 'merged', true, () => `merged with ${merged.kind === 'both' ? 'prev and next' : merged.kind}: now ${rangeText(merged.vma)}`, 'new', merged.vma)
  } else {
    result = mmapNewVma(ctx, s)
    if (!result) return
  }
  mmapComplete(ctx, s, result)
}

const outcomeOf = (kind: MergeKind): 'merged-prev' | 'merged-next' | 'merged-both' => (kind === 'prev' ? 'merged-prev' : kind === 'next' ? 'merged-next' : 'merged-both')

/**
 * __mmap_setup(): unmap what MAP_FIXED replaces (vms_gather_munmap_vmas + vms_clean_up_area),
 * then accounting (VM_ACCOUNT). From here on a failure cannot put the old VMAs back. Also
 * map->check_ksm_early (can_set_ksm_flags_early()). False when the mapping failed.
 */
function mmapSetup(ctx: StepContext, s: MmapState): boolean {
  const { start, end, setup } = s
  const fixed = s.mapFlags.includes('MAP_FIXED')
  s.replaced = fixed && ctx.mm.intersects(start, end)
  if (fixed) {
    const err = unmapRange(ctx, start, end)
    if (err) {
      ctx.report.error = err
      return false
    }
  }
  if (setup.refusal && setup.hook === 'mmap_prepare') {
    // call_mmap_prepare() fails (the hook's answer follows from the call's arguments alone):
    // __mmap_region() → abort_munmap → vms_abort_munmap_vmas() leaves a gap.
    failLeavingHole(ctx, setup.refusal, s.replaced, start, end)
    return false
  }
  if (!(s.flags & VM_HUGETLB) && (s.flags & (VM_NORESERVE | VM_SHARED | VM_WRITE)) === VM_WRITE) s.flags |= VM_ACCOUNT
  ctx.note('do_mmap', 'vm-flags', () => `vm_flags = ${flagMnemonics(s.flags).join(' ')}; pgoff ${s.pgoff}; ${setup.hookText}`, 'new')
  if (!s.mergeAny) ctx.note('ksm', 'merge-any-off', 'MMF_VM_MERGE_ANY is off (no PR_SET_MEMORY_MERGE): KSM does not touch this mapping')
  // 6.17 / v2: decide early or late on the original file.
  const ksm = ctx.profile.ksm
  s.checkEarly = ksm !== 'late' && s.mergeAny ? canSetKsmFlagsEarly(ctx, setup) : ksm !== 'late'
  return true
}

/**
 * call_mmap_prepare(): the hook runs before the merge attempt, and may set flags and
 * replace the file (a shared /dev/zero's shmem file, overlayfs' real file).
 */
function callMmapPrepare(ctx: StepContext, s: MmapState): void {
  const setup = s.setup
  s.file = setup.fileAfterHook(ctx)
  if (setup.hookFlags) {
    s.flags |= setup.hookFlags
    ctx.note('call_mmap_prepare', 'hook-flags', () => `.mmap_prepare adds ${flagNames(setup.hookFlags).join(' ')} before the merge attempt`, 'new')
  }
}

/**
 * __mmap_new_vma(): no merge, so a new VMA: the .mmap hook (mmap_file()), the late KSM
 * flags, vma_link(). With it the retry merges a hook that changed the flags gets: before
 * the VMA is inserted up to 6.12 (mmap_region()), after it in 6.13 – 6.15 (__mmap_region()).
 * Returns the VMA the range ends up in, or null when the hook refused the mapping.
 */
function mmapNewVma(ctx: StepContext, s: MmapState): Vma | null {
  const mm = ctx.mm
  const profile = ctx.profile
  const { start, end, pgoff, setup, mergeAny, checkEarly, labels } = s
  let vmFlags = s.flags
  let vmFile = s.file
  if (profile.ksm === 'v2' && !checkEarly && mergeAny) {
    // v2: update_ksm_flags() before the hook, from the pre-hook flags and file.
    vmFlags = ksmAddVma(ctx, vmFile, vmFlags, 'late', 'before the .mmap hook, from the pre-hook flags')
  }
  if (setup.hook !== 'mmap_prepare') {
    if (setup.refusal) {
      // __mmap_new_vma() → mmap_file() failed: unacct_error → abort_munmap, the same gap.
      failLeavingHole(ctx, setup.refusal, s.replaced, start, end)
      return null
    }
    vmFile = setup.fileAfterHook(ctx)
    if (setup.hookFlags) {
      vmFlags |= setup.hookFlags
      ctx.note('mmap_file', 'hook-flags', () => `.mmap adds ${flagNames(setup.hookFlags).join(' ')} after the merge attempt`, 'new')
    }
    if (profile.ksm === 'v2' && (vmFlags & VM_MERGEABLE) && (vmFlags & (VM_SPECIAL | VM_HUGETLB))) {
      ctx.check('ksm_compatible', 'v2-defect', false,
        () => `v2 defect: VM_MERGEABLE was decided before the hook added ${flagNames(vmFlags & (VM_SPECIAL | VM_HUGETLB)).join(' ')}, so the VMA is both mergeable and KSM-incompatible (the syzbot report; fixed before 6.17)`, 'new')
    }
  }
  const preKsmFlags = vmFlags
  const retry = profile.retryMergeAfterMmapHook && setup.hook === 'mmap' && preKsmFlags !== s.flags && !(preKsmFlags & VM_SPECIAL)
  const prevForRetry = mm.prevOf(start)
  if (retry && profile.retryMergeOf === 'new-range' && prevForRetry) {
    // ≤ 6.12 mmap_region(): "If vm_flags changed after mmap_file(), we should try merge vma
    // again as we may succeed this time" — before the VMA is inserted, and only with a prev.
    ctx.note('mmap_region', 'retry-merge', 'the .mmap hook changed the flags and there is a prev: try the merge again with the new flags, before inserting the VMA')
    const again = { start, end, pgoff, flags: preKsmFlags, pkey: s.pkey, file: vmFile, anonVma: 0, anonForkChild: false, labels }
    const r = profile.mergeCode === 'vma_merge'
      ? vmaMerge(ctx, { ...again, prev: prevForRetry })
      : mergeNewRange(ctx, { ...again, middle: null, prev: prevForRetry, next: mm.nextFrom(end), justExpand: false })
    if (r) {
      // goto unmap_writable: ksm_add_vma() still runs on the merged VMA.
      let merged = r.vma
      if (profile.ksm === 'late' && mergeAny) {
        const withKsm = ksmAddVma(ctx, merged.file, merged.flags, 'late', 'ksm_add_vma() on the retry-merged VMA')
        if (withKsm !== merged.flags) {
          const marked = ctx.derive(merged, { flags: withKsm })
          mm.replace([merged], [marked])
          merged = marked
          s.ksm = 'late'
        }
      }
      ctx.report.outcome = outcomeOf(r.kind)
      return merged
    }
  }
  if ((profile.ksm === 'late' || (profile.ksm === 'fixed' && !checkEarly)) && mergeAny) {
    vmFlags = ksmAddVma(ctx, vmFile, vmFlags, 'late', profile.ksm === 'late' ? 'ksm_add_vma() on the new VMA' : 'after the .mmap hook, from the post-hook flags')
  }
  if (!checkEarly && (vmFlags & VM_MERGEABLE)) s.ksm = 'late'
  let result = ctx.make({
    start: asPage(start), end: asPage(end), pgoff, flags: vmFlags, pkey: s.pkey, file: vmFile, anonVma: 0, forkChild: false,
    vmOpsClose: setup.vmOpsClose ?? false, anonymous: setup.anonymous, hook: setup.hook === 'none' ? null : setup.hook, labels,
  })
  mm.insert(result)
  ctx.report.outcome = 'new'
  const made = result
  ctx.check('__mmap_new_vma', 'new-vma', true, () => `no merge: a new VMA ${rangeText(made)} (${flagMnemonics(vmFlags).join(' ')})`, 'new', made)
  // 6.13 – 6.15: "If flags changed, we might be able to merge, so try again."
  if (retry && profile.retryMergeOf === 'inserted-vma') {
    ctx.note('__mmap_region', 'retry-merge', 'the .mmap hook changed the flags: retry the merge (removed in 6.16)')
    const again = mergeExistingRange(ctx, {
      start, end, pgoff, flags: preKsmFlags, pkey: s.pkey, file: vmFile, anonVma: 0, anonForkChild: false, middle: result,
      prev: mm.prevOf(start), next: mm.nextFrom(end), justExpand: false, labels: [],
    })
    if (again) {
      result = again.vma
      // The new VMA was inserted and then merged away: the step merged.
      ctx.report.outcome = outcomeOf(again.kind)
    }
  }
  return result
}

/**
 * __mmap_complete() and vm_mmap_pgoff(): the step's KSM timing, then populate. do_mmap():
 * "if ((vm_flags & VM_LOCKED) || (flags & (MAP_POPULATE | MAP_NONBLOCK)) == MAP_POPULATE)
 * *populate = len;" then mm_populate(). vm_flags is do_mmap()'s own copy: a VM_LOCKED that a
 * driver's hook adds (secretmem, a device) does not populate.
 */
function mmapComplete(ctx: StepContext, s: MmapState, result: Vma): void {
  const { mapFlags, start, end } = s
  ctx.report.ksm = s.mergeAny ? s.ksm : 'none'
  const unlockable = VM_SPECIAL | VM_HUGETLB | (ctx.profile.mmapUnlocksDroppable ? VM_DROPPABLE : 0)
  if (result.flags & VM_LOCKED && result.flags & unlockable) {
    // __mmap_complete(): "if ((vm_flags & VM_SPECIAL) || vma_is_dax(vma) || is_vm_hugetlb_page(vma) || ...)
    // vm_flags_clear(vma, VM_LOCKED_MASK);" (mmap_region() before 6.12: "vma->vm_flags &= VM_LOCKED_CLEAR_MASK");
    // with d239462787b0 "if (!vma_supports_mlock(vma))", which adds VM_DROPPABLE.
    const was = result
    const unlocked = ctx.derive(was, { flags: was.flags & ~(VM_LOCKED | VM_LOCKONFAULT) })
    ctx.mm.replace([was], [unlocked])
    ctx.note('__mmap_complete', 'unlock-unsupported', () => `${rangeText(was)} is ${flagNames(was.flags & unlockable).join('|')}, which cannot be locked: VM_LOCKED and VM_LOCKONFAULT are cleared`, 'new', unlocked)
    result = unlocked
  }
  // do_mmap()'s own vm_flags, def_flags included: "if ((vm_flags & VM_LOCKED) || (flags & (MAP_POPULATE | MAP_NONBLOCK)) == MAP_POPULATE) *populate = len;"
  const lockedByDefault = (ctx.state.defFlags & VM_LOCKED) !== 0
  if (mapFlags.includes('MAP_POPULATE') || mapFlags.includes('MAP_LOCKED') || lockedByDefault) {
    const why = mapFlags.includes('MAP_LOCKED') ? 'MAP_LOCKED' : lockedByDefault ? 'VM_LOCKED from mm->def_flags' : 'MAP_POPULATE'
    ctx.note('vm_mmap_pgoff', 'populate', () => `${why}: mm_populate() faults the pages in`, 'new', result)
    populateRange(ctx, start, end)
  } else if (result.flags & VM_LOCKED) {
    ctx.note('vm_mmap_pgoff', 'no-populate', () => 'VM_LOCKED came from the driver\'s hook, not from do_mmap()\'s flags: nothing is populated now', 'new', result)
  }
}
