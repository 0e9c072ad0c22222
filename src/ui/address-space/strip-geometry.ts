/**
 * Turns the VMAs in view into a handful of SVG path strings, one per colour.
 *
 * Why paths and not one <rect> per VMA: the number of DOM nodes then depends
 * on the strip's width in pixels, not on the number of VMAs, so a 65,530-VMA
 * process redraws as fast as a 10-VMA one (the SVG equivalent of Perfetto's
 * "batch by colour" canvas renderer, PR #4448).
 *
 * Level of detail (Perfetto #6737, speedscope minFrameWidth):
 * - only VMAs that overlap the viewport are visited (binary search on start);
 * - every VMA is at least 2 px wide; neighbours of the same backing whose
 *   pixels overlap are drawn as one rectangle;
 * - boundary lines are drawn at most once per pixel column, underneath the
 *   fills; a VMA 3 px or wider starts its fill one pixel after its start, so
 *   the line between two VMAs of the same colour stays visible, while a
 *   narrower VMA paints over the lines so its colour is not lost;
 * - the VM_MERGEABLE marker band is drawn after the fills, at least 1 px wide
 *   per VMA, so a mergeable VMA never vanishes when zoomed out.
 *
 * Pure: no DOM. Inputs must be sorted by start and non-overlapping (the
 * engine's VMA lists are).
 */
import type { BackingKind, VmaView } from '../../engine/api'
import type { PageScale, Px } from './scales'
import { stripName } from './smaps'
import { asPage } from '../../engine/units'

export const BACKING_KINDS: readonly BackingKind[] = ['anon', 'file', 'shmem', 'device', 'heap']

export interface StripBox {
  /** Top of the strip. */
  y: number
  height: number
  /** Height of the VM_MERGEABLE band along the top. */
  mergeableBandHeight: number
}

export interface StripLabel {
  id: number
  /** Centre of the visible part of the VMA. */
  centreX: number
  /** Right edge of the visible part (for the mg tag). */
  rightX: number
  name: string
  range: string
  mergeableTag: boolean
  /** The VMA is VM_MERGEABLE (its label sits on the hatch and needs a halo). */
  mergeable: boolean
}

export interface StripGeometry {
  /** One path per backing: all the VMAs of that backing in view. */
  fills: Record<BackingKind, string>
  /** The mergeable VMAs' rectangles (filled with the hatch pattern). */
  mergeableHatch: string
  /** The mergeable marker band at the top of the strip. */
  mergeableBand: string
  /** Vertical lines at every VMA start and end in view. */
  boundaries: string
  labels: StripLabel[]
  /** How many VMAs overlap the viewport. */
  visibleCount: number
}

/** Monospace label metrics: the view draws labels at this size in a monospace font. */
export const LABEL_FONT_PX = 11
export const LABEL_CHAR_PX = LABEL_FONT_PX * 0.62
const MIN_LABEL_PX = 14
/** From this width on, a VMA's first pixel column shows the boundary line. */
const WIDE_VMA_PX = 3
/** Narrowest fill drawn for a VMA (it never vanishes, LOD rule). */
const MIN_FILL_PX = 2

function clamp(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value
}
const MERGEABLE_TAG_PX = 30

/** Index of the first VMA whose end is after `page` (binary search). */
export function firstVmaEndingAfter(vmas: readonly VmaView[], page: number): number {
  let low = 0
  let high = vmas.length
  while (low < high) {
    const mid = Math.floor((low + high) / 2)
    if (vmas[mid].end <= page) low = mid + 1
    else high = mid
  }
  return low
}

/** Shorten `text` to at most `maxChars` characters with an ellipsis; "" when not even 2 fit. */
export function fitText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text
  if (maxChars < 2) return ''
  return text.slice(0, maxChars - 1) + '…'
}

/**
 * Pixel extent of [start, end) at least `minPx` wide (widened about its
 * centre), clipped a little outside [0, width] so strokes at the edge stay
 * hidden.
 */
export function spanPx(scale: PageScale, start: number, end: number, minPx: number): { x: number; width: number } {
  let x0 = scale.toX(asPage(start)) as number
  let x1 = scale.toX(asPage(end)) as number
  if (x1 - x0 < minPx) {
    const centre = (x0 + x1) / 2
    x0 = centre - minPx / 2
    x1 = centre + minPx / 2
  }
  const low = -4
  const high = (scale.width as number) + 4
  x0 = Math.max(x0, low)
  x1 = Math.min(x1, high)
  return { x: x0, width: Math.max(x1 - x0, 0) }
}

interface Run {
  start: number
  end: number
  path: string
}

function rectPath(x0: number, x1: number, y: number, height: number): string {
  return `M${x0} ${y}h${x1 - x0}v${height}h${x0 - x1}z`
}

function flushRun(run: Run, y: number, height: number): void {
  if (run.end > run.start) run.path += rectPath(run.start, run.end, y, height)
  run.start = 0
  run.end = 0
}

