/**
 * Unmapping a range: munmap(), and the parts of mmap(MAP_FIXED), mremap() and
 * brk() that unmap (do_vmi_munmap → vms_gather_munmap_vmas). Never merges.
 */
import { maySplit, splitAllowed, splitAt } from '../merge'
import { rangeText, type StepContext } from '../process'

/** Unmap [start, end). Returns an errno or null. */
export function unmapRange(ctx: StepContext, start: number, end: number): string | null {
  const mm = ctx.mm
  if (end <= start) return null
  const hit = mm.overlapping(start, end)
  if (hit.length === 0) return null
  const first = hit[0]!
  if (start > first.start) {
    // "Make sure that map_count on return from munmap() will not exceed its limit"
    if (end < first.end && !splitAllowed(ctx, first)) return 'ENOMEM'
    if (!maySplit(ctx, first, start)) return 'EINVAL'
    const [, upper] = splitAt(ctx, first, start)
    hit[0] = upper
  }
  const last = hit[hit.length - 1]!
  if (end < last.end) {
    // The end split comes after the start split: that one stays done (vms_gather_munmap_vmas → end_split_failed).
    if (!maySplit(ctx, last, end)) return 'EINVAL'
    const [lower] = splitAt(ctx, last, end)
    hit[hit.length - 1] = lower
  }
  for (const v of hit) mm.remove(v)
  ctx.note('vms_gather_munmap_vmas', 'unmapped', () => `unmapped ${rangeText({ start, end })}: ${hit.length} VMA${hit.length === 1 ? '' : 's'} or parts removed`)
  return null
}
