/**
 * Golden tests for MAP_GROWSDOWN: do_mmap()'s refusals, expand_downwards() on a fault below a
 * VM_GROWSDOWN VMA (the stack guard gap, RLIMIT_STACK) and vm_start_gap() in
 * unmapped_area_topdown(). The expectations are what this machine's 6.18.44 gives:
 * src/fidelity/scenarios/i11-map-growsdown.json and i11-map-growsdown-rlimit-stack.json run
 * the same calls for real.
 */
import { describe, expect, it } from 'vitest'
import type { Scenario, Step } from '../../scenario/types'
import type { VmaView } from '../api'
import { simulate } from '../simulate'

const map = (name: string, at: number | undefined, pages: number, extra: Record<string, unknown> = {}): Step =>
  ({ op: 'mmap', name, ...(at === undefined ? {} : { at }), pages, prot: 'rw-', share: 'private', backing: { kind: 'anon' }, ...extra }) as Step
const gd = { mapFlags: ['MAP_GROWSDOWN'] }
const touch = (at: number, write = true): Step => ({ op: 'touch', at, pages: 1, write })
const run = (steps: Step[], windowPages = 1024) => simulate({ format: 'vma-scenario/3', windowPages, placement: 'kernel', steps } satisfies Scenario, '6.18')
const layout = (vs: VmaView[]) => vs.map((v) => `[${v.start},${v.end}) ${v.prot}${v.flags.includes('VM_GROWSDOWN') ? ' gd' : ''}`).join(' ')

describe('do_mmap(): MAP_GROWSDOWN', () => {
  it('gives private anonymous memory VM_GROWSDOWN; shared anonymous, MAP_DROPPABLE and file mappings are EINVAL', () => {
    const t = run([
      map('S', 10, 2, gd), map('SH', 20, 2, { ...gd, share: 'shared' }), map('D', 20, 2, { mapFlags: ['MAP_GROWSDOWN', 'MAP_DROPPABLE'] }),
      map('F', 20, 2, { ...gd, backing: { kind: 'file', file: 'F', pgoff: 0, fs: 'ext4' } }),
    ])
    expect(t.steps.map((s) => s.error)).toEqual([null, 'EINVAL', 'EINVAL', 'EINVAL'])
    expect(layout(t.vmasAt(1))).toBe('[10,12) rw- gd')
  })
  it('merges with VM_GROWSDOWN neighbours only', () => {
    const t = run([map('S', 10, 2, gd), map('T', 12, 2, gd), map('U', 8, 2)])
    expect(layout(t.vmasAt(3))).toBe('[8,10) rw- [10,14) rw- gd')
  })
})

describe('expand_downwards(): a fault below a VM_GROWSDOWN VMA', () => {
  it('grows the VMA down to the page, in place, with an anon_vma even for a read', () => {
    const t = run([map('S', 600, 2, gd), touch(590, false)])
    expect(layout(t.vmasAt(2))).toBe('[590,602) rw- gd')
    expect(t.vmasAt(2)[0]!.anonVma).not.toBeNull()
    expect(t.vmasAt(2)[0]!.structId).toBe(t.vmasAt(1)[0]!.structId)
  })
  it('the stack guard gap: an accessible VMA that is not VM_GROWSDOWN must end 256 pages or more below the page', () => {
    const t = run([map('S', 600, 2, gd), map('V', 100, 2), touch(357), touch(358), { op: 'mprotect', at: 100, pages: 2, prot: '---' }, touch(200)])
    expect(t.steps.map((s) => s.error)).toEqual([null, null, 'EFAULT', null, null, null])
    expect(layout(t.vmasAt(4))).toBe('[100,102) rw- [358,602) rw- gd')
    expect(layout(t.vmasAt(6))).toBe('[100,102) --- [200,602) rw- gd')
  })
  it('a page right below a VMA that is not VM_GROWSDOWN faults; a write below a read-only one grows it, then faults', () => {
    const t = run([map('S', 600, 2, gd), map('U', 598, 2), touch(597), map('R', 500, 2, { ...gd, prot: 'r--' }), touch(499)])
    expect(t.steps.map((s) => s.error)).toEqual([null, null, 'EFAULT', null, 'EFAULT'])
    expect(layout(t.vmasAt(5))).toBe('[499,502) r-- gd [598,600) rw- [600,602) rw- gd')
  })
  it('RLIMIT_STACK (8 MiB, 2048 pages): the VMA may grow to 2048 pages, not one more', () => {
    const t = run([map('S', 4000, 2, gd), touch(1953), touch(1954)], 4096)
    expect(t.steps.map((s) => s.error)).toEqual([null, 'EFAULT', null])
    expect(layout(t.vmasAt(3))).toBe('[1954,4002) rw- gd')
  })
})

describe('unmapped_area_topdown(): vm_start_gap()', () => {
  it('a kernel-placed mapping keeps 256 pages free below a VM_GROWSDOWN VMA right above its hole', () => {
    //   hole [702,900) under S (gd at 900): out of reach; the mapping goes below 900 - 256 = 644
    const t = run([map('S', 900, 2, gd), map('V', 700, 2), map('K', undefined, 8)], 902)
    expect(t.steps[2]!.range).toEqual([636, 644])
  })
  it('only the VMA right above the hole is looked at: a plain one between lets the hole under it be used', () => {
    const t = run([map('S', 900, 2, gd), map('W', 898, 2), map('V', 700, 2), map('K', undefined, 8)], 902)
    expect(t.steps[3]!.range).toEqual([890, 898])
  })
})
