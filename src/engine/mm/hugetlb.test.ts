/**
 * Golden tests for MAP_HUGETLB with an empty huge page pool (the engine's assumption, and this
 * machine's: nr_hugepages 0): ksys_mmap_pgoff(), hugetlb_reserve_pages(), hugetlb_get_unmapped_area(),
 * hugetlb_vm_op_split(), hugetlb_no_page() and align_hugetlb(). The expectations are what this
 * machine's 6.18.44 gives: src/fidelity/scenarios/i11-map-hugetlb-empty-pool.json runs the same
 * calls for real.
 */
import { describe, expect, it } from 'vitest'
import type { Scenario, Step } from '../../scenario/types'
import type { VmaView } from '../api'
import { simulate } from '../simulate'

const huge = (name: string, at: number | undefined, pages: number, flags: string[] = ['MAP_HUGETLB', 'MAP_NORESERVE'], share = 'private'): Step =>
  ({ op: 'mmap', name, ...(at === undefined ? {} : { at }), pages, prot: 'rw-', share, backing: { kind: 'anon' }, mapFlags: flags }) as Step
// A 2 MiB-aligned base, as the recorder's window has.
const run = (steps: Step[]) => simulate({ format: 'vma-scenario/3', windowPages: 4096, placement: 'kernel', base: '0x7f0000000000', steps } satisfies Scenario, '6.18')
const layout = (vs: VmaView[]) => vs.map((v) => `[${v.start},${v.end}) ${v.mnemonics.join(' ')}`).join(' | ')

describe('MAP_HUGETLB, no free huge pages', () => {
  it('ENOMEM without MAP_NORESERVE; with it a VMA of its own hugetlbfs file, rounded up to 2 MiB, never merged', () => {
    const t = run([huge('A', 0, 512, ['MAP_HUGETLB']), huge('B', 0, 2), huge('C', 512, 512)])
    expect(t.steps.map((s) => s.error)).toEqual(['ENOMEM', null, null])
    expect(layout(t.vmasAt(3))).toBe('[0,512) rd wr mr mw me de nr ht | [512,1024) rd wr mr mw me de nr ht')
    expect(t.vmasAt(3)[0]!.fileId).not.toBe(t.vmasAt(3)[1]!.fileId)
  })
  it('a start off a huge page, a file and MAP_GROWSDOWN are EINVAL', () => {
    const t = run([huge('A', 1, 512), { op: 'mmap', name: 'F', at: 0, pages: 512, prot: 'rw-', share: 'private', backing: { kind: 'file', file: 'F', pgoff: 0, fs: 'ext4' }, mapFlags: ['MAP_HUGETLB'] }, huge('G', 0, 512, ['MAP_HUGETLB', 'MAP_NORESERVE', 'MAP_GROWSDOWN'])])
    expect(t.steps.map((s) => s.error)).toEqual(['EINVAL', 'EINVAL', 'EINVAL'])
  })
  it('a split inside a huge page is EINVAL; the whole VMA changes; a touch is SIGBUS (EFAULT)', () => {
    const t = run([huge('A', 0, 512), { op: 'mprotect', at: 0, pages: 256, prot: 'r--' }, { op: 'munmap', at: 0, pages: 1 }, { op: 'mprotect', at: 0, pages: 512, prot: 'r--' }, { op: 'touch', at: 0, pages: 1, write: false }])
    expect(t.steps.map((s) => s.error)).toEqual([null, 'EINVAL', 'EINVAL', null, 'EFAULT'])
    expect(layout(t.vmasAt(4))).toBe('[0,512) rd mr mw me de nr ht')
  })
  it('mremap: no growth; lengths rounded up; a move to a huge page boundary only', () => {
    const t = run([huge('A', 0, 512), { op: 'mremap', at: 0, pages: 512, newPages: 1024 }, { op: 'mremap', at: 0, pages: 512, newPages: 256 },
      { op: 'mremap', at: 0, pages: 512, newPages: 512, to: 1024 }, { op: 'mremap', at: 1024, pages: 512, newPages: 512, to: 2049 }])
    expect(t.steps.map((s) => s.error)).toEqual([null, 'EINVAL', null, null, 'EINVAL'])
    expect(layout(t.vmasAt(3))).toBe('[0,512) rd wr mr mw me de nr ht')
    expect(layout(t.vmasAt(5))).toBe('[1024,1536) rd wr mr mw me de nr ht')
  })
  it('kernel placement: the highest hole that holds it on a 2 MiB boundary, 511 pages to spare', () => {
    //   [3584,4096) is free but only 512 pages: the hole below, [2048,3072), takes it at 2560
    const t = run([huge('A', 3072, 512), huge('B', 1536, 512), huge('K', undefined, 3)])
    expect(t.steps[2]!.range).toEqual([2560, 3072])
  })
})
