/** Which rows of a fixed-row-height list are in, or near, the view (see use-row-window.ts). */
export interface RowWindow {
  /** First rendered row (0-based). */
  first: number
  /** One past the last rendered row. */
  end: number
}

export function rowWindow(total: number, rowHeight: number, scrollTop: number, viewportHeight: number, overscan: number): RowWindow {
  if (total <= 0) return { first: 0, end: 0 }
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan)
  const end = Math.min(total, Math.ceil((scrollTop + viewportHeight) / rowHeight) + overscan)
  return { first: Math.min(first, Math.max(0, end - 1)), end: Math.max(end, Math.min(total, first + 1)) }
}
