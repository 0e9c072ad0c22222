/**
 * Page ↔ pixel scales for the address-space strip, and address formatting.
 *
 * Pure module: no DOM, no React. Both the SVG view and the tests use it.
 *
 * Every scale goes through a zoom-independent "unit" coordinate u ∈ [0, 1]
 * that covers the whole scenario window:
 *
 *   page ──toUnit──▶ u ──(viewport, width)──▶ x (CSS px)
 *
 * - linear:     u = page / windowPages.
 * - compressed: villoc's "ordinal boundaries" axis. The window is cut into
 *   columns at the sorted set of all VMA boundaries (plus 0 and windowPages).
 *   Every column first gets `minColumnPx` pixels (at the whole-window zoom),
 *   and the rest of the width is shared in proportion to 1 + log2(pages), so a
 *   column's width grows only logarithmically with its size: a one-page VMA
 *   next to a 2^30-page hole is still visible. Inside a column the mapping is
 *   linear, so the scale is piecewise linear and strictly increasing.
 *
 * The viewport (a page range) then picks the slice of u that fills the width.
 * d3-zoom works on `u * width` ("base x"); see AddressSpaceView.tsx.
 *
 * Units are branded (style rule 9): a `Page` cannot be passed where a `Px` is
 * meant. Byte addresses are `bigint` and only ever formatted with BigInt.
 */

import { PAGE_SIZE_BYTES, asPage, type Page, type Px } from '../../engine/units'

export { PAGE_SIZE_BYTES, type Page, type Px }

export type AxisMode = 'linear' | 'compressed'

/** A range of pages, end exclusive, as the view's controlled viewport. */
export interface PageRange {
  startPage: number
  endPage: number
}

export interface PageScale {
  readonly mode: AxisMode
  readonly windowPages: number
  readonly width: Px
  /** The (normalised) viewport this scale draws. */
  readonly viewport: PageRange
  /** Page → x, relative to the strip's left edge. Pages outside the window are clamped to it. */
  toX(page: Page): Px
  /** x → page, clamped to the window. */
  toPage(x: Px): Page
  /** Page → zoom-independent position along the whole window, 0…1. */
  toUnit(page: Page): number
  /** Inverse of toUnit. */
  fromUnit(unit: number): Page
  /** Compressed mode: the column boundaries in pages (sorted, unique, 0 … windowPages). Linear: null. */
  readonly columns: Float64Array | null
}

/** Smallest viewport the view allows, in pages (zooming further only blurs). */
export const MIN_VIEWPORT_PAGES = 1

function assertWindowPages(windowPages: number): void {
  if (!Number.isFinite(windowPages) || windowPages <= 0) {
    throw new RangeError(`windowPages must be a positive finite number, got ${windowPages}`)
  }
}

function assertWidth(width: number): void {
  if (!Number.isFinite(width) || width < 0) {
    throw new RangeError(`width must be a finite number of pixels >= 0, got ${width}`)
  }
}

/**
 * Clamp a viewport into [0, windowPages] and give it a span of at least
 * MIN_VIEWPORT_PAGES (or the whole window when that is smaller). `null` is the
 * whole window.
 */
export function normaliseViewport(viewport: PageRange | null | undefined, windowPages: number): PageRange {
  assertWindowPages(windowPages)
  if (!viewport || !Number.isFinite(viewport.startPage) || !Number.isFinite(viewport.endPage)) {
    return { startPage: 0, endPage: windowPages }
  }
  const minSpan = Math.min(MIN_VIEWPORT_PAGES, windowPages)
  let span = Math.max(viewport.endPage - viewport.startPage, minSpan)
  if (span > windowPages) span = windowPages
  let start = Math.min(Math.max(viewport.startPage, 0), windowPages - span)
  if (!(start >= 0)) start = 0
  return { startPage: start, endPage: start + span }
}

function clamp(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value
}

/**
 * The zoom-independent half of a scale: page ↔ unit (0…1 over the whole
 * window). Build it once per layout (memoise it); scaleFromAxis() is then
 * cheap enough to call on every pan/zoom frame.
 */
export interface UnitAxis {
  readonly mode: AxisMode
  readonly windowPages: number
  readonly columns: Float64Array | null
  toUnit(page: number): number
  fromUnit(unit: number): number
}

