/**
 * SysV shared memory, ipc/shm.c: shmget() (ksys_shmget() → ipcget() → newseg() or
 * shm_more_checks()), shmat() (do_shmat() → do_mmap() → shm_mmap()) and shmdt() (ksys_shmdt()).
 *
 * A segment is a shmem file of its own (newseg(): shmem_kernel_file_setup("SYSV%08x", size)),
 * kept in the process state's files under `sysv:<segment name>`; the IPC namespace outlives
 * fork, so a child sees the same segments. Each shmat makes another struct file for the
 * attach (alloc_file_clone() with shm_file_operations, f_mapping the segment's), so two
 * attaches never merge, and shm_mmap() gives the VMA shm_vm_ops, whose .close (shm_close())
 * keeps a merge from removing it. The VMA is shared (MAP_SHARED, so ksm_compatible() refuses
 * VM_MERGEABLE on every kernel), pgoff 0, as long as the segment.
 *
 * Not modelled: shmctl() (IPC_RMID, SHM_LOCK), SHM_HUGETLB segments, the shmmax/shmall/shmmni
 * limits and permissions: the scenario's process made every segment, mode 0700, so ipcperms()
 * grants it read, write and SHM_EXEC's S_IXUGO without CAP_IPC_OWNER (with 0600 an unprivileged
 * SHM_EXEC would be EACCES).
 */
import type { MmapStep, ShmatFlag, ShmatStep, ShmdtStep, ShmgetStep } from '../../scenario/types'
import type { FileObject, Vma } from '../mm-types'
import { rangeText, type StepContext } from '../process'
import { doMmap, type FileSetup } from '../mm/mmap'
import { unmapRange } from '../mm/vma-munmap'

const NO_FLAGS: readonly ShmatFlag[] = []

/** "/SYSV%08x (deleted)": newseg()'s name for the segment's file, as /proc/PID/maps prints it. */
export function shmFileName(key: number): string {
  return `/SYSV${(key >>> 0).toString(16).padStart(8, '0')} (deleted)`
}

const segmentKey = (name: string): string => `sysv:${name}`

/** The segment a scenario name stands for (its shmid), if a shmget made or found it. */
function segmentNamed(ctx: StepContext, name: string): FileObject | undefined {
  return ctx.state.files.get(segmentKey(name))
}

/** ipcget_public(): the segment with this key (never IPC_PRIVATE's 0). */
function segmentWithKey(ctx: StepContext, key: number): FileObject | undefined {
  if (key === 0) return undefined
  for (const f of ctx.state.files.values()) if (f.kind === 'sysv-shm' && !f.shmAttach && f.shmKey === key) return f
  return undefined
}

/**
 * shmget(): ipcget() finds the segment (by the scenario's name, or by a key other than
 * IPC_PRIVATE: ipcget_public()) and checks it (IPC_CREAT|IPC_EXCL: EEXIST; shm_more_checks():
 * "if (shp->shm_segsz < params->u.size) return -EINVAL;"), or newseg() makes it:
 * "if (size < SHMMIN || size > ns->shm_ctlmax) return -EINVAL;". No VMA changes.
 */
export function doShmget(ctx: StepContext, step: ShmgetStep): void {
  const key = step.key ?? 0
  const found = segmentNamed(ctx, step.segment) ?? segmentWithKey(ctx, key)
  if (found) {
    if (step.exclusive) {
      ctx.fail('EEXIST', 'ipcget_public', () => `IPC_CREAT|IPC_EXCL: the segment ${step.segment} (key 0x${(found.shmKey ?? 0).toString(16)}) already exists`)
      return
    }
    const size = found.sizePages ?? 0
    if (size < step.pages) {
      ctx.fail('EINVAL', 'shm_more_checks', () => `the segment ${step.segment} has ${size} pages, fewer than the ${step.pages} asked for`)
      return
    }
    if (!segmentNamed(ctx, step.segment)) ctx.state.files.set(segmentKey(step.segment), found)
    ctx.note('ipcget_public', 'found', () => `the segment ${step.segment} already exists (${size} pages, ${found.display}): shmget returns its shmid`)
    return
  }
  if (step.pages === 0) {
    ctx.fail('EINVAL', 'newseg', 'a size of 0 is below SHMMIN (1 byte)')
    return
  }
  const segment = ctx.fileFor(segmentKey(step.segment), () => ({
    display: shmFileName(key), kind: 'sysv-shm', fs: 'tmpfs', isShmem: true, sizePages: step.pages, shmKey: key >>> 0,
  }))
  ctx.note('newseg', 'new-segment', () => `a new segment ${step.segment}: shmem_kernel_file_setup("${shmFileName(key).slice(1, 13)}", ${step.pages} pages)${key === 0 ? ' (IPC_PRIVATE)' : ''}; file ${segment.display}`)
}

