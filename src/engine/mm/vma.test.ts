/**
 * The merge functions against tests ported from the kernel's userland VMA
 * harness, tools/testing/vma/vma.c (6.12's and 6.18's). Page numbers are
 * the harness's addresses / 0x1000. Each layout is drawn as in that file.
 */
import { describe, expect, it } from 'vitest'
import { VM_DONTEXPAND, VM_IO, VM_MIXEDMAP, VM_PFNMAP, VM_EXEC, flagFromName, flagNames } from '../flags'
import { Harness, RW } from '../testing/harness'

/**
 * 6.12's tools/testing/vma/vma.c (the "mm: remove vma_merge()" series) has these tests but
 * expand_only_mode, with the ≤ 6.15 anon_vma rule; 6.18's has them all.
 */
describe.each(['6.12', '6.18'] as const)('%s', (kernel) => {
  describe('tools/testing/vma: new ranges (vma_merge_new_range)', () => {
    it('simple_merge: 0123 A.B, new [1,2) → one VMA [0,3) p0', () => {
      const h = new Harness(kernel)
      h.add(0, 1)
      h.add(2, 3)
      expect(h.mergeNew(1, 2)).toBe('both')
      expect(h.layout()).toBe('[0,3) p0')
    })

    it('merge_new: the seven-step sequence', () => {
      const h = new Harness(kernel)
      // 0123456789abc
      // AA B       CC
      h.add(0, 2, { anonVma: 1 })
      h.add(3, 4, { anonVma: 2 })
      h.add(0xb, 0xc, { anonVma: 0 })
      // AA B   **  CC  → new [7,9) with no neighbour adjacent: D
      expect(h.mergeNew(7, 9)).toBeNull()
      h.add(7, 9)
      expect(h.mapCount).toBe(4)
      // AA*B   DD  CC  → both: A = [0,4)
      const fresh = new Harness(kernel)
      fresh.add(0, 2, { close: true })
      fresh.add(3, 4, { anonVma: 7 })
      fresh.add(7, 9)
      fresh.add(0xb, 0xc)
      expect(fresh.mergeNew(2, 3)).toBe('both')
      expect(fresh.at(0)).toMatchObject({ start: 0, end: 4, pgoff: 0, anonVma: 7 })
      expect(fresh.mapCount).toBe(3)
      // AAAA*  DD  CC  → prev
      expect(fresh.mergeNew(4, 5)).toBe('prev')
      expect(fresh.at(0)).toMatchObject({ start: 0, end: 5 })
      // AAAAA *DD  CC  → next: D = [6,9) p6 (D has an anon_vma and close)
      const d = fresh.at(7)!
      fresh.ctx.mm.replace([d], [fresh.ctx.derive(d, { anonVma: 8, vmOpsClose: true })])
      expect(fresh.mergeNew(6, 7)).toBe('next')
      expect(fresh.at(6)).toMatchObject({ start: 6, end: 9, pgoff: 6 })
      expect(fresh.mapCount).toBe(3)
      // AAAAA*DDD  CC  → D's close would block deleting it: merge with prev only
      expect(fresh.mergeNew(5, 6)).toBe('prev')
      expect(fresh.mapCount).toBe(3)
    })

    it('merge_new: with D\'s close removed, AAAAA*DDD merges both', () => {
      const h = new Harness(kernel)
      h.add(0, 5, { anonVma: 7 })
      h.add(6, 9, { anonVma: 7 })
      h.add(0xb, 0xc)
      expect(h.mergeNew(5, 6)).toBe('both')
      expect(h.layout()).toBe('[0,9) p0 [11,12) p11')
      // AAAAAAAAA *CC → next: C = [0xa,0xc) p0xa
      expect(h.mergeNew(0xa, 0xb)).toBe('next')
      expect(h.at(0xa)).toMatchObject({ start: 0xa, end: 0xc, pgoff: 0xa })
      // AAAAAAAAA*CCC → both: [0,0xc) p0, one VMA
      expect(h.mergeNew(9, 0xa)).toBe('both')
      expect(h.layout()).toBe('[0,12) p0')
    })

    it('vma_merge_special_flags: a flag of VM_SPECIAL (IO, DONTEXPAND, PFNMAP, MIXEDMAP in include/linux/mm.h) never merges; any other flag, on both sides, does', () => {
      // Behaviour, not the constant: every flag the engine knows, set on both sides.
      const special = ['VM_IO', 'VM_DONTEXPAND', 'VM_PFNMAP', 'VM_MIXEDMAP']
      const others = flagNames(~0).filter((name) => !special.includes(name) && name !== 'VM_READ' && name !== 'VM_WRITE')
      expect(others.length).toBeGreaterThan(15)
      for (const name of others) {
        const f = flagFromName(name)!
        const h = new Harness(kernel)
        h.add(0, 3, { flags: RW | f })
        expect(h.mergeNew(3, 4, { flags: RW | f }), name).toBe('prev')
      }
      for (const f of [VM_IO, VM_DONTEXPAND, VM_PFNMAP, VM_MIXEDMAP]) {
        const h = new Harness(kernel)
        h.add(0, 3, { flags: RW | f })
        expect(h.mergeNew(3, 4, { flags: RW | f })).toBeNull()
        const b = h.add(3, 4, { flags: RW })
        expect(h.modify(b, 3, 4, RW | f)).toBeNull()
      }
    })

    it('vma_merge_new_with_close: P(close) [0,2), N(close) [5,7); new [2,5) → prev only, N kept', () => {
      const h = new Harness(kernel)
      h.add(0, 2, { close: true })
      h.add(5, 7, { close: true })
      expect(h.mergeNew(2, 5)).toBe('prev')
      expect(h.layout()).toBe('[0,5) p0 [5,7) p5')
      expect(h.at(0)!.vmOpsClose).toBe(true)
    })

    it('vma_merge_with_close (a): P [0,3), N(close) [5,9); new [3,5) → merged-prev, N kept', () => {
      const h = new Harness(kernel)
      h.add(0, 3)
      h.add(5, 9, { close: true })
      expect(h.mergeNew(3, 5)).toBe('prev')
      expect(h.mapCount).toBe(2)
    })

    it('anon_vma_non_mergeable (new range): P has X, N has Y; new [3,7) merges with P only', () => {
      const h = new Harness(kernel)
      h.add(0, 3, { anonVma: 1 })
      h.add(7, 9, { anonVma: 2 })
      expect(h.mergeNew(3, 7)).toBe('prev')
      expect(h.layout()).toBe('[0,7) p0 [7,9) p7')
    })

    // expand_only_mode (VMG_FLAG_JUST_EXPAND) came in 6.13; 6.12's vma.c does not have it.
    it.skipIf(kernel === '6.12')('expand_only_mode: just_expand extends prev and never looks at next', () => {
      const h = new Harness(kernel)
      h.add(0, 2)
      h.add(3, 5)
      h.add(9, 10)
      expect(h.mergeNew(5, 9, { justExpand: true })).toBe('prev')
      expect(h.layout()).toBe('[0,2) p0 [3,9) p3 [9,10) p9')
    })

    it('a fork child target refuses a new range (vma_had_uncowed_parents)', () => {
      const h = new Harness(kernel)
      h.add(0, 2, { anonVma: 1, forkChild: true })
      expect(h.mergeNew(2, 4)).toBeNull()
    })
  })

  describe('tools/testing/vma: existing ranges (vma_merge_existing_range, vma_modify)', () => {
    it('simple_modify: [0,3) modify [1,2) → split in three', () => {
      const r = new Harness(kernel)
      const w = r.add(0, 3)
      expect(r.modify(w, 1, 2, RW | VM_EXEC)).toBeNull()
      expect(r.layout()).toBe('[0,1) p0 [1,2) p1 [2,3) p2')
    })

    it('merge_existing 1: V [2,6) (close), N [6,9) (close); modify [3,6) → N = [3,9) p3, V = [2,3)', () => {
      const h = new Harness(kernel)
      const v = h.add(2, 6, { flags: RW | VM_EXEC, anonVma: 1, close: true })
      h.add(6, 9, { close: true, anonVma: 1 })
      expect(h.modify(v, 3, 6, RW)).toBe('next')
      expect(h.layout()).toBe('[2,3) p2 [3,9) p3')
    })

    it('merge_existing 2: V [2,6), N [6,9) (close); modify all of V → N = [2,9) p2', () => {
      const h = new Harness(kernel)
      const v = h.add(2, 6, { flags: RW | VM_EXEC, anonVma: 1 })
      h.add(6, 9, { close: true, anonVma: 1 })
      expect(h.modify(v, 2, 6, RW)).toBe('next')
      expect(h.layout()).toBe('[2,9) p2')
    })

    it('merge_existing 3: P [0,3) (close), V [3,7) (close); modify [3,6) → P = [0,6), V = [6,7) p6', () => {
      const h = new Harness(kernel)
      h.add(0, 3, { close: true, anonVma: 1 })
      const v = h.add(3, 7, { flags: RW | VM_EXEC, close: true, anonVma: 1 })
      expect(h.modify(v, 3, 6, RW)).toBe('prev')
      expect(h.layout()).toBe('[0,6) p0 [6,7) p6')
    })

    it('merge_existing 4 and 5: P (close), V, [N]; modify all of V → P absorbs V (and N)', () => {
      const h = new Harness(kernel)
      h.add(0, 3, { close: true, anonVma: 1 })
      const v = h.add(3, 7, { flags: RW | VM_EXEC, anonVma: 1 })
      expect(h.modify(v, 3, 7, RW)).toBe('prev')
      expect(h.layout()).toBe('[0,7) p0')
      const h5 = new Harness(kernel)
      h5.add(0, 3, { close: true, anonVma: 1 })
      const v5 = h5.add(3, 7, { flags: RW | VM_EXEC, anonVma: 1 })
      h5.add(7, 9, { anonVma: 1 })
      expect(h5.modify(v5, 3, 7, RW)).toBe('both')
      expect(h5.layout()).toBe('[0,9) p0')
    })

    it('merge_existing 6: a range strictly inside V never merges', () => {
      for (const [s, e] of [[4, 5], [5, 6], [6, 7], [4, 7], [4, 6]] as const) {
        const h = new Harness(kernel)
        h.add(0, 3)
        const v = h.add(3, 8, { flags: RW | VM_EXEC })
        h.add(8, 10)
        expect(h.modify(v, s, e, RW)).toBeNull()
      }
    })

    it('vma_merge_with_close (b)-(d): a VMA with close that the merge would delete blocks it', () => {
      const b = new Harness(kernel)
      b.add(0, 3)
      const vb = b.add(3, 5, { flags: RW | VM_EXEC, close: true })
      expect(b.modify(vb, 3, 5, RW)).toBeNull()
      const c = new Harness(kernel)
      const vc = c.add(3, 5, { flags: RW | VM_EXEC, close: true })
      c.add(5, 9)
      expect(c.modify(vc, 3, 5, RW)).toBeNull()
    })

    it('vma_merge_with_close (e): P, V, N (close); modify all of V → P absorbs V, N kept', () => {
      const h = new Harness(kernel)
      h.add(0, 3)
      const v = h.add(3, 5, { flags: RW | VM_EXEC })
      h.add(5, 9, { close: true })
      expect(h.modify(v, 3, 5, RW)).toBe('prev')
      expect(h.layout()).toBe('[0,5) p0 [5,9) p5')
    })

    it('anon_vma_non_mergeable: P has X, V none, N has Y; modify all of V → P absorbs V only', () => {
      const h = new Harness(kernel)
      h.add(0, 3, { anonVma: 1 })
      const v = h.add(3, 7, { flags: RW | VM_EXEC })
      h.add(7, 9, { anonVma: 2 })
      expect(h.modify(v, 3, 7, RW)).toBe('prev')
      expect(h.layout()).toBe('[0,7) p0 [7,9) p7')
    })

    it('dup_anon_vma: the surviving VMA takes the anon_vma of the one it absorbs', () => {
      const h = new Harness(kernel)
      h.add(0, 3)
      const v = h.add(3, 5, { flags: RW | VM_EXEC })
      h.add(5, 8, { anonVma: 9 })
      expect(h.modify(v, 3, 5, RW)).toBe('both')
      expect(h.at(0)).toMatchObject({ start: 0, end: 8, anonVma: 9 })
      const h2 = new Harness(kernel)
      const v2 = h2.add(0, 5, { flags: RW | VM_EXEC, anonVma: 4 })
      h2.add(5, 8)
      // VVVVV***NNN → N takes [3,5) and V's anon_vma. 6.12's vma.c asserts the merge too, but its
      // vmg_set_range() leaves vmg.anon_vma NULL; the real 6.12 passes V's anon_vma, and the old
      // is_mergeable_anon_vma() refuses it: N's empty chain is not singular (879bca0a2c4f, 6.16).
      if (kernel === '6.12') {
        expect(h2.modify(v2, 3, 5, RW)).toBeNull()
        return
      }
      expect(h2.modify(v2, 3, 5, RW)).toBe('next')
      expect(h2.at(3)).toMatchObject({ start: 3, end: 8, anonVma: 4 })
    })
  })
})

describe('the anon_vma rule', () => {
  it('6.15: a faulted range never merges into an unfaulted neighbour; 6.16 allows it', () => {
    for (const [kernel, want] of [['6.15', null], ['6.16', 'prev']] as const) {
      const h = new Harness(kernel)
      h.add(0, 3)
      const v = h.add(3, 5, { flags: RW | VM_EXEC, anonVma: 3 })
      expect(h.modify(v, 3, 5, RW)).toBe(want)
    }
  })
})
