/**
 * Golden tests for mm/mseal.c (./mseal.ts) and the seal checks where calls modify a VMA:
 * can_modify_vma() in vms_gather_munmap_vmas(), mprotect_fixup(), check_prep_vma(), and
 * can_madvise_modify(). The expectations were read from the kernel source and are what this
 * machine's 6.18 gives: src/fidelity/scenarios/i11-mseal.json runs the same calls for real.
 */
import { describe, expect, it } from 'vitest'
import type { Scenario, Step } from '../../scenario/types'
import type { KernelId, VmaView } from '../api'
import { simulate } from '../simulate'

const map = (name: string, at: number, pages: number, extra: Record<string, unknown> = {}): Step =>
  ({ op: 'mmap', name, at, pages, prot: 'rw-', share: 'private', backing: { kind: 'anon' }, ...extra }) as Step
const mseal = (at: number, pages: number): Step => ({ op: 'mseal', at, pages })
const run = (steps: Step[], kernel: KernelId = '6.18') => simulate({ format: 'vma-scenario/3', windowPages: 64, placement: 'fixed', steps } satisfies Scenario, kernel)
const layout = (vs: VmaView[]) => vs.map((v) => `[${v.start},${v.end}) ${v.prot}${v.flags.includes('VM_SEALED') ? ' sl' : ''}`).join(' ')
const errors = (steps: Step[]) => run(steps).steps.map((s) => s.error)

describe('do_mseal → mseal_apply', () => {
  it('seals through vma_modify_flags(): the range splits off, and a seal next to a sealed VMA merges with it', () => {
    //   AAAAAAAA → AA**AAAA → AA***AAA
    const t = run([map('A', 0, 8), mseal(2, 2), mseal(3, 2)])
    expect(layout(t.vmasAt(2))).toBe('[0,2) rw- [2,4) rw- sl [4,8) rw-')
    expect(layout(t.vmasAt(3))).toBe('[0,2) rw- [2,5) rw- sl [5,8) rw-')
  })
  it('range_contains_unmapped(): any hole in the range is ENOMEM before anything is sealed; length 0 is 0', () => {
    const t = run([map('A', 0, 4), mseal(2, 4), mseal(1, 0)])
    expect(t.steps.map((s) => s.error)).toEqual([null, 'ENOMEM', null])
    expect(layout(t.vmasAt(3))).toBe('[0,4) rw-')
  })
  it('6.1 and 6.6 have no syscall 462: ENOSYS', () => {
    expect(run([map('A', 0, 2), mseal(0, 2)], '6.6').steps[1]!.error).toBe('ENOSYS')
    expect(run([map('A', 0, 2), mseal(0, 2)], '6.12').steps[1]!.error).toBeNull()
  })
})

describe('can_modify_vma(): what a sealed VMA refuses', () => {
  it('vms_gather_munmap_vmas(): the first VMA is split before the sealed one is met, and that split stays (EPERM)', () => {
    //   AA**AAAA  munmap [1,3) → A|A**AAAA
    const t = run([map('A', 0, 8), mseal(2, 2), { op: 'munmap', at: 1, pages: 2 }])
    expect(t.steps[2]!.error).toBe('EPERM')
    expect(layout(t.vmasAt(3))).toBe('[0,1) rw- [1,2) rw- [2,4) rw- sl [4,8) rw-')
  })
  it('mprotect_fixup(): EPERM at the sealed VMA, after the VMAs before it were changed; even a no-op mprotect', () => {
    const steps = [map('A', 0, 8), mseal(2, 2), { op: 'mprotect', at: 0, pages: 8, prot: 'r--' }, { op: 'mprotect', at: 2, pages: 1, prot: 'rw-' }] as Step[]
    const t = run(steps)
    expect(t.steps.map((s) => s.error)).toEqual([null, null, 'EPERM', 'EPERM'])
    expect(layout(t.vmasAt(3))).toBe('[0,2) r-- [2,4) rw- sl [4,8) rw-')
  })
  it('check_prep_vma(): every mremap of a sealed VMA, even a same-size one; MAP_FIXED over it', () => {
    expect(errors([map('A', 0, 2), mseal(0, 2), { op: 'mremap', at: 0, pages: 2, newPages: 2 }, { op: 'mremap', at: 0, pages: 2, newPages: 1 },
      { op: 'mremap', at: 0, pages: 2, newPages: 2, to: 10 }, map('B', 0, 2, { mapFlags: ['MAP_FIXED'] })]))
      .toEqual([null, null, 'EPERM', 'EPERM', 'EPERM', 'EPERM'])
  })
  it('mlock still splits a sealed VMA, and a fork child inherits the seal', () => {
    const t = run([map('A', 0, 4), mseal(0, 4), { op: 'mlock', at: 0, pages: 2 }, { op: 'fork' }, { op: 'munmap', at: 0, pages: 4 }])
    expect(t.steps.map((s) => s.error)).toEqual([null, null, null, null, 'EPERM'])
    expect(layout(t.vmasAt(3))).toBe('[0,2) rw- sl [2,4) rw- sl')
  })
})

describe('can_madvise_modify(): discarding advices on a sealed VMA', () => {
  it('refuses MADV_DONTNEED and MADV_DONTFORK on a read-only anonymous sealed VMA, allows them where it is writable; MADV_DONTDUMP is no discard', () => {
    const advise = (at: number, advice: string): Step => ({ op: 'madvise', at, pages: 2, advice }) as Step
    expect(errors([map('R', 0, 2, { prot: 'r--' }), map('W', 4, 2), mseal(0, 2), mseal(4, 2),
      advise(0, 'MADV_DONTNEED'), advise(0, 'MADV_DONTFORK'), advise(0, 'MADV_DONTDUMP'), advise(4, 'MADV_DONTNEED'), advise(4, 'MADV_WIPEONFORK')]))
      .toEqual([null, null, null, null, 'EPERM', 'EPERM', null, null, null])
  })
})