/**
 * do_shmat(): the address (SHM_RND rounds an unaligned one down to SHMLBA, which is PAGE_SIZE
 * on x86; otherwise EINVAL; SHM_REMAP needs an address), the prot (SHM_RDONLY: PROT_READ and an
 * O_RDONLY file; SHM_EXEC adds PROT_EXEC), the segment (EINVAL for an id that names none), the
 * attach's own file (alloc_file_clone()), "if (addr && !(shmflg & SHM_REMAP)) ... if
 * (find_vma_intersection(current->mm, addr, addr + size)) goto invalid;" (EINVAL), then
 * do_mmap(file, addr, size, prot, MAP_SHARED | (addr ? MAP_FIXED : 0), 0).
 */
export function doShmat(ctx: StepContext, step: ShmatStep): void {
  const flags = step.flags ?? NO_FLAGS
  const has = (f: ShmatFlag): boolean => flags.includes(f)
  const offset = step.offset ?? 0
  // "unsigned long addr = (unsigned long)shmaddr;": page 0 of a window based at 0x0 is NULL.
  let at = step.at
  if (at !== undefined && offset === 0 && ctx.machine.basePage + at === 0) at = undefined
  if (at !== undefined || offset !== 0) {
    if (offset !== 0) {
      if (!has('SHM_RND')) {
        ctx.fail('EINVAL', 'do_shmat', () => `the address is ${offset} bytes past a page boundary, and SHM_RND is not given to round it down (SHMLBA is PAGE_SIZE on x86)`)
        return
      }
      // "addr &= ~(shmlba - 1); if (!addr && (shmflg & SHM_REMAP)) goto out;" — and then "flags |= MAP_FIXED"
      // all the same: an address that rounds down to 0 asks for a fixed mapping at address 0.
      if (at === undefined || ctx.machine.basePage + at === 0) {
        if (has('SHM_REMAP')) {
          ctx.fail('EINVAL', 'do_shmat', 'SHM_RND rounds the address down to 0, which SHM_REMAP may not replace')
          return
        }
        ctx.fail('EPERM', 'security_mmap_addr', 'SHM_RND rounds the address down to 0, and do_shmat() still asks for MAP_FIXED there: below vm.mmap_min_addr, refused unless the process has CAP_SYS_RAWIO')
        ctx.report.unpredictable = 'a fixed mapping at address 0 is refused (mmap_min_addr) unless the process has CAP_SYS_RAWIO, which the scenario does not say'
        return
      }
      ctx.note('do_shmat', 'shm-rnd', 'SHM_RND: the address is rounded down to the page boundary')
    }
  } else if (has('SHM_REMAP')) {
    ctx.fail('EINVAL', 'do_shmat', 'SHM_REMAP without an address: there is nothing to replace')
    return
  }
  const prot = `r${has('SHM_RDONLY') ? '-' : 'w'}${has('SHM_EXEC') ? 'x' : '-'}`
  const segment = segmentNamed(ctx, step.segment)
  if (!segment) {
    ctx.fail('EINVAL', 'shm_obtain_object_check', () => `no shmget made the segment ${step.segment}: its shmid names no segment`)
    return
  }
  const pages = segment.sizePages ?? 0
  ctx.note('do_shmat', 'segment', () => `the segment ${step.segment} (${segment.display}, ${pages} pages); prot ${prot}${has('SHM_RDONLY') ? ' from SHM_RDONLY, the attach file opened O_RDONLY' : ''}${has('SHM_EXEC') ? ', PROT_EXEC from SHM_EXEC' : ''}`)
  if (at !== undefined) {
    const start = at
    const end = at + pages
    if (end > ctx.windowPages) {
      ctx.fail('EINVAL', 'do_shmat', () => `${rangeText({ start, end })} runs past the end of the ${ctx.windowPages}-page window, into memory outside the scenario`)
      return
    }
    if (!has('SHM_REMAP') && ctx.mm.intersects(start, end)) {
      ctx.fail('EINVAL', 'do_shmat', () => `find_vma_intersection(): ${rangeText({ start, end })} overlaps an existing VMA, and SHM_REMAP is not given`)
      return
    }
    if (has('SHM_REMAP')) ctx.note('do_shmat', 'shm-remap', 'SHM_REMAP: MAP_FIXED replaces whatever is mapped there')
  }
  // alloc_file_clone(base, f_flags, &shm_file_operations): the attach's own struct file.
  const file = ctx.newFile({ display: segment.display, kind: 'sysv-shm', fs: 'tmpfs', isShmem: true, sizePages: pages, shmKey: segment.shmKey ?? 0, shmAttach: true })
  const setup: FileSetup = {
    file, hook: 'mmap', hookFlags: 0, anonymous: false, fileAfterHook: () => file, vmOpsClose: true, readOnly: has('SHM_RDONLY'),
    hookText: 'shm_mmap(): __shm_open(), the segment\'s shmem .mmap (vfs_mmap(sfd->file)), then vm_ops = shm_vm_ops (with .close = shm_close)',
  }
  const mmapStep: MmapStep = {
    op: 'mmap', pages, prot, share: 'shared', backing: { kind: 'shmem', file: step.segment, pgoff: 0 },
    ...(at !== undefined ? { at, mapFlags: ['MAP_FIXED'] } : {}),
  }
  doMmap(ctx, mmapStep, setup)
}

