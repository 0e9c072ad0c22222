/**
 * prctl(PR_SET_MEMORY_MERGE) (kernel/sys.c → ksm_enable_merge_any() / ksm_disable_merge_any(),
 * mm/ksm.c) and ksm_compatible(): which VMAs get VM_MERGEABLE, which keep it, and what the
 * decision record says. Expectations follow the kernel's loops by hand.
 */
import { describe, expect, it } from 'vitest'
import type { Scenario, Step } from '../../scenario/types'
import { simulate } from '../simulate'
import { VM_DROPPABLE, VM_HUGETLB, VM_IO, VM_MAYSHARE, VM_MERGEABLE, VM_PFNMAP, VM_SHARED, VM_READ, VM_WRITE } from '../flags'
import { ksmCompatible, ksmIncompatibleReason, ksmShouldAdd, ksmVmaFlags } from './ksm'

const map = (name: string, at: number, pages: number, extra: Record<string, unknown> = {}): Step =>
  ({ op: 'mmap', name, at, pages, prot: 'rw-', share: 'private', backing: { kind: 'anon' }, ...extra }) as Step
const prctl = (value: number): Step => ({ op: 'prctl', option: 'PR_SET_MEMORY_MERGE', value })
const scenario = (steps: Step[]): Scenario => ({ format: 'vma-scenario/3', windowPages: 64, placement: 'fixed', steps })
const record = (sc: Scenario, i: number, kernel: '6.1' | '6.18' = '6.18') =>
  simulate(sc, kernel).explain(i).map((c) => `${c.fn}:${c.rule}:${c.pass ? 'pass' : 'fail'}:${c.text}`)

describe('ksm_compatible / __ksm_should_add_vma / ksm_vma_flags', () => {
  const rw = VM_READ | VM_WRITE
  it('refuses shared, special, hugetlb and droppable VMAs, and names the flags that refuse', () => {
    expect(ksmCompatible(null, rw)).toBe(true)
    for (const f of [VM_SHARED, VM_MAYSHARE, VM_PFNMAP, VM_IO, VM_HUGETLB, VM_DROPPABLE]) expect(ksmCompatible(null, rw | f)).toBe(false)
    expect(ksmIncompatibleReason(rw | VM_SHARED | VM_MAYSHARE)).toBe('VM_SHARED VM_MAYSHARE')
    expect(ksmIncompatibleReason(rw)).toBe('')
  })
  it('adds VM_MERGEABLE only under merge-any, to a compatible VMA not yet mergeable', () => {
    expect(ksmShouldAdd(null, rw)).toBe(true)
    expect(ksmShouldAdd(null, rw | VM_MERGEABLE)).toBe(false)
    expect(ksmShouldAdd(null, rw | VM_SHARED)).toBe(false)
    expect(ksmVmaFlags(true, null, rw)).toBe(rw | VM_MERGEABLE)
    expect(ksmVmaFlags(false, null, rw)).toBe(rw)
    expect(ksmVmaFlags(true, null, rw | VM_SHARED)).toBe(rw | VM_SHARED)
  })
})

