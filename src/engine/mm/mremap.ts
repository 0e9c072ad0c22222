/**
 * mremap(): shrink (unmap the tail), grow in place (vma_merge_extend(), which
 * may also merge with next), or move (copy_vma(), which merges at the
 * destination with the rules of a new range, then the source is unmapped).
 * A moved anonymous VMA that was never faulted takes the destination's page
 * index as pgoff "to increase its chance of merging"; a faulted one keeps its
 * pgoff, so it merges only where it is linear again.
 */
import { HUGE_PAGE_PAGES } from '../machine'
import type { MremapStep } from '../../scenario/types'
import { VM_ACCOUNT, VM_DONTEXPAND, VM_LOCKED, VM_LOCKONFAULT, VM_MAYSHARE, VM_PFNMAP, VM_SHARED, flagNames } from '../flags'
import { populateRange } from './memory'
import { canModifyVma, maySplit, mergeNewRange, type MergeKind, type MergeState } from './vma'
import { vmaMerge } from './mmap-vma-merge'
import { rangeText, type StepContext } from '../process'
import { asPage } from '../units'
import { clipLabels, joinLabels, shiftLabels, type Label, type Vma } from '../mm-types'
import { unmapRange } from './vma-munmap'
import { getUnmappedArea } from './mmap-unmapped-area'
import type { KernelProfile } from '../profiles'

/**
 * Which function of the profile's mm/mremap.c makes each of the call's checks: what the Why record
 * names (KernelProfile.mremapSourceCheck says which releases have which; 6.13 and 6.14 have no profile).
 * `sys_mremap` is the body of SYSCALL_DEFINE5(mremap), as `sys_brk` is brk's.
 */
interface MremapFns {
  /** new_len 0; MREMAP_DONTUNMAP without MREMAP_MAYMOVE, or with a resize. */
  readonly params: string
  /** The destination overlaps the source. */
  readonly overlap: string
  /** map_count + 2 ≥ max_map_count - 3 before a move to a new address. */
  readonly mapCount: string
  /** Nothing mapped at the address: vma_lookup() found no VMA. */
  readonly lookup: string
  /** The source VMA is sealed (can_modify_vma()). */
  readonly seal: string
  /** A huge page mapping's lengths and addresses. */
  readonly hugetlb: string
  /** The source VMA's own checks: duplicate, DONTUNMAP of VM_DONTEXPAND/VM_PFNMAP, past the VMA's end, growth of VM_DONTEXPAND/VM_PFNMAP. */
  readonly source: string
  /** The source looked up again after mremap_to()'s unmap of the destination, and after a shrink's tail. */
  readonly relookup: string
  readonly relookupAfterShrink: string
  /** No room to grow in place and MREMAP_MAYMOVE not given. */
  readonly noRoom: string
  /** move_vma()'s first checks (map_count ≥ max_map_count - 3, vm_ops->may_split). */
  readonly prepMove: string
}

const CHECKED_IN: Readonly<Record<KernelProfile['mremapSourceCheck'], MremapFns>> = {
  // 6.1 – 6.12: SYSCALL_DEFINE5(mremap) → mremap_to() / vma_to_resize(), which does its own vma_lookup().
  vma_to_resize: {
    params: 'sys_mremap', overlap: 'mremap_to', mapCount: 'mremap_to', lookup: 'sys_mremap', seal: 'sys_mremap', hugetlb: 'sys_mremap',
    source: 'vma_to_resize', relookup: 'vma_to_resize', relookupAfterShrink: 'vma_to_resize', noRoom: 'sys_mremap', prepMove: 'move_vma',
  },
  // 6.15, 6.16: do_mremap() → check_mremap_params(), align_hugetlb(); mremap_to() → shrink_vma(), resize_is_valid(); expand_vma();
  // move_vma() → prep_move_vma() (d5c8aec0542e "mm/mremap: initial refactor of move_vma()").
  resize_is_valid: {
    params: 'check_mremap_params', overlap: 'mremap_to', mapCount: 'check_mremap_params', lookup: 'do_mremap', seal: 'do_mremap', hugetlb: 'align_hugetlb',
    source: 'resize_is_valid', relookup: 'mremap_to', relookupAfterShrink: 'shrink_vma', noRoom: 'expand_vma', prepMove: 'prep_move_vma',
  },
  // 6.17+: check_mremap_params(), then check_prep_vma() before mremap_to() / mremap_at() (and for each VMA of remap_move()).
  check_prep_vma: {
    params: 'check_mremap_params', overlap: 'check_mremap_params', mapCount: 'check_mremap_params', lookup: 'check_prep_vma', seal: 'check_prep_vma', hugetlb: 'align_hugetlb',
    source: 'check_prep_vma', relookup: 'mremap_to', relookupAfterShrink: 'shrink_vma', noRoom: 'expand_vma', prepMove: 'prep_move_vma',
  },
}

