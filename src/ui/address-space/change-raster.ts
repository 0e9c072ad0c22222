/**
 * Level of detail for a step's change marks (the outlines of the VMAs it
 * made or changed, the ghosts of those it freed) when there are too many to
 * draw one element each: a munmap of 65,530 VMAs, a fork that copies them.
 *
 * A mark at least SINGLE_MARK_MIN_PX wide is drawn on its own (at most
 * width / SINGLE_MARK_MIN_PX of them, as marks of one step never overlap);
 * narrower ones set their kind's bit in each pixel column they touch, and the
 * canvas outlines each run of columns of one kind as one box: zoomed out, a
 * run of 65,530 one-page VMAs a step created reads as one outlined block, and
 * no changed VMA disappears, however small.
 *
 * Typed buffers are kept from frame to frame. Cost: O(marks in view + width).
 * Pure: no DOM.
 */
import type { VmaView } from '../../engine/api'
import type { PageScale } from './scales'
import { firstVmaEndingAfter } from './strip-geometry'

/** Narrower marks are folded into pixel columns. */
export const SINGLE_MARK_MIN_PX = 6

/** A step's marks of one lane: VMAs sorted by start, non-overlapping, and each one's kind (a bit index, 0..7). */
export interface ChangeMarks {
  vmas: readonly VmaView[]
  kinds: Uint8Array
}

export class ChangeRaster {
  width = 0
  /** kinds[c]: bit k set when a narrow mark of kind k touches column c. */
  kinds = new Uint8Array(0)
  /** The marks wide enough to draw alone, in address order (their index in the list built from). */
  singles: number[] = []
  /** Marks that overlap the viewport. */
  visibleCount = 0

  /** `marks`: one step's created VMAs, or its freed ones. */
  build(marks: ChangeMarks, scale: PageScale): void {
    const width = Math.max(0, Math.floor(scale.width as number))
    if (width > this.kinds.length) this.kinds = new Uint8Array(Math.max(width, Math.ceil(this.kinds.length * 1.5)))
    this.width = width
    this.kinds.fill(0, 0, width)
    this.singles.length = 0
    const { startPage, endPage } = scale.viewport
    let visible = 0
    const { vmas, kinds } = marks
    for (let i = firstVmaEndingAfter(vmas, startPage); i < vmas.length; i++) {
      const vma = vmas[i]!
      if (vma.start >= endPage) break
      visible++
      const x0 = scale.toX(vma.start) as number
      const x1 = scale.toX(vma.end) as number
      if (x1 - x0 >= SINGLE_MARK_MIN_PX) {
        this.singles.push(i)
        continue
      }
      let c0 = Math.floor(x0)
      let c1 = Math.ceil(x1) - 1
      if (c1 < c0) c1 = c0
      if (c0 < 0) c0 = 0
      if (c1 >= width) c1 = width - 1
      const bit = 1 << kinds[i]!
      for (let c = c0; c <= c1; c++) this.kinds[c]! |= bit
    }
    this.visibleCount = visible
  }

  /** Calls `run(c0, c1)` for each run of columns c0..c1-1 whose kind bits include `kind`. */
  forEachRun(kind: number, run: (c0: number, c1: number) => void): void {
    const bit = 1 << kind
    let start = -1
    for (let c = 0; c <= this.width; c++) {
      const on = c < this.width && (this.kinds[c]! & bit) !== 0
      if (on && start < 0) start = c
      else if (!on && start >= 0) {
        run(start, c)
        start = -1
      }
    }
  }
}
