import { describe, expect, it } from 'vitest'
import type { VmaView } from '../../engine/api'
import { linearScale } from './scales'
import { FLAGS_CHANGE, paintClass, protClassIndex, protColumns } from './prot-lane'
import { asPage } from '../../engine/units'

function vma(start: number, end: number, prot: string, mnemonics = ['rd']): VmaView {
  return { id: start + 1, start: asPage(start), end: asPage(end), pgoff: 0, prot, share: 'private', mergeable: false, names: [], flags: [], mnemonics, backing: 'anon', file: null, fileId: null, anonVma: null, forkChild: false, vmOpsClose: false, structId: start + 1, dupOf: null }
}

describe('prot lane', () => {
  it('gives neighbours that differ only in prot different colours when zoomed in', () => {
    const scale = linearScale({ windowPages: 4, viewport: null, width: 40 })
    const columns = protColumns([vma(0, 2, 'rw-'), vma(2, 4, 'r--')], scale)
    expect(paintClass(columns[5]!, 5)).toBe(protClassIndex('rw-'))
    expect(paintClass(columns[35]!, 35)).toBe(protClassIndex('r--'))
  })

  it('stripes a zoomed-out run of alternating rw-/r-- VMAs in both colours', () => {
    const vmas = Array.from({ length: 65_530 }, (_, i) => vma(i, i + 1, i % 2 ? 'r--' : 'rw-'))
    const scale = linearScale({ windowPages: 65_530, viewport: null, width: 800 })
    const columns = protColumns(vmas, scale)
    const painted = new Set(Array.from({ length: 800 }, (_, c) => paintClass(columns[c]!, c)))
    expect(painted).toEqual(new Set([protClassIndex('rw-'), protClassIndex('r--')]))
    // A single rw- mapping of the same size paints one colour.
    const one = protColumns([vma(0, 65_530, 'rw-')], scale)
    expect(new Set(Array.from({ length: 800 }, (_, c) => paintClass(one[c]!, c)))).toEqual(new Set([protClassIndex('rw-')]))
  })

  it('marks where same-prot neighbours differ in flags, and leaves gaps unpainted', () => {
    const scale = linearScale({ windowPages: 10, viewport: null, width: 100 })
    const columns = protColumns([vma(0, 2, 'rw-', ['rd', 'wr']), vma(2, 4, 'rw-', ['rd', 'wr', 'lo']), vma(6, 8, 'rw-')], scale)
    expect(columns[20]! & FLAGS_CHANGE).toBeTruthy()
    expect(paintClass(columns[50]!, 50)).toBe(-1)
    expect(columns[60]! & FLAGS_CHANGE).toBe(0)
    expect(protClassIndex('-w-')).toBe(protClassIndex('other'))
  })
})
