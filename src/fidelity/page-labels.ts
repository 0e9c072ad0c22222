/**
 * Which scenario mapping put its pages where, for a recording: smaps shows no
 * names, so the recorder's VMAs are named from the scenario's mmaps, carried
 * along by mremap and dropped where the kernel no longer maps anything.
 *
 * Kept as sorted runs of pages ([start, end) → label), never one entry per
 * page: a mapping of 2^26 pages is one run, and every operation costs the runs
 * it touches (plus a binary search), not the pages.
 */

/** A run of pages with the same label. */
interface Run<L> {
  start: number
  end: number
  label: L
}

export class PageLabels<L> {
  /** Sorted by start, never overlapping; adjacent runs may hold the same label. */
  private runs: Run<L>[] = []

  /** Index of the first run that ends after `page`. */
  private firstEndingAfter(page: number): number {
    let lo = 0
    let hi = this.runs.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.runs[mid]!.end <= page) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** Pages [start, end) lose their label. */
  delete(start: number, end: number): void {
    if (start >= end) return
    const first = this.firstEndingAfter(start)
    let last = first
    const kept: Run<L>[] = []
    for (; last < this.runs.length && this.runs[last]!.start < end; last++) {
      const run = this.runs[last]!
      if (run.start < start) kept.push({ start: run.start, end: start, label: run.label })
      if (run.end > end) kept.push({ start: end, end: run.end, label: run.label })
    }
    if (last > first || kept.length > 0) this.runs.splice(first, last - first, ...kept)
  }

  /** Pages [start, end) get `label`. */
  set(start: number, end: number, label: L): void {
    if (start >= end) return
    this.delete(start, end)
    this.runs.splice(this.firstEndingAfter(start), 0, { start, end, label })
  }

  /** The labelled runs inside [start, end), clipped to it, in address order. */
  runsIn(start: number, end: number): Run<L>[] {
    const out: Run<L>[] = []
    if (start >= end) return out
    for (let i = this.firstEndingAfter(start); i < this.runs.length && this.runs[i]!.start < end; i++) {
      const run = this.runs[i]!
      out.push({ start: Math.max(run.start, start), end: Math.min(run.end, end), label: run.label })
    }
    return out
  }

  /** Only the pages inside `ranges` (sorted, not overlapping) keep their label. */
  keepOnly(ranges: readonly { start: number; end: number }[]): void {
    const kept: Run<L>[] = []
    let r = 0
    for (const run of this.runs) {
      while (r < ranges.length && ranges[r]!.end <= run.start) r++
      for (let k = r; k < ranges.length && ranges[k]!.start < run.end; k++) {
        const start = Math.max(run.start, ranges[k]!.start)
        const end = Math.min(run.end, ranges[k]!.end)
        if (start < end) kept.push({ start, end, label: run.label })
      }
    }
    this.runs = kept
  }

  /** Number of runs (for tests: the work stays proportional to them). */
  get size(): number {
    return this.runs.length
  }
}
