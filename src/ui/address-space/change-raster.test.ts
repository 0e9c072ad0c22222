import { describe, expect, it } from 'vitest'
import { ChangeRaster, SINGLE_MARK_MIN_PX, type ChangeMarks } from './change-raster'
import { linearAxis, scaleFromAxis } from './scales'
import { testVma } from './test-strip'

/** `count` one-page VMAs side by side from page 0, kind `kindOf(i)`. */
function onePageMarks(count: number, kindOf: (i: number) => number): ChangeMarks {
  const vmas = Array.from({ length: count }, (_, i) => testVma(i, i + 1, 'anon', false, i + 1))
  return { vmas, kinds: Uint8Array.from(vmas, (_, i) => kindOf(i)) }
}

function runs(raster: ChangeRaster, kind: number): [number, number][] {
  const out: [number, number][] = []
  raster.forEachRun(kind, (c0, c1) => out.push([c0, c1]))
  return out
}

describe('ChangeRaster', () => {
  it('zoomed out, folds 65,530 one-page marks into one run per kind, none drawn alone', () => {
    // A fork's 65,530 new VMAs drawn 800 px wide: about 82 per column.
    const raster = new ChangeRaster()
    raster.build(onePageMarks(65530, () => 0), scaleFromAxis(linearAxis(65530), null, 800))
    expect(raster.visibleCount).toBe(65530)
    expect(raster.singles).toEqual([])
    expect(runs(raster, 0)).toEqual([[0, 800]])
    expect(runs(raster, 1)).toEqual([])
  })

  it('keeps a single mark of a rarer kind among thousands visible as its own run', () => {
    // Mark 40,000 is the only kind-2 one: it still marks its column.
    const raster = new ChangeRaster()
    raster.build(onePageMarks(65530, (i) => (i === 40000 ? 2 : 0)), scaleFromAxis(linearAxis(65530), null, 100))
    const column = Math.floor((40000 / 65530) * 100)
    expect(runs(raster, 2)).toEqual([[column, column + 1]])
    // The kind-0 marks cover every column, that one included (its neighbours are in it too).
    expect(runs(raster, 0)).toEqual([[0, 100]])
  })

  it('zoomed in, draws each mark wide enough on its own, and only those in view', () => {
    // 10 one-page marks, a viewport of pages 2..6 at 40 px: 10 px per page, all single.
    const marks = onePageMarks(10, (i) => i % 4)
    const raster = new ChangeRaster()
    raster.build(marks, scaleFromAxis(linearAxis(10), { startPage: 2, endPage: 6 }, 40))
    expect(raster.singles).toEqual([2, 3, 4, 5])
    expect(raster.visibleCount).toBe(4)
    for (let k = 0; k < 4; k++) expect(runs(raster, k)).toEqual([])
  })

  it('draws a mark alone from SINGLE_MARK_MIN_PX on, folds a narrower one', () => {
    const wide = { vmas: [testVma(0, 1, 'anon', false, 1), testVma(1, 2, 'anon', false, 2)], kinds: new Uint8Array([0, 3]) }
    const raster = new ChangeRaster()
    raster.build(wide, scaleFromAxis(linearAxis(2), null, 2 * SINGLE_MARK_MIN_PX))
    expect(raster.singles).toEqual([0, 1])
    raster.build(wide, scaleFromAxis(linearAxis(2), null, 2 * SINGLE_MARK_MIN_PX - 2))
    expect(raster.singles).toEqual([])
    expect(runs(raster, 0)).toEqual([[0, SINGLE_MARK_MIN_PX - 1]])
    expect(runs(raster, 3)).toEqual([[SINGLE_MARK_MIN_PX - 1, 2 * SINGLE_MARK_MIN_PX - 2]])
  })

  it('reuses its column buffer when the width does not grow', () => {
    const raster = new ChangeRaster()
    raster.build(onePageMarks(4, () => 0), scaleFromAxis(linearAxis(4), null, 64))
    const buffer = raster.kinds
    raster.build(onePageMarks(4, () => 1), scaleFromAxis(linearAxis(4), null, 3))
    expect(raster.kinds).toBe(buffer)
    expect(runs(raster, 1)).toEqual([[0, 3]])
    expect(runs(raster, 0)).toEqual([])
  })
})
