/**
 * mremap() in mm/mremap.ts, path by path: the errno, the VMAs after the call (with the names of
 * the mappings whose pages they hold), the range the call reports, and what the Why panel says in
 * mremap's own functions (check_mremap_params, remap_move, vma_multi_allowed, check_prep_vma
 * (vma_to_resize up to 6.12, resize_is_valid in 6.15 and 6.16), mremap_to, mremap_at, expand_vma, vma_merge_extend, prep_move_vma/move_vma,
 * copy_vma, unmap_source_vma, dontunmap_complete, the populate of do_mremap); the merge, split
 * and munmap lines those make are pinned by vma-record.test.ts and the corpus.
 *
 * Where: every 6.18 errno and VMA layout here is what this machine's real 6.18.44 did with the
 * same calls (`npm run record`, 2026-12-03), except the cases whose comment says they are read from
 * the kernel source (a driver other than /dev/zero, an empty huge page pool, a window with no hole,
 * and THP placement, which depends on the real window's base); the recorder cannot see anon_vmas, so "faulted" is
 * from the kernel source (copy_vma() → anon_vma_clone(); dontunmap_complete()'s
 * unlink_anon_vmas() of a wholly moved source). The 6.12 and 6.1 cases are read from those
 * releases' mm/mremap.c (mremap_to(), vma_to_resize(), move_vma()) and mm/mmap.c (6.1 vma_merge()),
 * worked by hand, as is the 6.16 case (mremap_to() of the vma_remap_struct rework, as mainline had
 * it at 000c0691ec6a "mm/mremap: perform some simple cleanups", the commit before the series'
 * a85dc37186a5 "mm/mremap: check remap conditions earlier" moved the checks ahead of the unmaps);
 * the old-kernel order is also compared with Debian's 6.1 under QEMU (corpus scenario
 * mremap-fixed-error-after-destination-unmapped, real-6.1.test.ts).
 * Names follow the pages as the recorder tracks them; where a call fails part way or leaves
 * the source behind (MREMAP_DONTUNMAP) the recorder names nothing and the names are the engine's
 * rule that a page keeps the name of the mapping that made it.
 *
 * The window starts at the default base 0x7f0000000000, page 34091302912: an unfaulted anonymous
 * VMA moved to page p takes pgoff 34091302912 + p (copy_vma(): "pgoff = addr >> PAGE_SHIFT").
 */
import { describe, expect, it } from 'vitest'
import type { KernelId } from '../api'
import { checkLine, takeLastStep } from '../testing/explained-step'

/** The functions of mm/mremap.c whose lines these tests pin (perf's and hugetlb's may_split as mremap meets them). */
const MREMAP_FNS = new Set([
  'check_mremap_params', 'align_hugetlb', 'vma_lookup', 'remap_move', 'vma_multi_allowed', 'check_prep_vma', 'remap_is_valid',
  'sys_mremap', 'vma_to_resize', 'resize_is_valid', 'shrink_vma', 'vma_merge',
  'mremap_to', 'mremap_at', 'mremap', 'expand_vma', 'vma_merge_extend', 'get_unmapped_area', 'io_uring_get_unmapped_area',
  'vma_adjust', 'move_vma', 'prep_move_vma', 'perf_mmap_may_split', 'hugetlb_vm_op_split', 'copy_vma', 'unmap_source_vma', 'dontunmap_complete', 'do_mremap',
])

interface Case {
  title: string
  kernel: KernelId
  doc: Record<string, unknown>
  error: string | null
  outcome: string | null
  range: [number, number]
  vmas: string
  record: string[]
}

const B = 34091302912
type S = Record<string, unknown>
const anon = (name: string, at: number, pages: number, extra: S = {}): S => ({ op: 'mmap', name, at, pages, prot: 'rw-', share: 'private', backing: { kind: 'anon' }, ...extra })
const ro = (name: string, at: number, pages: number): S => anon(name, at, pages, { prot: 'r--' })
const locked = (name: string, at: number, pages: number): S => anon(name, at, pages, { mapFlags: ['MAP_LOCKED'] })
const devZero = (name: string, at: number, pages: number, share = 'private', pgoff = 0): S =>
  ({ op: 'mmap', name, at, pages, prot: 'rw-', share, backing: { kind: 'device', file: '/dev/zero', pgoff, hook: 'mmap', setsFlags: [] } })
const ext4 = (name: string, at: number, pages: number): S => ({ op: 'mmap', name, at, pages, prot: 'rw-', share: 'private', backing: { kind: 'file', file: 'F', pgoff: 0, fs: 'ext4' } })
const perf = (name: string, at: number): S => ({ op: 'mmap', name, at, pages: 3, prot: 'rw-', share: 'shared', backing: { kind: 'perf', file: 'P', pgoff: 0 } })
/** io_uring rings cannot be placed at a chosen address: the kernel puts them top-down (page 63, then 62). */
const ring = (name: string): S => ({ op: 'mmap', name, pages: 1, prot: 'rw-', share: 'shared', backing: { kind: 'io_uring', file: 'U', pgoff: 0 } })
/** A driver whose .mmap adds VM_IO only (no VM_DONTEXPAND or VM_PFNMAP, which check_prep_vma refuses first). */
const driverIo = (name: string, at: number, pages: number): S =>
  ({ op: 'mmap', name, at, pages, prot: 'rw-', share: 'shared', backing: { kind: 'device', file: '/dev/drv', pgoff: 0, hook: 'mmap', setsFlags: ['VM_IO'] } })
/** MAP_HUGETLB of 512 pages (one 2 MiB huge page); MAP_NORESERVE, since the engine assumes an empty pool. */
const huge = (name: string, at: number): S => anon(name, at, 512, { mapFlags: ['MAP_HUGETLB', 'MAP_NORESERVE'] })
const mremap = (at: number, pages: number, newPages: number, extra: S = {}): S => ({ op: 'mremap', at, pages, newPages, ...extra })
const seal = (at: number, pages: number): S => ({ op: 'mseal', at, pages })
const touch = (at: number, pages: number): S => ({ op: 'touch', at, pages, write: true })
const doc = (steps: S[], extra: S = {}): S => ({ windowPages: 64, placement: 'fixed', steps, ...extra })

/** Lines several cases share. */
const resetTo = (page: number, range: string) =>
  `copy_vma pgoff-reset pass middle ${range}: the VMA is anonymous and unfaulted: its pgoff becomes the destination's absolute page ${B + page} (addr >> PAGE_SHIFT; window base 0x7f0000000000), to increase its chance of merging`
const kept = (pgoff: number, range: string) => `copy_vma pgoff-kept pass middle ${range}: the VMA is faulted: it keeps pgoff ${pgoff}, so it merges only where that is linear`
const newAt = (range: string) => `copy_vma new-vma pass new ${range}: a new VMA ${range} at the destination`
const notTogether = (range: string) => `vma_multi_allowed errno FAIL middle ${range}: EFAULT: ${range} cannot be moved together with other VMAs (its file has its own get_unmapped_area, or it is VM_DONTEXPAND/VM_PFNMAP)`
const noRoom = (range: string) => `mremap no-room pass middle ${range}: no room to grow ${range} in place`
const stays = (range: string, more = '') => `dontunmap_complete source-stays pass middle ${range}: MREMAP_DONTUNMAP: ${range} stays mapped, without its pages${more}`
const mapCount = (fn: string, count: number, max: number) => `${fn} errno FAIL: ENOMEM: map_count ${count} is too close to max_map_count ${max}`
const unmappedFirst = (more = '') => `mremap_to unmapped-before-check pass: up to 6.16 mremap_to() checks the source only after unmapping the destination${more}: they stay unmapped`
/** vma_merge_extend() (6.7+) or, in 6.1 and 6.6, the syscall's own vma_merge() call. */
const mergeExtendFails = (fn: 'vma_merge_extend' | 'vma_merge') => `${fn} errno FAIL: ENOMEM: the VMA could not be expanded in place`
/** The source check: vma_to_resize() up to 6.12, resize_is_valid() in 6.15 and 6.16, check_prep_vma() from 6.17. */
type SourceCheck = 'vma_to_resize' | 'resize_is_valid' | 'check_prep_vma'
const perfResize = (fn: SourceCheck) => `${fn} errno FAIL middle [2,5): EFAULT: [2,5) has VM_DONTEXPAND or VM_PFNMAP and cannot be resized`
const perfDontUnmap = (fn: SourceCheck) => `${fn} errno FAIL middle [2,5): EINVAL: [2,5) has VM_DONTEXPAND or VM_PFNMAP: MREMAP_DONTUNMAP cannot leave it behind`
const RING_FIXED = 'io_uring_get_unmapped_area errno FAIL middle [63,64): EINVAL: [63,64) is an io_uring ring: it cannot be moved to an address the caller chooses (the destination was already unmapped)'
const perfSplit = (at: number) => `perf_mmap_may_split may-split FAIL middle [2,5): [2,5) is a perf ring buffer: its vm_ops->may_split refuses a split at page ${at} (EINVAL)`
const PREP_SPLIT = 'prep_move_vma errno FAIL middle [2,5): EINVAL: moving part of [2,5) would split it, and its vm_ops->may_split refuses'
const populated = (pages: number, range: string) => `do_mremap populate pass: the VMA is VM_LOCKED: mm_populate() faults in the ${pages} page${pages === 1 ? '' : 's'} it grew by, ${range}`

