/**
 * Unmapping a range: munmap(), and the parts of mmap(MAP_FIXED), mremap() and
 * brk() that unmap (do_vmi_munmap → vms_gather_munmap_vmas). Never merges.
 */
import type { MunmapStep } from '../../scenario/types'
import { canModifyVma, maySplit, splitAllowed, splitVma } from './vma'
import { rangeText, type StepContext } from '../process'

/** Unmap [start, end). Returns an errno or null. */
export function unmapRange(ctx: StepContext, start: number, end: number): string | null {
  const mm = ctx.mm
  // An empty range unmaps nothing (do_vmi_munmap() refuses it; move_vma() ignores that for an
  // mremap with old_len 0, which leaves the source as it is).
  if (end <= start) return null
  const hit = mm.overlapping(start, end)
  if (hit.length === 0) return null
  const first = hit[0]!
  if (start > first.start) {
    // "Make sure that map_count on return from munmap() will not exceed its limit"
    if (end < first.end && !splitAllowed(ctx, first, 'vms_gather_munmap_vmas')) return 'ENOMEM'
    // "Don't bother splitting the VMA if we can't unmap it anyway"
    if (!canModifyVma(ctx, first)) return sealed(ctx, first)
    if (!maySplit(ctx, first, start)) return 'EINVAL'
    const [, upper] = splitVma(ctx, first, start, true)
    hit[0] = upper
  }
  // for_each_vma_range(): "if (!can_modify_vma(next)) { error = -EPERM; goto modify_vma_failed; }", before the
  // end split; the VMAs gathered so far are put back, a start split stays done.
  const sealedOne = hit.find((v) => !canModifyVma(ctx, v))
  if (sealedOne) return sealed(ctx, sealedOne)
  const last = hit[hit.length - 1]!
  if (end < last.end) {
    // No map_count check: munmap may go over the limit for a moment (vms_gather_munmap_vmas()).
    // The end split comes after the start split: that one stays done (end_split_failed).
    if (!maySplit(ctx, last, end)) return 'EINVAL'
    const [lower] = splitVma(ctx, last, end, false)
    hit[hit.length - 1] = lower
  }
  mm.replace(hit, []) // one change for the whole range, however many VMAs it held
  ctx.note('vms_gather_munmap_vmas', 'unmapped', () => `unmapped ${rangeText({ start, end })}: ${hit.length} VMA${hit.length === 1 ? '' : 's'} or parts removed`)
  // vms_complete_munmap_vmas() → remove_vma() → vm_area_free(), for each (the loop only when explaining).
  if (ctx.explain) for (const v of hit) ctx.note('remove_vma', 'vma-freed', () => `${rangeText(v)} is unmapped and freed (vms_complete_munmap_vmas → remove_vma)`, 'middle', v)
  return null
}

function sealed(ctx: StepContext, v: { start: number; end: number }): string {
  ctx.check('vms_gather_munmap_vmas', 'sealed', false, () => `${rangeText(v)} is sealed (mseal): it cannot be unmapped; nothing in the range is unmapped`, 'middle', v)
  return 'EPERM'
}

/** munmap(): do_vmi_munmap() on [at, at + pages). */
export function doMunmap(ctx: StepContext, step: MunmapStep): void {
  const { at, pages } = step
  ctx.report.range = [at, at + pages]
  if (pages === 0) {
    ctx.fail('EINVAL', 'do_vmi_munmap', 'munmap of length 0 is invalid')
    return
  }
  const err = unmapRange(ctx, at, at + pages)
  if (err) {
    ctx.report.error = err
    return
  }
  ctx.report.outcome = ctx.store.removedAny() ? 'unmapped' : 'unchanged'
  ctx.note('do_vmi_munmap', 'never-merges', 'munmap never merges the VMAs left on either side')
}
