/**
 * The VMAs of one process: a sorted, non-overlapping array (the kernel keeps a
 * maple tree). Lookups are binary searches; changes are splices, which are
 * O(1) at the end of the array (where growing workloads touch it) and a
 * memmove elsewhere. Every change goes through the trace store, so the trace
 * knows which record was born and which died at each step.
 */
import type { TraceStore } from './trace'
import type { Vma } from './vma'
import type { Page } from './units'

export class AddressSpace {
  vmas: Vma[] = []

  constructor(private readonly store: TraceStore) {}

  get count(): number {
    return this.vmas.length
  }

  /** Index of the first VMA whose end is above `page` (vmas.length if none). */
  indexAfter(page: number): number {
    const a = this.vmas
    let lo = 0
    let hi = a.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (a[mid]!.end <= page) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** vma_lookup(): the VMA containing `page`. */
  lookup(page: number): Vma | undefined {
    const v = this.vmas[this.indexAfter(page)]
    return v && v.start <= page ? v : undefined
  }

  /** The last VMA that ends at or before `page` (vma_prev of the gap at page). */
  prevOf(page: number): Vma | null {
    const i = this.indexAfter(page)
    return i > 0 ? this.vmas[i - 1]! : null
  }

  /** The first VMA that starts at or after `page`. */
  nextFrom(page: number): Vma | null {
    const i = this.indexAfter(page)
    const v = this.vmas[i]
    if (!v) return null
    if (v.start >= page) return v
    return this.vmas[i + 1] ?? null
  }

  /** Does any VMA intersect [start, end)? (find_vma_intersection) */
  intersects(start: number, end: number): boolean {
    const v = this.vmas[this.indexAfter(start)]
    return v !== undefined && v.start < end
  }

  /** VMAs intersecting [start, end). */
  overlapping(start: number, end: number): Vma[] {
    const out: Vma[] = []
    for (let i = this.indexAfter(start); i < this.vmas.length && this.vmas[i]!.start < end; i++) out.push(this.vmas[i]!)
    return out
  }

  indexOf(v: Vma): number {
    const i = this.indexAfter(v.start)
    if (this.vmas[i] !== v) throw new Error(`VMA ${v.id} is not in the address space`)
    return i
  }

  /** Replace `old` (consecutive, in order) with `fresh` (sorted), recording deaths and births. */
  replace(old: readonly Vma[], fresh: readonly Vma[]): void {
    let at: number
    if (old.length > 0) {
      at = this.indexOf(old[0]!)
      for (const v of old) this.store.kill(v)
    } else {
      at = fresh.length > 0 ? this.indexAfter(fresh[0]!.start) : 0
    }
    if (old.length === 1 && fresh.length === 1) this.vmas[at] = fresh[0]!
    else if (old.length === 0 && fresh.length === 1 && at === this.vmas.length) this.vmas.push(fresh[0]!)
    else this.vmas.splice(at, old.length, ...fresh)
  }

  insert(v: Vma): void {
    this.replace([], [v])
  }

  remove(v: Vma): void {
    this.replace([v], [])
  }

  /** Highest free hole [s, s+pages) inside [0, limit), top-down (the kernel's default mmap layout). */
  topDownHole(pages: number, limit: Page): number | null {
    let ceiling = limit as number
    for (let i = this.vmas.length - 1; i >= -1; i--) {
      const floor = i >= 0 ? this.vmas[i]!.end : 0
      if (ceiling - floor >= pages) return ceiling - pages
      if (i >= 0) ceiling = this.vmas[i]!.start
    }
    return null
  }
}