const CASES: Case[] = [
  // check_mremap_params()
  {
    title: 'MREMAP_DONTUNMAP without MREMAP_MAYMOVE is EINVAL', kernel: '6.18',
    doc: doc([anon('A', 0, 2), mremap(0, 2, 2, { dontUnmap: true })]),
    error: 'EINVAL', outcome: null, range: [0, 2], vmas: '[0,2) A',
    record: ['check_mremap_params errno FAIL: EINVAL: MREMAP_DONTUNMAP implies a move: without MREMAP_MAYMOVE it is invalid'],
  },
  {
    title: 'MREMAP_DONTUNMAP with new_len != old_len is EINVAL', kernel: '6.18',
    doc: doc([anon('A', 0, 2), mremap(0, 2, 3, { mayMove: true, dontUnmap: true })]),
    error: 'EINVAL', outcome: null, range: [0, 2], vmas: '[0,2) A',
    record: ['check_mremap_params errno FAIL: EINVAL: MREMAP_DONTUNMAP does not allow resizing: old_len must equal new_len'],
  },
  {
    title: 'a destination that overlaps the source from above is EINVAL', kernel: '6.18',
    doc: doc([anon('A', 0, 2), mremap(0, 2, 2, { to: 1 })]),
    error: 'EINVAL', outcome: null, range: [0, 2], vmas: '[0,2) A',
    record: ['check_mremap_params errno FAIL: EINVAL: the destination overlaps the source'],
  },
  {
    title: 'a destination that overlaps the source from below is EINVAL', kernel: '6.18',
    doc: doc([anon('A', 4, 2), mremap(4, 2, 2, { to: 3 })]),
    error: 'EINVAL', outcome: null, range: [4, 6], vmas: '[4,6) A',
    record: ['check_mremap_params errno FAIL: EINVAL: the destination overlaps the source'],
  },
  {
    title: 'a destination right after the source does not overlap it: the copy merges with the source, which is then unmapped', kernel: '6.18',
    doc: doc([anon('A', 0, 2), mremap(0, 2, 2, { to: 2 })]),
    error: null, outcome: 'merged-prev', range: [2, 4], vmas: '[2,4) A',
    record: [resetTo(2, '[0,2)'), 'copy_vma merged pass new [0,4): the moved range merged with prev: [0,4)'],
  },
  {
    title: 'a destination right before the source does not overlap it: the copy merges with the source as next', kernel: '6.18',
    doc: doc([anon('A', 4, 2), mremap(4, 2, 2, { to: 2 })]),
    error: null, outcome: 'merged-next', range: [2, 4], vmas: '[2,4) A',
    record: [resetTo(2, '[4,6)'), 'copy_vma merged pass new [2,6): the moved range merged with next: [2,6)'],
  },
  {
    title: 'MREMAP_FIXED: map_count + 2 >= max_map_count - 3 is ENOMEM before anything is unmapped', kernel: '6.18',
    doc: doc([anon('A', 0, 1), anon('B', 2, 1), mremap(0, 1, 1, { to: 10 })], { maxMapCount: 7 }),
    error: 'ENOMEM', outcome: null, range: [0, 1], vmas: '[0,1) A [2,3) B',
    record: [mapCount('check_mremap_params', 2, 7)],
  },
  {
    title: 'MREMAP_FIXED: one VMA fewer and the move goes ahead', kernel: '6.18',
    doc: doc([anon('A', 0, 1), mremap(0, 1, 1, { to: 10 })], { maxMapCount: 7 }),
    error: null, outcome: 'moved', range: [10, 11], vmas: '[10,11) A',
    record: [resetTo(10, '[0,1)'), newAt('[10,11)')],
  },
  {
    title: 'MREMAP_DONTUNMAP without a new address: the same map_count check', kernel: '6.18',
    doc: doc([anon('A', 0, 1), anon('B', 2, 1), mremap(0, 1, 1, { mayMove: true, dontUnmap: true })], { maxMapCount: 7 }),
    error: 'ENOMEM', outcome: null, range: [0, 1], vmas: '[0,1) A [2,3) B',
    record: [mapCount('check_mremap_params', 2, 7)],
  },
  // remap_move() (6.17+): a same-size MREMAP_FIXED move of every VMA in the range
  {
    title: 'remap_move: a gap at the start of the range is EFAULT', kernel: '6.18',
    doc: doc([anon('A', 2, 2), mremap(0, 4, 4, { to: 10 })]),
    error: 'EFAULT', outcome: null, range: [10, 14], vmas: '[2,4) A',
    record: ['remap_move errno FAIL: EFAULT: page 0 is not mapped: no gap is allowed at the start of the range'],
  },
  {
    title: 'remap_move: nothing mapped in the range is EFAULT', kernel: '6.18',
    doc: doc([anon('A', 0, 2), mremap(20, 2, 2, { to: 40 })]),
    error: 'EFAULT', outcome: null, range: [40, 42], vmas: '[0,2) A',
    record: ['remap_move errno FAIL: EFAULT: page 20 is not mapped: no gap is allowed at the start of the range'],
  },
  {
    // 6.12 SYSCALL_DEFINE5(mremap): "vma = vma_lookup(mm, addr); if (!vma) { ret = -EFAULT; goto out; }".
    title: '6.12 has no multi-VMA move: nothing mapped at the address is the syscall\'s own EFAULT (vma_lookup() finds nothing)', kernel: '6.12',
    doc: doc([anon('A', 0, 2), mremap(20, 2, 2, { to: 40 })]),
    error: 'EFAULT', outcome: null, range: [40, 42], vmas: '[0,2) A',
    record: ['sys_mremap errno FAIL: EFAULT: page 20 is not mapped'],
  },
  {
    title: 'remap_move keeps the gaps between the VMAs it moves', kernel: '6.18',
    doc: doc([anon('A', 0, 2), ro('B', 3, 2), mremap(0, 5, 5, { to: 10 })]),
    error: null, outcome: 'moved', range: [10, 15], vmas: '[10,12) A [13,15) B',
    record: [resetTo(10, '[0,2)'), newAt('[10,12)'), resetTo(13, '[3,5)'), newAt('[13,15)')],
  },
  {
    title: 'remap_move: a sealed second VMA stops the move after the first has moved (EPERM)', kernel: '6.18',
    doc: doc([anon('A', 0, 2), ro('B', 2, 2), seal(2, 2), mremap(0, 4, 4, { to: 10 })]),
    error: 'EPERM', outcome: 'moved', range: [10, 14], vmas: '[2,4) B [10,12) A',
    record: [resetTo(10, '[0,2)'), newAt('[10,12)'), 'check_prep_vma errno FAIL middle [2,4): EPERM: [2,4) is sealed (mseal): it cannot be moved, shrunk or grown'],
  },
  {
    title: 'remap_move: a sealed VMA at the destination cannot be unmapped (EPERM), nothing moves', kernel: '6.18',
    doc: doc([ro('S', 10, 2), seal(10, 2), anon('A', 0, 2), mremap(0, 2, 2, { to: 10 })]),
    error: 'EPERM', outcome: null, range: [10, 12], vmas: '[0,2) A [10,12) S',
    record: [],
  },
  {
    title: 'mremap_to: a sealed VMA at the destination of a growing move (EPERM), nothing moves', kernel: '6.18',
    doc: doc([ro('S', 10, 2), seal(10, 2), anon('A', 0, 2), mremap(0, 2, 3, { to: 10 })]),
    error: 'EPERM', outcome: null, range: [10, 13], vmas: '[0,2) A [10,12) S',
    record: [],
  },
  {
    title: 'a sealed VMA may not grow (check_prep_vma: EPERM)', kernel: '6.18',
    doc: doc([anon('A', 0, 2), seal(0, 2), mremap(0, 2, 4)]),
    error: 'EPERM', outcome: null, range: [0, 2], vmas: '[0,2) A',
    record: ['check_prep_vma errno FAIL middle [0,2): EPERM: [0,2) is sealed (mseal): it cannot be moved, shrunk or grown'],
  },
  // vma_multi_allowed()
  {
    title: 'vma_multi_allowed: a private /dev/zero VMA (get_unmapped_area_zero) first, with more VMAs after it: EFAULT, nothing moves', kernel: '6.18',
    doc: doc([devZero('Z', 0, 2), anon('A', 2, 2), mremap(0, 4, 4, { to: 10 })]),
    error: 'EFAULT', outcome: null, range: [10, 14], vmas: '[0,2) Z [2,4) A',
    record: [notTogether('[0,2)')],
  },
  {
    title: 'vma_multi_allowed: a private /dev/zero VMA after one that moved: EFAULT', kernel: '6.18',
    doc: doc([anon('A', 0, 2), devZero('Z', 2, 2), mremap(0, 4, 4, { to: 10 })]),
    error: 'EFAULT', outcome: 'moved', range: [10, 14], vmas: '[2,4) Z [10,12) A',
    record: [resetTo(10, '[0,2)'), newAt('[10,12)'), notTogether('[2,4)')],
  },
  {
    title: 'vma_multi_allowed: a private /dev/zero VMA alone moves', kernel: '6.18',
    doc: doc([devZero('Z', 0, 2), mremap(0, 2, 2, { to: 10 })]),
    error: null, outcome: 'moved', range: [10, 12], vmas: '[10,12) Z',
    record: [resetTo(10, '[0,2)'), newAt('[10,12)')],
  },
  {
    title: 'vma_multi_allowed: a shared /dev/zero VMA is shmem (shmem_zero_setup()) and moves with its neighbour', kernel: '6.18',
    doc: doc([devZero('Z', 0, 2, 'shared'), anon('A', 2, 2), mremap(0, 4, 4, { to: 10 })]),
    error: null, outcome: 'moved', range: [10, 14], vmas: '[10,12) Z [12,14) A',
    record: [newAt('[10,12)'), resetTo(12, '[2,4)'), newAt('[12,14)')],
  },
  {
    title: 'vma_multi_allowed: an ext4 file (thp_get_unmapped_area) moves with its neighbour', kernel: '6.18',
    doc: doc([ext4('F', 0, 2), anon('A', 2, 2), mremap(0, 4, 4, { to: 10 })]),
    error: null, outcome: 'moved', range: [10, 14], vmas: '[10,12) F [12,14) A',
    record: [newAt('[10,12)'), resetTo(12, '[2,4)'), newAt('[12,14)')],
  },
  {
    title: 'vma_multi_allowed: an io_uring ring after a VMA that moved: EFAULT', kernel: '6.18',
    doc: doc([anon('A', 60, 3), ring('U'), mremap(60, 4, 4, { to: 10 })], { placement: 'kernel' }),
    error: 'EFAULT', outcome: 'moved', range: [10, 14], vmas: '[10,13) A [63,64) U',
    record: [resetTo(10, '[60,63)'), newAt('[10,13)'), notTogether('[63,64)')],
  },
  {
    title: 'vma_multi_allowed: an io_uring ring first, with another after it: EFAULT, nothing moves', kernel: '6.18',
    doc: doc([ring('U1'), ring('U2'), mremap(62, 2, 2, { to: 10 })], { placement: 'kernel' }),
    error: 'EFAULT', outcome: null, range: [10, 12], vmas: '[62,63) U2 [63,64) U1',
    record: [notTogether('[62,63)')],
  },
  // io_uring_get_unmapped_area()
  {
    title: 'an io_uring ring alone passes vma_multi_allowed, then io_uring_get_unmapped_area refuses the fixed address (EINVAL)', kernel: '6.18',
    doc: doc([ring('U'), mremap(63, 1, 1, { to: 10 })], { placement: 'kernel' }),
    error: 'EINVAL', outcome: null, range: [10, 11], vmas: '[63,64) U',
    record: [RING_FIXED],
  },
  {
    title: '6.12: mremap_to → get_unmapped_area(MAP_FIXED) → io_uring_get_unmapped_area: EINVAL', kernel: '6.12',
    doc: doc([ring('U'), mremap(63, 1, 1, { to: 10 })], { placement: 'kernel' }),
    error: 'EINVAL', outcome: null, range: [10, 11], vmas: '[63,64) U',
    record: [RING_FIXED],
  },
  {
    title: 'an io_uring ring (VM_DONTEXPAND) may not grow: EFAULT', kernel: '6.18',
    doc: doc([ring('U'), mremap(63, 1, 2, { to: 10 })], { placement: 'kernel' }),
    error: 'EFAULT', outcome: null, range: [10, 12], vmas: '[63,64) U',
    record: ['check_prep_vma errno FAIL middle [63,64): EFAULT: [63,64) has VM_DONTEXPAND or VM_PFNMAP and cannot be resized'],
  },
  // perf's ring buffer: VM_DONTEXPAND | VM_PFNMAP, and a may_split that refuses
  {
    title: 'prep_move_vma: moving the head of a perf ring buffer would split it at its end: EINVAL', kernel: '6.18',
    doc: doc([perf('R', 2), mremap(2, 1, 1, { to: 20 })]),
    error: 'EINVAL', outcome: null, range: [20, 21], vmas: '[2,5) R',
    record: [perfSplit(3), PREP_SPLIT],
  },
  {
    title: 'prep_move_vma: moving the tail of a perf ring buffer would split it at its start: EINVAL', kernel: '6.18',
    doc: doc([perf('R', 2), mremap(4, 1, 1, { to: 20 })]),
    error: 'EINVAL', outcome: null, range: [20, 21], vmas: '[2,5) R',
    record: [perfSplit(4), PREP_SPLIT],
  },
  {
    title: 'a whole perf ring buffer moves', kernel: '6.18',
    doc: doc([perf('R', 2), mremap(2, 3, 3, { to: 20 })]),
    error: null, outcome: 'moved', range: [20, 23], vmas: '[20,23) R',
    record: [newAt('[20,23)')],
  },
  {
    title: '6.12: a whole perf ring buffer moves (vma_to_resize() refuses VM_PFNMAP only when it grows)', kernel: '6.12',
    doc: doc([perf('R', 2), mremap(2, 3, 3, { to: 20 })]),
    error: null, outcome: 'moved', range: [20, 23], vmas: '[20,23) R',
    record: [newAt('[20,23)')],
  },
  {
    title: 'a perf ring buffer may not grow in place or by a move: EFAULT', kernel: '6.18',
    doc: doc([perf('R', 2), mremap(2, 3, 5, { mayMove: true })]),
    error: 'EFAULT', outcome: null, range: [2, 5], vmas: '[2,5) R',
    record: [perfResize('check_prep_vma')],
  },
  {
    title: 'a perf ring buffer may not grow at a new address: EFAULT', kernel: '6.18',
    doc: doc([perf('R', 2), mremap(2, 3, 5, { to: 20 })]),
    error: 'EFAULT', outcome: null, range: [20, 25], vmas: '[2,5) R',
    record: [perfResize('check_prep_vma')],
  },
  {
    title: 'shrinking a perf ring buffer to a new address: unmapping the tail is a split its may_split refuses (EINVAL)', kernel: '6.18',
    doc: doc([perf('R', 2), mremap(2, 3, 1, { to: 20 })]),
    error: 'EINVAL', outcome: null, range: [20, 21], vmas: '[2,5) R',
    record: [perfSplit(3)],
  },
  {
    title: 'MREMAP_DONTUNMAP of a perf ring buffer to a fixed address: EINVAL', kernel: '6.18',
    doc: doc([perf('R', 2), mremap(2, 3, 3, { to: 20, dontUnmap: true })]),
    error: 'EINVAL', outcome: null, range: [20, 23], vmas: '[2,5) R',
    record: [perfDontUnmap('check_prep_vma')],
  },
  {
    title: '6.12: MREMAP_DONTUNMAP of a perf ring buffer to a fixed address: vma_to_resize() says EINVAL, after the destination was unmapped', kernel: '6.12',
    doc: doc([perf('R', 2), mremap(2, 3, 3, { to: 20, dontUnmap: true })]),
    error: 'EINVAL', outcome: null, range: [20, 23], vmas: '[2,5) R',
    record: [perfDontUnmap('vma_to_resize'), unmappedFirst()],
  },
  {
    title: 'MREMAP_DONTUNMAP of a perf ring buffer to an address the kernel chooses: EINVAL', kernel: '6.18',
    doc: doc([perf('R', 2), mremap(2, 3, 3, { mayMove: true, dontUnmap: true })]),
    error: 'EINVAL', outcome: null, range: [2, 5], vmas: '[2,5) R',
    record: [perfDontUnmap('check_prep_vma')],
  },
  // MREMAP_DONTUNMAP: dontunmap_complete()
  {
    title: 'MREMAP_DONTUNMAP of a whole unfaulted VMA: the source stays as it is', kernel: '6.18',
    doc: doc([anon('A', 0, 2), mremap(0, 2, 2, { to: 8, dontUnmap: true })]),
    error: null, outcome: 'moved', range: [8, 10], vmas: '[0,2) A [8,10) A',
    record: [resetTo(8, '[0,2)'), newAt('[8,10)'), stays('[0,2)')],
  },
  {
    title: 'MREMAP_DONTUNMAP to an address the kernel chooses (top-down)', kernel: '6.18',
    doc: doc([anon('A', 0, 2), mremap(0, 2, 2, { mayMove: true, dontUnmap: true })]),
    error: null, outcome: 'moved', range: [62, 64], vmas: '[0,2) A [62,64) A',
    record: [resetTo(62, '[0,2)'), newAt('[62,64)'), stays('[0,2)')],
  },
  {
    title: 'MREMAP_DONTUNMAP of part of a locked VMA: the whole source loses VM_LOCKED, unsplit, and keeps its anon_vma', kernel: '6.18',
    doc: doc([locked('L', 0, 4), mremap(0, 2, 2, { to: 8, dontUnmap: true })]),
    error: null, outcome: 'moved', range: [8, 10], vmas: '[0,4) L faulted [8,10) L lo faulted',
    record: [kept(B, '[0,4)'), newAt('[8,10)'), stays('[0,4)', '; it loses VM_LOCKED')],
  },
  {
    title: '6.12: MREMAP_DONTUNMAP of part of a locked VMA (move_vma(): vm_flags_clear(vma, VM_LOCKED_MASK))', kernel: '6.12',
    doc: doc([locked('L', 0, 4), mremap(0, 2, 2, { to: 8, dontUnmap: true })]),
    error: null, outcome: 'moved', range: [8, 10], vmas: '[0,4) L faulted [8,10) L lo faulted',
    record: [kept(B, '[0,4)'), newAt('[8,10)'), stays('[0,4)', '; it loses VM_LOCKED')],
  },
  {
    title: 'MREMAP_DONTUNMAP of a whole faulted VMA: unlink_anon_vmas() leaves the source unfaulted', kernel: '6.18',
    doc: doc([anon('A', 0, 4), touch(0, 4), mremap(0, 4, 4, { to: 8, dontUnmap: true })]),
    error: null, outcome: 'moved', range: [8, 12], vmas: '[0,4) A [8,12) A faulted',
    record: [kept(B, '[0,4)'), newAt('[8,12)'), stays('[0,4)', '; the whole VMA moved, so unlink_anon_vmas() leaves it unfaulted')],
  },
  {
    title: 'MREMAP_DONTUNMAP of part of a faulted VMA: the source keeps its anon_vma', kernel: '6.18',
    doc: doc([anon('A', 0, 4), touch(0, 4), mremap(0, 2, 2, { to: 8, dontUnmap: true })]),
    error: null, outcome: 'moved', range: [8, 10], vmas: '[0,4) A faulted [8,10) A faulted',
    record: [kept(B, '[0,4)'), newAt('[8,10)'), stays('[0,4)')],
  },
  {
    title: 'MREMAP_DONTUNMAP of a whole locked VMA: it loses VM_LOCKED and its anon_vma', kernel: '6.18',
    doc: doc([locked('L', 0, 2), mremap(0, 2, 2, { to: 8, dontUnmap: true })]),
    error: null, outcome: 'moved', range: [8, 10], vmas: '[0,2) L [8,10) L lo faulted',
    record: [kept(B, '[0,2)'), newAt('[8,10)'), stays('[0,2)', '; it loses VM_LOCKED; the whole VMA moved, so unlink_anon_vmas() leaves it unfaulted')],
  },
  // mremap_to(): a new address with a resize
  {
    title: 'mremap_to shrinking: the tail is unmapped, the rest moves', kernel: '6.18',
    doc: doc([anon('A', 0, 4), mremap(0, 4, 2, { to: 10 })]),
    error: null, outcome: 'moved', range: [10, 12], vmas: '[10,12) A',
    record: [resetTo(10, '[0,2)'), newAt('[10,12)')],
  },
  {
    title: 'mremap_to shrinking: the unmapped tail may cross holes and other VMAs', kernel: '6.18',
    doc: doc([anon('A', 0, 2), ro('B', 3, 2), mremap(0, 5, 1, { to: 10 })]),
    error: null, outcome: 'moved', range: [10, 11], vmas: '[10,11) A',
    record: [resetTo(10, '[0,1)'), newAt('[10,11)')],
  },
  {
    title: 'mremap_to growing', kernel: '6.18',
    doc: doc([anon('A', 0, 2), mremap(0, 2, 3, { to: 10 })]),
    error: null, outcome: 'moved', range: [10, 13], vmas: '[10,13) A',
    record: [resetTo(10, '[0,2)'), newAt('[10,13)')],
  },
  {
    title: 'mremap_to: a range that runs past the end of its VMA is EFAULT', kernel: '6.18',
    doc: doc([anon('A', 0, 2), ro('B', 2, 2), mremap(1, 2, 3, { to: 10 })]),
    error: 'EFAULT', outcome: null, range: [10, 13], vmas: '[0,2) A [2,4) B',
    record: ['check_prep_vma errno FAIL middle [0,2): EFAULT: [1,3) runs past the end of its VMA [0,2): mremap cannot cross VMA boundaries'],
  },
  // mremap_to() unmaps the destination, then a shrink's tail; from 6.17 the source is checked before both
  // (check_prep_vma(), a85dc37186a5), up to 6.16 after both (vma_to_resize() up to 6.12, resize_is_valid() in 6.15 and 6.16).
  {
    title: 'mremap_to: a sealed destination is EPERM before a shrink\'s tail is unmapped (the destination goes first)', kernel: '6.18',
    doc: doc([ro('S', 10, 2), seal(10, 2), anon('A', 0, 4), mremap(0, 4, 2, { to: 10 })]),
    error: 'EPERM', outcome: null, range: [10, 12], vmas: '[0,4) A [10,12) S',
    record: [],
  },
  {
    title: 'mremap_to: growing a range that runs past its VMA onto a mapped destination: EFAULT, the destination stays', kernel: '6.18',
    doc: doc([anon('A', 0, 4), anon('D', 20, 8), mremap(0, 6, 8, { to: 20 })]),
    error: 'EFAULT', outcome: null, range: [20, 28], vmas: '[0,4) A [20,28) D',
    record: ['check_prep_vma errno FAIL middle [0,4): EFAULT: [0,6) runs past the end of its VMA [0,4): mremap cannot cross VMA boundaries'],
  },
  {
    title: '6.1: the same growth: do_munmap() of the destination, then vma_to_resize() says EFAULT', kernel: '6.1',
    doc: doc([anon('A', 0, 4), anon('D', 20, 8), mremap(0, 6, 8, { to: 20 })]),
    error: 'EFAULT', outcome: null, range: [20, 28], vmas: '[0,4) A',
    record: ['vma_to_resize errno FAIL middle [0,4): EFAULT: [0,6) runs past the end of its VMA [0,4): mremap cannot cross VMA boundaries', unmappedFirst()],
  },
  {
    title: 'mremap_to: shrinking to a length that runs past its VMA: EFAULT before the destination or the tail is unmapped', kernel: '6.18',
    doc: doc([anon('A', 30, 2), ro('B', 32, 2), anon('E', 40, 2), mremap(31, 3, 2, { to: 40 })]),
    error: 'EFAULT', outcome: null, range: [40, 42], vmas: '[30,32) A [32,34) B [40,42) E',
    record: ['check_prep_vma errno FAIL middle [30,32): EFAULT: [31,33) runs past the end of its VMA [30,32): mremap cannot cross VMA boundaries'],
  },
  {
    title: '6.16: the same shrink: the destination and the tail [33,34) are unmapped, then resize_is_valid() says EFAULT', kernel: '6.16',
    doc: doc([anon('A', 30, 2), ro('B', 32, 2), anon('E', 40, 2), mremap(31, 3, 2, { to: 40 })]),
    error: 'EFAULT', outcome: null, range: [40, 42], vmas: '[30,32) A [32,33) B',
    record: ['resize_is_valid errno FAIL middle [30,32): EFAULT: [31,33) runs past the end of its VMA [30,32): mremap cannot cross VMA boundaries', unmappedFirst(' and the tail')],
  },
  {
    title: '6.12: a perf ring buffer grown onto a mapped destination: unmapped, then vma_to_resize() says EFAULT (VM_DONTEXPAND)', kernel: '6.12',
    doc: doc([perf('R', 2), anon('D', 20, 4), mremap(2, 3, 4, { to: 20 })]),
    error: 'EFAULT', outcome: null, range: [20, 24], vmas: '[2,5) R',
    record: [perfResize('vma_to_resize'), unmappedFirst()],
  },
  {
    title: 'old_len 0 of a shared mapping: a second mapping of the same pages, the source stays', kernel: '6.18',
    doc: doc([anon('A', 0, 2, { share: 'shared' }), mremap(0, 0, 2, { to: 10 })]),
    error: null, outcome: 'moved', range: [10, 12], vmas: '[0,2) A [10,12)',
    record: [newAt('[10,12)'), 'unmap_source_vma duplicate pass middle [0,2): old_len is 0: nothing is unmapped at the source, so [0,2) stays and the destination is a second mapping of the same pages'],
  },
  {
    title: 'old_len 0 of a private mapping is EINVAL', kernel: '6.18',
    doc: doc([anon('A', 0, 2), mremap(0, 0, 2, { mayMove: true })]),
    error: 'EINVAL', outcome: null, range: [0, 0], vmas: '[0,2) A',
    record: ['check_prep_vma errno FAIL: EINVAL: old_len 0 would "duplicate" a private mapping, which mremap refuses'],
  },
  // copy_vma(): the merge at the destination
  {
    title: 'copy_vma: an unfaulted anonymous VMA takes the destination\'s pgoff and merges with prev', kernel: '6.18',
    doc: doc([anon('P', 10, 2), anon('A', 0, 2), mremap(0, 2, 2, { to: 12 })]),
    error: null, outcome: 'merged-prev', range: [12, 14], vmas: '[10,14) P/A',
    record: [resetTo(12, '[0,2)'), 'copy_vma merged pass new [10,14): the moved range merged with prev: [10,14)'],
  },
  {
    title: 'copy_vma: … and with next', kernel: '6.18',
    doc: doc([anon('N', 14, 2), anon('A', 0, 2), mremap(0, 2, 2, { to: 12 })]),
    error: null, outcome: 'merged-next', range: [12, 14], vmas: '[12,16) A/N',
    record: [resetTo(12, '[0,2)'), 'copy_vma merged pass new [12,16): the moved range merged with next: [12,16)'],
  },
  {
    title: 'copy_vma: … and with both', kernel: '6.18',
    doc: doc([anon('P', 10, 2), anon('N', 14, 2), anon('A', 0, 2), mremap(0, 2, 2, { to: 12 })]),
    error: null, outcome: 'merged-both', range: [12, 14], vmas: '[10,16) P/A/N',
    record: [resetTo(12, '[0,2)'), 'copy_vma merged pass new [10,16): the moved range merged with prev and next: [10,16)'],
  },
  {
    title: 'copy_vma: a faulted VMA keeps its pgoff and does not merge where it is not linear', kernel: '6.18',
    doc: doc([anon('P', 10, 2), anon('A', 0, 2), touch(0, 2), mremap(0, 2, 2, { to: 12 })]),
    error: null, outcome: 'moved', range: [12, 14], vmas: '[10,12) P [12,14) A faulted',
    record: [kept(B, '[0,2)'), newAt('[12,14)')],
  },
  {
    title: 'copy_vma: a file VMA keeps its file pgoff, without a note', kernel: '6.18',
    doc: doc([ext4('F', 0, 2), mremap(0, 2, 2, { to: 10 })]),
    error: null, outcome: 'moved', range: [10, 12], vmas: '[10,12) F',
    record: [newAt('[10,12)')],
  },
  {
    title: 'moving part of a VMA made of two mappings: the copy holds both names, the rest only the second', kernel: '6.18',
    doc: doc([anon('A', 0, 2), anon('B', 2, 2), mremap(0, 3, 3, { to: 20 })]),
    error: null, outcome: 'moved', range: [20, 23], vmas: '[3,4) B [20,23) A/B',
    record: [resetTo(20, '[0,4)'), newAt('[20,23)')],
  },
  {
    title: 'the pages a VMA grew by carry the name of its last mapping', kernel: '6.18',
    doc: doc([anon('A', 0, 2), anon('B', 2, 2), mremap(0, 4, 6), mremap(4, 2, 2, { to: 20 })]),
    error: null, outcome: 'moved', range: [20, 22], vmas: '[0,4) A/B [20,22) B',
    record: [resetTo(20, '[0,6)'), newAt('[20,22)')],
  },
  // mremap_at(): no new address
  {
    title: 'mremap_at: the same size does nothing', kernel: '6.18',
    doc: doc([anon('A', 0, 2), mremap(0, 2, 2)]),
    error: null, outcome: 'unchanged', range: [0, 2], vmas: '[0,2) A',
    record: ['mremap_at no-resize pass: same size and no new address: nothing to do'],
  },
  {
    title: 'mremap_at: a shrink unmaps the tail', kernel: '6.18',
    doc: doc([anon('A', 0, 4), mremap(0, 4, 2)]),
    error: null, outcome: 'shrunk', range: [0, 4], vmas: '[0,2) A',
    record: [],
  },
  {
    title: 'mremap_at: the tail of a shrink may cross holes and other VMAs', kernel: '6.18',
    doc: doc([anon('A', 0, 2), ro('B', 3, 2), mremap(0, 5, 1)]),
    error: null, outcome: 'shrunk', range: [0, 5], vmas: '[0,1) A',
    record: [],
  },
  {
    title: 'expand_vma: room after the VMA, vma_merge_extend grows it in place', kernel: '6.18',
    doc: doc([anon('A', 2, 2), mremap(2, 2, 4)]),
    error: null, outcome: 'expanded', range: [2, 4], vmas: '[2,6) A',
    record: ['vma_merge_extend expanded pass new [2,6): grown in place to [2,6)'],
  },
  {
    title: 'expand_vma: exactly enough room before the next VMA', kernel: '6.18',
    doc: doc([anon('A', 2, 2), ro('B', 6, 2), mremap(2, 2, 4)]),
    error: null, outcome: 'expanded', range: [2, 4], vmas: '[2,6) A [6,8) B',
    record: ['vma_merge_extend expanded pass new [2,6): grown in place to [2,6)'],
  },
  {
    title: 'expand_vma: up to the end of the window', kernel: '6.18',
    doc: doc([anon('A', 60, 2), mremap(60, 2, 4)]),
    error: null, outcome: 'expanded', range: [60, 62], vmas: '[60,64) A',
    record: ['vma_merge_extend expanded pass new [60,64): grown in place to [60,64)'],
  },
  {
    title: 'expand_vma: no room, no MREMAP_MAYMOVE: ENOMEM', kernel: '6.18',
    doc: doc([anon('A', 0, 2), ro('B', 2, 2), mremap(0, 2, 4)]),
    error: 'ENOMEM', outcome: null, range: [0, 2], vmas: '[0,2) A [2,4) B',
    record: [noRoom('[0,2)'), 'expand_vma errno FAIL: ENOMEM: no room to grow in place and MREMAP_MAYMOVE is not given'],
  },
  {
    title: 'expand_vma: a range that ends inside its VMA cannot grow in place (vrm_can_expand_in_place)', kernel: '6.18',
    doc: doc([anon('A', 0, 4), mremap(0, 2, 3)]),
    error: 'ENOMEM', outcome: null, range: [0, 2], vmas: '[0,4) A',
    record: [noRoom('[0,4)'), 'expand_vma errno FAIL: ENOMEM: no room to grow in place and MREMAP_MAYMOVE is not given'],
  },
  {
    title: 'expand_vma with MREMAP_MAYMOVE: the range moves where get_unmapped_area puts it, the rest of the VMA stays', kernel: '6.18',
    doc: doc([anon('A', 0, 4), mremap(0, 2, 3, { mayMove: true })]),
    error: null, outcome: 'moved', range: [61, 64], vmas: '[2,4) A [61,64) A',
    record: [noRoom('[0,4)'), resetTo(61, '[0,4)'), newAt('[61,64)')],
  },
  {
    title: 'expand_vma: a range that runs past the end of its VMA is EFAULT', kernel: '6.18',
    doc: doc([anon('A', 0, 2), ro('B', 2, 2), mremap(1, 2, 3, { mayMove: true })]),
    error: 'EFAULT', outcome: null, range: [1, 3], vmas: '[0,2) A [2,4) B',
    record: ['check_prep_vma errno FAIL middle [0,2): EFAULT: [1,3) runs past the end of its VMA [0,2): mremap cannot cross VMA boundaries'],
  },
  {
    title: 'move_vma: map_count >= max_map_count - 3 is ENOMEM (prep_move_vma)', kernel: '6.18',
    doc: doc([anon('A', 0, 1), ro('B', 1, 1), mremap(0, 1, 2, { mayMove: true })], { maxMapCount: 5 }),
    error: 'ENOMEM', outcome: null, range: [62, 64], vmas: '[0,1) A [1,2) B',
    record: [noRoom('[0,1)'), mapCount('prep_move_vma', 2, 5)],
  },
  {
    title: 'move_vma: one max_map_count more and the move goes ahead (no MREMAP_FIXED: check_mremap_params does not count)', kernel: '6.18',
    doc: doc([anon('A', 0, 1), ro('B', 1, 1), mremap(0, 1, 2, { mayMove: true })], { maxMapCount: 6 }),
    error: null, outcome: 'moved', range: [62, 64], vmas: '[1,2) B [62,64) A',
    record: [noRoom('[0,1)'), resetTo(62, '[0,1)'), newAt('[62,64)')],
  },
  // do_mremap(): "if (!failed && vrm->mlocked && vrm->new_len > vrm->old_len) mm_populate(...)"
  {
    title: 'a locked VMA grown in place by one page: that page is populated', kernel: '6.18',
    doc: doc([locked('L', 0, 2), mremap(0, 2, 3)]),
    error: null, outcome: 'expanded', range: [0, 2], vmas: '[0,3) L lo faulted',
    record: ['vma_merge_extend expanded pass new [0,3): grown in place to [0,3)', populated(1, '[2,3)')],
  },
  {
    title: 'a locked VMA grown in place by two pages', kernel: '6.18',
    doc: doc([locked('L', 0, 2), mremap(0, 2, 4)]),
    error: null, outcome: 'expanded', range: [0, 2], vmas: '[0,4) L lo faulted',
    record: ['vma_merge_extend expanded pass new [0,4): grown in place to [0,4)', populated(2, '[2,4)')],
  },
  {
    title: 'a locked VMA grown by a move: the pages past the old length are populated at the destination', kernel: '6.18',
    doc: doc([locked('L', 0, 2), ro('B', 2, 2), mremap(0, 2, 4, { mayMove: true })]),
    error: null, outcome: 'moved', range: [60, 64], vmas: '[2,4) B [60,64) L lo faulted',
    record: [noRoom('[0,2)'), kept(B, '[0,2)'), newAt('[60,64)'), populated(2, '[62,64)')],
  },
  // Not recordable on this machine (a driver other than /dev/zero; an empty huge page pool; a window
  // with no hole, where the real process has room outside it): read from the kernel source.
  {
    // vma_merge_extend() → vma_merge_new_range(): "if ((vmg->vm_flags & VM_SPECIAL) || …) return NULL;",
    // and expand_vma_in_place(): "if (!vma) { vrm_uncharge(vrm); return -ENOMEM; }".
    title: 'vma_merge_extend: a driver VMA with VM_IO (VM_SPECIAL) cannot be grown in place: ENOMEM', kernel: '6.18',
    doc: doc([driverIo('D', 0, 2), mremap(0, 2, 4)]),
    error: 'ENOMEM', outcome: null, range: [0, 2], vmas: '[0,2) D',
    record: [mergeExtendFails('vma_merge_extend')],
  },
  {
    // 6.1 mremap(): "vma = vma_merge(mm, vma, extension_start, extension_end, …); if (!vma) { ret = -ENOMEM; goto out; }",
    // and vma_merge(): "if (vm_flags & VM_SPECIAL) return NULL;".
    title: '6.1: mremap()\'s own vma_merge() refuses VM_IO the same way: ENOMEM', kernel: '6.1',
    doc: doc([driverIo('D', 0, 2), mremap(0, 2, 4)]),
    error: 'ENOMEM', outcome: null, range: [0, 2], vmas: '[0,2) D',
    record: ['vma_merge not-special FAIL new: the flags include VM_IO (VM_SPECIAL): "We later require that vma->vm_flags == vm_flags, so this tests vma->vm_flags & VM_SPECIAL, too"', mergeExtendFails('vma_merge')],
  },
  {
    // vrm_set_new_addr() → get_unmapped_area() → vm_unmapped_area(): -ENOMEM when no gap of the length fits.
    title: 'expand_vma with MREMAP_MAYMOVE and no hole for the new length: ENOMEM from get_unmapped_area', kernel: '6.18',
    doc: doc([anon('A', 0, 2), ro('B', 2, 6), mremap(0, 2, 4, { mayMove: true })], { windowPages: 8 }),
    error: 'ENOMEM', outcome: null, range: [0, 2], vmas: '[0,2) A [2,8) B',
    record: [noRoom('[0,2)'), 'get_unmapped_area errno FAIL: ENOMEM: no free hole of 4 pages in the window'],
  },
  {
    title: 'MREMAP_DONTUNMAP with no hole for the copy: ENOMEM from get_unmapped_area', kernel: '6.18',
    doc: doc([anon('A', 0, 2), ro('B', 2, 2), mremap(0, 2, 2, { mayMove: true, dontUnmap: true })], { windowPages: 4 }),
    error: 'ENOMEM', outcome: null, range: [0, 2], vmas: '[0,2) A [2,4) B',
    record: ['get_unmapped_area errno FAIL: ENOMEM: no free hole of 2 pages in the window'],
  },
  // align_hugetlb(): "vrm->old_len = ALIGN(vrm->old_len, huge_page_size(h)); vrm->new_len = ALIGN(…);
  // if (vrm->addr & ~huge_page_mask(h)) return -EINVAL; if (vrm->new_addr & ~huge_page_mask(h)) return -EINVAL;
  // if (vrm->new_len > vrm->old_len) return -EINVAL;"
  {
    title: 'align_hugetlb: a huge page mapping may not grow', kernel: '6.18',
    doc: doc([huge('H', 0), mremap(0, 512, 1024, { mayMove: true })], { windowPages: 2048 }),
    error: 'EINVAL', outcome: null, range: [0, 512], vmas: '[0,512) H',
    record: ['align_hugetlb errno FAIL middle [0,512): EINVAL: [0,512) is a huge page mapping: it may not grow (its reservation cannot be split)'],
  },
  {
    title: 'align_hugetlb: the destination must be on a 2 MiB boundary', kernel: '6.18',
    doc: doc([huge('H', 0), mremap(0, 512, 512, { to: 600 })], { windowPages: 2048 }),
    error: 'EINVAL', outcome: null, range: [0, 512], vmas: '[0,512) H',
    record: ['align_hugetlb errno FAIL middle [0,512): EINVAL: [0,512) is a huge page mapping: the destination is not on a 2 MiB boundary'],
  },
  {
    title: 'align_hugetlb: so must the source', kernel: '6.18',
    doc: doc([huge('H', 0), mremap(100, 412, 412, { to: 1024 })], { windowPages: 2048 }),
    error: 'EINVAL', outcome: null, range: [100, 512], vmas: '[0,512) H',
    record: ['align_hugetlb errno FAIL middle [0,512): EINVAL: [0,512) is a huge page mapping: the source is not on a 2 MiB boundary'],
  },
  {
    title: 'align_hugetlb: lengths are rounded up to whole huge pages, then the whole mapping moves', kernel: '6.18',
    doc: doc([huge('H', 0), mremap(0, 100, 100, { to: 1024 })], { windowPages: 2048 }),
    error: null, outcome: 'moved', range: [1024, 1536], vmas: '[1024,1536) H',
    record: ['align_hugetlb huge-page-lengths pass middle [0,512): [0,512) is a huge page mapping: the lengths become 512 → 512 pages', newAt('[1024,1536)')],
  },
  {
    title: 'align_hugetlb: the boundary is of the absolute address (window base 128 pages past a 2 MiB boundary: page 384 is on one)', kernel: '6.18',
    doc: doc([huge('H', 384), mremap(384, 512, 512, { to: 896 })], { windowPages: 2048, base: '0x7f0000080000' }),
    error: null, outcome: 'moved', range: [896, 1408], vmas: '[896,1408) H',
    record: [newAt('[896,1408)')],
  },
  // Second round: the rest of what mutation testing found unpinned.
  {
    title: 'new_len 0 is EINVAL', kernel: '6.18',
    doc: doc([anon('A', 0, 2), mremap(0, 2, 0)]),
    error: 'EINVAL', outcome: null, range: [0, 2], vmas: '[0,2) A',
    record: ['check_mremap_params errno FAIL: EINVAL: new_len is 0'],
  },
  {
    title: 'remap_move: an error in the first VMA\'s move stops the call before the next VMA', kernel: '6.18',
    doc: doc([perf('R', 2), ro('A', 5, 2), mremap(3, 4, 4, { to: 20 })]),
    error: 'EINVAL', outcome: null, range: [20, 24], vmas: '[2,5) R [5,7) A',
    record: [perfSplit(3), PREP_SPLIT],
  },
  {
    title: 'remap_move: the call is "moved" even when the last VMA merged at the destination', kernel: '6.18',
    doc: doc([anon('A', 0, 2), ro('B', 3, 2), ro('N', 15, 2), mremap(0, 5, 5, { to: 10 })]),
    error: null, outcome: 'moved', range: [10, 15], vmas: '[10,12) A [13,17) B/N',
    record: [resetTo(10, '[0,2)'), newAt('[10,12)'), resetTo(13, '[3,5)'), 'copy_vma merged pass new [13,17): the moved range merged with next: [13,17)'],
  },
  {
    title: 'remap_move with MREMAP_DONTUNMAP: each VMA is checked for itself, not the one left at the start (/dev/zero second: EFAULT)', kernel: '6.18',
    doc: doc([anon('A', 0, 2), devZero('Z', 2, 2), mremap(0, 4, 4, { to: 10, dontUnmap: true })]),
    error: 'EFAULT', outcome: 'moved', range: [10, 14], vmas: '[0,2) A [2,4) Z [10,12) A',
    record: [resetTo(10, '[0,2)'), newAt('[10,12)'), stays('[0,2)'), notTogether('[2,4)')],
  },
  {
    title: 'mremap_at: a shrink whose tail reaches a sealed VMA is EPERM, after the split at the new end', kernel: '6.18',
    doc: doc([anon('A', 0, 2), ro('S', 3, 2), seal(3, 2), mremap(0, 5, 1)]),
    error: 'EPERM', outcome: null, range: [0, 5], vmas: '[0,1) A [1,2) A [3,5) S',
    record: [],
  },
  {
    title: 'expand_vma: no room in place at the end of the window (past it lies memory the scenario does not own): ENOMEM', kernel: '6.18',
    doc: doc([anon('A', 62, 2), mremap(62, 2, 4)]),
    error: 'ENOMEM', outcome: null, range: [62, 64], vmas: '[62,64) A',
    record: [noRoom('[62,64)'), 'expand_vma errno FAIL: ENOMEM: no room to grow in place and MREMAP_MAYMOVE is not given'],
  },
  {
    title: 'a move that grows a VMA of three mappings: every name but the last keeps its pages, the last takes the growth', kernel: '6.18',
    doc: doc([anon('A', 0, 1), anon('B', 1, 1), anon('C', 2, 1), mremap(0, 3, 5, { to: 20 }), mremap(23, 2, 2, { to: 40 })]),
    error: null, outcome: 'moved', range: [40, 42], vmas: '[20,23) A/B/C [40,42) C',
    record: [resetTo(40, '[20,25)'), newAt('[40,42)')],
  },
  {
    title: 'a locked VMA moved without growing: nothing to populate', kernel: '6.18',
    doc: doc([locked('L', 0, 2), mremap(0, 2, 2, { to: 10 })]),
    error: null, outcome: 'moved', range: [10, 12], vmas: '[10,12) L lo faulted',
    record: [kept(B, '[0,2)'), newAt('[10,12)')],
  },
  {
    title: 'MREMAP_DONTUNMAP of the tail of a faulted VMA: the source keeps its anon_vma', kernel: '6.18',
    doc: doc([anon('A', 0, 4), touch(0, 4), mremap(2, 2, 2, { to: 8, dontUnmap: true })]),
    error: null, outcome: 'moved', range: [8, 10], vmas: '[0,4) A faulted [8,10) A faulted',
    record: [kept(B + 2, '[0,4)'), newAt('[8,10)'), stays('[0,4)')],
  },
  {
    title: 'MREMAP_DONTUNMAP of a VMA locked with MLOCK_ONFAULT: it loses both bits of VM_LOCKED_MASK', kernel: '6.18',
    doc: doc([anon('A', 0, 2), { op: 'mlock', at: 0, pages: 2, onFault: true }, mremap(0, 2, 2, { to: 8, dontUnmap: true })]),
    error: null, outcome: 'moved', range: [8, 10], vmas: '[0,2) A [8,10) A lo',
    record: [resetTo(8, '[0,2)'), newAt('[8,10)'), stays('[0,2)', '; it loses VM_LOCKED|VM_LOCKONFAULT')],
  },
  {
    title: 'a SysV attach (shm_vm_ops has .close) grows in place: vma_merge_extend may expand a VMA with vm_ops->close', kernel: '6.18',
    doc: doc([{ op: 'shmget', segment: 'S', pages: 4 }, { op: 'shmat', segment: 'S', at: 10 }, mremap(10, 4, 6)]),
    error: null, outcome: 'expanded', range: [10, 14], vmas: '[10,16)',
    record: ['vma_merge_extend expanded pass new [10,16): grown in place to [10,16)'],
  },
  {
    // 6.1.y's d014cd7c1c35 ("mm, mremap: fix mremap() expanding for vma's with vm_ops->close()"): vma_adjust(); what
    // Debian's 6.1.192 does under QEMU (src/fidelity/scenarios/i11-sysv-shm-mremap.json, real-6.1.test.ts).
    title: '6.1: vma_merge() refuses a VMA with vm_ops->close, so mremap does a simple expand (vma_adjust())', kernel: '6.1',
    doc: doc([{ op: 'shmget', segment: 'S', pages: 4 }, { op: 'shmat', segment: 'S', at: 10 }, mremap(10, 4, 6)]),
    error: null, outcome: 'expanded', range: [10, 14], vmas: '[10,16)',
    record: ['vma_adjust expanded pass new [10,16): the VMA has vm_ops->close, which vma_merge() refuses: a simple expand (vma_adjust()) to [10,16)'],
  },
  {
    title: 'align_hugetlb: only old_len rounded up (100 → 512): the call is retried with whole huge pages', kernel: '6.18',
    doc: doc([huge('H', 0), mremap(0, 100, 512, { to: 1024 })], { windowPages: 2048 }),
    error: null, outcome: 'moved', range: [1024, 1536], vmas: '[1024,1536) H',
    record: ['align_hugetlb huge-page-lengths pass middle [0,512): [0,512) is a huge page mapping: the lengths become 512 → 512 pages', newAt('[1024,1536)')],
  },
  // vrm_set_new_addr(): get_unmapped_area(vma->vm_file, 0, new_len, vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT),
  // MAP_SHARED if VM_MAYSHARE). For an ext4 file and a private /dev/zero that is thp_get_unmapped_area(): a hole of len +
  // 2 MiB, then __thp_get_unmapped_area()'s "off_sub = (off - ret) & (size - 1); if (topdown && !off_sub) return ret + size;
  // ret += off_sub", so the address ≡ the file offset (mod 512 pages). Worked by hand from the window's top (4096); not
  // recorded, since a real window's base is not 2 MiB-aligned from run to run.
  {
    title: 'MREMAP_DONTUNMAP of part of an ext4 mapping: placed where the address ≡ its file offset 100 (mod 2 MiB)', kernel: '6.18',
    doc: doc([ext4('F', 8, 1024), mremap(108, 924, 924, { mayMove: true, dontUnmap: true })], { windowPages: 4096 }),
    error: null, outcome: 'moved', range: [3172, 4096], vmas: '[8,1032) F [3172,4096) F',
    record: [newAt('[3172,4096)'), stays('[8,1032)')],
  },
  {
    title: 'MREMAP_DONTUNMAP of a private /dev/zero mapping at file offset 100: thp_get_unmapped_area (vm_pgoff is the file offset; a shared one would be shmem)', kernel: '6.18',
    doc: doc([devZero('Z', 8, 1024, 'private', 100), mremap(8, 1024, 1024, { mayMove: true, dontUnmap: true })], { windowPages: 4096 }),
    error: null, outcome: 'moved', range: [2660, 3684], vmas: '[8,1032) Z [2660,3684) Z',
    record: [resetTo(2660, '[8,1032)'), newAt('[2660,3684)'), stays('[8,1032)')],
  },
  {
    title: 'a growing move of part of an ext4 mapping: placed where the address ≡ its file offset 100 (mod 2 MiB)', kernel: '6.18',
    doc: doc([ext4('F', 8, 1024), ro('X', 1032, 8), mremap(108, 924, 1000, { mayMove: true })], { windowPages: 4096 }),
    error: null, outcome: 'moved', range: [2660, 3660], vmas: '[8,108) F [1032,1040) X [2660,3660) F',
    record: [noRoom('[8,1032)'), newAt('[2660,3660)')],
  },
  {
    title: 'a growing move of a private /dev/zero mapping at file offset 100: thp_get_unmapped_area', kernel: '6.18',
    doc: doc([devZero('Z', 8, 1024, 'private', 100), ro('X', 1032, 8), mremap(8, 1024, 1100, { mayMove: true })], { windowPages: 4096 }),
    error: null, outcome: 'moved', range: [2660, 3760], vmas: '[1032,1040) X [2660,3760) Z',
    record: [noRoom('[8,1032)'), resetTo(2660, '[8,1032)'), newAt('[2660,3760)')],
  },
]