/** The functions that make mremap's checks in the profile's kernel. */
const fns = (ctx: StepContext): MremapFns => CHECKED_IN[ctx.profile.mremapSourceCheck]

/** Labels for a range that grew to `newEnd`: the last name continues. */
function extendLabels(labels: readonly Label[], newEnd: number): Label[] {
  if (labels.length === 0) return []
  const last = labels[labels.length - 1]!
  return [...labels.slice(0, -1), { start: last.start, end: asPage(newEnd), name: last.name }]
}

/** A new range at the destination or the growth: vma_merge() (≤ 6.11) or vma_merge_new_range() (6.12+). */
function mergeNew(ctx: StepContext, vmg: MergeState): { kind: MergeKind; vma: Vma } | null {
  return ctx.profile.mergeCode === 'vma_merge' ? vmaMerge(ctx, vmg) : mergeNewRange(ctx, vmg)
}

function moveRange(ctx: StepContext, vma: Vma, src: number, oldPages: number, dest: number, newPages: number, fixed = true, dontUnmap = false): void {
  const mm = ctx.mm
  if (fixed && vma.file?.unmappedArea === 'io_uring') {
    // mremap_to() → vrm_set_new_addr() → get_unmapped_area(MAP_FIXED) → io_uring_get_unmapped_area(): "if (addr) return -EINVAL;"
    ctx.fail('EINVAL', 'io_uring_get_unmapped_area', () => `${rangeText(vma)} is an io_uring ring: it cannot be moved to an address the caller chooses (the destination was already unmapped)`, 'middle', vma)
    return
  }
  // prep_move_vma() (move_vma() itself up to 6.12)
  if (mm.count >= ctx.maxMapCount - 3) {
    ctx.fail('ENOMEM', fns(ctx).prepMove, () => `map_count ${mm.count} is too close to max_map_count ${ctx.maxMapCount}`)
    return
  }
  if ((vma.start !== src && !maySplit(ctx, vma, src)) || (vma.end !== src + oldPages && !maySplit(ctx, vma, src + oldPages))) {
    ctx.fail('EINVAL', fns(ctx).prepMove, () => `moving part of ${rangeText(vma)} would split it, and its vm_ops->may_split refuses`, 'middle', vma)
    return
  }
  let pgoff = vma.pgoff + (src - vma.start)
  if (vma.anonymous && !vma.anonVma) {
    // copy_vma(): "if (unlikely(vma_is_anonymous(vma) && !vma->anon_vma)) pgoff = addr >> PAGE_SHIFT;" — the absolute address.
    pgoff = ctx.anonPgoff(dest)
    ctx.note('copy_vma', 'pgoff-reset', () => `the VMA is anonymous and unfaulted: its pgoff becomes the destination's absolute page ${pgoff} (addr >> PAGE_SHIFT; window base ${ctx.machine.baseText}), to increase its chance of merging`, 'middle', vma)
  } else if (vma.anonVma) {
    ctx.note('copy_vma', 'pgoff-kept', () => `the VMA is faulted: it keeps pgoff ${pgoff}, so it merges only where that is linear`, 'middle', vma)
  }
  let labels = shiftLabels(clipLabels(vma.labels, asPage(src), asPage(src + oldPages)), dest - src)
  if (newPages > oldPages) labels = extendLabels(labels, dest + newPages)
  const merged = mergeNew(ctx, {
    start: dest, end: dest + newPages, pgoff, flags: vma.flags, pkey: vma.pkey, file: vma.file, anonVma: vma.anonVma, anonForkChild: vma.forkChild,
    middle: null, copiedFrom: vma, prev: mm.prevOf(dest), next: mm.nextFrom(dest + newPages), justExpand: false, labels,
  })
  if (merged) {
    ctx.report.outcome = merged.kind === 'prev' ? 'merged-prev' : merged.kind === 'next' ? 'merged-next' : 'merged-both'
    ctx.check('copy_vma', 'merged', true, () => `the moved range merged with ${merged.kind === 'both' ? 'prev and next' : merged.kind}: ${rangeText(merged.vma)}`, 'new', merged.vma)
  } else {
    const copy = ctx.dup(vma, { start: asPage(dest), end: asPage(dest + newPages), pgoff, labels })
    mm.insert(copy)
    ctx.report.outcome = 'moved'
    ctx.check('copy_vma', 'new-vma', true, () => `a new VMA ${rangeText(copy)} at the destination`, 'new', copy)
  }
  if (dontUnmap) {
    dontunmapComplete(ctx, src, oldPages)
    return
  }
  if (oldPages === 0) {
    // unmap_source_vma(): do_vmi_munmap() of 0 bytes fails (EINVAL) and the error is dropped, so
    // the original stays: old_len 0 on a shared mapping makes a second mapping of the same pages.
    ctx.note('unmap_source_vma', 'duplicate', () => `old_len is 0: nothing is unmapped at the source, so ${rangeText(vma)} stays and the destination is a second mapping of the same pages`, 'middle', vma)
  } else {
    const err = unmapRange(ctx, src, src + oldPages)
    if (err) ctx.report.error = err
  }
  if (!ctx.report.error) populateAfterRemap(ctx, vma.flags, dest + oldPages, dest + newPages)
}

