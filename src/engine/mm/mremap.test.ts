/**
 * Golden tests for mremap(MREMAP_DONTUNMAP) in mm/mremap.c (./mremap.ts): check_mremap_params(),
 * check_prep_vma() and dontunmap_complete(). The expectations were read from the kernel source
 * and are what this machine's 6.18 gives: src/fidelity/scenarios/i11-mremap-dontunmap.json runs
 * the same calls for real.
 */
import { describe, expect, it } from 'vitest'
import type { Scenario, Step } from '../../scenario/types'
import type { VmaView } from '../api'
import { simulate } from '../simulate'

const map = (name: string, at: number, pages: number, extra: Record<string, unknown> = {}): Step =>
  ({ op: 'mmap', name, at, pages, prot: 'rw-', share: 'private', backing: { kind: 'anon' }, ...extra }) as Step
const run = (steps: Step[]) => simulate({ format: 'vma-scenario/3', windowPages: 64, placement: 'fixed', steps } satisfies Scenario, '6.18')
const layout = (vs: VmaView[]) => vs.map((v) => `[${v.start},${v.end})${v.flags.includes('VM_LOCKED') ? ' lo' : ''}${v.anonVma !== null ? ' faulted' : ''}`).join(' ')

describe('check_mremap_params: MREMAP_DONTUNMAP is a move without a resize', () => {
  it('without MREMAP_MAYMOVE, or with new_len != old_len, it is EINVAL', () => {
    const t = run([map('A', 0, 2), { op: 'mremap', at: 0, pages: 2, newPages: 2, dontUnmap: true }, { op: 'mremap', at: 0, pages: 2, newPages: 3, mayMove: true, dontUnmap: true }])
    expect(t.steps.map((s) => s.error)).toEqual([null, 'EINVAL', 'EINVAL'])
  })
})

describe('move_vma → dontunmap_complete: the source stays', () => {
  it('a whole faulted VMA moves its pages; the source stays mapped, unfaulted (unlink_anon_vmas())', () => {
    //   AAAA....  →  aaaa....AAAA
    const t = run([map('A', 0, 4), { op: 'touch', at: 0, pages: 4, write: true }, { op: 'mremap', at: 0, pages: 4, newPages: 4, to: 8, dontUnmap: true }])
    expect(layout(t.vmasAt(3))).toBe('[0,4) [8,12) faulted')
  })
  it('part of a locked VMA: the copy keeps VM_LOCKED, the whole source VMA loses it, unsplit', () => {
    const t = run([map('L', 0, 4, { mapFlags: ['MAP_LOCKED'] }), { op: 'mremap', at: 0, pages: 2, newPages: 2, to: 8, dontUnmap: true }])
    expect(layout(t.vmasAt(2))).toBe('[0,4) faulted [8,10) lo faulted')
  })
  it('without MREMAP_FIXED the kernel chooses the destination (top-down)', () => {
    const t = run([map('A', 0, 2), { op: 'mremap', at: 0, pages: 2, newPages: 2, mayMove: true, dontUnmap: true }])
    expect(layout(t.vmasAt(2))).toBe('[0,2) [62,64)')
  })
})