/** A VMA as the cases write it: its range, the names of its pages, "lo" for VM_LOCKED, "faulted" with an anon_vma. */
function layout(vmas: readonly { start: number; end: number; names: readonly string[]; flags: readonly string[]; anonVma: number | null }[]): string {
  return vmas.map((v) => `[${v.start},${v.end})${v.names.length ? ` ${v.names.join('/')}` : ''}${v.flags.includes('VM_LOCKED') ? ' lo' : ''}${v.anonVma !== null ? ' faulted' : ''}`).join(' ')
}

describe('mremap(), path by path', () => {
  it.each(CASES)('$kernel: $title', ({ kernel, doc: d, error, outcome, range, vmas, record }) => {
    const { result, vmas: after } = takeLastStep(kernel, d)
    expect({ error: result.error, outcome: result.outcome, range: result.range, vmas: layout(after) }).toEqual({ error, outcome, range, vmas })
    expect(result.checks.filter((c) => MREMAP_FNS.has(c.fn)).map(checkLine)).toEqual(record)
  })
})

describe('MREMAP_DONTUNMAP leaves an unchanged source as it is', () => {
  // dontunmap_complete(): only VM_LOCKED_MASK is cleared and, for a wholly moved VMA, its anon_vma links; a source
  // with neither is the same vm_area_struct, untouched: the step makes the copy and nothing else.
  it.each([
    ['a whole unfaulted, unlocked VMA', [anon('A', 0, 2), mremap(0, 2, 2, { to: 8, dontUnmap: true })]],
    ['part of a faulted VMA', [anon('A', 0, 4), touch(0, 4), mremap(0, 2, 2, { to: 8, dontUnmap: true })]],
  ])('%s', (_, steps) => {
    const { result } = takeLastStep('6.18', doc(steps as S[]))
    expect([result.created.length, result.removed.length]).toEqual([1, 0])
  })
})