/**
 * dontunmap_complete() (move_vma()'s MREMAP_DONTUNMAP branch before 6.15): the source stays
 * mapped, its pages gone with the page tables. "We always clear VM_LOCKED[ONFAULT] on the old
 * vma", in place (no split, no merge), on the whole VMA, and in 6.15 – 6.17 VM_ACCOUNT too
 * (dontunmapClearsAccount); when the whole VMA moved its anon_vma links go (unlink_anon_vmas()):
 * it is an unfaulted VMA again.
 */
function dontunmapComplete(ctx: StepContext, src: number, oldPages: number): void {
  const old = ctx.mm.lookup(src)
  if (!old) return
  const whole = old.start === src && old.end === src + oldPages
  const clears = DONTUNMAP_CLEARS | (ctx.profile.dontunmapClearsAccount ? VM_ACCOUNT : 0)
  const flags = old.flags & ~clears
  if (flags === old.flags && !(whole && old.anonVma)) {
    ctx.note('dontunmap_complete', 'source-stays', () => `MREMAP_DONTUNMAP: ${rangeText(old)} stays mapped, without its pages`, 'middle', old)
    return
  }
  const emptied = ctx.derive(old, { flags, ...(whole ? { anonVma: 0, forkChild: false } : {}) })
  ctx.mm.replace([old], [emptied])
  ctx.note('dontunmap_complete', 'source-stays', () => `MREMAP_DONTUNMAP: ${rangeText(old)} stays mapped, without its pages${flags !== old.flags ? `; it loses ${flagNames(old.flags & clears).join('|')}` : ''}${whole && old.anonVma ? '; the whole VMA moved, so unlink_anon_vmas() leaves it unfaulted' : ''}`, 'middle', emptied)
}

