/**
 * The decision record of mm/vma.ts, word for word: for each rule vma.c applies, the checks
 * the Why panel shows, in the kernel's order, with the function, the rule, pass or fail,
 * which VMA was looked at and the reason in words. The merge tests (vma.test.ts) pin
 * what happens; these pin what the explanation says about it, so a check that names the
 * wrong VMA, drops a flag from "flags differ", or says "pass" for a refusal fails here.
 *
 * Each line: "<kernel function> <rule> pass|FAIL [<subject> [<range>)]: <text>".
 * Layouts: [start,end) pN, pgoff N, from page 0.
 */
import { describe, expect, it } from 'vitest'
import { VM_LOCKED, VM_MERGEABLE, VM_PFNMAP, VM_SOFTDIRTY } from '../flags'
import type { FileObject } from '../mm-types'
import { PROFILES } from '../profiles'
import { Harness, RW } from '../testing/harness'
import { mergeNewRange } from './vma'

const F: FileObject = { id: 1, display: 'F', kind: 'file', fs: 'ext4', isShmem: false }
const G: FileObject = { id: 2, display: 'G', kind: 'file', fs: 'ext4', isShmem: false }

/** An mremap move (copy_vma) of a faulted fork child's range [10,12) to [3,5), just above an unfaulted prev [0,3). */
function copiedFromForkChild(h: Harness): string | null {
  const prev = h.add(0, 3)
  const from = h.add(10, 12, { anonVma: 5, forkChild: true })
  const r = mergeNewRange(h.ctx, { start: 3, end: 5, pgoff: 3, flags: RW, pkey: 0, file: null, anonVma: 5, anonForkChild: false, middle: null, copiedFrom: from, prev, next: null, justExpand: false, labels: [] })
  return r ? r.kind : null
}

/** Lines that many records share. */
/** prev [0,3) and the range: same flags, no file */
const PREV_SAME_FLAGS =
  'is_mergeable_vma flags-equal pass prev [0,3): prev [0,3): same flags and no file'
/** nothing above the range */
const NO_NEXT =
  'can_vma_merge_right next-adjacent FAIL next: no VMA above the range'
/** prev [0,3)'s pgoff runs on into the range at page 3 */
const PREV_PGOFF_FOLLOWS =
  'can_vma_merge_after pgoff-contiguous pass prev [0,3): prev [0,3): pgoff 0 + 3 pages = 3, the range\'s pgoff: contiguous'
/** neither prev [0,3) nor the range has an anon_vma */
const PREV_UNFAULTED =
  'is_mergeable_anon_vma anon-vma pass prev [0,3): prev [0,3): neither side has an anon_vma yet (unfaulted)'
/** prev [0,3) takes the range [3,5) */
const PREV_GROWS_TO_5 =
  'vma_expand expanded pass prev [0,5): prev [0,3) grows in place to [0,5): the same vm_area_struct'
/** next [5,9): same flags, no file */
const NEXT_5_SAME_FLAGS =
  'is_mergeable_vma flags-equal pass next [5,9): next [5,9): same flags and no file'
/** neither next [5,9) nor the range has an anon_vma */
const NEXT_5_UNFAULTED =
  'is_mergeable_anon_vma anon-vma pass next [5,9): next [5,9): neither side has an anon_vma yet (unfaulted)'
/** the range [3,5) runs on into next [5,9)'s pgoff */
const NEXT_5_PGOFF_FOLLOWS =
  'can_vma_merge_before pgoff-contiguous pass next [5,9): next [5,9): pgoff 5 follows the range\'s pgoff 3 + 2: contiguous'
/** next [6,9): same flags, no file */
const NEXT_6_SAME_FLAGS =
  'is_mergeable_vma flags-equal pass next [6,9): next [6,9): same flags and no file'
/** neither next [6,9) nor the range has an anon_vma */
const NEXT_6_UNFAULTED =
  'is_mergeable_anon_vma anon-vma pass next [6,9): next [6,9): neither side has an anon_vma yet (unfaulted)'
