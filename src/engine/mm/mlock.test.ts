/**
 * Golden tests for mm/mlock.c (./mlock.ts), one describe per kernel function that decides.
 * The expectations were read from the kernel source and are what this machine's 6.18 gives:
 * src/fidelity/scenarios/i11-mlock-munlock.json runs the same rules on the real kernel.
 */
import { describe, expect, it } from 'vitest'
import type { Scenario, Step } from '../../scenario/types'
import { simulate } from '../simulate'
import type { VmaView } from '../api'

const map = (name: string, at: number, pages: number, extra: Record<string, unknown> = {}): Step =>
  ({ op: 'mmap', name, at, pages, prot: 'rw-', share: 'private', backing: { kind: 'anon' }, ...extra }) as Step
const mlock = (at: number, pages: number, onFault = false): Step => ({ op: 'mlock', at, pages, ...(onFault ? { onFault } : {}) })
const munlock = (at: number, pages: number): Step => ({ op: 'munlock', at, pages })
const run = (steps: Step[]) => simulate({ format: 'vma-scenario/2', windowPages: 64, placement: 'fixed', steps } satisfies Scenario, '6.18')
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
