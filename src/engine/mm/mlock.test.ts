/**
 * Golden tests for mm/mlock.c (./mlock.ts), one describe per kernel function that decides.
 * The expectations were read from the kernel source and are what this machine's 6.18 gives:
 * src/fidelity/scenarios/i11-mlock-munlock.json runs the same rules on the real kernel.
 */
import { describe, expect, it } from 'vitest'
import type { Scenario, Step } from '../../scenario/types'
import { simulate } from '../simulate'
import type { VmaView } from '../api'
import { PROFILES } from '../profiles'

const map = (name: string, at: number, pages: number, extra: Record<string, unknown> = {}): Step =>
  ({ op: 'mmap', name, at, pages, prot: 'rw-', share: 'private', backing: { kind: 'anon' }, ...extra }) as Step
const mlock = (at: number, pages: number, onFault = false): Step => ({ op: 'mlock', at, pages, ...(onFault ? { onFault } : {}) })
const munlock = (at: number, pages: number): Step => ({ op: 'munlock', at, pages })
const run = (steps: Step[], extra: Partial<Scenario> = {}) => simulate({ format: 'vma-scenario/3', windowPages: 64, placement: 'fixed', steps, ...extra } satisfies Scenario, '6.18')
const mlockall = (...flags: ('MCL_CURRENT' | 'MCL_FUTURE' | 'MCL_ONFAULT')[]): Step => ({ op: 'mlockall', flags })
const layout = (vs: VmaView[]) => vs.map((v) => `[${v.start},${v.end})${v.flags.includes('VM_LOCKED') ? ' lo' : ''}${v.flags.includes('VM_LOCKONFAULT') ? ' lf' : ''}`).join(' ')

describe('apply_vma_lock_flags → mlock_fixup: VM_LOCKED splits and merges like mprotect', () => {
  it('mlock splits off VM_LOCKED; munlock clears it and the pieces merge back', () => {
    const t = run([map('A', 0, 8), mlock(2, 2), munlock(2, 2)])
    expect(layout(t.vmasAt(2))).toBe('[0,2) [2,4) lo [4,8)')
    expect(layout(t.vmasAt(3))).toBe('[0,8)')
  })
  it('mlock2(MLOCK_ONFAULT) sets VM_LOCKED|VM_LOCKONFAULT; a later mlock drops VM_LOCKONFAULT', () => {
    const t = run([map('A', 0, 4), mlock(0, 4, true), mlock(0, 4)])
    expect(layout(t.vmasAt(2))).toBe('[0,4) lo lf')
    expect(layout(t.vmasAt(3))).toBe('[0,4) lo')
  })
  it('a start in a hole is ENOMEM with nothing changed; a later hole is ENOMEM after the part before', () => {
    const t = run([map('B', 10, 2), mlock(8, 4), mlock(10, 4)])
    expect(t.steps.map((s) => s.error)).toEqual([null, 'ENOMEM', 'ENOMEM'])
    expect(layout(t.vmasAt(2))).toBe('[10,12)')
    expect(layout(t.vmasAt(3))).toBe('[10,12) lo')
  })
  it('leaves VM_DROPPABLE (and VM_SPECIAL) VMAs as they are, without an error', () => {
    const t = run([map('D', 0, 2, { mapFlags: ['MAP_DROPPABLE'] }), mlock(0, 2)])
    expect([t.steps[1]!.error, layout(t.vmasAt(2))]).toEqual([null, '[0,2)'])
  })
})

describe('do_mlock → __mm_populate: mlock faults the range in', () => {
  it('a private writable VMA gets its anon_vma; with MLOCK_ONFAULT it does not', () => {
    expect(run([map('A', 0, 4), mlock(0, 4)]).vmasAt(2)[0]!.anonVma).not.toBeNull()
    expect(run([map('A', 0, 4), mlock(0, 4, true)]).vmasAt(2)[0]!.anonVma).toBeNull()
  })
  it('a PROT_NONE VMA cannot be populated: EFAULT, which mlock answers as ENOMEM; it stays VM_LOCKED (__mlock_posix_error_return)', () => {
    const t = run([map('P', 0, 2, { prot: '---' }), mlock(0, 2)])
    expect([t.steps[1]!.error, layout(t.vmasAt(2))]).toEqual(['ENOMEM', '[0,2) lo'])
  })
})