/** What dontunmap_complete() clears on the source VMA: VM_LOCKED_MASK. */
const DONTUNMAP_CLEARS = VM_LOCKED | VM_LOCKONFAULT

/**
 * do_mremap(): "if (!failed && vrm->mlocked && vrm->new_len > vrm->old_len)
 * mm_populate(new_addr + old_len, delta)": the part a VM_LOCKED mapping grew by is faulted in.
 */
function populateAfterRemap(ctx: StepContext, flags: number, start: number, end: number): void {
  if (!(flags & VM_LOCKED) || end <= start) return
  ctx.note('do_mremap', 'populate', () => `the VMA is VM_LOCKED: mm_populate() faults in the ${end - start} page${end - start === 1 ? '' : 's'} it grew by, ${rangeText({ start, end })}`)
  populateRange(ctx, start, end)
}

/**
 * vma_multi_allowed() (6.17+): "Custom get unmapped area might result in MREMAP_FIXED not
 * being obeyed": a VMA whose file has its own f_op->get_unmapped_area cannot take part in
 * a multi-VMA move, unless it is shmem, hugetlb or thp_get_unmapped_area. Of the backings
 * here that leaves /dev/zero (get_unmapped_area_zero), io_uring and drivers. It does not
 * look at VM_DONTEXPAND or VM_PFNMAP: a perf ring buffer moves with its neighbours.
 */
function multiMoveAllowed(v: Vma): boolean {
  const f = v.file
  if (!f) return true
  if (f.kind === 'device' && f.display === '/dev/zero') return false
  return f.unmappedArea !== 'io_uring' && f.unmappedArea !== 'zero' && f.unmappedArea !== 'driver'
}

/**
 * remap_move() (6.17, "permit mremap() move of multiple VMAs"): a move with
 * MREMAP_FIXED and no resize moves every VMA in [at, at+pages), keeping the
 * gaps between them; no gap is allowed at the start.
 */
function remapMove(ctx: StepContext, at: number, pages: number, to: number, dontUnmap: boolean): void {
  const end = at + pages
  const sources = ctx.mm.overlapping(at, end)
  if (sources.length === 0 || sources[0]!.start > at) {
    ctx.fail('EFAULT', 'remap_move', () => `page ${at} is not mapped: no gap is allowed at the start of the range`)
    return
  }
  let target = to
  let lastEnd = 0
  let moved = 0
  for (const [k, src] of sources.entries()) {
    const vma = ctx.mm.lookup(Math.max(src.start, at)) ?? src
    const addr = Math.max(src.start, at)
    const len = Math.min(end, src.end) - addr
    const offset = k > 0 ? src.start - lastEnd : 0
    lastEnd = src.end
    if (!multiMoveAllowed(vma)) {
      if (k > 0 || src.end < end) {
        ctx.fail('EFAULT', 'vma_multi_allowed', () => `${rangeText(src)} cannot be moved together with other VMAs (its file has its own get_unmapped_area, or it is VM_DONTEXPAND/VM_PFNMAP)`, 'middle', src)
        return
      }
    }
    if (!mayRemap(ctx, vma)) return
    if (dontUnmap && !dontUnmapAllowed(ctx, vma)) return
    const dest = target + offset
    const err = unmapRange(ctx, dest, dest + len)
    if (err) {
      ctx.report.error = err
      return
    }
    moveRange(ctx, ctx.mm.lookup(addr)!, addr, len, dest, len, true, dontUnmap)
    if (ctx.report.error) return
    moved++
    target = dest + len
  }
  if (moved > 1) ctx.report.outcome = 'moved'
}

/**
 * vma_to_resize() (≤ 6.12), resize_is_valid() (6.13 – 6.16), check_prep_vma() (6.17+): may
 * [at, at+checked) of `vma` be moved or resized from oldPages to newPages? (`checked` is what
 * must lie inside the VMA.) The record names the profile's function (CHECKED_IN).
 */
