/** Lists of ranges kept in address order (tiny: the page imports it too). */
import type { VmaView } from './api'

/** `sorted` (in address order) with `extra` (any order, usually few) merged in. */
export function mergeByStart<T extends { readonly start: number }>(sorted: T[], extra: T[]): T[] {
  if (extra.length === 0) return sorted
  extra.sort((a, b) => a.start - b.start)
  const out: T[] = new Array(sorted.length + extra.length)
  let a = 0
  let b = 0
  let o = 0
  while (a < sorted.length && b < extra.length) out[o++] = sorted[a]!.start <= extra[b]!.start ? sorted[a++]! : extra[b++]!
  while (a < sorted.length) out[o++] = sorted[a++]!
  while (b < extra.length) out[o++] = extra[b++]!
  return out
}

/** The first index whose VMA starts at or after `page` (vmas sorted by start). */
export function firstStartingAtOrAfter(vmas: readonly { readonly start: number }[], page: number): number {
  let low = 0
  let high = vmas.length
  while (low < high) {
    const mid = (low + high) >>> 1
    if (vmas[mid]!.start < page) low = mid + 1
    else high = mid
  }
  return low
}

/**
 * The VMAs before step i from those after it, without asking the trace again:
 * drop the VMAs the step created, put back those it removed (the step's own
 * lists; a record made and dropped within the step is in neither). All lists
 * are in address order. The few changes are found by binary search and the
 * long runs between them are copied by the engine's own slice/concat, so a
 * step of 60,000 VMAs costs little script even before it is optimised.
 */
export function viewsBefore(after: readonly VmaView[], created: readonly VmaView[], removed: readonly VmaView[]): VmaView[] {
  if (created.length === 0 && removed.length === 0) return after.slice()
  // Edits by position in `after`: put back a removed VMA before index p, or drop the VMA at p.
  const edits: { at: number; put?: VmaView }[] = []
  for (const vma of removed) edits.push({ at: firstStartingAtOrAfter(after, vma.start), put: vma })
  for (const vma of created) {
    const at = firstStartingAtOrAfter(after, vma.start)
    if (after[at] === vma) edits.push({ at })
  }
  // By position; at one position, put back (in address order) before dropping.
  edits.sort((a, b) => a.at - b.at || (a.put ? (b.put ? a.put.start - b.put.start : -1) : b.put ? 1 : 0))
  const parts: VmaView[][] = []
  let from = 0
  for (const edit of edits) {
    if (edit.at > from) parts.push(after.slice(from, edit.at))
    from = Math.max(from, edit.at)
    if (edit.put) parts.push([edit.put])
    else from = edit.at + 1
  }
  parts.push(after.slice(from))
  // One array by pushes: a step that removes 200,000 VMAs makes 200,000 parts, too many to spread as arguments.
  const out: VmaView[] = []
  for (const part of parts) for (const v of part) out.push(v)
  return out
}