describe('prctl(PR_SET_MEMORY_MERGE)', () => {
  it('is EINVAL before 6.4 (the option does not exist), and changes nothing', () => {
    const sc = scenario([map('A', 0, 2), prctl(1)])
    const t = simulate(sc, '6.1')
    expect(t.steps[1]!.error).toBe('EINVAL')
    expect(t.steps[1]!.outcome).toBe('failed')
    expect(t.vmasAt(2)[0]!.mergeable).toBe(false)
    expect(record(sc, 2, '6.1')).toEqual([
      'sys_prctl:errno:fail:EINVAL: PR_SET_MEMORY_MERGE (67) does not exist in this release (it came in 6.4, d7597f59d1d3): prctl answers EINVAL. MADV_MERGEABLE is the way to ask for KSM here',
    ])
  })

  it('1 marks every compatible VMA in place, skips a shared one with the reason, and merges nothing', () => {
    //   0123456
    //   AA SS BB   (A and B private anon; S shared anon)
    const sc = scenario([map('A', 0, 2), map('S', 3, 2, { share: 'shared' }), map('B', 5, 2, { prot: 'r--' }), prctl(1)])
    const t = simulate(sc, '6.18')
    const before = t.vmasAt(3)
    const after = t.vmasAt(4)
    expect(after.map((v) => v.mergeable)).toEqual([true, false, true])
    expect(after.map((v) => v.structId)).toEqual(before.map((v) => v.structId))
    expect(t.steps[3]!.outcome).toBe('modified')
    expect(record(sc, 4)).toEqual([
      'ksm_add_vmas:ksm-compatible:fail:[3,5) is not KSM-compatible (VM_SHARED VM_MAYSHARE)',
      'ksm_enable_merge_any:merge-any-on:pass:MMF_VM_MERGE_ANY set; ksm_add_vmas() gave VM_MERGEABLE to 2 existing VMAs. No VMA merge is attempted: VMAs that now look alike stay separate',
    ])
  })

  it('1 with only incompatible or already mergeable VMAs is "unchanged"; a second 1 says it is already set', () => {
    const sc = scenario([map('S', 0, 2, { share: 'shared' }), map('M', 4, 1), { op: 'madvise', at: 4, pages: 1, advice: 'MADV_MERGEABLE' }, prctl(1), prctl(1)])
    const t = simulate(sc, '6.18')
    expect(t.steps[3]!.outcome).toBe('unchanged')
    expect(record(sc, 4)).toEqual([
      'ksm_add_vmas:ksm-compatible:fail:[0,2) is not KSM-compatible (VM_SHARED VM_MAYSHARE)',
      'ksm_enable_merge_any:merge-any-on:pass:MMF_VM_MERGE_ANY set; ksm_add_vmas() gave VM_MERGEABLE to 0 existing VMAs. No VMA merge is attempted: VMAs that now look alike stay separate',
    ])
    expect(t.steps[4]!.outcome).toBeNull()
    expect(t.steps[4]!.error).toBeNull()
    expect(record(sc, 5)).toEqual(['ksm_enable_merge_any:already:pass:MMF_VM_MERGE_ANY is already set: nothing to do'])
  })

  it('says "1 existing VMA" for one', () => {
    expect(record(scenario([map('A', 0, 2), prctl(1)]), 2)[0]).toContain('gave VM_MERGEABLE to 1 existing VMA. No VMA merge')
  })

  it('0 clears VM_MERGEABLE on every VMA, MADV_MERGEABLE ones too, in place and without merging', () => {
    //   A was MADV_MERGEABLE before the prctl; B got it from merge-any
    const sc = scenario([map('A', 0, 2), { op: 'madvise', at: 0, pages: 2, advice: 'MADV_MERGEABLE' }, prctl(1), map('B', 3, 2), prctl(0)])
    const t = simulate(sc, '6.18')
    expect(t.vmasAt(4).map((v) => v.mergeable)).toEqual([true, true])
    const after = t.vmasAt(5)
    expect(after.map((v) => v.mergeable)).toEqual([false, false])
    expect(after.map((v) => v.structId)).toEqual(t.vmasAt(4).map((v) => v.structId))
    expect(t.steps[4]!.outcome).toBe('modified')
    expect(record(sc, 5)).toEqual([
      'ksm_disable_merge_any:merge-any-off:pass:ksm_del_vmas() cleared VM_MERGEABLE on 2 VMAs (also those set by MADV_MERGEABLE); no VMA merge is attempted',
    ])
    // merge-any is off: a new neighbour is not mergeable.
    const more = scenario([...sc.steps, map('C', 10, 1)])
    expect(simulate(more, '6.18').vmasAt(6)[2]!.mergeable).toBe(false)
  })

  it('0 with nothing mergeable is "unchanged" and says "1 VMA" in the singular', () => {
    const none = scenario([map('S', 0, 2, { share: 'shared' }), prctl(1), prctl(0)])
    expect(simulate(none, '6.18').steps[2]!.outcome).toBe('unchanged')
    expect(record(none, 3)[0]).toContain('cleared VM_MERGEABLE on 0 VMAs (also')
    const one = scenario([map('A', 0, 2), prctl(1), prctl(0)])
    expect(record(one, 3)[0]).toContain('cleared VM_MERGEABLE on 1 VMA (also')
  })

  it('0 when merge-any is not set does nothing, and MADV_MERGEABLE stays', () => {
    const sc = scenario([map('A', 0, 2), { op: 'madvise', at: 0, pages: 2, advice: 'MADV_MERGEABLE' }, prctl(0)])
    const t = simulate(sc, '6.18')
    expect(t.steps[2]!.outcome).toBe('unchanged')
    expect(t.vmasAt(3)[0]!.mergeable).toBe(true)
    expect(record(sc, 3)).toEqual([
      'ksm_disable_merge_any:already:pass:MMF_VM_MERGE_ANY is not set: nothing to do (VM_MERGEABLE from MADV_MERGEABLE stays)',
    ])
  })
})