function extendRun(run: Run, x0: number, x1: number, y: number, height: number): void {
  if (run.end > run.start && x0 <= run.end) {
    if (x1 > run.end) run.end = x1
    return
  }
  flushRun(run, y, height)
  run.start = x0
  run.end = x1
}

/**
 * `paths: false` (the canvas renderer, see strip-raster.ts) builds only the
 * labels and the count, not the path strings the canvas does not need.
 */
export function buildStripGeometry(vmas: readonly VmaView[], scale: PageScale, box: StripBox, options: { paths?: boolean } = {}): StripGeometry {
  const paths = options.paths ?? true
  const { startPage, endPage } = scale.viewport
  const width = scale.width as number
  const runs = {} as Record<BackingKind, Run>
  for (const kind of BACKING_KINDS) runs[kind] = { start: 0, end: 0, path: '' }
  const hatchRun: Run = { start: 0, end: 0, path: '' }
  const bandRun: Run = { start: 0, end: 0, path: '' }
  let boundaries = ''
  let lastBoundaryX = Number.NEGATIVE_INFINITY
  const labels: StripLabel[] = []
  let visibleCount = 0
  const bottom = box.y + box.height

  const addBoundary = (x: number) => {
    if (x < 0 || x >= width || x === lastBoundaryX) return
    lastBoundaryX = x
    boundaries += `M${x + 0.5} ${box.y}V${bottom}`
  }

  for (let i = firstVmaEndingAfter(vmas, startPage); i < vmas.length; i++) {
    const vma = vmas[i]
    if (vma.start >= endPage) break
    visibleCount++
    const exactX0 = scale.toX(vma.start) as number
    const exactX1 = scale.toX(vma.end) as number
    // Whole pixels, clipped just outside the strip. A VMA at least
    // WIDE_VMA_PX wide leaves its first pixel column to the boundary line
    // drawn underneath; a narrower one covers its boundaries with its colour,
    // so a 1-page VMA zoomed out still shows which backing it has.
    if (paths) {
      const x0 = clamp(Math.round(exactX0), -2, width + 2)
      const x1 = clamp(Math.round(exactX1), -2, width + 2)
      const wide = x1 - x0 >= WIDE_VMA_PX
      const fillStart = wide ? x0 + 1 : x0
      const fillEnd = wide ? x1 : Math.max(x1, x0 + MIN_FILL_PX)
      extendRun(runs[vma.backing], fillStart, fillEnd, box.y, box.height)
      if (vma.mergeable) {
        extendRun(hatchRun, fillStart, fillEnd, box.y, box.height)
        extendRun(bandRun, fillStart, fillEnd, box.y, box.mergeableBandHeight)
      }
      addBoundary(x0)
      addBoundary(x1)
    }

    const visibleX0 = Math.max(exactX0, 0)
    const visibleX1 = Math.min(exactX1, width)
    const visibleWidth = visibleX1 - visibleX0
    if (visibleWidth >= MIN_LABEL_PX) {
      const maxChars = Math.floor((visibleWidth - 6) / LABEL_CHAR_PX)
      labels.push({
        id: vma.id,
        centreX: (visibleX0 + visibleX1) / 2,
        rightX: visibleX1,
        name: fitText(stripName(vma), maxChars),
        range: fitText(`${vma.start}–${vma.end}`, maxChars),
        mergeableTag: vma.mergeable && visibleWidth >= MERGEABLE_TAG_PX,
        mergeable: vma.mergeable,
      })
    }
  }

  const fills = {} as Record<BackingKind, string>
  for (const kind of BACKING_KINDS) {
    flushRun(runs[kind], box.y, box.height)
    fills[kind] = runs[kind].path
  }
  flushRun(hatchRun, box.y, box.height)
  flushRun(bandRun, box.y, box.mergeableBandHeight)
  return { fills, mergeableHatch: hatchRun.path, mergeableBand: bandRun.path, boundaries, labels, visibleCount }
}

/**
 * The VMA under pixel `x`: the one containing the page there, or else the
 * nearest one within `slopPx` pixels (so 1-px VMAs can be hovered).
 */
export function vmaAtX(vmas: readonly VmaView[], scale: PageScale, x: number, slopPx: number): VmaView | null {
  if (vmas.length === 0) return null
  const page = scale.toPage(x as Px) as number
  const i = firstVmaEndingAfter(vmas, page)
  if (i < vmas.length && vmas[i].start <= page) return vmas[i]
  let best: VmaView | null = null
  let bestDistance = slopPx
  for (const j of [i - 1, i]) {
    if (j < 0 || j >= vmas.length) continue
    const { x: left, width } = spanPx(scale, vmas[j].start, vmas[j].end, 1)
    const distance = x < left ? left - x : x > left + width ? x - left - width : 0
    if (distance <= bestDistance) {
      best = vmas[j]
      bestDistance = distance
    }
  }
  return best
}