/** shm_vm_ops and the attach's vm_pgoff: "(vma->vm_start - addr)/PAGE_SIZE == vma->vm_pgoff" (unsigned: a VMA below addr never matches). */
const attachedFrom = (v: Vma, at: number): boolean => v.file?.kind === 'sysv-shm' && v.file.shmAttach === true && v.vmOpsClose && v.start >= at && v.start - at === v.pgoff

/**
 * ksys_shmdt(): "addr & ~PAGE_MASK" is EINVAL; then from find_vma(addr) on, the first VMA of
 * shm_vm_ops that starts where its attach would ("(vma->vm_start - addr)/PAGE_SIZE ==
 * vma->vm_pgoff") is unmapped, and its file and size recorded (EINVAL when there is none);
 * then every later VMA that ends within that size of addr, with the same file and the same
 * rule, is unmapped too (the pieces mprotect, mlock or munmap left). Errors of those unmaps
 * (a sealed VMA) are ignored, as ksys_shmdt() ignores do_vmi_align_munmap()'s answer.
 */
export function doShmdt(ctx: StepContext, step: ShmdtStep): void {
  if ((step.offset ?? 0) !== 0) {
    ctx.fail('EINVAL', 'ksys_shmdt', () => `the address is ${step.offset} bytes past a page boundary`)
    return
  }
  const mm = ctx.mm
  const at = step.at
  let i = mm.indexAfter(at)
  let first: Vma | undefined
  for (let v = mm.at(i); v; v = mm.at(++i)) {
    if (attachedFrom(v, at)) {
      first = v
      break
    }
  }
  if (!first) {
    ctx.fail('EINVAL', 'ksys_shmdt', () => `no VMA of a SysV attach starts at page ${at} (or, for a piece, where its vm_pgoff says the attach started)`)
    return
  }
  const file = first.file!
  const size = file.sizePages ?? 0
  const victims: Vma[] = [first]
  for (let v = mm.at(++i); v && v.end - at <= size; v = mm.at(++i)) {
    if (attachedFrom(v, at) && v.file === file) victims.push(v)
  }
  ctx.report.range = [first.start, victims[victims.length - 1]!.end]
  ctx.note('ksys_shmdt', 'attach', () => `the attach of ${file.display} at page ${at}: ${victims.map((v) => rangeText(v)).join(', ')} (the segment is ${size} pages)`)
  let unmapped = 0
  for (const v of victims) {
    const { start, end } = v
    const err = unmapRange(ctx, start, end)
    if (err) ctx.note('ksys_shmdt', 'unmap-error-ignored', () => `do_vmi_align_munmap() of ${rangeText({ start, end })} answered ${err}; ksys_shmdt() ignores it`)
    else unmapped++
  }
  ctx.report.outcome = unmapped > 0 ? 'unmapped' : 'unchanged'
}
