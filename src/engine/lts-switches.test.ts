/**
 * One pinning scenario per switch the long-term profiles (6.1, 6.6, 6.12) brought in,
 * run under every profile: what each switch value must give is written out, and which
 * value a release has is read from PROFILES. (vmaMergeCloseRule is pinned in
 * mm/mmap-vma-merge.test.ts, with the harness, since no scenario makes a VMA with vm_ops->close.)
 */
import { describe, expect, it } from 'vitest'
import type { Backing, Scenario, Step } from '../scenario/types'
import { KERNEL_IDS } from './api'
import { PROFILES } from './profiles'
import { simulate } from './simulate'

const anon = (name: string, at: number, pages: number, extra: Partial<Step> = {}): Step =>
  ({ op: 'mmap', name, at, pages, prot: 'rw-', share: 'private', backing: { kind: 'anon' }, ...extra }) as Step
const scenario = (steps: Step[]): Scenario => ({ format: 'vma-scenario/3', windowPages: 32, placement: 'fixed', steps })
const ranges = (sc: Scenario, kernel: (typeof KERNEL_IDS)[number], at = sc.steps.length) =>
  simulate(sc, kernel).vmasAt(at).map((v) => `[${v.start},${v.end})`).join(' ')

describe.each(KERNEL_IDS)('%s', (kernel) => {
  const p = PROFILES[kernel]

  it('hasMemoryMerge: prctl(PR_SET_MEMORY_MERGE, 1) is EINVAL without it, and then nothing gets mg', () => {
    const sc = scenario([{ op: 'prctl', option: 'PR_SET_MEMORY_MERGE', value: 1 }, anon('A', 0, 2)])
    const t = simulate(sc, kernel)
    expect(t.steps[0]!.error).toBe(p.hasMemoryMerge ? null : 'EINVAL')
    expect(t.vmasAt(2)[0]!.mergeable).toBe(p.hasMemoryMerge)
  })

  it('hasMapDroppable: MAP_DROPPABLE is EINVAL without it, else a VM_DROPPABLE mapping', () => {
    const t = simulate(scenario([anon('D', 0, 2, { mapFlags: ['MAP_DROPPABLE'] })]), kernel)
    expect(t.steps[0]!.error).toBe(p.hasMapDroppable ? null : 'EINVAL')
    expect(t.vmasAt(1).some((v) => v.flags.includes('VM_DROPPABLE'))).toBe(p.hasMapDroppable)
  })

  it('mprotectUnaccountsUnfaulted: an unfaulted rw- mapping made r-- loses VM_ACCOUNT, so it then merges with a r-- neighbour', () => {
    const sc = scenario([anon('A', 0, 2), { op: 'mprotect', at: 0, pages: 2, prot: 'r--' }, anon('B', 2, 2, { prot: 'r--' })])
    const t = simulate(sc, kernel)
    expect(t.vmasAt(2)[0]!.flags.includes('VM_ACCOUNT')).toBe(!p.mprotectUnaccountsUnfaulted)
    expect(ranges(sc, kernel)).toBe(p.mprotectUnaccountsUnfaulted ? '[0,4)' : '[0,2) [2,4)')
  })

  it('mergeCode: between two faulted neighbours with different anon_vmas, next first (vma_merge era) or prev first', () => {
    const sc = scenario([
      anon('A', 0, 2), { op: 'touch', at: 0, pages: 1, write: true },
      anon('C', 4, 2), { op: 'touch', at: 4, pages: 1, write: true },
      anon('B', 2, 2),
    ])
    const t = simulate(sc, kernel)
    expect(t.steps[4]!.outcome).toBe(p.mergeCode === 'vma_merge' ? 'merged-next' : 'merged-prev')
    expect(ranges(sc, kernel)).toBe(p.mergeCode === 'vma_merge' ? '[0,2) [2,6)' : '[0,4) [4,6)')
    const fns = t.explain(5).map((c) => c.fn)
    if (p.mergeCode === 'vma_merge') expect(fns).toContain('vma_expand')
    else expect(fns).toContain('vma_merge_new_range')
  })

  it('retryMergeOf: a .mmap hook that adds a non-special flag; the retry merge needs a prev up to 6.12', () => {
    // D's hook adds VM_SEQ_READ after the first merge attempt. Map [2,4) first, then [0,2)
    // below it: the second mapping has a next but no prev.
    const dev = (pgoff: number): Backing => ({ kind: 'device', file: 'D', pgoff, hook: 'mmap', setsFlags: ['VM_SEQ_READ'] })
    const sc = scenario([anon('B', 2, 2, { backing: dev(2) }), anon('A', 0, 2, { backing: dev(0) })])
    const want = !p.retryMergeAfterMmapHook ? '[0,2) [2,4)' : p.retryMergeOf === 'inserted-vma' ? '[0,4)' : '[0,2) [2,4)'
    expect(ranges(sc, kernel)).toBe(want)
    // With a prev, both forms retry.
    const up = scenario([anon('A', 0, 2, { backing: dev(0) }), anon('B', 2, 2, { backing: dev(2) })])
    expect(ranges(up, kernel)).toBe(p.retryMergeAfterMmapHook ? '[0,4)' : '[0,2) [2,4)')
    // Either way the mapping ended up in prev: 6.13 – 6.15 inserted a new VMA first and merged it away.
    expect(simulate(up, kernel).steps[1]!.outcome).toBe(p.retryMergeAfterMmapHook ? 'merged-prev' : 'new')
  })
})