/** [3,5) inside [0,9) touches neither neighbour */
const STRICTLY_INSIDE =
  'vma_merge_existing_range touches-edge FAIL middle [0,9): the range [3,5) is strictly inside [0,9): it cannot touch a neighbour'

function record(h: Harness): string[] {
  return h.ctx.checks.map((c) => `${c.fn} ${c.rule} ${c.pass ? 'pass' : 'FAIL'}${c.subject ? ` ${c.subject}` : ''}${c.range ? ` [${c.range[0]},${c.range[1]})` : ''}: ${c.text}`)
}

describe('vma_merge_new_range()', () => {
  it('no other VMA: nothing to merge with', () => {
    const h = new Harness('6.18')
    const r = h.mergeNew(3, 5)
    expect(r).toBe(null)
    expect(h.layout()).toBe('')
    expect(record(h)).toEqual([
      'vma_merge_new_range has-neighbours FAIL new: no other VMA in the address space: nothing to merge with',
    ])
  })

  it('PPP**NNNN: both, checked prev then next, then prev against next; next is freed', () => {
    const h = new Harness('6.18')
    h.add(0, 3)
    h.add(5, 9)
    const r = h.mergeNew(3, 5)
    expect(r).toBe('both')
    expect(h.layout()).toBe('[0,9) p0')
    expect(record(h)).toEqual([
      PREV_SAME_FLAGS,
      PREV_UNFAULTED,
      PREV_PGOFF_FOLLOWS,
      NEXT_5_SAME_FLAGS,
      NEXT_5_UNFAULTED,
      NEXT_5_PGOFF_FOLLOWS,
      'can_vma_merge_right prev-next-anon-vma pass next [5,9): prev and next have compatible anon_vmas',
      'vma_expand expanded pass prev [0,9): prev [0,3) grows in place to [0,9): the same vm_area_struct',
      'vma_complete vma-freed pass next [5,9): next [5,9) is removed and freed (vm_area_free): merged into prev',
    ])
  })

  it('prev has VM_MERGEABLE, the range not (the KSM bug\'s shape): merges with next only', () => {
    const h = new Harness('6.18')
    h.add(0, 3, { flags: RW | VM_MERGEABLE })
    h.add(5, 9)
    const r = h.mergeNew(3, 5)
    expect(r).toBe('next')
    expect(h.layout()).toBe('[0,3) p0 [3,9) p3')
    expect(record(h)).toEqual([
      'is_mergeable_vma flags-equal FAIL prev [0,3): prev [0,3): flags differ: prev has VM_MERGEABLE, the new range does not',
      NEXT_5_SAME_FLAGS,
      NEXT_5_UNFAULTED,
      NEXT_5_PGOFF_FOLLOWS,
      'vma_expand expanded pass next [3,9): next [5,9) grows in place to [3,9): the same vm_area_struct',
    ])
  })

  it('the range has VM_MERGEABLE, prev not: the difference is named from the range\'s side', () => {
    const h = new Harness('6.18')
    h.add(0, 3)
    h.add(5, 9, { flags: RW | VM_MERGEABLE })
    const r = h.mergeNew(3, 5, { flags: RW | VM_MERGEABLE })
    expect(r).toBe('next')
    expect(h.layout()).toBe('[0,3) p0 [3,9) p3')
    expect(record(h)).toEqual([
      'is_mergeable_vma flags-equal FAIL prev [0,3): prev [0,3): flags differ: the new range has VM_MERGEABLE, prev does not',
      NEXT_5_SAME_FLAGS,
      NEXT_5_UNFAULTED,
      NEXT_5_PGOFF_FOLLOWS,
      'vma_expand expanded pass next [3,9): next [5,9) grows in place to [3,9): the same vm_area_struct',
    ])
  })

  it('flags that differ on both sides are both named', () => {
    const h = new Harness('6.18')
    h.add(0, 3, { flags: RW | VM_MERGEABLE })
    const r = h.mergeNew(3, 5, { flags: RW | VM_LOCKED })
    expect(r).toBe(null)
    expect(h.layout()).toBe('[0,3) p0')
    expect(record(h)).toEqual([
      'is_mergeable_vma flags-equal FAIL prev [0,3): prev [0,3): flags differ: prev has VM_MERGEABLE, the new range does not; the new range has VM_LOCKED, prev does not',
      NO_NEXT,
    ])
  })

  it('VM_SOFTDIRTY is not a difference', () => {
    const h = new Harness('6.18')
    h.add(0, 3, { flags: RW | VM_SOFTDIRTY })
    const r = h.mergeNew(3, 5)
    expect(r).toBe('prev')
    expect(h.layout()).toBe('[0,5) p0')
    expect(record(h)).toEqual([
      PREV_SAME_FLAGS,
      PREV_UNFAULTED,
      PREV_PGOFF_FOLLOWS,
      NO_NEXT,
      PREV_GROWS_TO_5,
    ])
  })

  it('a VM_SPECIAL range is never merged, and nothing else is looked at', () => {
    const h = new Harness('6.18')
    h.add(0, 3)
    const r = h.mergeNew(3, 5, { flags: RW | VM_PFNMAP })
    expect(r).toBe(null)
    expect(h.layout()).toBe('[0,3) p0')
    expect(record(h)).toEqual([
      'vma_merge_new_range not-special FAIL new: the range has VM_PFNMAP (VM_SPECIAL): special VMAs are never merged',
    ])
  })

  it('neighbours that do not touch the range', () => {
    const h = new Harness('6.18')
    h.add(0, 2)
    h.add(7, 9)
    const r = h.mergeNew(3, 5)
    expect(r).toBe(null)
    expect(h.layout()).toBe('[0,2) p0 [7,9) p7')
    expect(record(h)).toEqual([
      'can_vma_merge_left prev-adjacent FAIL prev [0,2): prev [0,2) ends at 2, not at the range\'s start 3',
      'can_vma_merge_right next-adjacent FAIL next [7,9): next [7,9) starts at 7, not at the range\'s end 5',
    ])
  })

  it('pgoffs that do not follow on, on both sides', () => {
    const h = new Harness('6.18')
    h.add(0, 3, { pgoff: 10 })
    h.add(5, 9, { pgoff: 0 })
    const r = h.mergeNew(3, 5)
    expect(r).toBe(null)
    expect(h.layout()).toBe('[0,3) p10 [5,9) p0')
    expect(record(h)).toEqual([
      PREV_SAME_FLAGS,
      PREV_UNFAULTED,
      'can_vma_merge_after pgoff-contiguous FAIL prev [0,3): prev [0,3): pgoff 10 + 3 pages = 13, but the range\'s pgoff is 3',
      NEXT_5_SAME_FLAGS,
      NEXT_5_UNFAULTED,
      'can_vma_merge_before pgoff-contiguous FAIL next [5,9): next [5,9): pgoff 0, but the range ends at pgoff 5',
    ])
  })

  it('prev and next faulted with different anon_vmas: prev only', () => {
    const h = new Harness('6.18')
    h.add(0, 3, { anonVma: 1 })
    h.add(5, 9, { anonVma: 2 })
    const r = h.mergeNew(3, 5)
    expect(r).toBe('prev')
    expect(h.layout()).toBe('[0,5) p0 [5,9) p5')
    expect(record(h)).toEqual([
      PREV_SAME_FLAGS,
      'is_mergeable_anon_vma anon-vma pass prev [0,3): prev [0,3): faulted; the range will use its anon_vma',
      PREV_PGOFF_FOLLOWS,
      NEXT_5_SAME_FLAGS,
      'is_mergeable_anon_vma anon-vma pass next [5,9): next [5,9): faulted; the range will use its anon_vma',
      NEXT_5_PGOFF_FOLLOWS,
      'can_vma_merge_right prev-next-anon-vma FAIL next [5,9): prev [0,3) and next [5,9) have different anon_vmas: merge with prev only',
      PREV_GROWS_TO_5,
    ])
  })

  it('next has vm_ops->close: prev only, next kept', () => {
    const h = new Harness('6.18')
    h.add(0, 3)
    h.add(5, 9, { close: true })
    const r = h.mergeNew(3, 5)
    expect(r).toBe('prev')
    expect(h.layout()).toBe('[0,5) p0 [5,9) p5')
    expect(record(h)).toEqual([
      PREV_SAME_FLAGS,
      PREV_UNFAULTED,
      PREV_PGOFF_FOLLOWS,
      NEXT_5_SAME_FLAGS,
      NEXT_5_UNFAULTED,
      NEXT_5_PGOFF_FOLLOWS,
      'can_vma_merge_right prev-next-anon-vma pass next [5,9): prev and next have compatible anon_vmas',
      'can_merge_remove_vma next-close FAIL next [5,9): next [5,9) has vm_ops->close and may not be deleted: merge with prev only',
      PREV_GROWS_TO_5,
    ])
  })

  it('brk\'s just_expand: next is not considered', () => {
    const h = new Harness('6.18')
    h.add(0, 3)
    h.add(5, 9)
    const r = h.mergeNew(3, 5, { justExpand: true })
    expect(r).toBe('prev')
    expect(h.layout()).toBe('[0,5) p0 [5,9) p5')
    expect(record(h)).toEqual([
      PREV_SAME_FLAGS,
      PREV_UNFAULTED,
      PREV_PGOFF_FOLLOWS,
      'vma_merge_new_range just-expand pass: brk: expand prev only (just_expand), next is not considered',
      PREV_GROWS_TO_5,
    ])
  })

  it('prev maps a file, the range none', () => {
    const h = new Harness('6.18')
    h.add(0, 3, { file: F })
    const r = h.mergeNew(3, 5)
    expect(r).toBe(null)
    expect(h.layout()).toBe('[0,3) p0')
    expect(record(h)).toEqual([
      'is_mergeable_vma same-file FAIL prev [0,3): prev [0,3): different struct file: prev maps file F, the new range maps no file',
      NO_NEXT,
    ])
  })

  it('prev maps F, the range G', () => {
    const h = new Harness('6.18')
    h.add(0, 3, { file: F })
    const r = h.mergeNew(3, 5, { file: G })
    expect(r).toBe(null)
    expect(h.layout()).toBe('[0,3) p0')
    expect(record(h)).toEqual([
      'is_mergeable_vma same-file FAIL prev [0,3): prev [0,3): different struct file: prev maps file F, the new range maps file G',
      NO_NEXT,
    ])
  })

  it('prev and the range map the same struct file', () => {
    const h = new Harness('6.18')
    h.add(0, 3, { file: F })
    const r = h.mergeNew(3, 5, { file: F })
    expect(r).toBe('prev')
    expect(h.layout()).toBe('[0,5) p0')
    expect(record(h)).toEqual([
      'is_mergeable_vma flags-equal pass prev [0,3): prev [0,3): same flags and file F',
      PREV_UNFAULTED,
      PREV_PGOFF_FOLLOWS,
      NO_NEXT,
      PREV_GROWS_TO_5,
    ])
  })

})

