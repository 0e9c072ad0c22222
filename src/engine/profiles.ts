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
   * A range copied by mremap (copy_vma → vma_merge_copied_range) is refused by an unfaulted
   * neighbour when the VMA it was copied from is a fork child: is_mergeable_anon_vma() also
   * checks vmg->copied_from. 6.18.8 stable, e96ecd36c329 ("mm/vma: enforce VMA fork limit on
   * unfaulted,faulted mremap merge too", upstream 3b617fd3d317); 6.19 mainline.
   */
  readonly copiedFromForkCheck: boolean
}

const P = (p: KernelProfile): KernelProfile => Object.freeze(p)

export const PROFILES: Readonly<Record<KernelId, KernelProfile>> = {
  '6.15': P({
    id: '6.15', title: '6.15: KSM flag set late; old anon_vma rule; mmap retry merge',
    ksm: 'late', anonVmaRule: 'legacy', hasMmapPrepare: false, retryMergeAfterMmapHook: true,
    mmapPrepareFs: [], unmergeableClearsHighFlags: true, mremapMovesManyVmas: false, copiedFromForkCheck: false,
  }),
  '6.16': P({
    id: '6.16', title: '6.16: KSM flag set late, after the merge attempt',
    ksm: 'late', anonVmaRule: 'uncowed-parents', hasMmapPrepare: true, retryMergeAfterMmapHook: false,
    mmapPrepareFs: [], unmergeableClearsHighFlags: true, mremapMovesManyVmas: false, copiedFromForkCheck: false,
  }),
  v2: P({
    id: 'v2', title: 'v2: the fix as posted (May 2025), late path before the .mmap hook',
    ksm: 'v2', anonVmaRule: 'uncowed-parents', hasMmapPrepare: true, retryMergeAfterMmapHook: false,
    mmapPrepareFs: [], unmergeableClearsHighFlags: true, mremapMovesManyVmas: false, copiedFromForkCheck: false,
  }),
  '6.17': P({
    id: '6.17', title: '6.17: KSM flag set early for anon, shmem and .mmap_prepare',
    ksm: 'fixed', anonVmaRule: 'uncowed-parents', hasMmapPrepare: true, retryMergeAfterMmapHook: false,
    mmapPrepareFs: ['ext4'], unmergeableClearsHighFlags: true, mremapMovesManyVmas: true, copiedFromForkCheck: false,
  }),
  '6.18': P({
    // The 6.18 stable release as of 6.18.8 and later (this machine runs 6.18.44).
    id: '6.18', title: '6.18 stable (≥ 6.18.8): as 6.17, and mremap merges check the copied-from VMA for fork state',
    ksm: 'fixed', anonVmaRule: 'uncowed-parents', hasMmapPrepare: true, retryMergeAfterMmapHook: false,
    mmapPrepareFs: ['ext4'], unmergeableClearsHighFlags: false, mremapMovesManyVmas: true, copiedFromForkCheck: true,
  }),
}

export function profileFor(id: KernelId): KernelProfile {
  return PROFILES[id]
}
