/**
 * Kernel profiles: the differences between releases, as data.
 *
 * The engine has one implementation of each kernel path; where releases differ
 * it asks the profile. Every switch names the change that introduced it.
 */
import type { KernelId } from './api'
import type { FileSystem } from '../scenario/types'

/**
 * Where VM_MERGEABLE is given to a new mapping under PR_SET_MEMORY_MERGE.
 * - 'late': ksm_add_vma() after the VMA exists, only on the new-VMA path (6.4 – 6.16, d7597f59d1d3).
 * - 'v2': the patch as posted in May 2025: early for anon/shmem/.mmap_prepare; late computed
 *   BEFORE the driver's .mmap hook from the pre-hook flags (its defect).
 * - 'fixed': cf7e7a3503df as landed in 6.17: early for anon/shmem/.mmap_prepare; late after the hook.
 */
export type KsmTimingModel = 'late' | 'v2' | 'fixed'

export interface KernelProfile {
  readonly id: KernelId
  /** Human name for the UI: "6.16 (KSM flag set late)". */
  readonly title: string
  readonly ksm: KsmTimingModel
  /**
   * anon_vma compatibility in is_mergeable_anon_vma():
   * 'legacy' (≤ 6.15: an unfaulted target's empty chain is "not singular", so a faulted range
   * never merges into it) or 'uncowed-parents' (6.16, 879bca0a2c4f).
   */
  readonly anonVmaRule: 'legacy' | 'uncowed-parents'
  /** file_operations->mmap_prepare exists (6.16). */
  readonly hasMmapPrepare: boolean
  /** __mmap_region() re-tries the merge after .mmap changed the flags (removed in 6.16). */
  readonly retryMergeAfterMmapHook: boolean
  /** File systems whose f_op has .mmap_prepare in this release (vfs-6.17 conversions). */
  readonly mmapPrepareFs: readonly FileSystem[]
  /** MADV_UNMERGEABLE cleared vm_flags bits ≥ 32 until f04aad36a07c (6.18-rc). */
  readonly unmergeableClearsHighFlags: boolean
  /** mremap(MREMAP_FIXED) without resize moves every VMA in the range (remap_move(), 6.17). */
  readonly mremapMovesManyVmas: boolean
  /**
   * mremap_to() unmaps the MREMAP_FIXED destination (do_munmap(new_addr, new_len)) and a shrink's
   * tail (do_munmap(addr + new_len, old_len - new_len)) BEFORE it checks the source: 6.1 and 6.6's
   * vma_to_resize() (to 6.12), then resize_is_valid() (6.13 – 6.16), each called after both
   * unmaps with old_len cut to new_len; so an EFAULT (a range past its VMA's end), EINVAL or a VM_DONTEXPAND/VM_PFNMAP
   * growth's EFAULT comes back with the destination already gone. The source's vma_lookup() EFAULT
   * (and from 6.12 the mseal EPERM) comes first in the syscall in every release. a85dc37186a5
   * ("mm/mremap: check remap conditions earlier", 6.17) checks in check_prep_vma() before mremap_to().
   */
  readonly mremapToUnmapsBeforeChecks: boolean
  /**
   * The mm/mremap.c function that checks the source VMA (old_len 0 of a private mapping, MREMAP_DONTUNMAP
   * of a VM_DONTEXPAND/VM_PFNMAP VMA, a range past the VMA's end, a VM_DONTEXPAND/VM_PFNMAP growth), and
   * with it where the call's other checks are made (the Why record names them; ./mm/mremap.ts CHECKED_IN):
   * - 'vma_to_resize' (6.1 – 6.12): vma_to_resize() looks the VMA up again and checks it; the parameter
   *   checks, the first lookup, the mseal check (6.12) and the huge page alignment are in the body of
   *   SYSCALL_DEFINE5(mremap), the overlap and map_count checks in mremap_to().
   * - 'resize_is_valid' (6.15, 6.16): "mm/mremap: clean up vma_to_resize()" (Liam R. Howlett, 6.13) left
   *   the lookup to the callers and renamed it resize_is_valid(); the vma_remap_struct rework of 6.15
   *   (Lorenzo Stoakes) put the parameter and map_count checks in check_mremap_params(), the lookup and
   *   the mseal check in do_mremap(), the alignment in align_hugetlb(); the overlap check stays in mremap_to().
   * - 'check_prep_vma' (6.17+): 000c0691ec6a ("mm/mremap: perform some simple cleanups") renamed it
   *   remap_is_valid(), f256a7a4ca1a ("mm/mremap: put VMA check and prep logic into helper function") made
   *   check_prep_vma() (the lookup's EFAULT, the mseal EPERM, align_hugetlb()), a85dc37186a5 called the
   *   check from there, and 9b2301bf8d65 ("mm/mremap: move remap_is_valid() into check_prep_vma()") folded
   *   it in, all in the 6.17 merge window: no release has remap_is_valid(). 3215eaceca87 ("mm/mremap:
   *   refactor initial parameter sanity checks") moved the overlap check into check_mremap_params().
   */
  readonly mremapSourceCheck: 'vma_to_resize' | 'resize_is_valid' | 'check_prep_vma'
  /**
   * dontunmap_complete() clears VM_ACCOUNT from the source VMA an MREMAP_DONTUNMAP move leaves behind, as
   * well as VM_LOCKED_MASK: b714ccb02a76 ("mm/mremap: complete refactor of move_vma()", 6.15) "mistakenly
   * introduced" it, and "mm/mremap: correctly account old mapping after MREMAP_DONTUNMAP remap" (Lorenzo
   * Stoakes, Oct 2025, Fixes: b714ccb02a76, Cc: stable) undid it for 6.18. The 6.17 profile follows the
   * 6.17 release, which has it; this machine's 6.18.44 keeps `ac` on the source.
   */
  readonly dontunmapClearsAccount: boolean
  /**
   * The merge code: 'vma_merge' is mm/mmap.c vma_merge() with its numbered cases (and
   * __mmap_region()'s own expand attempt), up to 6.11 (./mm/mmap-vma-merge.ts); 'vma_merge_range' is
   * mm/vma.c vma_merge_new_range()/vma_merge_existing_range() (./mm/vma.ts), from 6.12
   * (the series "mm: remove vma_merge()", Lorenzo Stoakes, Aug 2024).
   */
  readonly mergeCode: 'vma_merge' | 'vma_merge_range'
  /**
   * vma_merge(): is_mergeable_vma() refuses any neighbour with vm_ops->close ('any-neighbour',
   * 6.1), or only one the merge would remove ('removed-only', 714965ca8252 "mm/mmap: start
   * distinguishing if vma can be removed in mergeability test", 6.5).
   */
  readonly vmaMergeCloseRule: 'any-neighbour' | 'removed-only'
  /** prctl(PR_SET_MEMORY_MERGE) exists (d7597f59d1d3 "mm: add new api to enable ksm per process", 6.4); before, EINVAL. */
  readonly hasMemoryMerge: boolean
  /** MAP_DROPPABLE exists (9651fcedf7b9 "mm: add MAP_DROPPABLE for designating always lazily freeable mappings", 6.11); before, do_mmap()'s map-type switch answers EINVAL. */
  readonly hasMapDroppable: boolean
  /**
   * mprotect_fixup() drops VM_ACCOUNT when an unfaulted anonymous VMA stops being writable
   * ("mm/mprotect: allow unfaulted VMAs to be unaccounted on mprotect()", Lorenzo Stoakes, 6.7).
   */
  readonly mprotectUnaccountsUnfaulted: boolean
  /**
   * The retry merge after a .mmap hook changed the flags (when retryMergeAfterMmapHook):
   * 'new-range' merges the not-yet-inserted VMA as a new range, only when it has a prev
   * (mmap_region(), ≤ 6.12: `vm_flags != vma->vm_flags && prev`); 'inserted-vma' merges the
   * inserted VMA with vma_merge_existing_range() (__mmap_region() after "mm: refactor
   * __mmap_region()", 6.13 – 6.15).
   */
  readonly retryMergeOf: 'new-range' | 'inserted-vma'
  /**
   * A range copied by mremap (copy_vma → vma_merge_copied_range) is refused by an unfaulted
   * neighbour when the VMA it was copied from is a fork child: is_mergeable_anon_vma() also
   * checks vmg->copied_from. 6.18.8 stable, e96ecd36c329 ("mm/vma: enforce VMA fork limit on
   * unfaulted,faulted mremap merge too", upstream 3b617fd3d317); 6.19 mainline. Releases with
   * the legacy anon_vma rule never allowed that merge anyway.
   */
  readonly copiedFromForkCheck: boolean
  /** Listed as a long-term release on kernel.org (www.kernel.org/category/releases.html). Display only: the Kernel select groups by it. */
  readonly longTerm: boolean
  /**
   * __get_unmapped_area() sends kernel-placed anonymous mappings to thp_get_unmapped_area():
   * added by efa7df3e3bb5 ("mm: align larger anonymous mappings on THP boundaries", 6.7) and
   * limited to multiples of PMD_SIZE by d4148aeab412 (6.12). Before 6.7 only files whose
   * get_unmapped_area is thp_get_unmapped_area (ext4, private /dev/zero) are aligned.
   */
  readonly thpAlignsAnon: boolean
  /**
   * The anon_inode mount (perf, io_uring files) is SB_I_NOEXEC: 1ed95281c0c7 ("anon_inode:
   * raise SB_I_NODEV and SB_I_NOEXEC", 6.15). Debian's 6.1.192 still maps them with
   * VM_MAYEXEC and allows PROT_EXEC (checked under QEMU). The stable backport went to 6.15.y
   * only (a7c94fc2c869 and 1100b51072a3 in linux-6.15.y, June 2025); the same stable-rc push
   * that queued it for 6.15 did not queue it for 6.12, whose fs/anon_inodes.c lacks the
   * prerequisite "anon_inode: use a proper mode internally". So 6.6 and 6.12 keep VM_MAYEXEC.
   */
  readonly anonInodeNoexec: boolean
  /**
   * calc_vm_flag_bits() turns MAP_STACK into VM_NOHUGEPAGE: c4608d1bf7c6 ("mm: mmap: map MAP_STACK
   * to VM_NOHUGEPAGE", 6.7), the companion of efa7df3e3bb5 (thpAlignsAnon). Before, MAP_STACK is
   * accepted and ignored. Off for 6.1 and 6.6, as thpAlignsAnon is (whether a stable release carries the backport is not checked).
   */
  readonly mapStackNoHugepage: boolean
  /**
   * perf_mmap() maps the ring buffer at mmap time with remap_pfn_range (VM_PFNMAP|VM_IO):
   * b709eb872e19 ("perf/core: map pages in advance", 6.15). Not in 6.6 or 6.12: its stable
   * follow-up f74b9f4ba63f ("perf/core: Handle buffer mapping fail correctly in perf_mmap()",
   * Fixes: b709eb872e19) was sent for 6.15 and 6.16 only. Debian's 6.1 shows no VM_PFNMAP.
   */
  readonly perfMapsInAdvance: boolean
  /**
   * __mmap_complete() clears VM_LOCKED (mm->def_flags after mlockall(MCL_FUTURE)) from a new
   * VM_DROPPABLE mapping too: vma_supports_mlock(), d239462787b0 ("mm: prevent droppable mappings
   * from being locked", Fixes: 9651fcedf7b9), a stable fix seen in this machine's 6.18.44. The
   * other profiles' releases predate it (the 6.12.y backport was posted in April 2026; whether the
   * 6.12 profile's tree carries it is not checked), so there a droppable mapping stays VM_LOCKED.
   */
  readonly mmapUnlocksDroppable: boolean
  /**
   * mseal(2) exists: 8be7258aad44 ("mseal: add mseal syscall", 6.10), syscall 462 on x86-64;
   * before, the syscall table has no entry and the call answers ENOSYS. Every release here that
   * has it checks the seal VMA by VMA (can_modify_vma() in vms_gather_munmap_vmas(),
   * mprotect_fixup(), mremap, madvise_vma_behavior(): Pedro Falcato's "mm: Optimize mseal
   * checks" series, 6.12), not over the whole range first as 6.10 and 6.11 did.
   */
  readonly hasMseal: boolean
}