describe('is_mergeable_anon_vma(), 6.16+ (879bca0a2c4f)', () => {
  it('a faulted prev inherited across fork() refuses an unfaulted range', () => {
    const h = new Harness('6.18')
    h.add(0, 3, { anonVma: 1, forkChild: true })
    const r = h.mergeNew(3, 5)
    expect(r).toBe(null)
    expect(h.layout()).toBe('[0,3) p0')
    expect(record(h)).toEqual([
      PREV_SAME_FLAGS,
      'is_mergeable_anon_vma anon-vma FAIL prev [0,3): prev [0,3): its anon_vma was inherited across fork() (vma_had_uncowed_parents)',
      NO_NEXT,
    ])
  })

  it('an unfaulted prev takes a faulted range\'s anon_vma', () => {
    const h = new Harness('6.18')
    h.add(0, 3)
    const r = h.mergeNew(3, 5, { anonVma: 7 })
    expect(r).toBe('prev')
    expect(h.layout()).toBe('[0,5) p0')
    expect(record(h)).toEqual([
      PREV_SAME_FLAGS,
      'is_mergeable_anon_vma anon-vma pass prev [0,3): prev [0,3): unfaulted; it will take the range\'s anon_vma',
      PREV_PGOFF_FOLLOWS,
      NO_NEXT,
      PREV_GROWS_TO_5,
    ])
  })

  // Both rules: the same anon_vma on both sides always merges.
  it.each(['6.15', '6.18'] as const)('the same anon_vma (%s)', (kernel) => {
    const h = new Harness(kernel)
    h.add(0, 3, { anonVma: 7 })
    const r = h.mergeNew(3, 5, { anonVma: 7 })
    expect(r).toBe('prev')
    expect(h.layout()).toBe('[0,5) p0')
    expect(record(h)).toEqual([
      PREV_SAME_FLAGS,
      'is_mergeable_anon_vma anon-vma pass prev [0,3): prev [0,3): the same anon_vma',
      PREV_PGOFF_FOLLOWS,
      NO_NEXT,
      PREV_GROWS_TO_5,
    ])
  })

  it('a middle inherited across fork() is not merged into an unfaulted prev', () => {
    const h = new Harness('6.18')
    h.add(0, 3)
    const m = h.add(3, 6, { anonVma: 4, forkChild: true })
    const r = h.modify(m, 3, 6, RW)
    expect(r).toBe(null)
    expect(h.layout()).toBe('[0,3) p0 [3,6) p3')
    expect(record(h)).toEqual([
      PREV_SAME_FLAGS,
      'is_mergeable_anon_vma anon-vma FAIL prev [0,3): prev [0,3): the range\'s anon_vma was inherited across fork() (vma_had_uncowed_parents)',
      NO_NEXT,
    ])
  })

  it('an mremap copied from a fork child, with vma_is_fork_child(vmg->copied_from) (6.18.8 stable)', () => {
    const h = new Harness({ ...PROFILES['6.18'], copiedFromForkCheck: true })
    const r = copiedFromForkChild(h)
    expect(r).toBe(null)
    expect(h.layout()).toBe('[0,3) p0 [10,12) p10')
    expect(record(h)).toEqual([
      PREV_SAME_FLAGS,
      'is_mergeable_anon_vma anon-vma FAIL prev [0,3): prev [0,3): unfaulted, and the moved range was copied from [10,12), a fork child (vma_is_fork_child(vmg->copied_from), 6.18.8 stable): no faulted-into-unfaulted merge',
      NO_NEXT,
    ])
  })

  it('the same move on a kernel without that check merges, and says what it did not check', () => {
    const h = new Harness({ ...PROFILES['6.18'], copiedFromForkCheck: false })
    const r = copiedFromForkChild(h)
    expect(r).toBe('prev')
    expect(h.layout()).toBe('[0,5) p0 [10,12) p10')
    expect(record(h)).toEqual([
      PREV_SAME_FLAGS,
      'is_mergeable_anon_vma copied-from-unchecked pass prev [0,3): the moved range was copied from [10,12), a fork child; this kernel does not check vmg->copied_from (added in 6.18.8 stable, e96ecd36c329)',
      'is_mergeable_anon_vma anon-vma pass prev [0,3): prev [0,3): unfaulted; it will take the range\'s anon_vma',
      PREV_PGOFF_FOLLOWS,
      NO_NEXT,
      PREV_GROWS_TO_5,
    ])
  })

})