function remapIsValid(ctx: StepContext, vma: Vma, at: number, oldPages: number, newPages: number, checked = oldPages, dontUnmap = false): boolean {
  if (oldPages === 0 && !(vma.flags & (VM_SHARED | VM_MAYSHARE))) {
    ctx.fail('EINVAL', fns(ctx).source, 'old_len 0 would "duplicate" a private mapping, which mremap refuses')
    return false
  }
  if (dontUnmap && !dontUnmapAllowed(ctx, vma)) return false
  if (checked > vma.end - at) {
    ctx.fail('EFAULT', fns(ctx).source, () => `${rangeText({ start: at, end: at + checked })} runs past the end of its VMA ${rangeText(vma)}: mremap cannot cross VMA boundaries`, 'middle', vma)
    return false
  }
  if (newPages > oldPages && vma.flags & (VM_DONTEXPAND | VM_PFNMAP)) {
    ctx.fail('EFAULT', fns(ctx).source, () => `${rangeText(vma)} has VM_DONTEXPAND or VM_PFNMAP and cannot be resized`, 'middle', vma)
    return false
  }
  return true
}

/**
 * can_modify_vma(): "If mseal()'d, mremap() is prohibited.", for every form of the call: in the
 * syscall's body after the lookup (6.12, "mm/mremap: replace can_modify_mm with can_modify_vma"),
 * do_mremap() (6.15, 6.16), check_prep_vma() (6.17+).
 */
function mayRemap(ctx: StepContext, vma: Vma): boolean {
  if (canModifyVma(ctx, vma)) return true
  ctx.fail('EPERM', fns(ctx).seal, () => `${rangeText(vma)} is sealed (mseal): it cannot be moved, shrunk or grown`, 'middle', vma)
  return false
}

/** "if ((flags & MREMAP_DONTUNMAP) && (vma->vm_flags & (VM_DONTEXPAND | VM_PFNMAP))) return -EINVAL;": the source check of the profile (vma_to_resize(), resize_is_valid(), check_prep_vma()). */
function dontUnmapAllowed(ctx: StepContext, vma: Vma): boolean {
  if (!(vma.flags & (VM_DONTEXPAND | VM_PFNMAP))) return true
  ctx.fail('EINVAL', fns(ctx).source, () => `${rangeText(vma)} has VM_DONTEXPAND or VM_PFNMAP: MREMAP_DONTUNMAP cannot leave it behind`, 'middle', vma)
  return false
}

/**
 * The VMA at `at` after an unmap that may have split or removed it: vma_lookup() again, in
 * vma_to_resize() (≤ 6.12), or in mremap_to() after the destination's unmap and shrink_vma()
 * after the tail's (6.13+).
 */
function relookup(ctx: StepContext, at: number, afterShrink = false): Vma | null {
  const v = ctx.mm.lookup(at)
  if (!v) ctx.fail('EFAULT', afterShrink ? fns(ctx).relookupAfterShrink : fns(ctx).relookup, () => `page ${at} is no longer mapped`)
  return v ?? null
}

