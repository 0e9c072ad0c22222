import { describe, expect, it } from 'vitest'
import type { VmaView } from '../../engine/api'
import { linearAxis, scaleFromAxis } from './scales'
import { COLUMN_BOUNDARY, COLUMN_MERGEABLE, StripRaster, kindAt } from './strip-raster'
import { asPage } from '../../engine/units'

function vma(start: number, end: number, fields: Partial<VmaView> = {}): VmaView {
  return {
    id: start + 1, structId: start + 1, dupOf: null, start: asPage(start), end: asPage(end), pgoff: 0, prot: 'rw-', share: 'private', mergeable: false, names: [], flags: [], mnemonics: [],
    backing: 'anon', file: null, fileId: null, anonVma: null, forkChild: false, vmOpsClose: false, ...fields,
  }
}

/** 65,530 one-page VMAs drawn 100 px wide: 655 VMAs per column. */
function crowded(): VmaView[] {
  const out: VmaView[] = []
  for (let i = 0; i < 65530; i++) out.push(vma(i, i + 1, { id: i + 1, backing: i === 40000 ? 'device' : 'anon', mergeable: i === 12345 }))
  return out
}

describe('StripRaster', () => {
  it('paints each column in its majority backing, keeping a rare backing and any mergeable VMA visible', () => {
    const vmas = crowded()
    const scale = scaleFromAxis(linearAxis(65530), null, 100)
    const raster = new StripRaster()
    raster.build(vmas, scale)
    expect(raster.visibleCount).toBe(65530)
    const deviceColumn = Math.floor((40000 / 65530) * 100)
    const mergeableColumn = Math.floor((12345 / 65530) * 100)
    for (let c = 0; c < 100; c++) {
      expect(kindAt(raster.majority[c]!)).toBe('anon')
      expect(raster.minority[c] === -1 ? null : kindAt(raster.minority[c]!)).toBe(c === deviceColumn ? 'device' : null)
      expect((raster.flags[c]! & COLUMN_MERGEABLE) !== 0).toBe(c === mergeableColumn)
      expect(raster.counts[c]).toBe(255) // saturated: hundreds of VMAs per column
    }
  })

  it('zoomed in, follows the VMAs exactly, with boundaries at their edges', () => {
    const vmas = [vma(0, 5), vma(5, 10, { backing: 'file', mergeable: true })]
    const raster = new StripRaster()
    raster.build(vmas, scaleFromAxis(linearAxis(20), null, 20))
    expect(Array.from(raster.majority.slice(0, 20), (k) => (k < 0 ? '.' : kindAt(k)[0])).join('')).toBe('aaaaafffff..........')
    expect(Array.from(raster.flags.slice(0, 20), (f) => (f & COLUMN_BOUNDARY ? '|' : ' ')).join('')).toBe('|    |    |         ')
    expect(Array.from(raster.flags.slice(0, 20), (f) => (f & COLUMN_MERGEABLE ? 'm' : ' ')).join('')).toBe('     mmmmm          ')
  })

  it('reuses its buffers when the width does not grow', () => {
    const raster = new StripRaster()
    raster.build([vma(0, 1)], scaleFromAxis(linearAxis(8), null, 64))
    const buffer = raster.coverage
    raster.build([vma(2, 3)], scaleFromAxis(linearAxis(8), null, 32))
    expect(raster.coverage).toBe(buffer)
    expect(raster.width).toBe(32)
  })
})
