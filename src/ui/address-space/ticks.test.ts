import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { compressedAxis, compressedColumns, formatAddress, linearScale, scaleFromAxis } from './scales'
import { axisTicks } from './ticks'
import { testVma } from './test-strip'

const CHAR_PX = 6

function labelExtent(x: number, text: string, anchor: 'start' | 'middle' | 'end'): [number, number] {
  const px = text.length * CHAR_PX
  return anchor === 'start' ? [x, x + px] : anchor === 'end' ? [x - px, x] : [x - px / 2, x + px / 2]
}

describe('axisTicks', () => {
  it('labels real page numbers and their hex addresses', () => {
    const scale = linearScale({ windowPages: 1024, width: 1000 })
    const ticks = axisTicks(scale, 0x7f0000000000n, { charPx: CHAR_PX })
    const labelled = ticks.filter((t) => t.addressLabel)
    expect(labelled.length).toBeGreaterThan(2)
    for (const tick of labelled) expect(tick.addressLabel?.text).toBe(formatAddress(0x7f0000000000n, tick.page))
    expect(ticks[0].page).toBe(0)
  })

  it('puts a tick at every VMA edge on the compressed axis, with real page numbers', () => {
    const windowPages = 2 ** 20
    const vmas = [testVma(1, 2, 'anon', false, 1), testVma(300_000, 300_001, 'anon', true, 2)]
    const columns = compressedColumns([vmas], windowPages)
    const scale = scaleFromAxis(compressedAxis({ windowPages, columns, width: 800 }), null, 800)
    const pages = axisTicks(scale, 0n, { charPx: CHAR_PX }).map((t) => t.page)
    for (const boundary of [0, 1, 2, 300_000, 300_001, windowPages]) expect(pages).toContain(boundary)
  })

  it('property: labels on one row never overlap and stay inside the strip', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 2 ** 30 }),
        fc.integer({ min: 120, max: 2400 }),
        fc.array(fc.integer({ min: 1, max: 2 ** 30 - 1 }), { maxLength: 200 }),
        fc.boolean(),
        (windowPages, width, edges, compressed) => {
          const sortedEdges = [...new Set(edges.filter((e) => e < windowPages))].sort((a, b) => a - b)
          const vmas = sortedEdges.slice(0, -1).map((start, i) => testVma(start, sortedEdges[i + 1], 'anon', false, i))
          const scale = compressed
            ? scaleFromAxis(compressedAxis({ windowPages, columns: compressedColumns([vmas], windowPages), width }), null, width)
            : linearScale({ windowPages, width })
          const ticks = axisTicks(scale, 0x7f0000000000n, { charPx: CHAR_PX })
          for (const row of ['pageLabel', 'addressLabel'] as const) {
            let previousEnd = Number.NEGATIVE_INFINITY
            for (const tick of ticks) {
              const label = tick[row]
              if (!label) continue
              const [left, right] = labelExtent(tick.x, label.text, label.anchor)
              if (left < previousEnd || left < -0.001 || right > width + 0.001) return false
              previousEnd = right
            }
          }
          return true
        },
      ),
      { numRuns: 200 },
    )
  })
})
