import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { binSeries, columnOf, markColumns, markPath, stepAtX } from './overview-bins'

describe('overview bins', () => {
  it('keeps every value inside its column min/max, and the columns in order', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 70_000 }), { minLength: 1, maxLength: 3000 }), fc.integer({ min: 1, max: 400 }), (values, columns) => {
        const bins = binSeries(values, columns)
        values.forEach((value, step) => {
          const c = columnOf(step, values.length - 1, columns)
          expect(value).toBeGreaterThanOrEqual(bins.min[c]!)
          expect(value).toBeLessThanOrEqual(bins.max[c]!)
        })
        expect(bins.peak).toBe(Math.max(...values))
        for (let step = 1; step < values.length; step++) {
          expect(columnOf(step, values.length - 1, columns)).toBeGreaterThanOrEqual(columnOf(step - 1, values.length - 1, columns))
        }
      }),
    )
  })

  it('folds a 1,000,000-step series into the columns in one pass', () => {
    const values = new Int32Array(1_000_001)
    for (let i = 0; i < values.length; i++) values[i] = i % 1000
    const bins = binSeries(values, 300)
    expect(bins.columns).toBe(300)
    expect(bins.min[0]).toBe(0)
    expect(bins.max[0]).toBe(999)
  })

  it('maps x back to the step whose column it is, at both ends', () => {
    expect(stepAtX(0, 300, 1_000_000)).toBe(0)
    expect(stepAtX(300, 300, 1_000_000)).toBe(1_000_000)
    expect(stepAtX(150, 300, 10)).toBe(5)
    for (let step = 0; step <= 10; step++) expect(columnOf(stepAtX(((step + 0.5) / 11) * 300, 300, 10), 10, 300)).toBe(columnOf(step, 10, 300))
  })

  it('draws one rectangle per run of marked columns', () => {
    const marked = markColumns([0, 1, 5, 9], 9, 10)
    expect([...marked]).toEqual([1, 1, 0, 0, 0, 1, 0, 0, 0, 1])
    expect(markPath(marked, 2, 0, 4).match(/M/g)).toHaveLength(3)
  })
})
