/**
 * mremap(): shrink (unmap the tail), grow in place (vma_merge_extend(), which
 * may also merge with next), or move (copy_vma(), which merges at the
 * destination with the rules of a new range, then the source is unmapped).
 * A moved anonymous VMA that was never faulted takes the destination's page
 * index as pgoff "to increase its chance of merging"; a faulted one keeps its
 * pgoff, so it merges only where it is linear again.
 */
import type { MremapStep } from '../../scenario/types'
import { VM_DONTEXPAND, VM_MAYSHARE, VM_PFNMAP, VM_SHARED } from '../flags'
import { mergeNewRange } from '../merge'
import { rangeText, type StepContext } from '../process'
import type { Page } from '../units'
import { clipLabels, shiftLabels, type Label, type Vma } from '../vma'
import { unmapRange } from './unmap'

/** Labels for a range that grew to `newEnd`: the last name continues. */
function extendLabels(labels: readonly Label[], newEnd: number): Label[] {
  if (labels.length === 0) return []
  const last = labels[labels.length - 1]!
  return [...labels.slice(0, -1), { start: last.start, end: newEnd as Page, name: last.name }]
}

function moveRange(ctx: StepContext, vma: Vma, src: number, oldPages: number, dest: number, newPages: number): void {
  const mm = ctx.mm
  if (mm.count >= ctx.maxMapCount - 3) {
    ctx.fail('ENOMEM', 'move_vma', `map_count ${mm.count} is too close to max_map_count ${ctx.maxMapCount}`)
    return
  }
  let pgoff = vma.pgoff + (src - vma.start)
  if (vma.anonymous && !vma.anonVma) {
    pgoff = dest
    ctx.note('copy_vma', 'pgoff-reset', `the VMA is anonymous and unfaulted: its pgoff becomes the destination's page ${dest}, to increase its chance of merging`, 'middle', vma)
  } else if (vma.anonVma) {
    ctx.note('copy_vma', 'pgoff-kept', `the VMA is faulted: it keeps pgoff ${pgoff}, so it merges only where that is linear`, 'middle', vma)
  }
  let labels = shiftLabels(clipLabels(vma.labels, src as Page, (src + oldPages) as Page), dest - src)
  if (newPages > oldPages) labels = extendLabels(labels, dest + newPages)
  const merged = mergeNewRange(ctx, {
    start: dest, end: dest + newPages, pgoff, flags: vma.flags, file: vma.file, anonVma: vma.anonVma, anonForkChild: vma.forkChild,
    middle: null, prev: mm.prevOf(dest), next: mm.nextFrom(dest + newPages), justExpand: false, labels,
  })
  if (merged) {
    ctx.report.outcome = merged.kind === 'prev' ? 'merged-prev' : merged.kind === 'next' ? 'merged-next' : 'merged-both'
    ctx.check('copy_vma', 'merged', true, `the moved range merged with ${merged.kind === 'both' ? 'prev and next' : merged.kind}: ${rangeText(merged.vma)}`, 'new', merged.vma)
  } else {
    const copy = ctx.derive(vma, { start: dest as Page, end: (dest + newPages) as Page, pgoff, labels })
    mm.insert(copy)
    ctx.report.outcome = 'moved'
    ctx.check('copy_vma', 'new-vma', true, `a new VMA ${rangeText(copy)} at the destination`, 'new', copy)
  }
  const err = unmapRange(ctx, src, src + oldPages)
  if (err) ctx.report.error = err
}

export function doMremap(ctx: StepContext, step: MremapStep): void {
  const mm = ctx.mm
  const { at, pages, newPages } = step
  ctx.report.range = [at, at + pages]
  if (newPages === 0) {
    ctx.fail('EINVAL', 'mremap', 'new_len is 0')
    return
  }
  const vma = mm.lookup(at)
  if (!vma) {
    ctx.fail('EFAULT', 'vma_lookup', `page ${at} is not mapped`)
    return
  }
  if (pages === 0 && !(vma.flags & (VM_SHARED | VM_MAYSHARE))) {
    ctx.fail('EINVAL', 'mremap', 'old_len 0 only duplicates shared mappings')
    return
  }
  if (at + pages > vma.end) {
    ctx.fail('EFAULT', 'mremap', `${rangeText({ start: at, end: at + pages })} runs past the end of its VMA ${rangeText(vma)}`, 'middle', vma)
    return
  }
  const grows = newPages > pages
  if (grows && vma.flags & (VM_DONTEXPAND | VM_PFNMAP)) {
    ctx.fail('EFAULT', 'vma_to_resize', `${rangeText(vma)} has VM_DONTEXPAND or VM_PFNMAP and cannot grow`, 'middle', vma)
    return
  }
  if (step.to !== undefined) {
    const to = step.to
    ctx.report.range = [to, to + newPages]
    if (to < at + pages && at < to + newPages) {
      ctx.fail('EINVAL', 'mremap_to', 'the destination overlaps the source')
      return
    }
    if (to + newPages > ctx.windowPages) {
      ctx.fail('ENOMEM', 'mremap_to', `${rangeText({ start: to, end: to + newPages })} runs past the end of the window`)
      return
    }
    const err = unmapRange(ctx, to, to + newPages)
    if (err) {
      ctx.report.error = err
      return
    }
    let oldPages = pages
    if (pages > newPages) {
      const e2 = unmapRange(ctx, at + newPages, at + pages)
      if (e2) {
        ctx.report.error = e2
        return
      }
      oldPages = newPages
    }
    moveRange(ctx, mm.lookup(at)!, at, oldPages, to, newPages)
    return
  }
  if (!grows) {
    if (newPages < pages) {
      const err = unmapRange(ctx, at + newPages, at + pages)
      if (err) ctx.report.error = err
      else ctx.report.outcome = 'shrunk'
    } else {
      ctx.report.outcome = 'unchanged'
    }
    return
  }
  const newEnd = at + newPages
  const next = mm.nextFrom(vma.end)
  const roomInPlace = at + pages === vma.end && (!next || next.start >= newEnd) && newEnd <= ctx.windowPages
  if (roomInPlace) {
    // vma_merge_extend(): a new range [vm_end, vm_end + delta) with prev = the VMA itself.
    const r = mergeNewRange(ctx, {
      start: vma.end, end: newEnd, pgoff: vma.pgoff + (vma.end - vma.start), flags: vma.flags, file: vma.file,
      anonVma: vma.anonVma, anonForkChild: vma.forkChild, middle: null, prev: vma, next, justExpand: false,
      labels: extendLabels(clipLabels(vma.labels, (vma.end - 1) as Page, vma.end), newEnd).map((l) => ({ ...l, start: vma.end })),
    })
    if (r) {
      ctx.report.outcome = 'expanded'
      ctx.check('vma_merge_extend', 'expanded', true, `grown in place to ${rangeText(r.vma)}`, 'new', r.vma)
      return
    }
    ctx.fail('ENOMEM', 'vma_merge_extend', 'the VMA could not be expanded in place')
    return
  }
  ctx.note('mremap', 'no-room', `no room to grow ${rangeText(vma)} in place`, 'middle', vma)
  if (!step.mayMove) {
    ctx.fail('ENOMEM', 'mremap', 'no room to grow in place and MREMAP_MAYMOVE is not given')
    return
  }
  const dest = mm.topDownHole(newPages, ctx.windowPages as Page)
  if (dest === null) {
    ctx.fail('ENOMEM', 'get_unmapped_area', `no free hole of ${newPages} pages in the window`)
    return
  }
  ctx.report.range = [dest, dest + newPages]
  moveRange(ctx, vma, at, pages, dest, newPages)
}
