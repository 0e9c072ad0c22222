/**
 * Files on the kernel's internal mounts that a process can map: secretmem
 * (mm/secretmem.c), perf ring buffers (kernel/events/core.c perf_mmap()) and
 * io_uring rings (io_uring/memmap.c io_uring_mmap()). Each mount is noexec
 * (SB_I_NOEXEC), so do_mmap() clears VM_MAYEXEC and refuses PROT_EXEC with
 * EPERM (the anon_inode mount only from 6.15). What each hook checks and which flags it sets, as 6.18 does it
 * (checked against this machine's 6.18.44: smaps VmFlags "rd wr sh mr mw ms lo dd"
 * for secretmem, "… pf io dc de dd" for perf, "… de mm" for io_uring).
 */
import type { KernelProfile } from './profiles'
import { VM_DONTCOPY, VM_DONTDUMP, VM_DONTEXPAND, VM_IO, VM_LOCKED, VM_MIXEDMAP, VM_PFNMAP, type VmFlags } from './flags'

/** IORING_OFF_CQ_RING (0x8000000) and IORING_OFF_SQES (0x10000000) in pages. */
export const IO_URING_CQ_RING_PGOFF = 0x8000000 / 4096
export const IO_URING_SQES_PGOFF = 0x10000000 / 4096

export type SpecialKind = 'secretmem' | 'perf' | 'io_uring'

/** The checks a hook makes, in its order; returns [errno, kernel function, reason] or null. */
export function specialHookRefusal(kind: SpecialKind, shared: boolean, pages: number, pgoff: number): [string, string, string] | null {
  switch (kind) {
    case 'secretmem':
      // secretmem_mmap_prepare(): "if ((desc->vm_flags & (VM_SHARED | VM_MAYSHARE)) == 0) return -EINVAL;"
      if (!shared) return ['EINVAL', 'secretmem_mmap_prepare', 'a secretmem mapping must be shared: MAP_PRIVATE is refused']
      return null
    case 'perf': {
      // perf_mmap(): "if (!(vma->vm_flags & VM_SHARED)) return -EINVAL;"
      if (!shared) return ['EINVAL', 'perf_mmap', 'a perf ring buffer must be mapped MAP_SHARED']
      // vm_pgoff != 0 maps the AUX area, which needs the data buffer's aux_offset set up first.
      if (pgoff !== 0) return ['EINVAL', 'perf_mmap', 'pgoff is not 0: that is the AUX area, which needs a data buffer whose aux_offset/aux_size are set']
      // "nr_pages = vma_size / PAGE_SIZE - 1; if (nr_pages != 0 && !is_power_of_2(nr_pages)) return -EINVAL;"
      const dataPages = pages - 1
      if (dataPages !== 0 && (dataPages & (dataPages - 1)) !== 0) {
        return ['EINVAL', 'perf_mmap', `${pages} pages is not 1 + 2^n (one control page and a power-of-two data buffer)`]
      }
      return null
    }
    case 'io_uring':
      // io_uring_mmap() → io_uring_validate_mmap_request(): only the known offsets.
      if (pgoff !== 0 && pgoff !== IO_URING_CQ_RING_PGOFF && pgoff !== IO_URING_SQES_PGOFF) {
        return ['EINVAL', 'io_uring_validate_mmap_request', `pgoff ${pgoff} is none of IORING_OFF_SQ_RING (0), IORING_OFF_CQ_RING (${IO_URING_CQ_RING_PGOFF}), IORING_OFF_SQES (${IO_URING_SQES_PGOFF})`]
      }
      return null
  }
}

/** The VM_* flags each hook sets (perf: VM_PFNMAP|VM_IO only where it maps the pages at mmap time, 6.15+). */
export function specialHookFlags(kind: SpecialKind, profile: KernelProfile): VmFlags {
  switch (kind) {
    case 'secretmem': return VM_LOCKED | VM_DONTDUMP // secretmem_mmap_prepare()
    case 'perf': return VM_DONTCOPY | VM_DONTEXPAND | VM_DONTDUMP | (profile.perfMapsInAdvance ? VM_PFNMAP | VM_IO : 0) // perf_mmap(), map_range() (remap_pfn_range)
    case 'io_uring': return VM_DONTEXPAND | VM_MIXEDMAP // io_region_mmap(), vm_insert_pages()
  }
}

/** path_noexec(): secretmem's mount always; the anon_inode mount (perf, io_uring) from 1ed95281c0c7 (6.15). */
export function specialNoexec(kind: SpecialKind, profile: KernelProfile): boolean {
  return kind === 'secretmem' || profile.anonInodeNoexec
}

export const SPECIAL_DISPLAY: Record<SpecialKind, string> = {
  secretmem: '/secretmem (deleted)',
  perf: 'anon_inode:[perf_event]',
  io_uring: 'anon_inode:[io_uring]',
}