export function doMremap(ctx: StepContext, step: MremapStep): void {
  const mm = ctx.mm
  const { at, pages, newPages } = step
  ctx.report.range = [at, at + pages]
  // check_mremap_params() (6.15+; before, the syscall's body)
  if (newPages === 0) {
    ctx.fail('EINVAL', fns(ctx).params, 'new_len is 0')
    return
  }
  const huge = mm.lookup(at)
  if (huge?.file?.kind === 'hugetlb') {
    // align_hugetlb(): lengths to whole huge pages, both addresses on a huge page, no growth.
    const align = (n: number) => Math.ceil(n / HUGE_PAGE_PAGES) * HUGE_PAGE_PAGES
    const onHugePage = (p: number) => (ctx.machine.basePage + p) % HUGE_PAGE_PAGES === 0
    const oldLen = align(pages)
    const newLen = align(newPages)
    if (!onHugePage(at) || (step.to !== undefined && !onHugePage(step.to)) || newLen > oldLen) {
      ctx.fail('EINVAL', fns(ctx).hugetlb, () => (newLen > oldLen ? `${rangeText(huge)} is a huge page mapping: it may not grow (its reservation cannot be split)` : `${rangeText(huge)} is a huge page mapping: the ${onHugePage(at) ? 'destination' : 'source'} is not on a 2 MiB boundary`), 'middle', huge)
      return
    }
    if (oldLen !== pages || newLen !== newPages) {
      ctx.note(fns(ctx).hugetlb, 'huge-page-lengths', () => `${rangeText(huge)} is a huge page mapping: the lengths become ${oldLen} → ${newLen} pages`, 'middle', huge)
      doMremap(ctx, { ...step, pages: oldLen, newPages: newLen })
      return
    }
  }
  const to = step.to
  const dontUnmap = step.dontUnmap === true
  if (dontUnmap) {
    // check_mremap_params(): vrm_implies_new_addr() — MREMAP_DONTUNMAP is a move, to a new address.
    if (to === undefined && !step.mayMove) {
      ctx.fail('EINVAL', fns(ctx).params, 'MREMAP_DONTUNMAP implies a move: without MREMAP_MAYMOVE it is invalid')
      return
    }
    if (pages !== newPages) {
      ctx.fail('EINVAL', fns(ctx).params, 'MREMAP_DONTUNMAP does not allow resizing: old_len must equal new_len')
      return
    }
  }
  if (to !== undefined) {
    if (to < at + pages && at < to + newPages) {
      ctx.fail('EINVAL', fns(ctx).overlap, 'the destination overlaps the source')
      return
    }
    if (mm.count + 2 >= ctx.maxMapCount - 3) {
      ctx.fail('ENOMEM', fns(ctx).mapCount, () => `map_count ${mm.count} is too close to max_map_count ${ctx.maxMapCount}`)
      return
    }
    if (to + newPages > ctx.windowPages) {
      ctx.fail('ENOMEM', 'mremap_to', () => `${rangeText({ start: to, end: to + newPages })} runs past the end of the window`)
      return
    }
    ctx.report.range = [to, to + newPages]
    if (pages === newPages && ctx.profile.mremapMovesManyVmas) {
      remapMove(ctx, at, pages, to, dontUnmap)
      return
    }
  } else if (dontUnmap && mm.count + 2 >= ctx.maxMapCount - 3) {
    ctx.fail('ENOMEM', fns(ctx).mapCount, () => `map_count ${mm.count} is too close to max_map_count ${ctx.maxMapCount}`)
    return
  }
  const vma = mm.lookup(at)
  if (!vma) {
    ctx.fail('EFAULT', fns(ctx).lookup, () => `page ${at} is not mapped`)
    return
  }
  if (!mayRemap(ctx, vma)) return
  if (to !== undefined) mremapTo(ctx, vma, step, to)
  else if (dontUnmap) mremapDontUnmap(ctx, vma, step)
  else mremapAt(ctx, vma, step)
}

/**
 * mremap_to() with MREMAP_FIXED. In every release it unmaps the destination first
 * (do_munmap(new_addr, new_len): "munmap dst first"), then a shrink's tail
 * (shrink_vma() / do_munmap(addr + new_len, old_len - new_len)), then moves the rest.
 * Where the source is checked depends on the release (mremapToUnmapsBeforeChecks):
 * from 6.17 check_prep_vma() checks it before mremap_to() (a85dc37186a5), looking at the
 * length that will be moved (a shrink's tail may run past the VMA, over holes and other
 * VMAs, and is simply unmapped); up to 6.16 the check (vma_to_resize() up to 6.12,
 * resize_is_valid() in 6.13 – 6.16: mremapSourceCheck) runs after both unmaps, with old_len already cut to new_len, so a
 * failing check leaves the destination and the tail unmapped.
 */