describe('the merge at the destination is vma_merge() up to 6.11, vma_merge_new_range() (with vma_expand()) from 6.12', () => {
  // copy_vma(): 6.1 and 6.6 call vma_merge(mm, prev, addr, addr + len, …); 6.12's mm/vma.c calls vma_merge_new_range(&vmg),
  // which expands prev with vma_expand().
  const steps = [anon('P', 10, 2), anon('A', 0, 2), mremap(0, 2, 2, { to: 12 })]
  it.each([['6.1', true], ['6.6', true], ['6.12', false], ['6.18', false]] as const)('%s: vma_merge() %s', (kernel, oldCode) => {
    const { result, vmas } = takeLastStep(kernel, doc(steps))
    expect(layout(vmas)).toBe('[10,14) P/A')
    const fns = new Set(result.checks.map((c) => c.fn))
    expect([fns.has('vma_merge'), fns.has('vma_expand')]).toEqual([oldCode, !oldCode])
  })
})

describe('the Why record puts mremap_to()\'s unmaps before a failing source check up to 6.16, after it from 6.17', () => {
  // mremap_to() ≤ 6.16: do_munmap(new_addr, new_len), then vma_to_resize() (6.1 – 6.12) / resize_is_valid() (6.15, 6.16);
  // 6.17+: check_prep_vma() first.
  const steps = [anon('A', 0, 4), anon('D', 20, 8), mremap(0, 6, 8, { to: 20 })]
  const ORDER_FNS = new Set(['vms_gather_munmap_vmas', 'remove_vma', 'vma_to_resize', 'resize_is_valid', 'remap_is_valid', 'check_prep_vma', 'mremap_to'])
  it.each([
    ['6.1', ['vms_gather_munmap_vmas unmapped', 'remove_vma vma-freed', 'vma_to_resize errno', 'mremap_to unmapped-before-check']],
    ['6.16', ['vms_gather_munmap_vmas unmapped', 'remove_vma vma-freed', 'resize_is_valid errno', 'mremap_to unmapped-before-check']],
    ['6.17', ['check_prep_vma errno']],
    ['6.18', ['check_prep_vma errno']],
  ] as const)('%s', (kernel, order) => {
    const { result } = takeLastStep(kernel, doc(steps))
    expect(result.checks.filter((c) => ORDER_FNS.has(c.fn)).map((c) => `${c.fn} ${c.rule}`)).toEqual(order)
  })
})

