/**
 * munmap(): do_vmi_munmap() → vms_gather_munmap_vmas() (mm/vma.c). Which splits it makes,
 * which checks can refuse it, and what the decision record says, written by hand from the
 * kernel's order: the start split (with its map_count check when it also splits the end),
 * then the end split (no map_count check), then every VMA freed.
 */
import { describe, expect, it } from 'vitest'
import type { Scenario, Step } from '../../scenario/types'
import { simulate } from '../simulate'

const map = (name: string, at: number, pages: number, extra: Record<string, unknown> = {}): Step =>
  ({ op: 'mmap', name, at, pages, prot: 'rw-', share: 'private', backing: { kind: 'anon' }, ...extra }) as Step
const munmap = (at: number, pages: number): Step => ({ op: 'munmap', at, pages })
const scenario = (steps: Step[], extra: Partial<Scenario> = {}): Scenario => ({ format: 'vma-scenario/3', windowPages: 64, placement: 'fixed', steps, ...extra })
const layout = (sc: Scenario, i: number) => simulate(sc, '6.18').vmasAt(i).map((v) => `[${v.start},${v.end}) p${v.pgoff}`).join(' ')
const record = (sc: Scenario, i: number) => simulate(sc, '6.18').explain(i).map((c) => `${c.fn}:${c.rule}:${c.pass ? 'pass' : 'fail'}:${c.text}`)
const result = (sc: Scenario, i: number) => { const s = simulate(sc, '6.18').steps[i - 1]!; return [s.outcome, s.error] }