function mremapTo(ctx: StepContext, vma: Vma, step: MremapStep, to: number): void {
  const { at, pages, newPages } = step
  const moved = Math.min(pages, newPages)
  const dontUnmap = step.dontUnmap === true
  const checksAfterUnmaps = ctx.profile.mremapToUnmapsBeforeChecks
  if (!checksAfterUnmaps && !remapIsValid(ctx, vma, at, pages, newPages, moved, dontUnmap)) return
  if (!unmapForMove(ctx, to, to + newPages)) return
  let v = relookup(ctx, at)
  if (!v) return
  if (pages > newPages) {
    if (!unmapForMove(ctx, at + newPages, at + pages)) return
    v = relookup(ctx, at, true)
    if (!v) return
  }
  if (checksAfterUnmaps && !remapIsValid(ctx, v, at, moved, newPages, moved, dontUnmap)) {
    ctx.note('mremap_to', 'unmapped-before-check', () => `up to 6.16 mremap_to() checks the source only after unmapping the destination${pages > newPages ? ' and the tail' : ''}: they stay unmapped`)
    return
  }
  // mremap_to(): "MREMAP_DONTUNMAP expands by old_len since old_len == new_len": may_expand_vm() would refuse
  // (ENOMEM) past RLIMIT_AS, or RLIMIT_DATA for a data mapping; the format has none, both are unlimited.
  moveRange(ctx, v, at, moved, to, newPages, true, dontUnmap)
}

/** One of mremap_to()'s do_munmap() calls; false (with its errno recorded) when it fails. */
function unmapForMove(ctx: StepContext, start: number, end: number): boolean {
  const err = unmapRange(ctx, start, end)
  if (err) ctx.report.error = err
  return !err
}

/**
 * mremap_to() for MREMAP_DONTUNMAP without MREMAP_FIXED: check_prep_vma(), then
 * vrm_set_new_addr() lets get_unmapped_area() choose the destination, then move_vma().
 */
function mremapDontUnmap(ctx: StepContext, vma: Vma, step: MremapStep): void {
  const { at, pages } = step
  if (!remapIsValid(ctx, vma, at, pages, pages, pages, true)) return
  // may_expand_vm() of the pages the source keeps: never refuses here (see mremapTo()).
  const dest = getUnmappedArea(ctx, { pages, file: vma.file, pgoff: vma.pgoff + (at - vma.start), shared: (vma.flags & VM_MAYSHARE) !== 0 })
  if (dest === null) {
    ctx.fail('ENOMEM', 'get_unmapped_area', () => `no free hole of ${pages} pages in the window`)
    return
  }
  ctx.report.range = [dest, dest + pages]
  moveRange(ctx, vma, at, pages, dest, pages, false, true)
}

/**
 * mremap_at(): no new address. The same size does nothing, a shrink unmaps the tail
 * (shrink_vma()), a growth is expand_vma(): in place (vma_merge_extend()) when there is
 * room after the VMA, else a move to a new address if MREMAP_MAYMOVE allows it.
 */
