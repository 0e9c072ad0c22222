import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { compressedAxis, compressedColumns, linearScale, scaleFromAxis } from './scales'
import { buildStripGeometry, vmaAtX } from './strip-geometry'
import { parseStrip, testVma } from './test-strip'

const box = { y: 10, height: 50, mergeableBandHeight: 4 }

/** The [x, width] of every rectangle in a path built by buildStripGeometry. */
function rects(path: string): Array<[number, number]> {
  return [...path.matchAll(/M(-?[\d.]+) [\d.]+h(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])])
}
/** The x of every vertical boundary line. */
function lines(path: string): number[] {
  return [...path.matchAll(/M(-?[\d.]+) [\d.]+V/g)].map((m) => Number(m[1]))
}

describe('parseStrip', () => {
  it('reads runs, "|" splits and mergeable capitals', () => {
    const vmas = parseStrip('aa|AA  f')
    expect(vmas.map((v) => [v.start, v.end, v.backing, v.mergeable])).toEqual([
      [0, 2, 'anon', false],
      [2, 4, 'anon', true],
      [6, 7, 'file', false],
    ])
  })
})

describe('buildStripGeometry', () => {
  it('draws the boundary between two adjacent VMAs of the same backing', () => {
    const vmas = parseStrip('aaaa|aaaa')
    const geometry = buildStripGeometry(vmas, linearScale({ windowPages: 8, width: 80 }), box)
    expect(lines(geometry.boundaries)).toContain(40.5)
    // The second VMA's fill leaves the boundary's pixel column free.
    expect(rects(geometry.fills.anon)).toEqual([
      [1, 39],
      [41, 39],
    ])
  })

  it('batches by backing: one path per colour however many VMAs', () => {
    const vmas = parseStrip('a f a f s d h')
    const geometry = buildStripGeometry(vmas, linearScale({ windowPages: 13, width: 130 }), box)
    expect(rects(geometry.fills.anon)).toHaveLength(2)
    expect(rects(geometry.fills.file)).toHaveLength(2)
    expect(rects(geometry.fills.heap)).toHaveLength(1)
  })

  it('marks mergeable VMAs with the hatch, the band and the mg tag when wide', () => {
    const vmas = parseStrip('AAAAaaaa')
    const geometry = buildStripGeometry(vmas, linearScale({ windowPages: 8, width: 400 }), box)
    expect(rects(geometry.mergeableHatch)).toEqual([[1, 199]])
    expect(rects(geometry.mergeableBand)).toEqual([[1, 199]])
    expect(geometry.labels.map((l) => l.mergeableTag)).toEqual([true, false])
  })

  it('keeps a one-page mergeable VMA visible (>= 1 px) in a 2^30-page window', () => {
    const windowPages = 2 ** 30
    const vmas = [testVma(2 ** 29, 2 ** 29 + 1, 'anon', true, 1)]
    const geometry = buildStripGeometry(vmas, linearScale({ windowPages, width: 1000 }), box)
    for (const path of [geometry.fills.anon, geometry.mergeableBand]) {
      const [[, width]] = rects(path)
      expect(width).toBeGreaterThanOrEqual(1)
    }
  })

  it('only visits VMAs in the viewport', () => {
    const vmas = parseStrip('aa ff ss dd hh')
    const scale = linearScale({ windowPages: 14, viewport: { startPage: 3, endPage: 8 }, width: 100 })
    const geometry = buildStripGeometry(vmas, scale, box)
    expect(geometry.visibleCount).toBe(2)
    expect(geometry.fills.anon).toBe('')
    expect(geometry.fills.heap).toBe('')
  })

  it('property: DOM size depends on the width, not on the VMA count (65,530 VMAs)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 200, max: 2000 }), fc.boolean(), (width, compressed) => {
        const vmas = []
        for (let i = 0; i < 65_530; i++) vmas.push(testVma(2 * i, 2 * i + 1, i % 2 ? 'anon' : 'file', i % 3 === 0, i))
        const windowPages = 2 * 65_530
        const scale = compressed
          ? scaleFromAxis(compressedAxis({ windowPages, columns: compressedColumns([vmas], windowPages), width }), null, width)
          : linearScale({ windowPages, width })
        const geometry = buildStripGeometry(vmas, scale, box)
        const segments =
          rects(geometry.fills.anon).length + rects(geometry.fills.file).length + lines(geometry.boundaries).length
        return geometry.visibleCount === 65_530 && segments <= 3 * width + 3
      }),
      { numRuns: 4 },
    )
  })
})

describe('vmaAtX', () => {
  it('finds the VMA under the pointer, or a 1-px one within the slop', () => {
    const vmas = [testVma(0, 100, 'anon', false, 1), testVma(500_000, 500_001, 'file', false, 2)]
    const scale = linearScale({ windowPages: 1_000_000, width: 1000 })
    expect(vmaAtX(vmas, scale, 0.05, 3)?.id).toBe(1)
    expect(vmaAtX(vmas, scale, 502, 3)?.id).toBe(2)
    expect(vmaAtX(vmas, scale, 700, 3)).toBeNull()
  })
})