const P = (p: KernelProfile): KernelProfile => Object.freeze(p)

/** What 6.13 – 6.18 share beyond the fields each release sets. */
const RANGE_MERGE = {
  mergeCode: 'vma_merge_range', vmaMergeCloseRule: 'removed-only', hasMemoryMerge: true, hasMapDroppable: true,
  mprotectUnaccountsUnfaulted: true, retryMergeOf: 'inserted-vma',
} as const

/**
 * The long-term profiles were read from these trees (top-level Makefile VERSION.PATCHLEVEL.SUBLEVEL):
 * - 6.1: GrapheneOS/kernel_common-6.1, 6.1.131 (mm/mmap.c vma_merge(), __mmap_region(), do_brk_flags(),
 *   copy_vma()); checked against Debian's linux-image-6.1.0-57-cloud-amd64 (6.1.192) under QEMU.
 * - 6.6: GrapheneOS/kernel_common-6.6, 6.6.129 (mm/mmap.c vma_merge() with curr/next and its cases,
 *   is_mergeable_vma(..., may_remove_vma)). Its include/linux/mm.h has `VM_MERGEABLE BIT(31)`: the
 *   f04aad36a07c fix, backported to every stable series down to 5.4.302 and 5.10.247. 6.6 has no flag
 *   above bit 31 that the engine models (VM_SEALED is 6.10, VM_DROPPABLE 6.11), so only the profile
 *   value shows it.
 * - 6.12: GrapheneOS/kernel_common-6.12, 6.12.93 (mm/vma.c vma_merge_struct, can_vma_merge_left/right,
 *   the three-argument is_mergeable_anon_vma()). Its MADV_UNMERGEABLE keeps flags above bit 31:
 *   f04aad36a07c ("mm/ksm: fix flag-dropping behavior in ksm_madvise") went to 6.12.55 stable.
 */