function mremapAt(ctx: StepContext, vma: Vma, step: MremapStep): void {
  const mm = ctx.mm
  const { at, pages, newPages } = step
  if (newPages === pages) {
    ctx.report.outcome = 'unchanged'
    ctx.note('mremap_at', 'no-resize', 'same size and no new address: nothing to do')
    return
  }
  if (newPages < pages) {
    const err = unmapRange(ctx, at + newPages, at + pages)
    if (err) ctx.report.error = err
    else ctx.report.outcome = 'shrunk'
    return
  }
  if (!remapIsValid(ctx, vma, at, pages, newPages)) return
  const next = mm.nextFrom(vma.end)
  const delta = newPages - pages
  const roomInPlace = at + pages === vma.end && (!next || next.start >= vma.end + delta) && vma.end + delta <= ctx.windowPages
  if (roomInPlace) {
    const grown = vmaMergeExtend(ctx, vma, next, delta)
    if (grown) populateAfterRemap(ctx, grown.flags, at + pages, at + newPages)
    return
  }
  ctx.note('mremap', 'no-room', () => `no room to grow ${rangeText(vma)} in place`, 'middle', vma)
  if (!step.mayMove) {
    ctx.fail('ENOMEM', fns(ctx).noRoom, 'no room to grow in place and MREMAP_MAYMOVE is not given')
    return
  }
  // vrm_set_new_addr(): get_unmapped_area(vma->vm_file, 0, new_len, pgoff, MAP_SHARED if VM_MAYSHARE).
  const dest = getUnmappedArea(ctx, { pages: newPages, file: vma.file, pgoff: vma.pgoff + (at - vma.start), shared: (vma.flags & VM_MAYSHARE) !== 0 })
  if (dest === null) {
    ctx.fail('ENOMEM', 'get_unmapped_area', () => `no free hole of ${newPages} pages in the window`)
    return
  }
  ctx.report.range = [dest, dest + newPages]
  moveRange(ctx, mm.lookup(at)!, at, pages, dest, newPages, false)
}

/**
 * vma_merge_extend() (mm/mmap.c, mm/vma.c from 6.12): a new range [vm_end, vm_end + delta) with
 * prev = the VMA itself, which may also reach next. Returns the grown VMA, or null (ENOMEM) when
 * the VMA could not take it. It came with "mm: abstract VMA merge and extend into vma_merge_extend()
 * helper" (Lorenzo Stoakes, 6.7); in 6.1 and 6.6, the profiles whose merge code is vma_merge(), the
 * syscall's body calls vma_merge() itself, and the record names that.
 */
function vmaMergeExtend(ctx: StepContext, vma: Vma, next: Vma | null, delta: number): Vma | null {
  const fn = ctx.profile.mergeCode === 'vma_merge' ? 'vma_merge' : 'vma_merge_extend'
  const grownEnd = vma.end + delta
  const labels = extendLabels(clipLabels(vma.labels, asPage(vma.end - 1), vma.end), grownEnd).map((l) => ({ ...l, start: vma.end }))
  if (vma.vmOpsClose && ctx.profile.vmaMergeCloseRule === 'any-neighbour') {
    // d014cd7c1c35 ("mm, mremap: fix mremap() expanding for vma's with vm_ops->close()", in 6.1.y): vma_merge()
    // refuses any VMA with vm_ops->close, so "perform a simple expand for such vma": vma_adjust(vma, vma->vm_start,
    // addr + new_len, ...), never a merge with next. 4bfbe371dbc5 ("mm/mremap: simplify vma expansion again", 6.5)
    // dropped it together with the rule (714965ca8252).
    const grown = ctx.derive(vma, { end: asPage(grownEnd), labels: joinLabels(vma.labels, labels) })
    ctx.mm.replace([vma], [grown])
    ctx.report.outcome = 'expanded'
    ctx.check('vma_adjust', 'expanded', true, () => `the VMA has vm_ops->close, which vma_merge() refuses: a simple expand (vma_adjust()) to ${rangeText(grown)}`, 'new', grown)
    return grown
  }
  const r = mergeNew(ctx, {
    start: vma.end, end: grownEnd, pgoff: vma.pgoff + (vma.end - vma.start), flags: vma.flags, pkey: vma.pkey, file: vma.file,
    anonVma: vma.anonVma, anonForkChild: vma.forkChild, middle: null, prev: vma, next, justExpand: false,
    labels,
  })
  if (!r) {
    ctx.fail('ENOMEM', fn, 'the VMA could not be expanded in place')
    return null
  }
  ctx.report.outcome = 'expanded'
  ctx.check(fn, 'expanded', true, () => `grown in place to ${rangeText(r.vma)}`, 'new', r.vma)
  return r.vma
}
