/**
 * The decision record of mm/mprotect.ts (do_mprotect_pkey → mprotect_fixup), word for word,
 * for the last step of each scenario: VM_MAY* refusals, a sealed VMA part way along, VM_ACCOUNT,
 * the populate of a VM_LOCKED mapping made writable, nothing to do, and 6.1's vma_merge()
 * that finds no next inside the VMA it splits.
 */
import { describeRecords, type RecordCase } from '../testing/explained-step'

const CASES: RecordCase[] = [
  {
    title: 'across a sealed VMA: the part before it is changed, then EPERM',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "anon"}},
      {"op": "mmap", "at": 2, "pages": 2, "prot": "r--", "share": "private", "backing": {"kind": "anon"}},
      {"op": "mseal", "at": 2, "pages": 2},
      {"op": "mprotect", "at": 0, "pages": 4, "prot": "r--"},
    ] },
    outcome: { error: 'EPERM', outcome: 'modified', ksm: null, vmas: '[0,2) [2,4)' },
    record: [
      'mprotect_fixup account pass middle [0,2): [0,2) is anonymous, unfaulted and no longer writable: VM_ACCOUNT is dropped',
      'mprotect_fixup new-flags pass middle [0,2): [0,2): new flags rd mr mw me',
      'can_vma_merge_left prev-adjacent FAIL prev: no VMA below the range',
      'is_mergeable_vma flags-equal FAIL next [2,4): next [2,4): flags differ: next has VM_SEALED, the modified range does not',
      'mprotect_fixup errno FAIL middle [2,4): EPERM: [2,4) is sealed (mseal): its protection cannot change; the part before it was changed',
    ],
  },
  {
    title: 'a private VM_LOCKED mapping made writable is populated at once (COW broken)',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 2, "prot": "r--", "share": "private", "backing": {"kind": "anon"}},
      {"op": "mlock", "at": 0, "pages": 2},
      {"op": "mprotect", "at": 0, "pages": 2, "prot": "rw-"},
    ] },
    outcome: { error: null, outcome: 'modified', ksm: null, vmas: '[0,2)' },
    record: [
      'mprotect_fixup account pass middle [0,2): [0,2) becomes private writable: VM_ACCOUNT is charged',
      'mprotect_fixup new-flags pass middle [0,2): [0,2): new flags rd wr mr mw me lo ac',
      'can_vma_merge_left prev-adjacent FAIL prev: no VMA below the range',
      'can_vma_merge_right next-adjacent FAIL next: no VMA above the range',
      'mprotect_fixup populate pass middle [0,2): [0,2) is private, VM_LOCKED and becomes writable: populate_vma_page_range() breaks COW now',
      'populate_vma_page_range populate-write pass middle [0,2): [0,2) is private and writable: populated with write faults (FOLL_WRITE breaks COW)',
      'anon_vma_prepare anon-vma-created pass middle [0,2): [0,2): first write fault gives the VMA a new anon_vma',
    ],
  },
  {
    title: 'PROT_EXEC on secretmem, whose VM_MAYEXEC is cleared: EACCES',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "shared", "backing": {"kind": "secretmem", "file": "S"}},
      {"op": "mprotect", "at": 0, "pages": 2, "prot": "r-x"},
    ] },
    outcome: { error: 'EACCES', outcome: 'unchanged', ksm: null, vmas: '[0,2)' },
    record: [
      'do_mprotect_pkey errno FAIL middle [0,2): EACCES: [0,2) lacks the VM_MAY* bit for r-x',
    ],
  },
  {
    title: 'the same protection again: nothing to do',
    kernel: '6.18',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 2, "prot": "rw-", "share": "private", "backing": {"kind": "anon"}},
      {"op": "mprotect", "at": 0, "pages": 2, "prot": "rw-"},
    ] },
    outcome: { error: null, outcome: 'unchanged', ksm: null, vmas: '[0,2)' },
    record: [
      'mprotect_fixup unchanged pass middle [0,2): [0,2): flags unchanged, nothing to do (no merge attempt)',
    ],
  },
  {
    title: '6.1: the middle page made r-- is split out by vma_merge()\'s caller',
    kernel: '6.1',
    doc: { windowPages: 16, placement: "fixed", steps: [
      {"op": "mmap", "at": 0, "pages": 3, "prot": "rw-", "share": "private", "backing": {"kind": "anon"}},
      {"op": "mprotect", "at": 1, "pages": 1, "prot": "r--"},
    ] },
    outcome: { error: null, outcome: 'modified', ksm: null, vmas: '[0,1) [1,2) [2,3)' },
    record: [
      'mprotect_fixup new-flags pass middle [0,3): [1,2): new flags rd mr mw me ac',
      'vma_merge next-adjacent FAIL next: no VMA starts at the range\'s end 2',
      'vma_merge no-merge FAIL new: neither prev nor next can take the range: vma_merge() returns NULL',
      'split_vma map-count pass middle [0,3): splitting [0,3) needs a new VMA: map_count 1 is below max_map_count 65530',
      '__split_vma may-split pass middle [0,3): [0,3) at 1: no vm_ops->may_split refuses it, so the split may go ahead',
      '__split_vma split pass middle [1,3): [0,3) split at 1: a new vm_area_struct [0,1) (vm_area_dup); the VMA keeps [1,3)',
      'split_vma map-count pass middle [1,3): splitting [1,3) needs a new VMA: map_count 2 is below max_map_count 65530',
      '__split_vma may-split pass middle [1,3): [1,3) at 2: no vm_ops->may_split refuses it, so the split may go ahead',
      '__split_vma split pass middle [1,2): [1,3) split at 2: a new vm_area_struct [2,3) (vm_area_dup); the VMA keeps [1,2)',
    ],
  },
]

describeRecords('mprotect(), explained', CASES)
