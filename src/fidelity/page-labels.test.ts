/**
 * PageLabels (runs of pages) against the obvious model: one entry per page in
 * a Map, over random sequences of set, delete and keepOnly (fast-check).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PageLabels } from './page-labels'

const PAGES = 48

type Command =
  | { kind: 'set'; start: number; end: number; label: string }
  | { kind: 'delete'; start: number; end: number }
  | { kind: 'keepOnly'; ranges: { start: number; end: number }[] }

const range = fc.tuple(fc.nat(PAGES), fc.nat(PAGES)).map(([a, b]) => ({ start: Math.min(a, b), end: Math.max(a, b) }))
/** Sorted, non-overlapping ranges, as smaps lists VMAs. */
const vmaRanges = fc.uniqueArray(fc.nat(PAGES), { maxLength: 12 }).map((cuts) => {
  const sorted = [...cuts].sort((a, b) => a - b)
  const out: { start: number; end: number }[] = []
  for (let i = 0; i + 1 < sorted.length; i += 2) out.push({ start: sorted[i]!, end: sorted[i + 1]! })
  return out
})
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ r: range, label: fc.constantFrom('A', 'B', 'C') }).map(({ r, label }) => ({ kind: 'set' as const, ...r, label })),
  range.map((r) => ({ kind: 'delete' as const, ...r })),
  vmaRanges.map((ranges) => ({ kind: 'keepOnly' as const, ranges })),
)

describe('PageLabels', () => {
  it('labels each page as a per-page map does, over random set / delete / keepOnly', () => {
    fc.assert(fc.property(fc.array(command, { maxLength: 30 }), fc.array(range, { minLength: 1, maxLength: 5 }), (commands, queries) => {
      const labels = new PageLabels<string>()
      const model = new Map<number, string>()
      for (const c of commands) {
        if (c.kind === 'set') {
          labels.set(c.start, c.end, c.label)
          for (let p = c.start; p < c.end; p++) model.set(p, c.label)
        } else if (c.kind === 'delete') {
          labels.delete(c.start, c.end)
          for (let p = c.start; p < c.end; p++) model.delete(p)
        } else {
          labels.keepOnly(c.ranges)
          for (const p of [...model.keys()]) if (!c.ranges.some((r) => r.start <= p && p < r.end)) model.delete(p)
        }
      }
      for (const q of queries) {
        const perPage: (string | undefined)[] = []
        for (const run of labels.runsIn(q.start, q.end)) {
          expect(run.start).toBeGreaterThanOrEqual(q.start)
          expect(run.end).toBeLessThanOrEqual(q.end)
          expect(run.start).toBeLessThan(run.end)
          for (let p = run.start; p < run.end; p++) perPage[p - q.start] = run.label
        }
        const expected: (string | undefined)[] = []
        for (let p = q.start; p < q.end; p++) if (model.has(p)) expected[p - q.start] = model.get(p)
        expect(perPage).toEqual(expected)
      }
    }), { numRuns: 500 })
  })

  it('keeps a mapping of 2^26 pages as one run, not an entry per page', () => {
    const labels = new PageLabels<string>()
    labels.set(0, 2 ** 26, 'A')
    labels.set(1, 2, 'B')
    labels.keepOnly([{ start: 0, end: 2 ** 26 }])
    expect(labels.size).toBe(3)
    expect(labels.runsIn(0, 2 ** 26).map((r) => [r.start, r.end, r.label])).toEqual([[0, 1, 'A'], [1, 2, 'B'], [2, 2 ** 26, 'A']])
  })
})