describe('is_mergeable_anon_vma(), up to 6.15', () => {
  it('an unfaulted prev\'s empty chain is not singular: a faulted range is refused', () => {
    const h = new Harness('6.15')
    h.add(0, 3)
    const r = h.mergeNew(3, 5, { anonVma: 7 })
    expect(r).toBe(null)
    expect(h.layout()).toBe('[0,3) p0')
    expect(record(h)).toEqual([
      PREV_SAME_FLAGS,
      'is_mergeable_anon_vma anon-vma FAIL prev [0,3): prev [0,3): prev is unfaulted: its empty anon_vma chain is not "singular", so the old rule (fixed in 6.16 by 879bca0a2c4f) refuses a faulted range',
      NO_NEXT,
    ])
  })

  it('a faulted prev with a singular chain takes an unfaulted range', () => {
    const h = new Harness('6.15')
    h.add(0, 3, { anonVma: 1 })
    const r = h.mergeNew(3, 5)
    expect(r).toBe('prev')
    expect(h.layout()).toBe('[0,5) p0')
    expect(record(h)).toEqual([
      PREV_SAME_FLAGS,
      'is_mergeable_anon_vma anon-vma pass prev [0,3): prev [0,3): only one side has an anon_vma and prev\'s chain is singular',
      PREV_PGOFF_FOLLOWS,
      NO_NEXT,
      PREV_GROWS_TO_5,
    ])
  })

  it('a prev inherited across fork() has no singular chain', () => {
    const h = new Harness('6.15')
    h.add(0, 3, { anonVma: 1, forkChild: true })
    const r = h.mergeNew(3, 5)
    expect(r).toBe(null)
    expect(h.layout()).toBe('[0,3) p0')
    expect(record(h)).toEqual([
      PREV_SAME_FLAGS,
      'is_mergeable_anon_vma anon-vma FAIL prev [0,3): prev [0,3): prev has an anon_vma inherited across fork() (its chain is not singular)',
      NO_NEXT,
    ])
  })

  it('different anon_vmas', () => {
    const h = new Harness('6.15')
    h.add(0, 3, { anonVma: 1 })
    const r = h.mergeNew(3, 5, { anonVma: 2 })
    expect(r).toBe(null)
    expect(h.layout()).toBe('[0,3) p0')
    expect(record(h)).toEqual([
      PREV_SAME_FLAGS,
      'is_mergeable_anon_vma anon-vma FAIL prev [0,3): prev [0,3): different anon_vmas',
      NO_NEXT,
    ])
  })

})