describe('SYSCALL_DEFINE1(mlockall) → apply_mlockall_flags: every VMA, and mm->def_flags', () => {
  it('no flags, or MCL_ONFAULT alone, is EINVAL with nothing changed', () => {
    const t = run([map('A', 0, 2), mlockall(), mlockall('MCL_ONFAULT'), map('B', 4, 2)])
    expect(t.steps.map((s) => s.error)).toEqual([null, 'EINVAL', 'EINVAL', null])
    expect(layout(t.vmasAt(4))).toBe('[0,2) [4,6)')
  })
  it('MCL_CURRENT locks whole VMAs through mlock_fixup(): a locked neighbour and an unlocked one merge, nothing splits', () => {
    //   AA BB     mlock(A) first, then mlockall(MCL_CURRENT): B joins the locked A
    const t = run([map('A', 0, 2), map('B', 2, 2, { prot: 'r--' }), { op: 'mprotect', at: 2, pages: 2, prot: 'rw-' }, mlock(0, 2), mlockall('MCL_CURRENT')])
    expect(layout(t.vmasAt(4))).toBe('[0,2) lo [2,4)')
    expect(layout(t.vmasAt(5))).toBe('[0,4) lo')
  })
  it('MCL_CURRENT populates (mm_populate(0, TASK_SIZE)): PROT_NONE is skipped without an error; MCL_ONFAULT populates nothing', () => {
    const t = run([map('A', 0, 2), map('P', 4, 2, { prot: '---' }), mlockall('MCL_CURRENT')])
    expect([t.steps[2]!.error, layout(t.vmasAt(3)), t.vmasAt(3)[0]!.anonVma !== null]).toEqual([null, '[0,2) lo [4,6) lo', true])
    const f = run([map('A', 0, 2), mlockall('MCL_CURRENT', 'MCL_ONFAULT')])
    expect([layout(f.vmasAt(2)), f.vmasAt(2)[0]!.anonVma]).toEqual(['[0,2) lo lf', null])
  })
  it('MCL_FUTURE: do_mmap() and do_brk_flags() add mm->def_flags, and a locked mapping is populated; existing VMAs stay as they are', () => {
    const t = run([map('A', 0, 2), mlockall('MCL_FUTURE'), map('B', 2, 2), { op: 'brk', pages: 2 }], { brkBase: 32 })
    const after = t.vmasAt(4)
    expect(layout(after)).toBe('[0,2) [2,4) lo [32,34) lo')
    expect(after.map((v) => v.anonVma !== null)).toEqual([false, true, true])
  })
  it('MCL_FUTURE|MCL_ONFAULT gives later mappings VM_LOCKED|VM_LOCKONFAULT, unpopulated; munlockall clears def_flags and every VMA', () => {
    const t = run([mlockall('MCL_FUTURE', 'MCL_ONFAULT'), map('A', 0, 2), { op: 'munlockall' }, map('B', 2, 2)])
    expect([layout(t.vmasAt(2)), t.vmasAt(2)[0]!.anonVma]).toEqual(['[0,2) lo lf', null])
    expect(layout(t.vmasAt(4))).toBe('[0,4)')
  })
  it('a fork child does not inherit MCL_FUTURE (mm_init(): def_flags & VM_INIT_DEF_MASK)', () => {
    const t = run([mlockall('MCL_FUTURE'), { op: 'fork' }, map('A', 0, 2)])
    expect(layout(t.vmasAt(3))).toBe('[0,2)')
  })
  it('__mmap_complete(): def_flags\' VM_LOCKED is cleared from a VM_DROPPABLE mapping on 6.18 (vma_supports_mlock(), d239462787b0), kept on 6.17', () => {
    const steps = [mlockall('MCL_FUTURE'), map('D', 0, 2, { mapFlags: ['MAP_DROPPABLE'] })]
    expect(layout(run(steps).vmasAt(2))).toBe('[0,2)')
    expect(PROFILES['6.17'].mmapUnlocksDroppable).toBe(false)
    expect(layout(simulate({ format: 'vma-scenario/3', windowPages: 64, placement: 'fixed', steps }, '6.17').vmasAt(2))).toBe('[0,2) lo')
  })
})
