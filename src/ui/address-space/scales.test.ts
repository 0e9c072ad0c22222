import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  compressedColumns,
  compressedScale,
  formatAddress,
  hexAddress,
  linearAxis,
  linearScale,
  normaliseViewport,
} from './scales'
import { asPage, asPx } from '../../engine/units'

const page = asPage
const px = asPx

/** Sorted, non-overlapping VMAs inside [0, windowPages), built from random gaps and sizes. */
function vmaLayout(maxWindowLog2: number) {
  return fc
    .record({
      windowLog2: fc.integer({ min: 1, max: maxWindowLog2 }),
      pieces: fc.array(fc.record({ gap: fc.double({ min: 0, max: 1, noNaN: true }), size: fc.double({ min: 0, max: 1, noNaN: true }) }), {
        maxLength: 60,
      }),
    })
    .map(({ windowLog2, pieces }) => {
      const windowPages = 2 ** windowLog2
      const vmas: { start: number; end: number }[] = []
      let cursor = 0
      for (const { gap, size } of pieces) {
        // Sizes spread over orders of magnitude so one-page VMAs sit next to huge holes.
        const start = cursor + Math.floor(2 ** (gap * windowLog2)) - 1
        const end = start + Math.max(1, Math.floor(2 ** (size * windowLog2 * 0.5)))
        if (end > windowPages) break
        vmas.push({ start, end })
        cursor = end
      }
      return { windowPages, vmas }
    })
}

describe('formatAddress', () => {
  it('adds page * 4096 to the base with BigInt', () => {
    expect(formatAddress(0x7f0000000000n, 0)).toBe('0x7f0000000000')
    expect(formatAddress(0x7f0000000000n, 2)).toBe('0x7f0000002000')
    expect(formatAddress(0x7f0000000000n, 1024)).toBe('0x7f0000400000')
  })
  it('stays exact above 2^53 bytes (57-bit user space)', () => {
    // 0x01fffffffffff000 + 1 page: a Number would lose the low bits here.
    expect(formatAddress(0x1fffffffffff000n, 1)).toBe('0x200000000000000')
    expect(formatAddress(0n, 2 ** 45)).toBe('0x' + (2n ** 57n).toString(16))
  })
  it('pads to 8 digits without prefix like /proc/PID/maps', () => {
    expect(hexAddress(0n, 1)).toBe('00001000')
  })
  it('rejects fractional or negative pages with a message naming the page', () => {
    expect(() => formatAddress(0n, 1.5)).toThrow(/page must be a non-negative integer, got 1.5/)
    expect(() => formatAddress(0n, -1)).toThrow(/got -1/)
  })
})

describe('normaliseViewport', () => {
  it('treats null as the whole window and clamps into it', () => {
    expect(normaliseViewport(null, 64)).toEqual({ startPage: 0, endPage: 64 })
    expect(normaliseViewport({ startPage: -10, endPage: 10 }, 64)).toEqual({ startPage: 0, endPage: 20 })
    expect(normaliseViewport({ startPage: 60, endPage: 80 }, 64)).toEqual({ startPage: 44, endPage: 64 })
    expect(normaliseViewport({ startPage: 5, endPage: 5 }, 64)).toEqual({ startPage: 5, endPage: 6 })
  })
  it('rejects a bad window size', () => {
    expect(() => normaliseViewport(null, 0)).toThrow(/windowPages must be a positive/)
  })
})

