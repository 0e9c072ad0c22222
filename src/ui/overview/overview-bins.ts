/**
 * The overview's aggregation, pure: a per-step series (the VMA count after
 * each step, index 0 = the initial state) folded into one min/max pair per
 * pixel column, and step lists (differing, failed) into one flag per column.
 * Whatever the number of steps (a 1,000,000-step run), the drawing is one
 * path per series and one per kind of mark: never a DOM node per step.
 */

export interface Bins {
  columns: number
  min: Float64Array
  max: Float64Array
  /** The largest value in the series (for the y scale). */
  peak: number
}

/** The column (0..columns-1) of step `step` among `stepCount + 1` steps (0..stepCount). */
export function columnOf(step: number, stepCount: number, columns: number): number {
  if (stepCount <= 0) return 0
  return Math.min(columns - 1, Math.max(0, Math.floor((step / (stepCount + 1)) * columns)))
}

/** The step at x (0..width) among 0..stepCount. */
export function stepAtX(x: number, width: number, stepCount: number): number {
  if (width <= 0) return 0
  return Math.min(stepCount, Math.max(0, Math.floor((x / width) * (stepCount + 1))))
}

export function binSeries(values: ArrayLike<number>, columns: number): Bins {
  const min = new Float64Array(columns).fill(Number.POSITIVE_INFINITY)
  const max = new Float64Array(columns).fill(Number.NEGATIVE_INFINITY)
  const stepCount = values.length - 1
  let peak = 0
  for (let step = 0; step < values.length; step++) {
    const value = values[step]!
    const column = columnOf(step, stepCount, columns)
    if (value < min[column]!) min[column] = value
    if (value > max[column]!) max[column] = value
    if (value > peak) peak = value
  }
  // A column with no step of its own (fewer steps than columns) carries the step before it.
  for (let c = 0; c < columns; c++) {
    if (min[c] === Number.POSITIVE_INFINITY) {
      min[c] = c > 0 ? min[c - 1]! : 0
      max[c] = c > 0 ? max[c - 1]! : 0
    }
  }
  return { columns, min, max, peak }
}

/** Which columns hold at least one of `steps`. */
export function markColumns(steps: Iterable<number>, stepCount: number, columns: number): Uint8Array {
  const marked = new Uint8Array(columns)
  for (const step of steps) marked[columnOf(step, stepCount, columns)] = 1
  return marked
}

/** SVG path data for the marked columns: one thin rectangle per run of marked columns. */
export function markPath(marked: Uint8Array, columnWidth: number, y: number, height: number): string {
  let d = ''
  for (let c = 0; c < marked.length; c++) {
    if (!marked[c]) continue
    let end = c
    while (end + 1 < marked.length && marked[end + 1]) end++
    const x = c * columnWidth
    const w = Math.max(1, (end - c + 1) * columnWidth)
    d += `M${x.toFixed(1)},${y}h${w.toFixed(1)}v${height}h${(-w).toFixed(1)}Z`
    c = end
  }
  return d
}