/**
 * toX of a linear scale with linearAxis's toUnit written out: one call per page
 * instead of three (the strip's loops place up to 65,530 VMAs a frame), and
 * the same arithmetic, so the same result to the bit.
 */
function linearToX(windowPages: number, unitStart: number, pxPerUnit: number): (page: Page) => Px {
  return (page) => (((page < 0 ? 0 : page > windowPages ? windowPages : page) / windowPages - unitStart) * pxPerUnit) as Px
}

/** Map the viewport's slice of the axis onto [0, width]. */
export function scaleFromAxis(axis: UnitAxis, viewport: PageRange | null | undefined, width: number): PageScale {
  assertWidth(width)
  const { toUnit, fromUnit } = axis
  const view = normaliseViewport(viewport, axis.windowPages)
  const unitStart = toUnit(view.startPage)
  const unitSpan = toUnit(view.endPage) - unitStart
  const pxPerUnit = unitSpan > 0 ? width / unitSpan : 0
  return {
    mode: axis.mode,
    windowPages: axis.windowPages,
    width: width as Px,
    viewport: view,
    columns: axis.columns,
    toUnit: (page) => toUnit(page),
    fromUnit: (unit) => asPage(fromUnit(unit)),
    toX: axis.mode === 'linear' ? linearToX(axis.windowPages, unitStart, pxPerUnit) : (page) => ((toUnit(page) - unitStart) * pxPerUnit) as Px,
    toPage: (x) => asPage(fromUnit(pxPerUnit > 0 ? unitStart + x / pxPerUnit : unitStart)),
  }
}

export interface LinearScaleOptions {
  windowPages: number
  viewport?: PageRange | null
  width: number
}

export function linearAxis(windowPages: number): UnitAxis {
  assertWindowPages(windowPages)
  return {
    mode: 'linear',
    windowPages,
    columns: null,
    toUnit: (page) => clamp(page, 0, windowPages) / windowPages,
    fromUnit: (unit) => clamp(unit, 0, 1) * windowPages,
  }
}

/** Pages spread evenly over the width. */
export function linearScale({ windowPages, viewport, width }: LinearScaleOptions): PageScale {
  return scaleFromAxis(linearAxis(windowPages), viewport, width)
}

/**
 * The column boundaries of the compressed axis: 0, windowPages and every VMA
 * start and end (of all the lists given) that falls inside the window, sorted
 * and unique. Runs in O(n log n) on a typed array.
 */
export function compressedColumns(
  vmaLists: ReadonlyArray<ReadonlyArray<{ start: number; end: number }>>,
  windowPages: number,
): Float64Array {
  assertWindowPages(windowPages)
  // Each list's boundaries, in order. VMA lists from the engine are sorted and
  // non-overlapping, so these come out non-decreasing and a linear merge does;
  // any list that is not gets a typed-array sort instead.
  let merged: Float64Array = new Float64Array([0, windowPages])
  for (const list of vmaLists) {
    const own = new Float64Array(list.length * 2)
    let n = 0
    let sorted = true
    const add = (page: number) => {
      if (page <= 0 || page >= windowPages) return
      if (n > 0 && page < own[n - 1]) sorted = false
      own[n++] = page
    }
    for (const vma of list) {
      add(vma.start)
      add(vma.end)
    }
    const boundaries = sorted ? own.subarray(0, n) : own.subarray(0, n).sort()
    merged = mergeUnique(merged, boundaries)
  }
  return merged
}

/** Merge two ascending arrays into one ascending array without repeats. */
function mergeUnique(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length)
  let i = 0
  let j = 0
  let n = 0
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++]
    if (n === 0 || next !== out[n - 1]) out[n++] = next
  }
  return out.slice(0, n)
}

export interface CompressedScaleOptions {
  windowPages: number
  /** From compressedColumns(); must start at 0, end at windowPages, strictly increasing. */
  columns: Float64Array
  viewport?: PageRange | null
  width: number
  /** Pixels every column gets at the whole-window zoom, when the width allows (default 4). */
  minColumnPx?: number
}

export const DEFAULT_MIN_COLUMN_PX = 4

