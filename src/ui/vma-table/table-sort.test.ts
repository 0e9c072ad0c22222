import { describe, expect, it } from 'vitest'
import type { VmaView } from '../../engine/api'
import { nextSort, rangeKey, sortVmas } from './table-sort'
import { asPage } from '../../engine/units'

const vma = (start: number, end: number, prot: string, id = start): VmaView => ({
  id, start: asPage(start), end: asPage(end), pgoff: 0, prot, share: 'private', mergeable: false, names: [`n${start}`], flags: [], mnemonics: [], backing: 'anon', file: null, fileId: null, anonVma: null, forkChild: false, vmOpsClose: false, structId: id, dupOf: null,
})

describe('VMA table sorting', () => {
  const vmas = [vma(0, 4, 'rw-'), vma(4, 5, 'r--'), vma(6, 9, 'rw-'), vma(9, 10, 'r--')]
  it('keeps address order by default and sorts stably by any column', () => {
    expect(sortVmas(vmas, null, null)).toBe(vmas)
    expect(sortVmas(vmas, { key: 'size', descending: false }, null).map((v) => v.start)).toEqual([4, 9, 6, 0])
    expect(sortVmas(vmas, { key: 'size', descending: true }, null).map((v) => v.start)).toEqual([0, 6, 4, 9])
    expect(sortVmas(vmas, { key: 'prot', descending: false }, null).map((v) => v.start)).toEqual([4, 9, 0, 6])
    expect(sortVmas(vmas, { key: 'range', descending: true }, null).map((v) => v.start)).toEqual([9, 6, 4, 0])
  })
  it('sorts by an imported smaps field, VMAs without it last', () => {
    const imported = new Map([[rangeKey(vmas[0]!), { Rss: '16 kB' }], [rangeKey(vmas[2]!), { Rss: '4 kB' }], [rangeKey(vmas[3]!), { Rss: '120 kB' }]])
    expect(sortVmas(vmas, { key: 'smaps:Rss', descending: true }, imported).map((v) => v.start)).toEqual([9, 0, 6, 4])
  })
  it('flips the direction on a second click of the same header', () => {
    expect(nextSort(null, 'size')).toEqual({ key: 'size', descending: false })
    expect(nextSort({ key: 'size', descending: false }, 'size')).toEqual({ key: 'size', descending: true })
    expect(nextSort({ key: 'size', descending: true }, 'prot')).toEqual({ key: 'prot', descending: false })
  })
})
