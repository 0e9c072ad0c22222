/**
 * dup_mmap() (kernel/fork.c; mm/mmap.c from 6.16): what the child's VMAs are.
 * Expectations from the kernel's loop: VM_DONTCOPY is skipped, VM_LOCKED and
 * VM_LOCKONFAULT are cleared (vm_flags_clear(tmp, VM_LOCKED_MASK)), VM_WIPEONFORK
 * starts without an anon_vma, a faulted VMA gets a new anon_vma (anon_vma_fork).
 */
import { describe, expect, it } from 'vitest'
import type { Scenario, Step } from '../../scenario/types'
import { simulate } from '../simulate'

const map = (name: string, at: number, pages: number, extra: Record<string, unknown> = {}): Step =>
  ({ op: 'mmap', name, at, pages, prot: 'rw-', share: 'private', backing: { kind: 'anon' }, ...extra }) as Step
const write = (at: number, pages: number): Step => ({ op: 'touch', at, pages, write: true })
const scenario = (steps: Step[]): Scenario => ({ format: 'vma-scenario/3', windowPages: 64, placement: 'fixed', steps })

describe('dup_mmap', () => {
  // A: faulted   B: MADV_DONTFORK   C: MADV_WIPEONFORK, faulted   D: MAP_LOCKED (populated
  // at mmap: private writable, so write-faulted and given an anon_vma)
  //   0123456789
  //   AA BB CC DD
  const sc = scenario([
    map('A', 0, 2), write(0, 2),
    map('B', 3, 2), { op: 'madvise', at: 3, pages: 2, advice: 'MADV_DONTFORK' },
    map('C', 6, 2), { op: 'madvise', at: 6, pages: 2, advice: 'MADV_WIPEONFORK' }, write(6, 2),
    map('D', 9, 2, { mapFlags: ['MAP_LOCKED'] }),
    { op: 'fork' },
  ])
  const t = simulate(sc, '6.18')
  const n = sc.steps.length
  const before = t.vmasAt(n - 1)
  const after = t.vmasAt(n)

  it('copies every VMA but the VM_DONTCOPY one, each into a new struct', () => {
    expect(after.map((v) => `[${v.start},${v.end})`)).toEqual(['[0,2)', '[6,8)', '[9,11)'])
    const parentStructs = new Set(before.map((v) => v.structId))
    for (const v of after) expect(parentStructs.has(v.structId)).toBe(false)
    expect(after.map((v) => v.dupOf)).toEqual([before[0]!.structId, before[2]!.structId, before[3]!.structId])
    expect(t.steps[n - 1]!.outcome).toBe('forked')
    expect(t.steps[n - 1]!.error).toBeNull()
    // The rest of the scenario runs in the child.
    expect(t.steps[n - 2]!.process).toBe('parent')
    expect(t.steps[n - 1]!.process).toBe('child')
  })

  it('gives a faulted VMA a new anon_vma and makes it a fork child', () => {
    const [a] = after
    expect(before[0]!.anonVma).not.toBeNull()
    expect(a!.anonVma).not.toBeNull()
    expect(a!.anonVma).not.toBe(before[0]!.anonVma)
    expect(a!.forkChild).toBe(true)
  })

  it('starts a VM_WIPEONFORK VMA unfaulted, not a fork child, keeping VM_WIPEONFORK', () => {
    const c = after[1]!
    expect(before[2]!.anonVma).not.toBeNull()
    expect(c.anonVma).toBeNull()
    expect(c.forkChild).toBe(false)
    expect(c.flags).toContain('VM_WIPEONFORK')
  })

  it('clears VM_LOCKED in the child (mlock is not inherited)', () => {
    expect(before[3]!.flags).toContain('VM_LOCKED')
    const d = after[2]!
    expect(d.flags).not.toContain('VM_LOCKED')
    expect(d.forkChild).toBe(true)
  })

  it('clears VM_LOCKONFAULT too (mlock2 MLOCK_ONFAULT)', () => {
    const s = scenario([map('A', 0, 2), { op: 'mlock', at: 0, pages: 2, onFault: true }, { op: 'fork' }])
    const t2 = simulate(s, '6.18')
    expect(t2.vmasAt(2)[0]!.flags).toEqual(expect.arrayContaining(['VM_LOCKED', 'VM_LOCKONFAULT']))
    const child = t2.vmasAt(3)[0]!
    expect(child.flags).not.toContain('VM_LOCKED')
    expect(child.flags).not.toContain('VM_LOCKONFAULT')
    // Nothing was faulted (MLOCK_ONFAULT populates nothing): the child's copy has no anon_vma either.
    expect(child.anonVma).toBeNull()
    expect(child.forkChild).toBe(false)
  })

  it('says in the decision record how many VMAs the child got and how many are fork children', () => {
    expect(t.explain(n).map((c) => `${c.fn}:${c.rule}:${c.text}`)).toEqual([
      'dup_mmap:fork:the child gets 3 VMAs; 2 had an anon_vma and are now fork children (their anon_vma chain is not singular)',
    ])
    const one = scenario([map('A', 0, 2), { op: 'prctl', option: 'PR_SET_MEMORY_MERGE', value: 1 }, { op: 'fork' }])
    expect(simulate(one, '6.18').explain(3).map((c) => c.text)).toEqual([
      'the child gets 1 VMA; 0 had an anon_vma and are now fork children (their anon_vma chain is not singular); MMF_VM_MERGE_ANY is inherited',
    ])
  })
})
