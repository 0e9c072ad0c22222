/**
 * The decision record of mm/mmap.ts (do_mmap → __mmap_region), word for word: the checks
 * and notes the Why panel shows for the last step of each scenario, in the kernel's order.
 * The corpus (fidelity) pins what the kernel does; these pin what the explanation says
 * about it: the errno and its reason, where the kernel placed the mapping, vm_flags and the
 * hook, when VM_MERGEABLE is set (early, late, not at all), the merge or the new VMA, and
 * what MAP_POPULATE and mm->def_flags fault in.
 *
 * Each line: "<kernel function> <rule> pass|FAIL [<subject> [<range>)]: <text>". The window
 * starts at the default base 0x7f0000000000, page 34091302912, so an anonymous mapping's
 * pgoff (its address >> PAGE_SHIFT) is 34091302912 + its page.
 */
import { describeRecords, type RecordCase } from '../testing/explained-step'

/** Lines that many records share. */
/** without PR_SET_MEMORY_MERGE, KSM is out of it */
const MERGE_ANY_OFF =
  'ksm merge-any-off pass: MMF_VM_MERGE_ANY is off (no PR_SET_MEMORY_MERGE): KSM does not touch this mapping'
/** the first mapping has no neighbour */
const ALONE =
  'vma_merge_new_range has-neighbours FAIL new: no other VMA in the address space: nothing to merge with'
/** nothing above the range */
const NO_NEXT =
  'can_vma_merge_right next-adjacent FAIL next: no VMA above the range'
/** a rw- private anonymous mapping at page 2 */
const ANON_AT_2 =
  'do_mmap vm-flags pass new: vm_flags = rd wr mr mw me ac; pgoff 34091302914; anonymous: no file, no hook'
/** neither prev [0,2) nor the range has an anon_vma */
const PREV_0_2_UNFAULTED =
  'is_mergeable_anon_vma anon-vma pass prev [0,2): prev [0,2): neither side has an anon_vma yet (unfaulted)'

