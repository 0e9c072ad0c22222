/**
 * Golden tests for mremap(MREMAP_DONTUNMAP) in mm/mremap.c (./mremap.ts): check_mremap_params(),
 * check_prep_vma() and dontunmap_complete(). The expectations were read from the kernel source
 * and are what this machine's 6.18 gives: src/fidelity/scenarios/i11-mremap-dontunmap.json runs
 * the same calls for real.
 */
import { describe, expect, it } from 'vitest'
import type { Scenario, Step } from '../../scenario/types'
import type { KernelId, VmaView } from '../api'
import { simulate } from '../simulate'

const map = (name: string, at: number, pages: number, extra: Record<string, unknown> = {}): Step =>
  ({ op: 'mmap', name, at, pages, prot: 'rw-', share: 'private', backing: { kind: 'anon' }, ...extra }) as Step
const run = (steps: Step[], kernel: KernelId = '6.18') => simulate({ format: 'vma-scenario/3', windowPages: 64, placement: 'fixed', steps } satisfies Scenario, kernel)
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

describe('dontunmap_complete: VM_ACCOUNT on the source, release by release', () => {
  // b714ccb02a76 ("mm/mremap: complete refactor of move_vma()", 6.15) cleared VM_ACCOUNT with VM_LOCKED_MASK;
  // "mm/mremap: correctly account old mapping after MREMAP_DONTUNMAP remap" (6.18) stopped it. This machine's
  // 6.18.44 leaves `ac` on the source (npm run record of i11-mremap-dontunmap, step 3).
  const ACCOUNT_KEPT: Record<KernelId, boolean> = { '6.1': true, '6.6': true, '6.12': true, '6.15': false, '6.16': false, v2: false, '6.17': false, '6.18': true }
  it.each(Object.entries(ACCOUNT_KEPT))('%s: the source keeps VM_ACCOUNT: %s', (kernel, kept) => {
    const t = run([map('A', 0, 4), { op: 'mremap', at: 0, pages: 4, newPages: 4, to: 8, dontUnmap: true }], kernel as KernelId)
    const [source, copy] = t.vmasAt(2)
    expect([source!.start, source!.end, source!.flags.includes('VM_ACCOUNT')]).toEqual([0, 4, kept])
    expect(copy!.flags.includes('VM_ACCOUNT')).toBe(true)
  })
})