describe('the Why record names the function of each profile\'s mm/mremap.c that makes the check', () => {
  // Read from each release's mm/mremap.c (6.6.14 and 6.12's SYSCALL_DEFINE5(mremap), mremap_to() and vma_to_resize();
  // 6.15/6.16's do_mremap(), check_mremap_params(), mremap_to() and resize_is_valid(), as mainline had them at
  // 000c0691ec6a; 6.17's check_mremap_params() and check_prep_vma() after 3215eaceca87, a85dc37186a5 and 9b2301bf8d65),
  // not from the engine: [errno, the failing check's function] per profile.
  type Row = Record<KernelId, [string | null, string | null]>
  const era = (old: string, mid: string, now: string, error = 'EINVAL'): Row => ({
    '6.1': [error, old], '6.6': [error, old], '6.12': [error, old],
    '6.15': [error, mid], '6.16': [error, mid], v2: [error, mid], '6.17': [error, now], '6.18': [error, now],
  })
  const SOURCE = ['vma_to_resize', 'resize_is_valid', 'check_prep_vma'] as const
  const cases: { title: string; doc: S; expect: Row }[] = [
    { title: 'new_len 0', doc: doc([anon('A', 0, 2), mremap(0, 2, 0)]), expect: era('sys_mremap', 'check_mremap_params', 'check_mremap_params') },
    { title: 'MREMAP_DONTUNMAP without MREMAP_MAYMOVE', doc: doc([anon('A', 0, 2), mremap(0, 2, 2, { dontUnmap: true })]), expect: era('sys_mremap', 'check_mremap_params', 'check_mremap_params') },
    { title: 'MREMAP_DONTUNMAP with a resize', doc: doc([anon('A', 0, 2), mremap(0, 2, 3, { mayMove: true, dontUnmap: true })]), expect: era('sys_mremap', 'check_mremap_params', 'check_mremap_params') },
    // The overlap check stays in mremap_to() until 3215eaceca87 (6.17) moves it into check_mremap_params().
    { title: 'a destination over the source', doc: doc([anon('A', 0, 4), mremap(0, 4, 4, { to: 2 })]), expect: era('mremap_to', 'mremap_to', 'check_mremap_params') },
    { title: 'map_count too close to max_map_count (MREMAP_FIXED)', doc: doc([anon('A', 0, 1), anon('B', 2, 1), mremap(0, 1, 1, { to: 10 })], { maxMapCount: 7 }), expect: era('mremap_to', 'check_mremap_params', 'check_mremap_params', 'ENOMEM') },
    { title: 'map_count too close to max_map_count (MREMAP_DONTUNMAP)', doc: doc([anon('A', 0, 1), anon('B', 2, 1), mremap(0, 1, 1, { mayMove: true, dontUnmap: true })], { maxMapCount: 7 }), expect: era('mremap_to', 'check_mremap_params', 'check_mremap_params', 'ENOMEM') },
    { title: 'nothing mapped at the address', doc: doc([anon('A', 0, 2), mremap(20, 2, 4, { mayMove: true })]), expect: era('sys_mremap', 'do_mremap', 'check_prep_vma', 'EFAULT') },
    { title: 'a growth of a range past its VMA\'s end', doc: doc([anon('A', 0, 2), mremap(1, 2, 4, { mayMove: true })]), expect: era(...SOURCE, 'EFAULT') },
    // A resize, so that 6.17's remap_move() (a same-size MREMAP_FIXED move, over holes too) does not take it.
    { title: 'a move and growth of a range past its VMA\'s end', doc: doc([anon('A', 0, 2), mremap(1, 2, 3, { to: 20 })]), expect: era(...SOURCE, 'EFAULT') },
    { title: 'old_len 0 of a private mapping', doc: doc([anon('A', 0, 2), mremap(0, 0, 2, { to: 10 })]), expect: era(...SOURCE) },
    { title: 'MREMAP_DONTUNMAP of a perf ring buffer (VM_DONTEXPAND)', doc: doc([perf('R', 2), mremap(2, 3, 3, { mayMove: true, dontUnmap: true })]), expect: era(...SOURCE) },
    { title: 'a growth of a perf ring buffer (VM_DONTEXPAND)', doc: doc([perf('R', 2), mremap(2, 3, 5, { mayMove: true })]), expect: era(...SOURCE, 'EFAULT') },
    { title: 'no room to grow in place and no MREMAP_MAYMOVE', doc: doc([anon('A', 0, 2), ro('B', 2, 2), mremap(0, 2, 4)]), expect: era('sys_mremap', 'expand_vma', 'expand_vma', 'ENOMEM') },
    // move_vma()'s own check up to 6.12 (6.6.14: "if (mm->map_count >= sysctl_max_map_count - 3) return -ENOMEM;"),
    // prep_move_vma()'s from 6.15's d5c8aec0542e ("mm/mremap: initial refactor of move_vma()").
    { title: 'map_count ≥ max_map_count - 3 at the move (no MREMAP_FIXED)', doc: doc([anon('A', 0, 1), ro('B', 1, 1), mremap(0, 1, 2, { mayMove: true })], { maxMapCount: 5 }), expect: era('move_vma', 'prep_move_vma', 'prep_move_vma', 'ENOMEM') },
    // mseal(2) is 6.10: 6.1 and 6.6 answer ENOSYS and the mremap goes ahead. The seal check is in the syscall's body after
    // the lookup in 6.12 ("mm/mremap: replace can_modify_mm with can_modify_vma"), do_mremap() in 6.15/6.16, check_prep_vma() from 6.17.
    { title: 'a sealed VMA', doc: doc([anon('A', 0, 2), seal(0, 2), mremap(0, 2, 1)]), expect: { ...era('sys_mremap', 'do_mremap', 'check_prep_vma', 'EPERM'), '6.1': [null, null], '6.6': [null, null] } },
    // vma_merge_extend() is 6.7's ("mm: abstract VMA merge and extend into vma_merge_extend() helper"); 6.1 and 6.6 call vma_merge().
    { title: 'an in-place growth the merge refuses (VM_IO)', doc: doc([driverIo('D', 0, 2), mremap(0, 2, 4)]), expect: { ...era('vma_merge_extend', 'vma_merge_extend', 'vma_merge_extend', 'ENOMEM'), '6.1': ['ENOMEM', 'vma_merge'], '6.6': ['ENOMEM', 'vma_merge'] } },
  ]
  const kernels = Object.keys(cases[0]!.expect) as KernelId[]
  it.each(cases.flatMap((c) => kernels.map((kernel) => ({ ...c, kernel }))))('$kernel: $title', ({ kernel, doc: d, expect: want }) => {
    const { result } = takeLastStep(kernel, d)
    const failed = result.checks.find((c) => c.rule === 'errno' && !c.pass)
    expect([result.error, failed?.fn ?? null]).toEqual(want[kernel])
  })
})
