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

/**
 * The VMAs before step i from those after it, without asking the trace again:
 * drop the VMAs the step created, put back those it removed (`created` and
 * `removed` are the step's own lists; a record made and dropped within the step
 * is in neither). Both lists and the result are in address order.
 */
export function viewsBefore(after: readonly VmaView[], created: readonly number[], removed: readonly VmaView[]): VmaView[] {
  const made = new Set(created)
  const kept = made.size === 0 ? after.slice() : after.filter((vma) => !made.has(vma.id))
  return mergeByStart(kept, removed.slice())
}