describe('linearScale', () => {
  it('maps the viewport onto the width and back', () => {
    const scale = linearScale({ windowPages: 1024, viewport: { startPage: 256, endPage: 512 }, width: 512 })
    expect(scale.toX(page(256))).toBe(0)
    expect(scale.toX(page(384))).toBe(256)
    expect(scale.toX(page(512))).toBe(512)
    expect(scale.toPage(px(128))).toBe(320)
  })

  it('toX, written out for linear axes, is exactly the axis composition (toUnit(page) − toUnit(start)) × px per unit, for any viewport, width and page', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1 << 24 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 4000 }), fc.array(fc.double({ min: -10, max: 1.1, noNaN: true }), { maxLength: 20 }), (windowPages, a, b, width, fractions) => {
        const viewport = { startPage: Math.min(a, b) * windowPages, endPage: Math.max(a, b) * windowPages }
        const scale = linearScale({ windowPages, viewport, width })
        const { toUnit } = linearAxis(windowPages)
        const unitStart = toUnit(scale.viewport.startPage)
        const unitSpan = toUnit(scale.viewport.endPage) - unitStart
        const pxPerUnit = unitSpan > 0 ? width / unitSpan : 0
        for (const f of fractions) expect(scale.toX(page(f * windowPages))).toBe((toUnit(f * windowPages) - unitStart) * pxPerUnit)
      }),
    )
  })
})

describe('compressedColumns', () => {
  it('is the sorted unique set of boundaries of both lists plus 0 and windowPages', () => {
    const before = [{ start: 2, end: 4 }]
    const after = [{ start: 2, end: 6 }, { start: 6, end: 8 }, { start: 900, end: 2000 }]
    expect(Array.from(compressedColumns([before, after], 1024))).toEqual([0, 2, 4, 6, 8, 900, 1024])
  })
})

describe('compressedScale', () => {
  it('keeps a one-page VMA beside a huge hole visible', () => {
    const windowPages = 2 ** 30
    const vmas = [{ start: 0, end: 1 }, { start: 2 ** 29, end: 2 ** 29 + 1 }]
    const columns = compressedColumns([vmas], windowPages)
    const scale = compressedScale({ windowPages, columns, width: 800 })
    const linear = linearScale({ windowPages, width: 800 })
    expect(linear.toX(page(1)) - linear.toX(page(0))).toBeLessThan(0.001)
    expect(scale.toX(page(1)) - scale.toX(page(0))).toBeGreaterThan(10)
    // Labels still use real pages: x → page round-trips to the boundary.
    expect(scale.toPage(scale.toX(page(2 ** 29)))).toBeCloseTo(2 ** 29, 0)
  })

  it('rejects columns that do not cover the window', () => {
    expect(() => compressedScale({ windowPages: 10, columns: new Float64Array([0, 5]), width: 100 })).toThrow(
      /columns must run from 0 to windowPages \(10\)/,
    )
  })

  it('property: strictly increasing in page, and toPage inverts toX', () => {
    fc.assert(
      fc.property(vmaLayout(30), fc.integer({ min: 50, max: 3000 }), ({ windowPages, vmas }, width) => {
        const columns = compressedColumns([vmas], windowPages)
        const scale = compressedScale({ windowPages, columns, width })
        const probes = [...new Set([...columns, ...vmas.map((v) => (v.start + v.end) / 2)])].sort((a, b) => a - b)
        let previous = -Infinity
        for (const p of probes) {
          const x = scale.toX(page(p))
          if (!(x > previous)) return false
          previous = x
          // Round trip to within a millionth of the window.
          if (Math.abs(scale.toPage(x) - p) > windowPages * 1e-6) return false
        }
        return true
      }),
      { numRuns: 300 },
    )
  })

  it('property: every VMA gets at least min(N, width / columns) px at the whole-window zoom', () => {
    fc.assert(
      fc.property(
        vmaLayout(34),
        fc.integer({ min: 100, max: 3000 }),
        fc.integer({ min: 1, max: 12 }),
        ({ windowPages, vmas }, width, minColumnPx) => {
          const columns = compressedColumns([vmas], windowPages)
          const scale = compressedScale({ windowPages, columns, width, minColumnPx })
          const guaranteed = Math.min(minColumnPx, width / (columns.length - 1))
          for (const vma of vmas) {
            const widthPx = scale.toX(page(vma.end)) - scale.toX(page(vma.start))
            if (widthPx < guaranteed - 1e-9) return false
          }
          return true
        },
      ),
      { numRuns: 300 },
    )
  })
})