describe('vma_modify_flags(): vma_merge_existing_range(), else split', () => {
  it('the whole middle: prev grows over it and next; middle and next are freed', () => {
    const h = new Harness('6.18')
    h.add(0, 3, { flags: RW | VM_MERGEABLE })
    const m = h.add(3, 6)
    h.add(6, 9, { flags: RW | VM_MERGEABLE })
    const r = h.modify(m, 3, 6, RW | VM_MERGEABLE)
    expect(r).toBe('both')
    expect(h.layout()).toBe('[0,9) p0')
    expect(record(h)).toEqual([
      PREV_SAME_FLAGS,
      PREV_UNFAULTED,
      PREV_PGOFF_FOLLOWS,
      NEXT_6_SAME_FLAGS,
      NEXT_6_UNFAULTED,
      'can_vma_merge_before pgoff-contiguous pass next [6,9): next [6,9): pgoff 6 follows the range\'s pgoff 3 + 3: contiguous',
      'can_vma_merge_right prev-next-anon-vma pass next [6,9): prev and next have compatible anon_vmas',
      'commit_merge expanded pass prev [0,9): prev [0,3) grows in place to [0,9): the same vm_area_struct',
      'vma_complete vma-freed pass middle [3,6): [3,6) is removed and freed (vm_area_free): merged into prev',
      'vma_complete vma-freed pass next [6,9): next [6,9) is removed and freed (vm_area_free): merged into prev',
      'vma_merge_existing_range merged pass middle [0,9): merged with prev and next: now [0,9)',
    ])
  })

  it('the left part: prev grows, middle shrinks in place', () => {
    const h = new Harness('6.18')
    h.add(0, 3, { flags: RW | VM_MERGEABLE })
    const m = h.add(3, 9)
    const r = h.modify(m, 3, 5, RW | VM_MERGEABLE)
    expect(r).toBe('prev')
    expect(h.layout()).toBe('[0,5) p0 [5,9) p5')
    expect(record(h)).toEqual([
      PREV_SAME_FLAGS,
      PREV_UNFAULTED,
      PREV_PGOFF_FOLLOWS,
      'commit_merge expanded pass prev [0,5): prev [0,3) grows in place to [0,5): the same vm_area_struct',
      'commit_merge shrunk pass middle [5,9): [3,9) shrinks in place to [5,9): the same vm_area_struct',
      'vma_merge_existing_range merged pass middle [0,5): merged with prev: now [0,5)',
    ])
  })

  it('the right part: middle shrinks in place, next grows down', () => {
    const h = new Harness('6.18')
    const m = h.add(0, 6)
    h.add(6, 9, { flags: RW | VM_MERGEABLE })
    const r = h.modify(m, 4, 6, RW | VM_MERGEABLE)
    expect(r).toBe('next')
    expect(h.layout()).toBe('[0,4) p0 [4,9) p4')
    expect(record(h)).toEqual([
      NEXT_6_SAME_FLAGS,
      NEXT_6_UNFAULTED,
      'can_vma_merge_before pgoff-contiguous pass next [6,9): next [6,9): pgoff 6 follows the range\'s pgoff 4 + 2: contiguous',
      'commit_merge shrunk pass middle [0,4): [0,6) shrinks in place to [0,4): the same vm_area_struct',
      'commit_merge expanded pass next [4,9): next [6,9) grows in place to [4,9): the same vm_area_struct',
      'vma_merge_existing_range merged pass middle [4,9): merged with next: now [4,9)',
    ])
  })

  it('strictly inside: two splits, each a new struct, the middle keeps its own', () => {
    const h = new Harness('6.18')
    const m = h.add(0, 9)
    const r = h.modify(m, 3, 5, RW | VM_MERGEABLE)
    expect(r).toBe(null)
    expect(h.layout()).toBe('[0,3) p0 [3,5) p3 [5,9) p5')
    expect(record(h)).toEqual([
      STRICTLY_INSIDE,
      'split_vma map-count pass middle [0,9): splitting [0,9) needs a new VMA: map_count 1 is below max_map_count 65530',
      '__split_vma may-split pass middle [0,9): [0,9) at 3: no vm_ops->may_split refuses it, so the split may go ahead',
      '__split_vma split pass middle [3,9): [0,9) split at 3: a new vm_area_struct [0,3) (vm_area_dup); the VMA keeps [3,9)',
      'split_vma map-count pass middle [3,9): splitting [3,9) needs a new VMA: map_count 2 is below max_map_count 65530',
      '__split_vma may-split pass middle [3,9): [3,9) at 5: no vm_ops->may_split refuses it, so the split may go ahead',
      '__split_vma split pass middle [3,5): [3,9) split at 5: a new vm_area_struct [5,9) (vm_area_dup); the VMA keeps [3,5)',
    ])
  })

  it('a middle with vm_ops->close that the merge would delete: no merge', () => {
    const h = new Harness('6.18')
    h.add(0, 3, { flags: RW | VM_MERGEABLE })
    const m = h.add(3, 6, { close: true })
    const r = h.modify(m, 3, 6, RW | VM_MERGEABLE)
    expect(r).toBe(null)
    expect(h.layout()).toBe('[0,3) p0 [3,6) p3')
    expect(record(h)).toEqual([
      PREV_SAME_FLAGS,
      PREV_UNFAULTED,
      PREV_PGOFF_FOLLOWS,
      NO_NEXT,
      'can_merge_remove_vma middle-close FAIL middle [3,6): [3,6) has vm_ops->close and would be deleted by the merge: no merge',
    ])
  })

  it('next has vm_ops->close: prev takes middle, next stays', () => {
    const h = new Harness('6.18')
    h.add(0, 3, { flags: RW | VM_MERGEABLE })
    const m = h.add(3, 6)
    h.add(6, 9, { flags: RW | VM_MERGEABLE, close: true })
    const r = h.modify(m, 3, 6, RW | VM_MERGEABLE)
    expect(r).toBe('prev')
    expect(h.layout()).toBe('[0,6) p0 [6,9) p6')
    expect(record(h)).toEqual([
      PREV_SAME_FLAGS,
      PREV_UNFAULTED,
      PREV_PGOFF_FOLLOWS,
      NEXT_6_SAME_FLAGS,
      NEXT_6_UNFAULTED,
      'can_vma_merge_before pgoff-contiguous pass next [6,9): next [6,9): pgoff 6 follows the range\'s pgoff 3 + 3: contiguous',
      'can_vma_merge_right prev-next-anon-vma pass next [6,9): prev and next have compatible anon_vmas',
      'can_merge_remove_vma next-close FAIL next [6,9): next [6,9) has vm_ops->close: merge with prev only',
      'commit_merge expanded pass prev [0,6): prev [0,3) grows in place to [0,6): the same vm_area_struct',
      'vma_complete vma-freed pass middle [3,6): [3,6) is removed and freed (vm_area_free): merged into prev',
      'vma_merge_existing_range merged pass middle [0,6): merged with prev: now [0,6)',
    ])
  })

  it('new flags with VM_SPECIAL: no merge is tried', () => {
    const h = new Harness('6.18')
    const m = h.add(0, 9)
    const r = h.modify(m, 0, 9, RW | VM_PFNMAP)
    expect(r).toBe(null)
    expect(h.layout()).toBe('[0,9) p0')
    expect(record(h)).toEqual([
      'vma_merge_existing_range not-special FAIL middle [0,9): the new flags include VM_PFNMAP (VM_SPECIAL): no merge',
    ])
  })

  it('split_vma() at max_map_count: ENOMEM before any split', () => {
    const h = new Harness('6.18', { maxMapCount: 1 })
    const m = h.add(0, 9)
    const r = h.modify(m, 3, 5, RW | VM_MERGEABLE)
    expect(r).toBe('error')
    expect(h.layout()).toBe('[0,9) p0')
    expect(record(h)).toEqual([
      STRICTLY_INSIDE,
      'split_vma map-count FAIL middle [0,9): splitting [0,9) needs a new VMA, but map_count 1 has reached max_map_count 1',
    ])
  })

  it('max_map_count reached by the first split: ENOMEM, the first split stays', () => {
    const h = new Harness('6.18', { maxMapCount: 2 })
    const m = h.add(0, 9)
    const r = h.modify(m, 3, 5, RW | VM_MERGEABLE)
    expect(r).toBe('error')
    expect(h.layout()).toBe('[0,3) p0 [3,9) p3')
    expect(record(h)).toEqual([
      STRICTLY_INSIDE,
      'split_vma map-count pass middle [0,9): splitting [0,9) needs a new VMA: map_count 1 is below max_map_count 2',
      '__split_vma may-split pass middle [0,9): [0,9) at 3: no vm_ops->may_split refuses it, so the split may go ahead',
      '__split_vma split pass middle [3,9): [0,9) split at 3: a new vm_area_struct [0,3) (vm_area_dup); the VMA keeps [3,9)',
      'split_vma map-count FAIL middle [3,9): splitting [3,9) needs a new VMA, but map_count 2 has reached max_map_count 2',
    ])
  })

})