describe('munmap', () => {
  it('across two VMAs splits the first at the start and the last at the end, and frees the middle parts', () => {
    //   0123456789       0123456789
    //   AAAAABBBBB  →    AA     BBB   (munmap [2,7))
    // The start split is new_below (the kept struct [2,5) is then freed), the end split is not.
    const sc = scenario([map('A', 0, 5), map('B', 5, 5, { prot: 'r--' }), munmap(2, 5)])
    const base = simulate(sc, '6.18')
    const p = base.vmasAt(2)[0]!.pgoff
    expect(layout(sc, 3)).toBe(`[0,2) p${p} [7,10) p${p + 7}`)
    expect(result(sc, 3)).toEqual(['unmapped', null])
    expect(record(sc, 3)).toEqual([
      '__split_vma:may-split:pass:[0,5) at 2: no vm_ops->may_split refuses it, so the split may go ahead',
      '__split_vma:split:pass:[0,5) split at 2: a new vm_area_struct [0,2) (vm_area_dup); the VMA keeps [2,5)',
      '__split_vma:may-split:pass:[5,10) at 7: no vm_ops->may_split refuses it, so the split may go ahead',
      '__split_vma:split:pass:[5,10) split at 7: a new vm_area_struct [7,10) (vm_area_dup); the VMA keeps [5,7)',
      'vms_gather_munmap_vmas:unmapped:pass:unmapped [2,7): 2 VMAs or parts removed',
      'remove_vma:vma-freed:pass:[2,5) is unmapped and freed (vms_complete_munmap_vmas → remove_vma)',
      'remove_vma:vma-freed:pass:[5,7) is unmapped and freed (vms_complete_munmap_vmas → remove_vma)',
      'do_vmi_munmap:never-merges:pass:munmap never merges the VMAs left on either side',
    ])
  })

  it('inside one VMA checks map_count first, then splits twice', () => {
    const sc = scenario([map('A', 0, 6), munmap(2, 2)])
    expect(layout(sc, 2).replace(/ p\d+/g, '')).toBe('[0,2) [4,6)')
    expect(record(sc, 2).slice(0, 2)).toEqual([
      'vms_gather_munmap_vmas:map-count:pass:splitting [0,6) needs a new VMA: map_count 1 is below max_map_count 65530',
      '__split_vma:may-split:pass:[0,6) at 2: no vm_ops->may_split refuses it, so the split may go ahead',
    ])
    expect(record(sc, 2)).toContain('vms_gather_munmap_vmas:unmapped:pass:unmapped [2,4): 1 VMA or parts removed')
  })

  it('inside one VMA at max_map_count is ENOMEM and leaves the VMA whole', () => {
    const sc = scenario([map('A', 0, 6), munmap(2, 2)], { maxMapCount: 1 })
    expect(result(sc, 2)).toEqual([null, 'ENOMEM'])
    expect(layout(sc, 2).replace(/ p\d+/g, '')).toBe('[0,6)')
    expect(record(sc, 2)).toEqual([
      'vms_gather_munmap_vmas:map-count:fail:splitting [0,6) needs a new VMA, but map_count 1 has reached max_map_count 1',
    ])
  })

  it('of the tail of a VMA at max_map_count needs no new VMA in the end and is allowed', () => {
    // Only the start split happens; the check is made only when the end splits the same VMA.
    const sc = scenario([map('A', 0, 6), munmap(4, 2)], { maxMapCount: 1 })
    expect(result(sc, 2)).toEqual(['unmapped', null])
    expect(layout(sc, 2).replace(/ p\d+/g, '')).toBe('[0,4)')
    // The head: no split at the start, the end split goes over the limit for a moment (allowed).
    const head = scenario([map('A', 0, 6), munmap(0, 2)], { maxMapCount: 1 })
    expect(result(head, 2)).toEqual(['unmapped', null])
    expect(layout(head, 2).replace(/ p\d+/g, '')).toBe('[2,6)')
  })

  it('of whole VMAs splits nothing and frees each', () => {
    const sc = scenario([map('A', 0, 2), map('B', 3, 2), munmap(0, 5)])
    expect(layout(sc, 3)).toBe('')
    expect(record(sc, 3)).toEqual([
      'vms_gather_munmap_vmas:unmapped:pass:unmapped [0,5): 2 VMAs or parts removed',
      'remove_vma:vma-freed:pass:[0,2) is unmapped and freed (vms_complete_munmap_vmas → remove_vma)',
      'remove_vma:vma-freed:pass:[3,5) is unmapped and freed (vms_complete_munmap_vmas → remove_vma)',
      'do_vmi_munmap:never-merges:pass:munmap never merges the VMAs left on either side',
    ])
  })

  it('of a hole succeeds and changes nothing', () => {
    const sc = scenario([map('A', 0, 2), munmap(4, 2)])
    expect(result(sc, 2)).toEqual(['unchanged', null])
    expect(record(sc, 2)).toEqual(['do_vmi_munmap:never-merges:pass:munmap never merges the VMAs left on either side'])
  })

  it('of length 0 is EINVAL', () => {
    const sc = scenario([map('A', 0, 2), munmap(0, 0)])
    expect(result(sc, 2)).toEqual([null, 'EINVAL'])
    expect(simulate(sc, '6.18').steps[1]!.range).toEqual([0, 0])
    expect(record(sc, 2)).toEqual(['do_vmi_munmap:errno:fail:EINVAL: munmap of length 0 is invalid'])
  })

  it('that would split a perf ring buffer is EINVAL (perf_mmap_may_split), at the start or at the end', () => {
    // A perf buffer is one control page and 2^n data pages: 5 pages.
    const perf = { backing: { kind: 'perf', file: 'ev', pgoff: 0 }, share: 'shared', prot: 'rw-' }
    const start = scenario([map('P', 0, 5, perf), munmap(2, 3)])
    expect(result(start, 2)).toEqual([null, 'EINVAL'])
    expect(layout(start, 2).replace(/ p\d+/g, '')).toBe('[0,5)')
    expect(record(start, 2)).toEqual([
      'perf_mmap_may_split:may-split:fail:[0,5) is a perf ring buffer: its vm_ops->may_split refuses a split at page 2 (EINVAL)',
    ])
    const end = scenario([map('P', 0, 5, perf), munmap(0, 2)])
    expect(result(end, 2)).toEqual([null, 'EINVAL'])
    expect(record(end, 2)).toEqual([
      'perf_mmap_may_split:may-split:fail:[0,5) is a perf ring buffer: its vm_ops->may_split refuses a split at page 2 (EINVAL)',
    ])
    const whole = scenario([map('P', 0, 5, perf), munmap(0, 5)])
    expect(result(whole, 2)).toEqual(['unmapped', null])
  })
})

describe('the decision record names the VMA each check is about', () => {
  const about = (sc: Scenario, i: number) =>
    simulate(sc, '6.18').explain(i).map((c) => `${c.rule} ${c.subject ?? '-'} ${c.range ? `[${c.range[0]},${c.range[1]})` : '-'}`)
  it('the split VMA, the side a split keeps, each VMA freed; the summary names none', () => {
    expect(about(scenario([map('A', 0, 6), munmap(2, 2)]), 2)).toEqual([
      'map-count middle [0,6)',
      'may-split middle [0,6)', 'split middle [2,6)',
      'may-split middle [2,6)', 'split middle [2,4)',
      'unmapped - -', 'vma-freed middle [2,4)', 'never-merges - -',
    ])
  })
  it('the perf buffer that refuses a split', () => {
    const perf = { backing: { kind: 'perf', file: 'ev', pgoff: 0 }, share: 'shared', prot: 'rw-' }
    expect(about(scenario([map('P', 0, 5, perf), munmap(2, 3)]), 2)).toEqual(['may-split middle [0,5)'])
  })
})
