import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AddressSpace } from './address-space'
import { TraceStore } from './trace'
import type { Vma } from './mm-types'
import { asPage } from './units'

/** A record [start, end) with the fields AddressSpace reads. */
function vma(store: TraceStore, start: number, end: number): Vma {
  return store.add({
    start: asPage(start), end: asPage(end), pgoff: start, flags: 0, pkey: 0, file: null, anonVma: 0, forkChild: false,
    vmOpsClose: false, anonymous: true, hook: null, labels: [],
  }, null)
}

/** Fresh VMAs to stand where [from, to) of `list` stood: `count` of them, inside [lo, hi). */
function freshBetween(store: TraceStore, lo: number, hi: number, count: number): Vma[] {
  const out: Vma[] = []
  const width = Math.floor((hi - lo) / Math.max(count, 1))
  for (let k = 0; k < count && width > 0; k++) out.push(vma(store, lo + k * width, lo + (k + 1) * width))
  return out
}

describe('AddressSpace (blocks) against a plain sorted array', () => {
  it('any sequence of replace() calls gives the same list, lookups and holes as Array.splice', () => {
    // Each VMA spans 1000 pages, so a replaced run leaves room for up to 1000 fresh ones.
    const edit = fc.record({ at: fc.nat(), remove: fc.oneof(fc.nat(3), fc.nat(2000)), add: fc.oneof(fc.nat(3), fc.nat(1500)) })
    fc.assert(fc.property(fc.nat(3000), fc.array(edit, { maxLength: 25 }), fc.array(fc.nat(), { maxLength: 20 }), (initial, edits, probes) => {
      const store = new TraceStore()
      store.beginStep(1)
      const mm = new AddressSpace(store)
      let model: Vma[] = []
      for (let i = 0; i < initial; i++) model.push(vma(store, i * 1_000_000, i * 1_000_000 + 1000))
      mm.vmas = model
      for (const e of edits) {
        const at = model.length === 0 ? 0 : e.at % (model.length + 1)
        const remove = Math.min(e.remove, model.length - at)
        const lo = at > 0 ? model[at - 1]!.end : 0
        const hi = at + remove < model.length ? model[at + remove]!.start : lo + 2_000_000
        const fresh = freshBetween(store, lo, hi, e.add)
        mm.replace(model.slice(at, at + remove), fresh)
        model = model.slice()
        model.splice(at, remove, ...fresh)
        expect(mm.count).toBe(model.length)
      }
      expect(mm.toArray()).toEqual(model)
      expect(mm.vmas).toEqual(model)
      for (let i = 0; i < model.length; i += 97) expect(mm.at(i)).toBe(model[i])
      const top = model.length ? model[model.length - 1]!.end + 10 : 10
      for (const p of probes) {
        const page = p % top
        const idx = model.findIndex((v) => v.end > page)
        expect(mm.indexAfter(page)).toBe(idx === -1 ? model.length : idx)
        expect(mm.lookup(page)).toBe(model.find((v) => v.start <= page && page < v.end))
        expect(mm.overlapping(page, page + 3_000_000)).toEqual(model.filter((v) => v.end > page && v.start < page + 3_000_000))
      }
      // topDownHole: the highest hole of 5 pages below `top`, by a scan of the model.
      let want: number | null = null
      let ceiling = top
      for (let i = model.length - 1; i >= -1 && want === null; i--) {
        const floor = i >= 0 ? model[i]!.end : 0
        if (ceiling - floor >= 5) want = ceiling - 5
        if (i >= 0) ceiling = model[i]!.start
      }
      expect(mm.topDownHole(5, asPage(top))).toBe(want)
    }), { numRuns: 60 })
  })
})