/** How much a column of `pages` pages weighs when the spare width is shared out. */
export function columnWeight(pages: number): number {
  return 1 + Math.log2(Math.max(pages, 1))
}

/**
 * The gap-compressed axis. At the whole-window zoom on `width` pixels, every
 * column gets at least min(minColumnPx, width / columns) pixels.
 */
export function compressedAxis({
  windowPages,
  columns,
  width,
  minColumnPx = DEFAULT_MIN_COLUMN_PX,
}: Omit<CompressedScaleOptions, 'viewport'>): UnitAxis {
  assertWindowPages(windowPages)
  assertWidth(width)
  const count = columns.length - 1
  if (count < 1 || columns[0] !== 0 || columns[count] !== windowPages) {
    throw new RangeError(
      `columns must run from 0 to windowPages (${windowPages}); got ${columns.length} boundaries from ${columns[0]} to ${columns[count]}`,
    )
  }
  for (let i = 0; i < count; i++) {
    if (!(columns[i + 1] > columns[i])) {
      throw new RangeError(`columns must be strictly increasing; columns[${i}]=${columns[i]}, columns[${i + 1}]=${columns[i + 1]}`)
    }
  }
  // Unit position of each boundary: a fixed share per column, the rest by weight.
  let weightSum = 0
  for (let i = 0; i < count; i++) weightSum += columnWeight(columns[i + 1] - columns[i])
  const fixedShare = width > 0 ? Math.min((minColumnPx * count) / width, 1) : 1
  const unitAt = new Float64Array(count + 1)
  for (let i = 0; i < count; i++) {
    const share = fixedShare / count + ((1 - fixedShare) * columnWeight(columns[i + 1] - columns[i])) / weightSum
    unitAt[i + 1] = unitAt[i] + share
  }
  unitAt[count] = 1

  /**
   * Index i of the interval [keys[i], keys[i+1]) holding `value`. Callers
   * mostly walk left to right (drawing VMAs in order), so the last answer and
   * its neighbour are tried before a binary search.
   */
  let hint = 0
  const findColumn = (keys: Float64Array, value: number): number => {
    if (keys[hint] <= value && (hint === count - 1 || value < keys[hint + 1])) return hint
    const after = hint + 1
    if (after < count && keys[after] <= value && (after === count - 1 || value < keys[after + 1])) return (hint = after)
    let low = 0
    let high = count - 1
    while (low < high) {
      const mid = Math.floor((low + high + 1) / 2)
      if (keys[mid] <= value) low = mid
      else high = mid - 1
    }
    return (hint = low)
  }
  const toUnit = (page: number): number => {
    const p = clamp(page, 0, windowPages)
    const i = findColumn(columns, p)
    return unitAt[i] + ((p - columns[i]) / (columns[i + 1] - columns[i])) * (unitAt[i + 1] - unitAt[i])
  }
  const fromUnit = (unit: number): number => {
    const u = clamp(unit, 0, 1)
    const i = findColumn(unitAt, u)
    return columns[i] + ((u - unitAt[i]) / (unitAt[i + 1] - unitAt[i])) * (columns[i + 1] - columns[i])
  }
  return { mode: 'compressed', windowPages, columns, toUnit, fromUnit }
}

/** The gap-compressed scale: compressedAxis() seen through a viewport. */
export function compressedScale(options: CompressedScaleOptions): PageScale {
  return scaleFromAxis(compressedAxis(options), options.viewport, options.width)
}

/**
 * The byte address of `page` as lowercase hex with a 0x prefix, computed with
 * BigInt: `formatAddress(0x7f0000000000n, 2)` is "0x7f0000002000".
 * `page` must be a non-negative safe integer.
 */
export function formatAddress(base: bigint, page: number): string {
  return '0x' + hexAddress(base, page)
}

/** As formatAddress, without the prefix and padded to 8 digits like /proc/PID/maps. */
export function hexAddress(base: bigint, page: number): string {
  if (!Number.isSafeInteger(page) || page < 0) {
    throw new RangeError(`page must be a non-negative integer, got ${page}`)
  }
  if (base < 0n) throw new RangeError(`base address must be >= 0, got ${base}`)
  return (base + BigInt(page) * PAGE_SIZE_BYTES).toString(16).padStart(8, '0')
}