const CASES: RecordCase[] = [
  {
    title: 'a mapping of length 0 is EINVAL before anything else',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 0, "prot": "rw-", "share": "private", "backing": {"kind": "anon"}},
    ] },
    outcome: { error: 'EINVAL', outcome: 'failed', ksm: 'none', vmas: '' },
    record: [
      'do_mmap errno FAIL: EINVAL: a mapping of length 0 is invalid',
    ],
  },
  {
    title: 'kernel placement: top-down, in the highest free hole',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "kernel", steps: [
      {"op": "mmap", "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "anon"}},
    ] },
    outcome: { error: null, outcome: 'new', ksm: 'none', vmas: '[14,16)' },
    record: [
      'get_unmapped_area placement pass: the kernel places it top-down in the highest free hole: [14,16)',
      'do_mmap vm-flags pass new: vm_flags = rd wr mr mw me ac; pgoff 34091302926; anonymous: no file, no hook',
      MERGE_ANY_OFF,
      ALONE,
      '__mmap_new_vma new-vma pass new [14,16): no merge: a new VMA [14,16) (rd wr mr mw me ac)',
    ],
  },
  {
    title: 'no hole large enough: ENOMEM from get_unmapped_area',
    kernel: '6.18',
    doc: { windowPages: 4, placement: "kernel", steps: [
      {"op": "mmap", "pages": 8, "prot": "rw-", "share": "private", "backing": {"kind": "anon"}},
    ] },
    outcome: { error: 'ENOMEM', outcome: 'failed', ksm: 'none', vmas: '' },
    record: [
      'get_unmapped_area errno FAIL: ENOMEM: no free hole of 8 pages in the window',
    ],
  },
  {
    title: 'max_map_count: do_mmap() refuses only when map_count is already over it (map_count > max_map_count), so one mapping more than the limit is made',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", maxMapCount: 1, steps: [
      {"op": "mmap", "at": 0, "pages": 1, "prot": "rw-", "share": "private", "backing": {"kind": "anon"}},
      {"op": "mmap", "at": 4, "pages": 1, "prot": "rw-", "share": "private", "backing": {"kind": "anon"}},
    ] },
    outcome: { error: null, outcome: 'new', ksm: 'none', vmas: '[0,1) [4,5)' },
    record: [
      'do_mmap vm-flags pass new: vm_flags = rd wr mr mw me ac; pgoff 34091302916; anonymous: no file, no hook',
      MERGE_ANY_OFF,
      'can_vma_merge_left prev-adjacent FAIL prev [0,1): prev [0,1) ends at 1, not at the range\'s start 4',
      NO_NEXT,
      '__mmap_new_vma new-vma pass new [4,5): no merge: a new VMA [4,5) (rd wr mr mw me ac)',
    ],
  },
  {
    title: 'max_map_count: the next mmap, with map_count 2 over max_map_count 1, is ENOMEM',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", maxMapCount: 1, steps: [
      {"op": "mmap", "at": 0, "pages": 1, "prot": "rw-", "share": "private", "backing": {"kind": "anon"}},
      {"op": "mmap", "at": 4, "pages": 1, "prot": "rw-", "share": "private", "backing": {"kind": "anon"}},
      {"op": "mmap", "at": 8, "pages": 1, "prot": "rw-", "share": "private", "backing": {"kind": "anon"}},
    ] },
    outcome: { error: 'ENOMEM', outcome: 'failed', ksm: 'none', vmas: '[0,1) [4,5)' },
    record: [
      'do_mmap errno FAIL: ENOMEM: map_count 2 exceeds max_map_count 1',
    ],
  },
  {
    title: 'alone in the window, without PR_SET_MEMORY_MERGE: a new VMA, KSM not involved',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "anon"}},
    ] },
    outcome: { error: null, outcome: 'new', ksm: 'none', vmas: '[0,2)' },
    record: [
      'do_mmap vm-flags pass new: vm_flags = rd wr mr mw me ac; pgoff 34091302912; anonymous: no file, no hook',
      MERGE_ANY_OFF,
      ALONE,
      '__mmap_new_vma new-vma pass new [0,2): no merge: a new VMA [0,2) (rd wr mr mw me ac)',
    ],
  },
  {
    title: 'the seed story on 6.12: VM_MERGEABLE is set late, so the range does not match prev',
    kernel: '6.12',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "prctl", "option": "PR_SET_MEMORY_MERGE", "value": 1},
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "anon"}},
      {"op": "mmap", "at": 2, "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "anon"}},
    ] },
    outcome: { error: null, outcome: 'new', ksm: 'late', vmas: '[0,2) [2,4)' },
    record: [
      ANON_AT_2,
      '__mmap_region ksm-late pass new: this kernel sets VM_MERGEABLE only after the merge attempt (ksm_add_vma() on a new VMA): the range is compared WITHOUT it',
      'is_mergeable_vma flags-equal FAIL prev [0,2): prev [0,2): flags differ: prev has VM_MERGEABLE, the new range does not',
      NO_NEXT,
      'ksm_add_vma ksm-flag-set pass new: VM_MERGEABLE set late (ksm_add_vma() on the new VMA), after the merge attempt',
      '__mmap_new_vma new-vma pass new [2,4): no merge: a new VMA [2,4) (rd wr mr mw me ac mg)',
    ],
  },
  {
    title: 'the seed story on 6.18: VM_MERGEABLE is set early, and the range merges with prev',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "prctl", "option": "PR_SET_MEMORY_MERGE", "value": 1},
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "anon"}},
      {"op": "mmap", "at": 2, "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "anon"}},
    ] },
    outcome: { error: null, outcome: 'merged-prev', ksm: 'early', vmas: '[0,4)' },
    record: [
      ANON_AT_2,
      'can_set_ksm_flags_early ksm-early-eligible pass new: no file (anonymous mapping): safe to set KSM flags before the merge attempt',
      'update_ksm_flags ksm-flag-set pass new: VM_MERGEABLE set early (update_ksm_flags()), before the merge attempt: the new range now matches neighbours that carry it',
      'is_mergeable_vma flags-equal pass prev [0,2): prev [0,2): same flags and no file',
      PREV_0_2_UNFAULTED,
      'can_vma_merge_after pgoff-contiguous pass prev [0,2): prev [0,2): pgoff 34091302912 + 2 pages = 34091302914, the range\'s pgoff: contiguous',
      NO_NEXT,
      'vma_expand expanded pass prev [0,4): prev [0,2) grows in place to [0,4): the same vm_area_struct',
      'vma_merge_new_range merged pass new [0,4): merged with prev: now [0,4)',
    ],
  },
  {
    title: 'overlayfs on 6.18: a .mmap hook, so VM_MERGEABLE is still set late',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "prctl", "option": "PR_SET_MEMORY_MERGE", "value": 1},
      {"op": "mmap", "at": 0, "pages": 2, "prot": "r--", "share": "private", "backing": {"kind": "file", "file": "app.img", "pgoff": 0, "fs": "overlayfs"}},
      {"op": "mmap", "at": 2, "pages": 2, "prot": "r--", "share": "private", "backing": {"kind": "file", "file": "app.img", "pgoff": 2, "fs": "overlayfs"}},
    ] },
    outcome: { error: null, outcome: 'new', ksm: 'late', vmas: '[0,2) [2,4)' },
    record: [
      'do_mmap vm-flags pass new: vm_flags = rd mr mw me; pgoff 2; overlayfs .mmap (ovl_mmap) replaces vma->vm_file with the real file underneath',
      'can_set_ksm_flags_early ksm-early-eligible FAIL new: app.img (overlayfs) has a .mmap hook that may change the flags after the merge attempt: KSM flags are set late',
      'is_mergeable_vma flags-equal FAIL prev [0,2): prev [0,2): flags differ: prev has VM_MERGEABLE, the new range does not',
      NO_NEXT,
      'ksm_add_vma ksm-flag-set pass new: VM_MERGEABLE set late (after the .mmap hook, from the post-hook flags), after the merge attempt',
      '__mmap_new_vma new-vma pass new [2,4): no merge: a new VMA [2,4) (rd mr mw me mg)',
    ],
  },
  {
    title: 'a fixed placement is MAP_FIXED_NOREPLACE: over a VMA it is EEXIST',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "anon"}},
      {"op": "mmap", "at": 1, "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "anon"}},
    ] },
    outcome: { error: 'EEXIST', outcome: 'failed', ksm: 'none', vmas: '[0,2)' },
    record: [
      'do_mmap errno FAIL: EEXIST: MAP_FIXED_NOREPLACE: [1,3) overlaps an existing VMA',
    ],
  },
  {
    title: 'MAP_POPULATE faults the pages in; the first write fault gives the VMA its anon_vma',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "anon"}, "mapFlags": ["MAP_POPULATE"]},
    ] },
    outcome: { error: null, outcome: 'new', ksm: 'none', vmas: '[0,2)' },
    record: [
      'do_mmap vm-flags pass new: vm_flags = rd wr mr mw me ac; pgoff 34091302912; anonymous: no file, no hook',
      MERGE_ANY_OFF,
      ALONE,
      '__mmap_new_vma new-vma pass new [0,2): no merge: a new VMA [0,2) (rd wr mr mw me ac)',
      'vm_mmap_pgoff populate pass new [0,2): MAP_POPULATE: mm_populate() faults the pages in',
      'populate_vma_page_range populate-write pass middle [0,2): [0,2) is private and writable: populated with write faults (FOLL_WRITE breaks COW)',
      'anon_vma_prepare anon-vma-created pass middle [0,2): [0,2): first write fault gives the VMA a new anon_vma',
    ],
  },
  {
    title: 'MAP_STACK on 6.18 adds VM_NOHUGEPAGE',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "anon"}, "mapFlags": ["MAP_STACK"]},
    ] },
    outcome: { error: null, outcome: 'new', ksm: 'none', vmas: '[0,2)' },
    record: [
      'calc_vm_flag_bits map-stack pass: MAP_STACK: the mapping gets VM_NOHUGEPAGE (c4608d1bf7c6, 6.7), so it merges only with VM_NOHUGEPAGE neighbours',
      'do_mmap vm-flags pass new: vm_flags = rd wr mr mw me ac nh; pgoff 34091302912; anonymous: no file, no hook',
      MERGE_ANY_OFF,
      ALONE,
      '__mmap_new_vma new-vma pass new [0,2): no merge: a new VMA [0,2) (rd wr mr mw me ac nh)',
    ],
  },
  {
    title: 'MAP_DROPPABLE with MAP_SHARED is EINVAL',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "shared", "backing": {"kind": "anon"}, "mapFlags": ["MAP_DROPPABLE"]},
    ] },
    outcome: { error: 'EINVAL', outcome: 'failed', ksm: 'none', vmas: '' },
    record: [
      'do_mmap errno FAIL: EINVAL: MAP_DROPPABLE is a mapping type of its own: anonymous, not shared, not locked',
    ],
  },
  {
    title: 'MAP_GROWSDOWN on shared anonymous memory is EINVAL',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "shared", "backing": {"kind": "anon"}, "mapFlags": ["MAP_GROWSDOWN"]},
    ] },
    outcome: { error: 'EINVAL', outcome: 'failed', ksm: 'none', vmas: '' },
    record: [
      'do_mmap errno FAIL new: EINVAL: MAP_GROWSDOWN on a shared anonymous mapping: only private memory may grow down',
    ],
  },
  {
    title: 'MAP_SHARED_VALIDATE on anonymous memory is EINVAL',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "shared", "backing": {"kind": "anon"}, "mapFlags": ["MAP_SHARED_VALIDATE"]},
    ] },
    outcome: { error: 'EINVAL', outcome: 'failed', ksm: 'none', vmas: '' },
    record: [
      'do_mmap errno FAIL new: EINVAL: MAP_SHARED_VALIDATE is not a map type anonymous memory takes (only MAP_SHARED or MAP_PRIVATE)',
    ],
  },
  {
    title: 'after mlockall(MCL_FUTURE), mm->def_flags adds VM_LOCKED and the mapping is populated',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "mlockall", "flags": ["MCL_FUTURE"]},
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "anon"}},
    ] },
    outcome: { error: null, outcome: 'new', ksm: 'none', vmas: '[0,2)' },
    record: [
      'do_mmap def-flags pass new: mm->def_flags (mlockall(MCL_FUTURE)) adds VM_LOCKED',
      'do_mmap vm-flags pass new: vm_flags = rd wr mr mw me lo ac; pgoff 34091302912; anonymous: no file, no hook',
      MERGE_ANY_OFF,
      ALONE,
      '__mmap_new_vma new-vma pass new [0,2): no merge: a new VMA [0,2) (rd wr mr mw me lo ac)',
      'vm_mmap_pgoff populate pass new [0,2): VM_LOCKED from mm->def_flags: mm_populate() faults the pages in',
      'populate_vma_page_range populate-write pass middle [0,2): [0,2) is private and writable: populated with write faults (FOLL_WRITE breaks COW)',
      'anon_vma_prepare anon-vma-created pass middle [0,2): [0,2): first write fault gives the VMA a new anon_vma',
    ],
  },
  {
    title: 'MAP_FIXED over half a VMA: split, unmap, then the new range merges with next',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 4, "prot": "r--", "share": "private", "backing": {"kind": "anon"}},
      {"op": "mmap", "at": 4, "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "anon"}},
      {"op": "mmap", "at": 2, "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "anon"}, "mapFlags": ["MAP_FIXED"]},
    ] },
    outcome: { error: null, outcome: 'merged-next', ksm: 'none', vmas: '[0,2) [2,6)' },
    record: [
      '__split_vma may-split pass middle [0,4): [0,4) at 2: no vm_ops->may_split refuses it, so the split may go ahead',
      '__split_vma split pass middle [2,4): [0,4) split at 2: a new vm_area_struct [0,2) (vm_area_dup); the VMA keeps [2,4)',
      'vms_gather_munmap_vmas unmapped pass: unmapped [2,4): 1 VMA or parts removed',
      'remove_vma vma-freed pass middle [2,4): [2,4) is unmapped and freed (vms_complete_munmap_vmas → remove_vma)',
      ANON_AT_2,
      MERGE_ANY_OFF,
      'is_mergeable_vma flags-equal FAIL prev [0,2): prev [0,2): flags differ: the new range has VM_WRITE VM_ACCOUNT, prev does not',
      'is_mergeable_vma flags-equal pass next [4,6): next [4,6): same flags and no file',
      'is_mergeable_anon_vma anon-vma pass next [4,6): next [4,6): neither side has an anon_vma yet (unfaulted)',
      'can_vma_merge_before pgoff-contiguous pass next [4,6): next [4,6): pgoff 34091302916 follows the range\'s pgoff 34091302914 + 2: contiguous',
      'vma_expand expanded pass next [2,6): next [4,6) grows in place to [2,6): the same vm_area_struct',
      'vma_merge_new_range merged pass new [2,6): merged with next: now [2,6)',
    ],
  },
  {
    title: 'the v2 patch: a driver\'s .mmap adds VM_PFNMAP after the early VM_MERGEABLE (the defect)',
    kernel: 'v2',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "prctl", "option": "PR_SET_MEMORY_MERGE", "value": 1},
      {"op": "mmap", "name": "D:0", "at": 0, "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "device", "file": "/dev/pfn-driver", "pgoff": 0, "hook": "mmap", "setsFlags": ["VM_PFNMAP", "VM_IO"]}},
    ] },
    outcome: { error: null, outcome: 'new', ksm: 'late', vmas: '[0,2)' },
    record: [
      'do_mmap vm-flags pass new: vm_flags = rd wr mr mw me ac; pgoff 0; driver .mmap adds VM_PFNMAP VM_IO',
      'can_set_ksm_flags_early ksm-early-eligible FAIL new: /dev/pfn-driver has a .mmap hook that may change the flags after the merge attempt: KSM flags are set late',
      ALONE,
      'ksm_add_vma ksm-flag-set pass new: VM_MERGEABLE set late (before the .mmap hook, from the pre-hook flags), after the merge attempt',
      'mmap_file hook-flags pass new: .mmap adds VM_PFNMAP VM_IO after the merge attempt',
      'ksm_compatible v2-defect FAIL new: v2 defect: VM_MERGEABLE was decided before the hook added VM_PFNMAP VM_IO, so the VMA is both mergeable and KSM-incompatible (the syzbot report; fixed before 6.17)',
      '__mmap_new_vma new-vma pass new [0,2): no merge: a new VMA [0,2) (rd wr mr mw me pf io ac mg)',
    ],
  },
  {
    title: '6.18: a driver\'s .mmap adds VM_PFNMAP, and VM_MERGEABLE is computed after it: none',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "prctl", "option": "PR_SET_MEMORY_MERGE", "value": 1},
      {"op": "mmap", "name": "D:0", "at": 0, "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "device", "file": "/dev/pfn-driver", "pgoff": 0, "hook": "mmap", "setsFlags": ["VM_PFNMAP", "VM_IO"]}},
    ] },
    outcome: { error: null, outcome: 'new', ksm: 'none', vmas: '[0,2)' },
    record: [
      'do_mmap vm-flags pass new: vm_flags = rd wr mr mw me ac; pgoff 0; driver .mmap adds VM_PFNMAP VM_IO',
      'can_set_ksm_flags_early ksm-early-eligible FAIL new: /dev/pfn-driver has a .mmap hook that may change the flags after the merge attempt: KSM flags are set late',
      ALONE,
      'mmap_file hook-flags pass new: .mmap adds VM_PFNMAP VM_IO after the merge attempt',
      'ksm_compatible ksm-compatible FAIL new: not KSM-compatible (VM_PFNMAP VM_IO): VM_MERGEABLE is not set',
      '__mmap_new_vma new-vma pass new [0,2): no merge: a new VMA [0,2) (rd wr mr mw me pf io ac)',
    ],
  },
  {
    title: '6.15: a .mmap hook that changes the flags, with a prev: the merge is tried again',
    kernel: '6.15',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "device", "file": "/dev/drv", "pgoff": 0, "hook": "mmap", "setsFlags": ["VM_DONTDUMP"]}},
      {"op": "mmap", "at": 2, "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "device", "file": "/dev/drv", "pgoff": 2, "hook": "mmap", "setsFlags": ["VM_DONTDUMP"]}},
    ] },
    outcome: { error: null, outcome: 'merged-prev', ksm: 'none', vmas: '[0,4)' },
    record: [
      'do_mmap vm-flags pass new: vm_flags = rd wr mr mw me ac; pgoff 2; driver .mmap adds VM_DONTDUMP',
      MERGE_ANY_OFF,
      'is_mergeable_vma flags-equal FAIL prev [0,2): prev [0,2): flags differ: prev has VM_DONTDUMP, the new range does not',
      NO_NEXT,
      'mmap_file hook-flags pass new: .mmap adds VM_DONTDUMP after the merge attempt',
      '__mmap_new_vma new-vma pass new [2,4): no merge: a new VMA [2,4) (rd wr mr mw me ac dd)',
      '__mmap_region retry-merge pass: the .mmap hook changed the flags: retry the merge (removed in 6.16)',
      'is_mergeable_vma flags-equal pass prev [0,2): prev [0,2): same flags and file /dev/drv',
      PREV_0_2_UNFAULTED,
      'can_vma_merge_after pgoff-contiguous pass prev [0,2): prev [0,2): pgoff 0 + 2 pages = 2, the range\'s pgoff: contiguous',
      NO_NEXT,
      'commit_merge expanded pass prev [0,4): prev [0,2) grows in place to [0,4): the same vm_area_struct',
      'vma_complete vma-freed pass middle [2,4): [2,4) is removed and freed (vm_area_free): merged into prev',
    ],
  },
  {
    title: '6.18: .mmap_prepare adds its flags before the merge attempt',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "device", "file": "/dev/drv", "pgoff": 0, "hook": "mmap_prepare", "setsFlags": ["VM_DONTDUMP"]}},
      {"op": "mmap", "at": 2, "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "device", "file": "/dev/drv", "pgoff": 2, "hook": "mmap_prepare", "setsFlags": ["VM_DONTDUMP"]}},
    ] },
    outcome: { error: null, outcome: 'merged-prev', ksm: 'none', vmas: '[0,4)' },
    record: [
      'do_mmap vm-flags pass new: vm_flags = rd wr mr mw me ac; pgoff 2; driver .mmap_prepare adds VM_DONTDUMP',
      MERGE_ANY_OFF,
      'call_mmap_prepare hook-flags pass new: .mmap_prepare adds VM_DONTDUMP before the merge attempt',
      'is_mergeable_vma flags-equal pass prev [0,2): prev [0,2): same flags and file /dev/drv',
      PREV_0_2_UNFAULTED,
      'can_vma_merge_after pgoff-contiguous pass prev [0,2): prev [0,2): pgoff 0 + 2 pages = 2, the range\'s pgoff: contiguous',
      NO_NEXT,
      'vma_expand expanded pass prev [0,4): prev [0,2) grows in place to [0,4): the same vm_area_struct',
      'vma_merge_new_range merged pass new [0,4): merged with prev: now [0,4)',
    ],
  },
  {
    title: 'a driver\'s hook that sets VM_LOCKED: nothing is populated',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "device", "file": "/dev/drv", "pgoff": 0, "hook": "mmap", "setsFlags": ["VM_LOCKED"]}},
    ] },
    outcome: { error: null, outcome: 'new', ksm: 'none', vmas: '[0,2)' },
    record: [
      'do_mmap vm-flags pass new: vm_flags = rd wr mr mw me ac; pgoff 0; driver .mmap adds VM_LOCKED',
      MERGE_ANY_OFF,
      ALONE,
      'mmap_file hook-flags pass new: .mmap adds VM_LOCKED after the merge attempt',
      '__mmap_new_vma new-vma pass new [0,2): no merge: a new VMA [0,2) (rd wr mr mw me lo ac)',
      'vm_mmap_pgoff no-populate pass new [0,2): VM_LOCKED came from the driver\'s hook, not from do_mmap()\'s flags: nothing is populated now',
    ],
  },
  {
    title: '6.6 knows no MAP_DROPPABLE: EINVAL',
    kernel: '6.6',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "anon"}, "mapFlags": ["MAP_DROPPABLE"]},
    ] },
    outcome: { error: 'EINVAL', outcome: 'failed', ksm: 'none', vmas: '' },
    record: [
      'do_mmap errno FAIL: EINVAL: MAP_DROPPABLE (0x08) is not a map type this release knows (it came in 6.11, 9651fcedf7b9): the switch on flags & MAP_TYPE answers EINVAL',
    ],
  },
  {
    title: 'MAP_HUGETLB without MAP_NORESERVE and an empty pool: ENOMEM',
    kernel: '6.18',
    doc: { windowPages: 1024, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 512, "prot": "rw-", "share": "private", "backing": {"kind": "anon"}, "mapFlags": ["MAP_HUGETLB"]},
    ] },
    outcome: { error: 'ENOMEM', outcome: 'failed', ksm: 'none', vmas: '' },
    record: [
      'do_mmap vm-flags pass new: vm_flags = rd wr mr mw me ac; pgoff 0; MAP_HUGETLB: a hugetlbfs file of its own (hugetlb_file_setup()); hugetlbfs .mmap adds VM_HUGETLB|VM_DONTEXPAND',
      MERGE_ANY_OFF,
      ALONE,
      'hugetlb_reserve_pages errno FAIL new: ENOMEM: no huge page is free to reserve (the engine assumes nr_hugepages 0); MAP_NORESERVE would leave the reservation out',
    ],
  },
  {
    title: 'MAP_HUGETLB|MAP_NORESERVE: the length is rounded up to 2 MiB',
    kernel: '6.18',
    doc: { windowPages: 1024, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 3, "prot": "rw-", "share": "private", "backing": {"kind": "anon"}, "mapFlags": ["MAP_HUGETLB", "MAP_NORESERVE"]},
    ] },
    outcome: { error: null, outcome: 'new', ksm: 'none', vmas: '[0,512)' },
    record: [
      'ksys_mmap_pgoff hugetlb-len pass: MAP_HUGETLB: the length is rounded up to whole 2 MiB huge pages: 512 pages',
      'do_mmap vm-flags pass new: vm_flags = rd wr mr mw me nr; pgoff 0; MAP_HUGETLB: a hugetlbfs file of its own (hugetlb_file_setup()); hugetlbfs .mmap adds VM_HUGETLB|VM_DONTEXPAND',
      MERGE_ANY_OFF,
      ALONE,
      'mmap_file hook-flags pass new: .mmap adds VM_DONTEXPAND VM_HUGETLB after the merge attempt',
      '__mmap_new_vma new-vma pass new [0,512): no merge: a new VMA [0,512) (rd wr mr mw me de nr ht)',
    ],
  },
  {
    title: 'PROT_EXEC on a secretmem file: EPERM (noexec mount)',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 2, "prot": "r-x", "share": "shared", "backing": {"kind": "secretmem", "file": "S"}},
    ] },
    outcome: { error: 'EPERM', outcome: 'failed', ksm: 'none', vmas: '' },
    record: [
      'do_mmap errno FAIL new: EPERM: /secretmem (deleted) lives on a noexec mount (path_noexec): PROT_EXEC is refused',
    ],
  },
  {
    title: 'an io_uring ring at a chosen address: EINVAL',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "shared", "backing": {"kind": "io_uring", "file": "R"}},
    ] },
    outcome: { error: 'EINVAL', outcome: 'failed', ksm: 'none', vmas: '' },
    record: [
      'io_uring_get_unmapped_area errno FAIL: EINVAL: io_uring rings may not be mapped at an address the caller chooses (only with addr 0, kernel placement)',
    ],
  },
  {
    title: 'MAP_SHARED|MAP_ANONYMOUS: shmem_zero_setup() gives the VMA a shmem file of its own',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "shared", "backing": {"kind": "anon"}},
    ] },
    outcome: { error: null, outcome: 'new', ksm: 'none', vmas: '[0,2)' },
    record: [
      'do_mmap vm-flags pass new: vm_flags = rd wr sh mr mw me ms; pgoff 0; MAP_SHARED|MAP_ANONYMOUS: shmem_zero_setup() gives the VMA a new shmem file of its own',
      MERGE_ANY_OFF,
      ALONE,
      '__mmap_new_vma new-vma pass new [0,2): no merge: a new VMA [0,2) (rd wr sh mr mw me ms)',
    ],
  },
  {
    title: '/dev/zero, MAP_SHARED: a new shmem file',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "shared", "backing": {"kind": "device", "file": "/dev/zero", "pgoff": 0}},
    ] },
    outcome: { error: null, outcome: 'new', ksm: 'none', vmas: '[0,2)' },
    record: [
      'do_mmap vm-flags pass new: vm_flags = rd wr sh mr mw me ms; pgoff 0; /dev/zero .mmap (mmap_zero): MAP_SHARED → shmem_zero_setup(), a new shmem file',
      MERGE_ANY_OFF,
      ALONE,
      '__mmap_new_vma new-vma pass new [0,2): no merge: a new VMA [0,2) (rd wr sh mr mw me ms)',
    ],
  },
  {
    title: '/dev/zero, MAP_PRIVATE: anonymous memory',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "device", "file": "/dev/zero", "pgoff": 0}},
    ] },
    outcome: { error: null, outcome: 'new', ksm: 'none', vmas: '[0,2)' },
    record: [
      'do_mmap vm-flags pass new: vm_flags = rd wr mr mw me ac; pgoff 0; /dev/zero .mmap (mmap_zero): MAP_PRIVATE → vma_set_anonymous()',
      MERGE_ANY_OFF,
      ALONE,
      '__mmap_new_vma new-vma pass new [0,2): no merge: a new VMA [0,2) (rd wr mr mw me ac)',
    ],
  },
  {
    title: 'a memfd, MAP_SHARED, under PR_SET_MEMORY_MERGE: early is allowed (shmem), but VM_SHARED is not KSM-compatible',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "prctl", "option": "PR_SET_MEMORY_MERGE", "value": 1},
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "shared", "backing": {"kind": "shmem", "file": "M", "pgoff": 0}},
    ] },
    outcome: { error: null, outcome: 'new', ksm: 'none', vmas: '[0,2)' },
    record: [
      'do_mmap vm-flags pass new: vm_flags = rd wr sh mr mw me ms; pgoff 0; memfd: shmem .mmap (shmem_mmap)',
      'can_set_ksm_flags_early ksm-early-eligible pass new: memfd:M is a shmem file: its .mmap does nothing that affects KSM, so flags are set early',
      'ksm_compatible ksm-compatible FAIL new: not KSM-compatible (VM_SHARED VM_MAYSHARE): VM_MERGEABLE is not set',
      ALONE,
      '__mmap_new_vma new-vma pass new [0,2): no merge: a new VMA [0,2) (rd wr sh mr mw me ms)',
    ],
  },
  {
    title: 'a tmpfs file: shmem .mmap',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "prctl", "option": "PR_SET_MEMORY_MERGE", "value": 1},
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "file", "file": "data.bin", "pgoff": 0, "fs": "tmpfs"}},
    ] },
    outcome: { error: null, outcome: 'new', ksm: 'early', vmas: '[0,2)' },
    record: [
      'do_mmap vm-flags pass new: vm_flags = rd wr mr mw me ac; pgoff 0; tmpfs: shmem .mmap (shmem_mmap)',
      'can_set_ksm_flags_early ksm-early-eligible pass new: data.bin (tmpfs) is a shmem file: its .mmap does nothing that affects KSM, so flags are set early',
      'update_ksm_flags ksm-flag-set pass new: VM_MERGEABLE set early (update_ksm_flags()), before the merge attempt: the new range now matches neighbours that carry it',
      ALONE,
      '__mmap_new_vma new-vma pass new [0,2): no merge: a new VMA [0,2) (rd wr mr mw me ac mg)',
    ],
  },
  {
    title: 'an ext4 file on 6.16: .mmap, VM_MERGEABLE late',
    kernel: '6.16',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "prctl", "option": "PR_SET_MEMORY_MERGE", "value": 1},
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "file", "file": "data.bin", "pgoff": 0, "fs": "ext4"}},
    ] },
    outcome: { error: null, outcome: 'new', ksm: 'late', vmas: '[0,2)' },
    record: [
      'do_mmap vm-flags pass new: vm_flags = rd wr mr mw me ac; pgoff 0; ext4 .mmap',
      '__mmap_region ksm-late pass new: this kernel sets VM_MERGEABLE only after the merge attempt (ksm_add_vma() on a new VMA): the range is compared WITHOUT it',
      ALONE,
      'ksm_add_vma ksm-flag-set pass new: VM_MERGEABLE set late (ksm_add_vma() on the new VMA), after the merge attempt',
      '__mmap_new_vma new-vma pass new [0,2): no merge: a new VMA [0,2) (rd wr mr mw me ac mg)',
    ],
  },
  {
    title: 'an ext4 file on 6.18: .mmap_prepare, VM_MERGEABLE early, merges with the file\'s next part',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "prctl", "option": "PR_SET_MEMORY_MERGE", "value": 1},
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "file", "file": "data.bin", "pgoff": 0, "fs": "ext4"}},
      {"op": "mmap", "at": 2, "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "file", "file": "data.bin", "pgoff": 2, "fs": "ext4"}},
    ] },
    outcome: { error: null, outcome: 'merged-prev', ksm: 'early', vmas: '[0,4)' },
    record: [
      'do_mmap vm-flags pass new: vm_flags = rd wr mr mw me ac; pgoff 2; ext4 .mmap_prepare',
      'can_set_ksm_flags_early ksm-early-eligible pass new: data.bin has .mmap_prepare, which runs before the merge: safe to set KSM flags early',
      'update_ksm_flags ksm-flag-set pass new: VM_MERGEABLE set early (update_ksm_flags()), before the merge attempt: the new range now matches neighbours that carry it',
      'is_mergeable_vma flags-equal pass prev [0,2): prev [0,2): same flags and file data.bin',
      PREV_0_2_UNFAULTED,
      'can_vma_merge_after pgoff-contiguous pass prev [0,2): prev [0,2): pgoff 0 + 2 pages = 2, the range\'s pgoff: contiguous',
      NO_NEXT,
      'vma_expand expanded pass prev [0,4): prev [0,2) grows in place to [0,4): the same vm_area_struct',
      'vma_merge_new_range merged pass new [0,4): merged with prev: now [0,4)',
    ],
  },
  {
    title: '6.12 under PR_SET_MEMORY_MERGE, a hook that changes the flags: the retry merge fails too (prev has VM_MERGEABLE, the range not yet)',
    kernel: '6.12',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "prctl", "option": "PR_SET_MEMORY_MERGE", "value": 1},
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "device", "file": "/dev/drv", "pgoff": 0, "hook": "mmap", "setsFlags": ["VM_DONTDUMP"]}},
      {"op": "mmap", "at": 2, "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "device", "file": "/dev/drv", "pgoff": 2, "hook": "mmap", "setsFlags": ["VM_DONTDUMP"]}},
    ] },
    outcome: { error: null, outcome: 'new', ksm: 'late', vmas: '[0,2) [2,4)' },
    record: [
      'do_mmap vm-flags pass new: vm_flags = rd wr mr mw me ac; pgoff 2; driver .mmap adds VM_DONTDUMP',
      '__mmap_region ksm-late pass new: this kernel sets VM_MERGEABLE only after the merge attempt (ksm_add_vma() on a new VMA): the range is compared WITHOUT it',
      'is_mergeable_vma flags-equal FAIL prev [0,2): prev [0,2): flags differ: prev has VM_DONTDUMP VM_MERGEABLE, the new range does not',
      NO_NEXT,
      'mmap_file hook-flags pass new: .mmap adds VM_DONTDUMP after the merge attempt',
      'mmap_region retry-merge pass: the .mmap hook changed the flags and there is a prev: try the merge again with the new flags, before inserting the VMA',
      'is_mergeable_vma flags-equal FAIL prev [0,2): prev [0,2): flags differ: prev has VM_MERGEABLE, the new range does not',
      NO_NEXT,
      'ksm_add_vma ksm-flag-set pass new: VM_MERGEABLE set late (ksm_add_vma() on the new VMA), after the merge attempt',
      '__mmap_new_vma new-vma pass new [2,4): no merge: a new VMA [2,4) (rd wr mr mw me ac dd mg)',
    ],
  },
  {
    title: 'MAP_LOCKED: the pages are populated',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "anon"}, "mapFlags": ["MAP_LOCKED"]},
    ] },
    outcome: { error: null, outcome: 'new', ksm: 'none', vmas: '[0,2)' },
    record: [
      'do_mmap vm-flags pass new: vm_flags = rd wr mr mw me lo ac; pgoff 34091302912; anonymous: no file, no hook',
      MERGE_ANY_OFF,
      ALONE,
      '__mmap_new_vma new-vma pass new [0,2): no merge: a new VMA [0,2) (rd wr mr mw me lo ac)',
      'vm_mmap_pgoff populate pass new [0,2): MAP_LOCKED: mm_populate() faults the pages in',
      'populate_vma_page_range populate-write pass middle [0,2): [0,2) is private and writable: populated with write faults (FOLL_WRITE breaks COW)',
      'anon_vma_prepare anon-vma-created pass middle [0,2): [0,2): first write fault gives the VMA a new anon_vma',
    ],
  },
  {
    title: '6.18: MAP_DROPPABLE after mlockall(MCL_FUTURE): VM_LOCKED is taken back',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "mlockall", "flags": ["MCL_FUTURE"]},
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "anon"}, "mapFlags": ["MAP_DROPPABLE"]},
    ] },
    outcome: { error: null, outcome: 'new', ksm: 'none', vmas: '[0,2)' },
    record: [
      'do_mmap def-flags pass new: mm->def_flags (mlockall(MCL_FUTURE)) adds VM_LOCKED',
      'do_mmap vm-flags pass new: vm_flags = rd wr mr mw me lo nr wf dd dp; pgoff 34091302912; anonymous: no file, no hook',
      MERGE_ANY_OFF,
      ALONE,
      '__mmap_new_vma new-vma pass new [0,2): no merge: a new VMA [0,2) (rd wr mr mw me lo nr wf dd dp)',
      '__mmap_complete unlock-unsupported pass new [0,2): [0,2) is VM_DROPPABLE, which cannot be locked: VM_LOCKED and VM_LOCKONFAULT are cleared',
      'vm_mmap_pgoff populate pass new [0,2): VM_LOCKED from mm->def_flags: mm_populate() faults the pages in',
      'populate_vma_page_range populate-write pass middle [0,2): [0,2) is private and writable: populated with write faults (FOLL_WRITE breaks COW)',
      'anon_vma_prepare anon-vma-created pass middle [0,2): [0,2): first write fault gives the VMA a new anon_vma',
    ],
  },
  {
    title: 'MAP_SHARED_VALIDATE on a file with legacy flags: as MAP_SHARED',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "shared", "backing": {"kind": "file", "file": "data.bin", "pgoff": 0, "fs": "ext4"}, "mapFlags": ["MAP_SHARED_VALIDATE", "MAP_FIXED"]},
    ] },
    outcome: { error: null, outcome: 'new', ksm: 'none', vmas: '[0,2)' },
    record: [
      'do_mmap shared-validate pass new: MAP_SHARED_VALIDATE with legacy flags only: the same as MAP_SHARED',
      'do_mmap vm-flags pass new: vm_flags = rd wr sh mr mw me ms; pgoff 0; ext4 .mmap_prepare',
      MERGE_ANY_OFF,
      ALONE,
      '__mmap_new_vma new-vma pass new [0,2): no merge: a new VMA [0,2) (rd wr sh mr mw me ms)',
    ],
  },
  {
    title: 'MAP_SHARED_VALIDATE at a chosen address without MAP_FIXED (MAP_FIXED_NOREPLACE): EOPNOTSUPP',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "shared", "backing": {"kind": "file", "file": "data.bin", "pgoff": 0, "fs": "ext4"}, "mapFlags": ["MAP_SHARED_VALIDATE"]},
    ] },
    outcome: { error: 'EOPNOTSUPP', outcome: 'failed', ksm: 'none', vmas: '' },
    record: [
      'do_mmap errno FAIL new: EOPNOTSUPP: MAP_SHARED_VALIDATE refuses every flag outside LEGACY_MAP_MASK and the file\'s mmap_supported_flags, and MAP_FIXED_NOREPLACE (how a mapping at a chosen page is made) is outside it',
    ],
  },
  {
    title: 'secretmem on 6.18: secretmem_mmap_prepare',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "shared", "backing": {"kind": "secretmem", "file": "S"}},
    ] },
    outcome: { error: null, outcome: 'new', ksm: 'none', vmas: '[0,2)' },
    record: [
      'do_mmap noexec pass new: /secretmem (deleted) lives on a noexec mount (path_noexec): VM_MAYEXEC is cleared',
      'do_mmap vm-flags pass new: vm_flags = rd wr sh mr mw ms; pgoff 0; secretmem_mmap_prepare() adds VM_LOCKED VM_DONTDUMP',
      MERGE_ANY_OFF,
      'call_mmap_prepare hook-flags pass new: .mmap_prepare adds VM_LOCKED VM_DONTDUMP before the merge attempt',
      ALONE,
      '__mmap_new_vma new-vma pass new [0,2): no merge: a new VMA [0,2) (rd wr sh mr mw ms lo dd)',
      'vm_mmap_pgoff no-populate pass new [0,2): VM_LOCKED came from the driver\'s hook, not from do_mmap()\'s flags: nothing is populated now',
    ],
  },
  {
    title: 'secretmem on 6.12: secretmem_mmap',
    kernel: '6.12',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "shared", "backing": {"kind": "secretmem", "file": "S"}},
    ] },
    outcome: { error: null, outcome: 'new', ksm: 'none', vmas: '[0,2)' },
    record: [
      'do_mmap noexec pass new: /secretmem (deleted) lives on a noexec mount (path_noexec): VM_MAYEXEC is cleared',
      'do_mmap vm-flags pass new: vm_flags = rd wr sh mr mw ms; pgoff 0; secretmem_mmap() adds VM_LOCKED VM_DONTDUMP',
      MERGE_ANY_OFF,
      ALONE,
      'mmap_file hook-flags pass new: .mmap adds VM_LOCKED VM_DONTDUMP after the merge attempt',
      '__mmap_new_vma new-vma pass new [0,2): no merge: a new VMA [0,2) (rd wr sh mr mw ms lo dd)',
      'vm_mmap_pgoff no-populate pass new [0,2): VM_LOCKED came from the driver\'s hook, not from do_mmap()\'s flags: nothing is populated now',
    ],
  },
  {
    title: 'a perf ring buffer',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 3, "prot": "r--", "share": "shared", "backing": {"kind": "perf", "file": "P"}},
    ] },
    outcome: { error: null, outcome: 'new', ksm: 'none', vmas: '[0,3)' },
    record: [
      'do_mmap noexec pass new: anon_inode:[perf_event] lives on a noexec mount (path_noexec): VM_MAYEXEC is cleared',
      'do_mmap vm-flags pass new: vm_flags = rd sh mr mw ms; pgoff 0; perf_mmap() adds VM_PFNMAP VM_IO VM_DONTCOPY VM_DONTEXPAND VM_DONTDUMP',
      MERGE_ANY_OFF,
      ALONE,
      'mmap_file hook-flags pass new: .mmap adds VM_PFNMAP VM_IO VM_DONTCOPY VM_DONTEXPAND VM_DONTDUMP after the merge attempt',
      '__mmap_new_vma new-vma pass new [0,3): no merge: a new VMA [0,3) (rd sh mr mw ms pf io dc de dd)',
    ],
  },
  {
    title: 'MAP_GROWSDOWN on a file mapping is EINVAL',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "file", "file": "data.bin", "pgoff": 0, "fs": "ext4"}, "mapFlags": ["MAP_GROWSDOWN"]},
    ] },
    outcome: { error: 'EINVAL', outcome: 'failed', ksm: 'none', vmas: '' },
    record: [
      'do_mmap errno FAIL new: EINVAL: MAP_GROWSDOWN on a file mapping: only anonymous private memory may grow down',
    ],
  },
  {
    title: 'MAP_HUGETLB at a page that is not 2 MiB-aligned: EINVAL',
    kernel: '6.18',
    doc: { windowPages: 1024, placement: "fixed", steps: [
      {"op": "mmap", "at": 3, "pages": 512, "prot": "rw-", "share": "private", "backing": {"kind": "anon"}, "mapFlags": ["MAP_HUGETLB", "MAP_NORESERVE"]},
    ] },
    outcome: { error: 'EINVAL', outcome: 'failed', ksm: 'none', vmas: '' },
    record: [
      'hugetlb_get_unmapped_area errno FAIL: EINVAL: page 3 is not 2 MiB-aligned (window base 0x7f0000000000): a huge page mapping must start on a huge page',
    ],
  },
  {
    title: 'MAP_FIXED|MAP_HUGETLB over a VMA with an empty pool: the old mapping is already gone, a hole is left',
    kernel: '6.18',
    doc: { windowPages: 1024, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 512, "prot": "rw-", "share": "private", "backing": {"kind": "anon"}},
      {"op": "mmap", "at": 0, "pages": 512, "prot": "rw-", "share": "private", "backing": {"kind": "anon"}, "mapFlags": ["MAP_FIXED", "MAP_HUGETLB"]},
    ] },
    outcome: { error: 'ENOMEM', outcome: 'failed', ksm: 'none', vmas: '' },
    record: [
      'vms_gather_munmap_vmas unmapped pass: unmapped [0,512): 1 VMA or parts removed',
      'remove_vma vma-freed pass middle [0,512): [0,512) is unmapped and freed (vms_complete_munmap_vmas → remove_vma)',
      'do_mmap vm-flags pass new: vm_flags = rd wr mr mw me ac; pgoff 0; MAP_HUGETLB: a hugetlbfs file of its own (hugetlb_file_setup()); hugetlbfs .mmap adds VM_HUGETLB|VM_DONTEXPAND',
      MERGE_ANY_OFF,
      ALONE,
      'hugetlb_reserve_pages errno FAIL new: ENOMEM: no huge page is free to reserve (the engine assumes nr_hugepages 0); MAP_NORESERVE would leave the reservation out',
      'vms_abort_munmap_vmas hole pass: the old mappings in [0,512) were already unmapped (MAP_FIXED) and cannot be put back: "leaving a gap where the MAP_FIXED mapping failed"',
    ],
  },
]

describeRecords('do_mmap(), explained', CASES)
