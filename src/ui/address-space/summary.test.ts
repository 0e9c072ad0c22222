import { describe, expect, it } from 'vitest'
import { traceChanges } from '../../engine/changes'
import { simulate } from '../../engine/simulate'
import type { Scenario, Step } from '../../scenario/types'
import { changeNote, changeTokenOf, describeChanges, describeView } from './summary'

const map = (name: string, at: number, pages: number): Step => ({ op: 'mmap', name, at, pages, prot: 'rw-', share: 'private', backing: { kind: 'anon' } })
const scenario = (steps: Step[]): Scenario => ({ format: 'vma-scenario/3', windowPages: 1024, placement: 'fixed', steps })

describe('changeTokenOf', () => {
  it('outlines a struct grown in place as merged, one split or shrunk as split, a flags change as modified, the rest as new', () => {
    expect(changeTokenOf('expanded')).toBe('merged')
    expect(changeTokenOf('split')).toBe('split')
    expect(changeTokenOf('shrunk')).toBe('split')
    expect(changeTokenOf('modified')).toBe('modified')
    expect(changeTokenOf('new')).toBe('new')
  })
})

describe('describeView', () => {
  it('says a merge into prev expanded prev (vma_expand), not that a VMA was removed and another made', () => {
    const trace = simulate(scenario([map('A', 0, 2), map('C', 4, 2), map('B', 2, 2)]), '6.16')
    const step = trace.steps[2]!
    const changes = traceChanges(trace, 3)
    const text = describeView({ vmas: trace.vmasAt(3), windowPages: 1024, viewport: { startPage: 0, endPage: 1024 }, step, changes, axisMode: 'compressed', label: '6.16' })
    expect(text).toBe(
      '6.16: 1 VMA in a 1024-page window, 0 mergeable (mg). Step 3, mmap B [2,4) rw- anon private: merged-both ([0,2) expanded to [0,6); [4,6) removed). Showing the whole window on a gap-compressed axis.',
    )
    expect(changes.map((c) => changeNote(c, changes, step))).toEqual([
      '[0,2) expanded to [0,6) by this step: the same vm_area_struct',
      '[4,6) removed by this step: the vm_area_struct is freed (state before the step)',
    ])
  })

  it('tells a split in words, and counts when a step changed more VMAs than are worth reading out', () => {
    const split = simulate(scenario([map('A', 0, 6), { op: 'mprotect', at: 2, pages: 2, prot: 'r--' }]), '6.18')
    expect(describeChanges(traceChanges(split, 2), split.steps[1]!)).toBe('[0,2) new (split from [0,6)); [0,6) split to [2,4); [4,6) new (split from [0,6))')
    const many = simulate(scenario([map('A', 0, 2), map('B', 4, 2), map('C', 8, 2), map('D', 12, 2), map('E', 16, 2), { op: 'fork' }]), '6.18')
    expect(describeChanges(traceChanges(many, 6), many.steps[5]!)).toBe('5 VMAs new')
  })
})
