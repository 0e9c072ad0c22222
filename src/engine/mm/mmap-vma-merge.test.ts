/**
 * The old vma_merge() (./mmap-vma-merge.ts) case by case, as mm/mmap.c of 6.1 and 6.6 draws
 * them, and the releases' differences in vm_ops->close. 6.1 and 6.6 have no userland
 * harness (tools/testing/vma came in 6.11), so these are written from the function's own
 * comment; the corpus checks the same code against a real 6.1 kernel
 * (../fidelity/real-6.1.test.ts).
 *
 *     P = prev, C = curr, N = next, * = the range; one character per page from page 0
 */
import { describe, expect, it } from 'vitest'
import { VM_EXEC, VM_PFNMAP } from '../flags'
import { PROFILES } from '../profiles'
import { Harness, RW } from '../testing/harness'
import { KERNEL_IDS } from '../api'

const OLD = KERNEL_IDS.filter((k) => PROFILES[k].mergeCode === 'vma_merge')

describe.each(OLD)('vma_merge() on %s', (kernel) => {
  it('case 1: PPPP****NNNN → one VMA; next is removed', () => {
    const h = new Harness(kernel)
    h.add(0, 4)
    h.add(8, 12)
    expect(h.vmaMerge(4, 8)).toMatchObject({ kind: 'both', case: 1 })
    expect(h.layout()).toBe('[0,12) p0')
  })

  it('case 2: PPPP****  NNNN → prev grows', () => {
    const h = new Harness(kernel)
    h.add(0, 4)
    h.add(10, 12)
    expect(h.vmaMerge(4, 8)).toMatchObject({ kind: 'prev', case: 2 })
    expect(h.layout()).toBe('[0,8) p0 [10,12) p10')
  })

  it('case 3: PP  ****NNNN → next grows down and takes the range\'s pgoff', () => {
    const h = new Harness(kernel)
    h.add(0, 2)
    h.add(8, 12)
    expect(h.vmaMerge(4, 8)).toMatchObject({ kind: 'next', case: 3 })
    expect(h.layout()).toBe('[0,2) p0 [4,12) p4')
  })

  it('case 4: mprotect of prev\'s tail, PPPP**NN → PPPPNNNN', () => {
    const h = new Harness(kernel)
    const p = h.add(0, 6, { flags: RW | VM_EXEC })
    h.add(6, 8)
    expect(h.vmaMergeModify(p, 4, 6, RW)).toBe('next')
    expect(h.layout()).toBe('[0,4) p0 [4,8) p4')
    expect(h.checkFns).toContain('vma_merge:case-4')
  })

  it('case 5: mprotect of curr\'s head, PPPP**CC → PPPPPPCC', () => {
    const h = new Harness(kernel)
    h.add(0, 4)
    const c = h.add(4, 8, { flags: RW | VM_EXEC })
    expect(h.vmaMergeModify(c, 4, 6, RW)).toBe('prev')
    expect(h.layout()).toBe('[0,6) p0 [6,8) p6')
    expect(h.checkFns).toContain('vma_merge:case-5')
  })

  it('cases 6, 7, 8: all of curr changes, PPPPCCCCNNNN', () => {
    const sixB = new Harness(kernel)
    sixB.add(0, 4)
    const c6 = sixB.add(4, 8, { flags: RW | VM_EXEC })
    sixB.add(8, 12)
    expect(sixB.vmaMergeModify(c6, 4, 8, RW)).toBe('both')
    expect(sixB.layout()).toBe('[0,12) p0')
    expect(sixB.checkFns).toContain('vma_merge:case-6')

    const seven = new Harness(kernel)
    seven.add(0, 4)
    const c7 = seven.add(4, 8, { flags: RW | VM_EXEC })
    seven.add(8, 12, { flags: RW | VM_EXEC | VM_PFNMAP })
    expect(seven.vmaMergeModify(c7, 4, 8, RW)).toBe('prev')
    expect(seven.layout()).toBe('[0,8) p0 [8,12) p8')
    expect(seven.checkFns).toContain('vma_merge:case-7')

    const eight = new Harness(kernel)
    eight.add(0, 4, { flags: RW | VM_EXEC | VM_PFNMAP })
    const c8 = eight.add(4, 8, { flags: RW | VM_EXEC })
    eight.add(8, 12)
    expect(eight.vmaMergeModify(c8, 4, 8, RW)).toBe('next')
    expect(eight.layout()).toBe('[0,4) p0 [4,12) p4')
    expect(eight.checkFns).toContain('vma_merge:case-8')
  })

  it('a range strictly inside curr merges with nothing: split in three', () => {
    const h = new Harness(kernel)
    h.add(0, 4)
    const c = h.add(4, 12, { flags: RW | VM_EXEC })
    h.add(12, 16)
    expect(h.vmaMergeModify(c, 6, 8, RW)).toBeNull()
    expect(h.layout()).toBe('[0,4) p0 [4,6) p4 [6,8) p6 [8,12) p8 [12,16) p12')
  })

  it('prev and next with different anon_vmas: case 2, not case 1', () => {
    const h = new Harness(kernel)
    h.add(0, 4, { anonVma: 1 })
    h.add(8, 12, { anonVma: 2 })
    expect(h.vmaMerge(4, 8)).toMatchObject({ kind: 'prev', case: 2 })
    expect(h.checkFns).toContain('is_mergeable_anon_vma:prev-next-anon-vma')
  })

  it('the old anon_vma rule: a faulted range never merges into an unfaulted neighbour', () => {
    const h = new Harness(kernel)
    h.add(0, 4)
    const c = h.add(4, 8, { flags: RW | VM_EXEC, anonVma: 3 })
    expect(h.vmaMergeModify(c, 4, 8, RW)).toBeNull()
    expect(h.ctx.checks.find((x) => x.fn === 'is_mergeable_anon_vma')?.text).toMatch(/not "singular"/)
  })

  it('speaks its own vocabulary: vma_merge, its case, can_vma_merge_after/before, is_mergeable_anon_vma', () => {
    const h = new Harness(kernel)
    h.add(0, 4)
    h.add(8, 12)
    h.vmaMerge(4, 8)
    const fns = new Set(h.ctx.checks.map((c) => c.fn))
    expect([...fns]).toEqual(expect.arrayContaining(['is_mergeable_vma', 'is_mergeable_anon_vma', 'can_vma_merge_after', 'can_vma_merge_before', 'vma_merge']))
    expect([...fns].some((f) => f.startsWith('vma_merge_'))).toBe(false)
  })
})

describe('vm_ops->close in vma_merge(), per the profile (714965ca8252, 6.5)', () => {
  it.each(OLD)('%s: prev with close may grow unless the release refuses any close neighbour', (kernel) => {
    const h = new Harness(kernel)
    h.add(0, 4, { close: true })
    const r = h.vmaMerge(4, 8)
    if (PROFILES[kernel].vmaMergeCloseRule === 'any-neighbour') expect(r).toBeNull()
    else expect(r).toMatchObject({ kind: 'prev', case: 2 })
  })

  it.each(OLD)('%s: next with close never takes the range (can_vma_merge_before assumes it may be removed)', (kernel) => {
    const h = new Harness(kernel)
    h.add(8, 12, { close: true })
    expect(h.vmaMerge(4, 8)).toBeNull()
  })

  it.each(OLD)('%s: case 7 with a curr that has close (fc0c8f9089c2)', (kernel) => {
    const h = new Harness(kernel)
    h.add(0, 4)
    const c = h.add(4, 8, { flags: RW | VM_EXEC, close: true })
    const r = h.vmaMergeModify(c, 4, 8, RW)
    expect(r).toBe(PROFILES[kernel].vmaMergeCloseRule === 'removed-only' ? null : 'prev')
  })
})