describe('the decision record names the VMA each check is about', () => {
  it('the VMA that is not KSM-compatible; the summary names none', () => {
    const sc = scenario([map('S', 0, 2, { share: 'shared' }), prctl(1)])
    expect(simulate(sc, '6.18').explain(2).map((c) => `${c.rule} ${c.subject ?? '-'} ${c.range ? `[${c.range[0]},${c.range[1]})` : '-'}`)).toEqual([
      'ksm-compatible middle [0,2)', 'merge-any-on - -',
    ])
  })
})

describe('ksm_madvise: MADV_MERGEABLE and MADV_UNMERGEABLE', () => {
  const advise = (advice: string): Step => ({ op: 'madvise', at: 0, pages: 2, advice } as Step)
  it('MERGEABLE sets VM_MERGEABLE; a second time it is already there', () => {
    const sc = scenario([map('A', 0, 2), advise('MADV_MERGEABLE'), advise('MADV_MERGEABLE')])
    const t = simulate(sc, '6.18')
    expect(t.vmasAt(2)[0]!.mergeable).toBe(true)
    expect(record(sc, 2)).toContain('ksm_madvise:ksm-flag-set:pass:[0,2) gets VM_MERGEABLE')
    expect(record(sc, 3)).toContain('ksm_madvise:already:pass:[0,2) already has VM_MERGEABLE')
    expect(t.steps[2]!.error).toBeNull()
  })
  it('MERGEABLE on a shared mapping is silently ignored (no error, no flag)', () => {
    const sc = scenario([map('S', 0, 2, { share: 'shared' }), advise('MADV_MERGEABLE')])
    const t = simulate(sc, '6.18')
    expect(t.steps[1]!.error).toBeNull()
    expect(t.vmasAt(2)[0]!.mergeable).toBe(false)
    expect(record(sc, 2)).toContain('ksm_madvise:ksm-compatible:fail:[0,2) is not KSM-compatible (VM_SHARED VM_MAYSHARE): the advice is silently ignored')
  })
  it('UNMERGEABLE clears VM_MERGEABLE, and says there is nothing to clear when it is not set', () => {
    const sc = scenario([map('A', 0, 2), advise('MADV_UNMERGEABLE'), advise('MADV_MERGEABLE'), advise('MADV_UNMERGEABLE')])
    const t = simulate(sc, '6.18')
    expect(record(sc, 2)).toContain('ksm_madvise:already:pass:[0,2) has no VM_MERGEABLE: nothing to clear')
    expect(t.vmasAt(3)[0]!.mergeable).toBe(true)
    expect(t.vmasAt(4)[0]!.mergeable).toBe(false)
    expect(record(sc, 4)).toContain('ksm_madvise:ksm-flag-cleared:pass:[0,2) loses VM_MERGEABLE')
  })
})

describe('a new mapping under MMF_VM_MERGE_ANY: VM_MERGEABLE early (6.17+) or late', () => {
  const sc = scenario([prctl(1), map('A', 0, 2)])
  it('6.17 sets it early, in update_ksm_flags(), before the merge attempt', () => {
    expect(record(sc, 2)).toContain('update_ksm_flags:ksm-flag-set:pass:VM_MERGEABLE set early (update_ksm_flags()), before the merge attempt: the new range now matches neighbours that carry it')
    expect(simulate(sc, '6.18').vmasAt(2)[0]!.mergeable).toBe(true)
  })
  it('6.16 sets it late, on the new VMA, after the merge attempt', () => {
    const checks = simulate(sc, '6.16').explain(2).map((c) => `${c.fn}:${c.rule}:${c.pass ? 'pass' : 'fail'}:${c.text}`)
    expect(checks).toContain('ksm_add_vma:ksm-flag-set:pass:VM_MERGEABLE set late (ksm_add_vma() on the new VMA), after the merge attempt')
    expect(checks.some((c) => c.startsWith('update_ksm_flags:'))).toBe(false)
    expect(simulate(sc, '6.16').vmasAt(2)[0]!.mergeable).toBe(true)
  })
  it('a shared mapping is not KSM-compatible and stays unmergeable', () => {
    const shared = scenario([prctl(1), map('S', 0, 2, { share: 'shared' })])
    expect(record(shared, 2)).toContain('ksm_compatible:ksm-compatible:fail:not KSM-compatible (VM_SHARED VM_MAYSHARE): VM_MERGEABLE is not set')
    expect(simulate(shared, '6.18').vmasAt(2)[0]!.mergeable).toBe(false)
  })
  it('without merge-any nothing is set and nothing is said', () => {
    const plain = scenario([map('A', 0, 2)])
    expect(record(plain, 1).some((c) => c.includes('ksm-flag-set') || c.includes('ksm-compatible'))).toBe(false)
  })
})
