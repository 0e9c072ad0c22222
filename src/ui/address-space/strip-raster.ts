/**
 * Level of detail for large address spaces: the VMAs in view folded into one
 * record per pixel column, in typed buffers that are reused from frame to
 * frame (no allocation per frame once the strip's width is known).
 *
 * Per column it keeps the pages of each backing that fall in it, whether any
 * VMA there is VM_MERGEABLE, how many VMAs touch it and whether a VMA
 * boundary lies in it. The canvas (canvas-strip.ts) then paints each column in
 * its majority backing; a backing that holds fewer pages in a column but is
 * there at all still gets a stripe along the bottom, and any VM_MERGEABLE VMA,
 * however small, marks its column's band: nothing of a highlighted kind
 * disappears when zoomed out.
 *
 * Cost: O(VMAs in view + width). Pure: no DOM.
 */
import type { BackingKind, VmaView } from '../../engine/api'
import type { PageScale } from './scales'
import { BACKING_KINDS, firstVmaEndingAfter } from './strip-geometry'

const KIND_COUNT = BACKING_KINDS.length
const KIND_INDEX: Record<BackingKind, number> = { anon: 0, file: 1, shmem: 2, device: 3, heap: 4 }
/** A column's flags. */
export const COLUMN_MERGEABLE = 1
export const COLUMN_BOUNDARY = 2

export class StripRaster {
  width = 0
  /** coverage[c * KIND_COUNT + k]: fraction of column c covered by backing k (may exceed 1 across VMAs: it is a weight). */
  coverage = new Float32Array(0)
  /** Majority backing index per column, -1 = nothing mapped. */
  majority = new Int8Array(0)
  /** A minority backing present in the column (the rarest one wins), -1 = none. */
  minority = new Int8Array(0)
  flags = new Uint8Array(0)
  /** VMAs touching each column (saturates at 255). */
  counts = new Uint8Array(0)
  visibleCount = 0

  private ensure(width: number): void {
    if (width <= this.majority.length) {
      this.width = width
      return
    }
    const size = Math.max(width, Math.ceil(this.majority.length * 1.5))
    this.coverage = new Float32Array(size * KIND_COUNT)
    this.majority = new Int8Array(size)
    this.minority = new Int8Array(size)
    this.flags = new Uint8Array(size)
    this.counts = new Uint8Array(size)
    this.width = width
  }

  /** Folds the VMAs of `scale`'s viewport into the columns. `vmas` sorted by start, non-overlapping. */
  build(vmas: readonly VmaView[], scale: PageScale): void {
    const width = Math.max(0, Math.floor(scale.width as number))
    this.ensure(width)
    this.coverage.fill(0, 0, width * KIND_COUNT)
    this.flags.fill(0, 0, width)
    this.counts.fill(0, 0, width)
    const { startPage, endPage } = scale.viewport
    let visible = 0
    for (let i = firstVmaEndingAfter(vmas, startPage); i < vmas.length; i++) {
      const vma = vmas[i]!
      if (vma.start >= endPage) break
      visible++
      const x0 = scale.toX(vma.start) as number
      const x1 = scale.toX(vma.end) as number
      const kind = KIND_INDEX[vma.backing]
      let c0 = Math.floor(x0)
      let c1 = Math.ceil(x1) - 1
      if (c1 < c0) c1 = c0
      if (c0 < 0) c0 = 0
      if (c1 >= width) c1 = width - 1
      for (let c = c0; c <= c1; c++) {
        // Overlap of [x0, x1) with [c, c+1), at least a sliver so a tiny VMA still counts.
        const overlap = Math.min(x1, c + 1) - Math.max(x0, c)
        this.coverage[c * KIND_COUNT + kind] += overlap > 0.001 ? overlap : 0.001
        if (this.counts[c]! < 255) this.counts[c]!++
        if (vma.mergeable) this.flags[c]! |= COLUMN_MERGEABLE
      }
      const b0 = Math.round(x0)
      const b1 = Math.round(x1)
      if (b0 >= 0 && b0 < width) this.flags[b0]! |= COLUMN_BOUNDARY
      if (b1 >= 0 && b1 < width) this.flags[b1]! |= COLUMN_BOUNDARY
    }
    this.visibleCount = visible
    for (let c = 0; c < width; c++) {
      let best = -1
      let bestCoverage = 0
      let rare = -1
      let rareCoverage = Infinity
      for (let k = 0; k < KIND_COUNT; k++) {
        const value = this.coverage[c * KIND_COUNT + k]!
        if (value <= 0) continue
        if (value > bestCoverage) {
          bestCoverage = value
          best = k
        }
        if (value < rareCoverage) {
          rareCoverage = value
          rare = k
        }
      }
      this.majority[c] = best
      this.minority[c] = rare !== best ? rare : -1
    }
  }
}

export const kindAt = (index: number): BackingKind => BACKING_KINDS[index]!
