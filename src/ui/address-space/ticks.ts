/**
 * Axis ticks for the strip: page numbers on one row, hex addresses on the next.
 *
 * Linear axis: d3's "nice" ticks over the viewport. Compressed axis: a tick at
 * every column boundary in view (the VMA edges), plus nice ticks inside any
 * column that is zoomed wide enough to need them. Labels always show real page
 * numbers; they are thinned greedily from the left so none overlap, the
 * address row more sparsely than the page row because addresses are longer.
 *
 * Pure: no DOM.
 */
import { ticks as niceTicks } from 'd3'
import type { PageScale, Px } from './scales'
import { formatAddress } from './scales'
import { asPage } from '../../engine/units'

export type TextAnchor = 'start' | 'middle' | 'end'

export interface AxisLabel {
  text: string
  anchor: TextAnchor
}

export interface AxisTick {
  page: number
  x: number
  pageLabel: AxisLabel | null
  addressLabel: AxisLabel | null
}

export interface AxisTickOptions {
  /** Width of one character of the axis font, in px. */
  charPx: number
  /** Free space kept between two labels, in px. */
  gapPx?: number
  /** Aim for one page tick per this many px (default 90). */
  spacingPx?: number
}

const WIDE_COLUMN_PX = 160

function integerTicks(start: number, end: number, count: number, into: Set<number>): void {
  for (const page of niceTicks(start, end, Math.max(1, count))) {
    if (Number.isInteger(page) && page >= start && page <= end) into.add(page)
  }
}

/** Candidate tick pages (integers) inside the viewport, ascending, at most about one per pixel. */
export function tickPages(scale: PageScale, spacingPx = 90): number[] {
  const { startPage, endPage } = scale.viewport
  const width = scale.width as number
  const pages = new Set<number>()
  if (scale.columns === null) {
    integerTicks(startPage, endPage, Math.floor(width / spacingPx), pages)
    return [...pages].sort((a, b) => a - b)
  }
  const columns = scale.columns
  // Only the columns in view: binary search for the last boundary <= startPage.
  let low = 0
  let high = columns.length - 1
  while (low < high) {
    const mid = Math.floor((low + high + 1) / 2)
    if (columns[mid] <= startPage) low = mid
    else high = mid - 1
  }
  let lastX = Number.NEGATIVE_INFINITY
  for (let i = low; i < columns.length && columns[i] <= endPage; i++) {
    const boundary = columns[i]
    const x = scale.toX(asPage(boundary)) as number
    if (boundary >= startPage && x - lastX >= 1) {
      pages.add(boundary)
      lastX = x
    }
    if (i + 1 < columns.length) {
      const columnLow = Math.max(boundary, startPage)
      const columnHigh = Math.min(columns[i + 1], endPage)
      const highX = scale.toX(asPage(columnHigh)) as number
      const columnPx = highX - (scale.toX(asPage(columnLow)) as number)
      if (columnPx > WIDE_COLUMN_PX) integerTicks(columnLow, columnHigh, Math.floor(columnPx / spacingPx), pages)
      // Thousands of boundaries within the next pixel add nothing: jump to the last
      // boundary before the first page one pixel on (O(width · log n), not O(n)).
      if (highX - lastX < 1 && lastX > Number.NEGATIVE_INFINITY) {
        const nextPage = scale.toPage((lastX + 1) as Px) as number
        let jump = i + 1
        let top = columns.length - 1
        while (jump < top) {
          const mid = Math.floor((jump + top + 1) / 2)
          if (columns[mid] < nextPage) jump = mid
          else top = mid - 1
        }
        if (jump > i + 1) i = jump - 1
      }
    }
  }
  return [...pages].sort((a, b) => a - b)
}

/** Place a label centred on x, or flush against an edge of [0, width]. */
function placeLabel(x: number, textPx: number, width: number): { anchor: TextAnchor; left: number; right: number } {
  if (x - textPx / 2 < 0) return { anchor: 'start', left: x, right: x + textPx }
  if (x + textPx / 2 > width) return { anchor: 'end', left: x - textPx, right: x }
  return { anchor: 'middle', left: x - textPx / 2, right: x + textPx / 2 }
}

export function axisTicks(scale: PageScale, baseAddress: bigint, options: AxisTickOptions): AxisTick[] {
  const { charPx, gapPx = 10, spacingPx = 90 } = options
  const width = scale.width as number
  const result: AxisTick[] = []
  let pageRowEnd = Number.NEGATIVE_INFINITY
  let addressRowEnd = Number.NEGATIVE_INFINITY
  let lastX = Number.NEGATIVE_INFINITY
  for (const page of tickPages(scale, spacingPx)) {
    const x = scale.toX(asPage(page)) as number
    // At most one tick per pixel: thousands of VMA edges zoomed out stay cheap.
    if (x - lastX < 1) continue
    lastX = x
    const tick: AxisTick = { page, x, pageLabel: null, addressLabel: null }
    const pageText = String(page)
    const pagePlace = placeLabel(x, pageText.length * charPx, width)
    if (pagePlace.left >= pageRowEnd + gapPx) {
      tick.pageLabel = { text: pageText, anchor: pagePlace.anchor }
      pageRowEnd = pagePlace.right
    }
    const addressText = formatAddress(baseAddress, page)
    const addressPlace = placeLabel(x, addressText.length * charPx, width)
    if (addressPlace.left >= addressRowEnd + gapPx * 2) {
      tick.addressLabel = { text: addressText, anchor: addressPlace.anchor }
      addressRowEnd = addressPlace.right
    }
    result.push(tick)
  }
  return result
}

const MIN_BREAK_COLUMN_PX = 14

/**
 * Compressed axis only: the centres (px) of the unmapped columns in view that
 * the axis has squeezed (drawn narrower than on the linear axis). The view
 * marks them with an axis-break sign, so nobody reads the widths as sizes.
 * `vmas` must be sorted by start.
 */
export function axisBreaks(scale: PageScale, vmas: ReadonlyArray<{ start: number; end: number }>): number[] {
  const columns = scale.columns
  if (!columns) return []
  const { startPage, endPage } = scale.viewport
  const width = scale.width as number
  const linearPxPerPage = width / (endPage - startPage)
  const breaks: number[] = []
  let v = 0
  for (let i = 0; i + 1 < columns.length; i++) {
    const low = columns[i]
    const high = columns[i + 1]
    if (high <= startPage) continue
    if (low >= endPage) break
    while (v < vmas.length && vmas[v].end <= low) v++
    const mapped = v < vmas.length && vmas[v].start < high
    if (mapped) continue
    const x0 = scale.toX(asPage(Math.max(low, startPage))) as number
    const x1 = scale.toX(asPage(Math.min(high, endPage))) as number
    const squeezed = x1 - x0 < (Math.min(high, endPage) - Math.max(low, startPage)) * linearPxPerPage
    if (squeezed && x1 - x0 >= MIN_BREAK_COLUMN_PX) breaks.push((x0 + x1) / 2)
  }
  return breaks
}