export const PROFILES: Readonly<Record<KernelId, KernelProfile>> = {
  '6.1': P({
    longTerm: true, id: '6.1', title: '6.1 LTS: no PR_SET_MEMORY_MERGE; the old vma_merge(); MADV_MERGEABLE merges',
    ksm: 'late', anonVmaRule: 'legacy', hasMmapPrepare: false, retryMergeAfterMmapHook: true,
    mmapPrepareFs: [], unmergeableClearsHighFlags: true, mremapMovesManyVmas: false, mremapToUnmapsBeforeChecks: true, mremapSourceCheck: 'vma_to_resize', dontunmapClearsAccount: false,
    mergeCode: 'vma_merge', vmaMergeCloseRule: 'any-neighbour', hasMemoryMerge: false, hasMapDroppable: false,
    mprotectUnaccountsUnfaulted: false, retryMergeOf: 'new-range', copiedFromForkCheck: false, thpAlignsAnon: false, mapStackNoHugepage: false, anonInodeNoexec: false, perfMapsInAdvance: false, mmapUnlocksDroppable: false, hasMseal: false,
  }),
  '6.6': P({
    longTerm: true, id: '6.6', title: '6.6 LTS: KSM flag set late; the old vma_merge()',
    ksm: 'late', anonVmaRule: 'legacy', hasMmapPrepare: false, retryMergeAfterMmapHook: true,
    mmapPrepareFs: [], unmergeableClearsHighFlags: false, mremapMovesManyVmas: false, mremapToUnmapsBeforeChecks: true, mremapSourceCheck: 'vma_to_resize', dontunmapClearsAccount: false,
    mergeCode: 'vma_merge', vmaMergeCloseRule: 'removed-only', hasMemoryMerge: true, hasMapDroppable: false,
    mprotectUnaccountsUnfaulted: false, retryMergeOf: 'new-range', copiedFromForkCheck: false, thpAlignsAnon: false, mapStackNoHugepage: false, anonInodeNoexec: false, perfMapsInAdvance: false, mmapUnlocksDroppable: false, hasMseal: false,
  }),
  '6.12': P({
    longTerm: true, id: '6.12', title: '6.12 LTS: KSM flag set late; vma_merge_new_range(); old anon_vma rule',
    ksm: 'late', anonVmaRule: 'legacy', hasMmapPrepare: false, retryMergeAfterMmapHook: true,
    mmapPrepareFs: [], unmergeableClearsHighFlags: false, mremapMovesManyVmas: false, mremapToUnmapsBeforeChecks: true, mremapSourceCheck: 'vma_to_resize', dontunmapClearsAccount: false,
    mergeCode: 'vma_merge_range', vmaMergeCloseRule: 'removed-only', hasMemoryMerge: true, hasMapDroppable: true,
    mprotectUnaccountsUnfaulted: true, retryMergeOf: 'new-range', copiedFromForkCheck: false, thpAlignsAnon: true, mapStackNoHugepage: true, anonInodeNoexec: false, perfMapsInAdvance: false, mmapUnlocksDroppable: false, hasMseal: true,
  }),
  '6.15': P({
    longTerm: false, id: '6.15', title: '6.15: KSM flag set late; old anon_vma rule; mmap retry merge',
    ksm: 'late', anonVmaRule: 'legacy', hasMmapPrepare: false, retryMergeAfterMmapHook: true,
    mmapPrepareFs: [], unmergeableClearsHighFlags: true, mremapMovesManyVmas: false, mremapToUnmapsBeforeChecks: true, mremapSourceCheck: 'resize_is_valid', dontunmapClearsAccount: true, ...RANGE_MERGE, copiedFromForkCheck: false, thpAlignsAnon: true, mapStackNoHugepage: true, anonInodeNoexec: true, perfMapsInAdvance: true, mmapUnlocksDroppable: false, hasMseal: true,
  }),
  '6.16': P({
    longTerm: false, id: '6.16', title: '6.16: KSM flag set late, after the merge attempt',
    ksm: 'late', anonVmaRule: 'uncowed-parents', hasMmapPrepare: true, retryMergeAfterMmapHook: false,
    mmapPrepareFs: [], unmergeableClearsHighFlags: true, mremapMovesManyVmas: false, mremapToUnmapsBeforeChecks: true, mremapSourceCheck: 'resize_is_valid', dontunmapClearsAccount: true, ...RANGE_MERGE, copiedFromForkCheck: false, thpAlignsAnon: true, mapStackNoHugepage: true, anonInodeNoexec: true, perfMapsInAdvance: true, mmapUnlocksDroppable: false, hasMseal: true,
  }),
  v2: P({
    longTerm: false, id: 'v2', title: 'v2: the fix as posted (May 2025), late path before the .mmap hook',
    ksm: 'v2', anonVmaRule: 'uncowed-parents', hasMmapPrepare: true, retryMergeAfterMmapHook: false,
    mmapPrepareFs: [], unmergeableClearsHighFlags: true, mremapMovesManyVmas: false, mremapToUnmapsBeforeChecks: true, mremapSourceCheck: 'resize_is_valid', dontunmapClearsAccount: true, ...RANGE_MERGE, copiedFromForkCheck: false, thpAlignsAnon: true, mapStackNoHugepage: true, anonInodeNoexec: true, perfMapsInAdvance: true, mmapUnlocksDroppable: false, hasMseal: true,
  }),
  '6.17': P({
    longTerm: false, id: '6.17', title: '6.17: KSM flag set early for anon, shmem and .mmap_prepare',
    ksm: 'fixed', anonVmaRule: 'uncowed-parents', hasMmapPrepare: true, retryMergeAfterMmapHook: false,
    mmapPrepareFs: ['ext4'], unmergeableClearsHighFlags: true, mremapMovesManyVmas: true, mremapToUnmapsBeforeChecks: false, mremapSourceCheck: 'check_prep_vma', dontunmapClearsAccount: true, ...RANGE_MERGE, copiedFromForkCheck: false, thpAlignsAnon: true, mapStackNoHugepage: true, anonInodeNoexec: true, perfMapsInAdvance: true, mmapUnlocksDroppable: false, hasMseal: true,
  }),
  // The 6.18 stable series as of 6.18.8 (this machine runs 6.18.44).
  '6.18': P({
    longTerm: true, id: '6.18', title: '6.18 stable (6.18.8+): as 6.17, with the mremap fork-limit fix',
    ksm: 'fixed', anonVmaRule: 'uncowed-parents', hasMmapPrepare: true, retryMergeAfterMmapHook: false,
    mmapPrepareFs: ['ext4'], unmergeableClearsHighFlags: false, mremapMovesManyVmas: true, mremapToUnmapsBeforeChecks: false, mremapSourceCheck: 'check_prep_vma', dontunmapClearsAccount: false, ...RANGE_MERGE, copiedFromForkCheck: true, thpAlignsAnon: true, mapStackNoHugepage: true, anonInodeNoexec: true, perfMapsInAdvance: true, mmapUnlocksDroppable: true, hasMseal: true,
  }),
}

export function profileFor(id: KernelId): KernelProfile {
  return PROFILES[id]
}
