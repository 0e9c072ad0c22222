/**
 * VMA merging, as mm/vma.c does it (6.16 – 6.18 structure; 6.15 differs only in
 * the anon_vma rule, which the profile selects).
 *
 *   mergeNewRange       ~ vma_merge_new_range()       mmap, brk, mremap/copy_vma
 *   mergeExistingRange  ~ vma_merge_existing_range()  mprotect, madvise
 *   vmaModify           ~ vma_modify()                merge, else split
 *
 * Every test the kernel makes is written to the step's decision record, in the
 * kernel's order, with the function it models and the reason in words. A test
 * the kernel never reaches (short-circuit) is not written.
 *
 * Layouts in comments are drawn like tools/testing/vma/tests/merge.c:
 *
 *     0123456789
 *     PPP***NNN      P = prev, * = the range, N = next
 */
import { HUGE_PAGE_PAGES } from '../machine'
import { VM_SEALED, VM_SOFTDIRTY, VM_SPECIAL, flagNames, type VmFlags } from '../flags'
import { rangeText, type StepContext } from '../process'
import { asPage } from '../units'
import { clipLabels, joinLabels, vmaPages, type FileObject, type Label, type Vma, type VmaChanges } from '../mm-types'

/** struct vma_merge_struct, reduced. */
export interface MergeState {
  start: number
  end: number
  pgoff: number
  flags: VmFlags
  /** The protection key of the range (VM_PKEY_BIT* of vmg->vm_flags). */
  pkey: number
  file: FileObject | null
  /** vmg->anon_vma: the anon_vma the range brings (middle's, or the moved VMA's); 0 for mmap/brk. */
  anonVma: number
  /** Fork-child state of the VMA whose anon_vma the range brings (copy_vma), for inheritance. */
  anonForkChild: boolean
  /** vmg->middle: the existing VMA being modified (null for a new range). */
  middle: Vma | null
  /**
   * vmg->copied_from: the VMA an mremap move copies (vma_merge_copied_range(), 6.18.8 stable /
   * 6.19); null for every other merge.
   */
  copiedFrom?: Vma | null
  prev: Vma | null
  next: Vma | null
  /** vmg->just_expand: brk expands prev only. */
  justExpand: boolean
  /** Labels of the new range's pages (new-range merges). */
  labels: readonly Label[]
}

export type MergeKind = 'prev' | 'next' | 'both'

const describeFlagDiff = (tgtSide: string, tgt: VmFlags, rangeFlags: VmFlags, rangeName: string): string => {
  const onlyTgt = flagNames(tgt & ~rangeFlags & ~VM_SOFTDIRTY)
  const onlyRange = flagNames(rangeFlags & ~tgt & ~VM_SOFTDIRTY)
  const parts: string[] = []
  if (onlyTgt.length) parts.push(`${tgtSide} has ${onlyTgt.join(' ')}, ${rangeName} does not`)
  if (onlyRange.length) parts.push(`${rangeName} has ${onlyRange.join(' ')}, ${tgtSide} does not`)
  return parts.join('; ')
}

const fileText = (f: FileObject | null): string => (f ? `file ${f.display}` : 'no file')

/**
 * is_mergeable_vma()'s flag and file tests, the same in every release from 6.1 to 6.18:
 * `(vma->vm_flags ^ vm_flags) & ~VM_SOFTDIRTY` and `vma->vm_file != file`. The old
 * vma_merge() (./mmap-vma-merge.ts) shares it.
 */
export function flagsAndFileMatch(ctx: StepContext, tgt: Vma, flags: VmFlags, pkey: number, file: FileObject | null, side: 'prev' | 'next', rangeName: string): boolean {
  if ((tgt.flags ^ flags) & ~VM_SOFTDIRTY) {
    return ctx.check('is_mergeable_vma', 'flags-equal', false,
      () => `${side} ${rangeText(tgt)}: flags differ: ${describeFlagDiff(side, tgt.flags, flags, rangeName)}`, side, tgt)
  }
  // The pkey is vm_flags' VM_PKEY_BIT0..3, so a different key is a flag difference.
  if (tgt.pkey !== pkey) {
    return ctx.check('is_mergeable_vma', 'flags-equal', false,
      () => `${side} ${rangeText(tgt)}: flags differ: ${side} has protection key ${tgt.pkey}, ${rangeName} has ${pkey} (VM_PKEY_BIT*)`, side, tgt)
  }
  if (tgt.file !== file) {
    return ctx.check('is_mergeable_vma', 'same-file', false,
      () => `${side} ${rangeText(tgt)}: different struct file: ${side} maps ${fileText(tgt.file)}, ${rangeName} maps ${fileText(file)}`, side, tgt)
  }
  return ctx.check('is_mergeable_vma', 'flags-equal', true, () => `${side} ${rangeText(tgt)}: same flags and ${fileText(tgt.file)}`, side, tgt)
}

/** is_mergeable_vma(): policy, flags (ignoring VM_SOFTDIRTY), file, uffd ctx, anon name. */
function isMergeableVma(ctx: StepContext, vmg: MergeState, side: 'prev' | 'next'): boolean {
  const tgt = (side === 'prev' ? vmg.prev : vmg.next)!
  return flagsAndFileMatch(ctx, tgt, vmg.flags, vmg.pkey, vmg.file, side, vmg.middle ? 'the modified range' : 'the new range')
}

const forkChild = (v: Vma | null): boolean => v !== null && v.anonVma !== 0 && v.forkChild

/** is_mergeable_anon_vma(): the profile picks the ≤ 6.15 or the 6.16+ rule. */
function isMergeableAnonVma(ctx: StepContext, vmg: MergeState, side: 'prev' | 'next'): boolean {
  const tgt = (side === 'prev' ? vmg.prev : vmg.next)!
  const src = vmg.middle
  const tgtAnon = tgt.anonVma
  const srcAnon = vmg.anonVma
  const who = `${side} ${rangeText(tgt)}`
  if (!tgtAnon && !srcAnon) {
    return ctx.check('is_mergeable_anon_vma', 'anon-vma', true, () => `${who}: neither side has an anon_vma yet (unfaulted)`, side, tgt)
  }
  if (ctx.profile.anonVmaRule === 'legacy') {
    // ≤ 6.15: if ((!a1 || !a2) && list_is_singular(&tgt->anon_vma_chain)) return true; return a1 == a2;
    const singular = tgtAnon !== 0 && !tgt.forkChild
    if ((!srcAnon || !tgtAnon) && singular) {
      return ctx.check('is_mergeable_anon_vma', 'anon-vma', true, () => `${who}: only one side has an anon_vma and ${side}'s chain is singular`, side, tgt)
    }
    if (srcAnon === tgtAnon) return ctx.check('is_mergeable_anon_vma', 'anon-vma', true, () => `${who}: the same anon_vma`, side, tgt)
    const why = !tgtAnon
      ? `${side} is unfaulted: its empty anon_vma chain is not "singular", so the old rule (fixed in 6.16 by 879bca0a2c4f) refuses a faulted range`
      : !srcAnon
        ? `${side} has an anon_vma inherited across fork() (its chain is not singular)`
        : 'different anon_vmas'
    return ctx.check('is_mergeable_anon_vma', 'anon-vma', false, () => `${who}: ${why}`, side, tgt)
  }
  // 6.16+ (879bca0a2c4f)
  if (!tgtAnon && srcAnon) {
    if (forkChild(src)) {
      return ctx.check('is_mergeable_anon_vma', 'anon-vma', false,
        () => `${who}: the range's anon_vma was inherited across fork() (vma_had_uncowed_parents)`, side, tgt)
    }
    // 6.18.8 stable e96ecd36c329 (upstream 3b617fd3d317): also the VMA an mremap copies from.
    const copied = vmg.copiedFrom ?? null
    if (ctx.profile.copiedFromForkCheck && forkChild(copied)) {
      return ctx.check('is_mergeable_anon_vma', 'anon-vma', false,
        () => `${who}: unfaulted, and the moved range was copied from ${rangeText(copied!)}, a fork child (vma_is_fork_child(vmg->copied_from), 6.18.8 stable): no faulted-into-unfaulted merge`, side, tgt)
    }
    if (copied && forkChild(copied)) {
      ctx.note('is_mergeable_anon_vma', 'copied-from-unchecked', () => `the moved range was copied from ${rangeText(copied)}, a fork child; this kernel does not check vmg->copied_from (added in 6.18.8 stable, e96ecd36c329)`, side, tgt)
    }
    return ctx.check('is_mergeable_anon_vma', 'anon-vma', true, () => `${who}: unfaulted; it will take the range's anon_vma`, side, tgt)
  }
  if (tgtAnon && !srcAnon) {
    const ok = !forkChild(tgt)
    return ctx.check('is_mergeable_anon_vma', 'anon-vma', ok,
      () => (ok ? `${who}: faulted; the range will use its anon_vma` : `${who}: its anon_vma was inherited across fork() (vma_had_uncowed_parents)`), side, tgt)
  }
  const ok = srcAnon === tgtAnon
  return ctx.check('is_mergeable_anon_vma', 'anon-vma', ok, () => (ok ? `${who}: the same anon_vma` : `${who}: a different anon_vma`), side, tgt)
}

/** can_vma_merge_after(): prev may absorb the range. */
function canMergeAfter(ctx: StepContext, vmg: MergeState): boolean {
  const prev = vmg.prev!
  if (!isMergeableVma(ctx, vmg, 'prev') || !isMergeableAnonVma(ctx, vmg, 'prev')) return false
  const want = prev.pgoff + vmaPages(prev)
  return ctx.check('can_vma_merge_after', 'pgoff-contiguous', want === vmg.pgoff,
    () => (want === vmg.pgoff
      ? `prev ${rangeText(prev)}: pgoff ${prev.pgoff} + ${vmaPages(prev)} pages = ${want}, the range's pgoff: contiguous`
      : `prev ${rangeText(prev)}: pgoff ${prev.pgoff} + ${vmaPages(prev)} pages = ${want}, but the range's pgoff is ${vmg.pgoff}`), 'prev', prev)
}

/** can_vma_merge_before(): next may absorb the range. */
function canMergeBefore(ctx: StepContext, vmg: MergeState): boolean {
  const next = vmg.next!
  if (!isMergeableVma(ctx, vmg, 'next') || !isMergeableAnonVma(ctx, vmg, 'next')) return false
  const pglen = vmg.end - vmg.start
  const want = vmg.pgoff + pglen
  return ctx.check('can_vma_merge_before', 'pgoff-contiguous', next.pgoff === want,
    () => (next.pgoff === want
      ? `next ${rangeText(next)}: pgoff ${next.pgoff} follows the range's pgoff ${vmg.pgoff} + ${pglen}: contiguous`
      : `next ${rangeText(next)}: pgoff ${next.pgoff}, but the range ends at pgoff ${want}`), 'next', next)
}

/** can_vma_merge_left(). */
function canMergeLeft(ctx: StepContext, vmg: MergeState): boolean {
  const prev = vmg.prev
  if (!prev) return ctx.check('can_vma_merge_left', 'prev-adjacent', false, 'no VMA below the range', 'prev')
  if (prev.end !== vmg.start) {
    return ctx.check('can_vma_merge_left', 'prev-adjacent', false, () => `prev ${rangeText(prev)} ends at ${prev.end}, not at the range's start ${vmg.start}`, 'prev', prev)
  }
  return canMergeAfter(ctx, vmg)
}

/** can_vma_merge_right(). */
function canMergeRight(ctx: StepContext, vmg: MergeState, canLeft: boolean): boolean {
  const next = vmg.next
  if (!next) return ctx.check('can_vma_merge_right', 'next-adjacent', false, 'no VMA above the range', 'next')
  if (vmg.end !== next.start) {
    return ctx.check('can_vma_merge_right', 'next-adjacent', false, () => `next ${rangeText(next)} starts at ${next.start}, not at the range's end ${vmg.end}`, 'next', next)
  }
  if (!canMergeBefore(ctx, vmg)) return false
  if (!canLeft) return true
  const prev = vmg.prev!
  const ok = !prev.anonVma || !next.anonVma || prev.anonVma === next.anonVma
  return ctx.check('can_vma_merge_right', 'prev-next-anon-vma', ok,
    () => (ok ? 'prev and next have compatible anon_vmas' : `prev ${rangeText(prev)} and next ${rangeText(next)} have different anon_vmas: merge with prev only`), 'next', next)
}

/** can_merge_remove_vma(): a VMA with vm_ops->close may not be deleted by a merge. */
const canMergeRemove = (v: Vma): boolean => !v.vmOpsClose

/** The anon_vma (and its fork-child state) the merged target ends up with (dup_anon_vma). */
export function inheritAnon(target: Vma, sources: ReadonlyArray<{ anonVma: number; forkChild: boolean }>): { anonVma: number; forkChild: boolean } {
  if (target.anonVma) return { anonVma: target.anonVma, forkChild: target.forkChild }
  for (const s of sources) if (s.anonVma) return { anonVma: s.anonVma, forkChild: s.forkChild }
  return { anonVma: 0, forkChild: false }
}

/**
 * vma_merge_new_range(): try to merge a new range [start, end) with prev and/or next.
 *
 *     PPPP****NNNN   →  both: prev grows over range and next; next is deleted
 *     PPPP****       →  prev: prev grows
 *         ****NNNN   →  next: next grows downwards, takes the range's pgoff
 *
 * Returns the merge kind and the resulting VMA, or null (no merge).
 */
export function mergeNewRange(ctx: StepContext, vmg: MergeState): { kind: MergeKind; vma: Vma } | null {
  if (vmg.flags & VM_SPECIAL) {
    ctx.check('vma_merge_new_range', 'not-special', false, () => `the range has ${flagNames(vmg.flags & VM_SPECIAL).join(' ')} (VM_SPECIAL): special VMAs are never merged`, 'new')
    return null
  }
  if (!vmg.prev && !vmg.next) {
    ctx.check('vma_merge_new_range', 'has-neighbours', false, 'no other VMA in the address space: nothing to merge with', 'new')
    return null
  }
  const left = canMergeLeft(ctx, vmg)
  let right = !vmg.justExpand && canMergeRight(ctx, vmg, left)
  if (vmg.justExpand) ctx.note('vma_merge_new_range', 'just-expand', 'brk: expand prev only (just_expand), next is not considered')
  if (!left && !right) return null

  const prev = vmg.prev
  const next = vmg.next
  if (left && right && !canMergeRemove(next!)) {
    ctx.check('can_merge_remove_vma', 'next-close', false, () => `next ${rangeText(next!)} has vm_ops->close and may not be deleted: merge with prev only`, 'next', next!)
    right = false
  }
  const rangeAnon = { anonVma: vmg.anonVma, forkChild: vmg.anonForkChild }
  if (left && right) {
    const p = prev!
    const n = next!
    const merged = commitMerge(ctx, {
      fn: 'vma_expand', target: p, side: 'prev', remove: [{ vma: n, side: 'next' }],
      grow: { end: n.end, ...inheritAnon(p, [n, rangeAnon]), labels: joinLabels(joinLabels(p.labels, vmg.labels), n.labels) },
    })
    return { kind: 'both', vma: merged }
  }
  if (left) {
    const p = prev!
    const merged = commitMerge(ctx, {
      fn: 'vma_expand', target: p, side: 'prev', remove: [],
      grow: { end: asPage(vmg.end), ...inheritAnon(p, [rangeAnon]), labels: joinLabels(p.labels, vmg.labels) },
    })
    return { kind: 'prev', vma: merged }
  }
  const n = next!
  const merged = commitMerge(ctx, {
    fn: 'vma_expand', target: n, side: 'next', remove: [],
    grow: { start: asPage(vmg.start), pgoff: vmg.pgoff, ...inheritAnon(n, [rangeAnon]), labels: joinLabels(vmg.labels, n.labels) },
  })
  return { kind: 'next', vma: merged }
}

/**
 * vma_expand() / commit_merge(): the target VMA is the same vm_area_struct,
 * given its new range (vma_set_range()); no new VMA is allocated.
 */
function noteExpand(ctx: StepContext, fn: 'vma_expand' | 'commit_merge', side: 'prev' | 'next' | 'middle', before: Vma, after: Vma): void {
  ctx.note(fn, 'expanded', () => `${side} ${rangeText(before)} grows in place to ${rangeText(after)}: the same vm_area_struct`, side, after)
}

/** commit_merge() shrinking middle in place (vmg->__adjust_middle_start, or middle as the target of a right merge). */
function noteShrink(ctx: StepContext, before: Vma, after: Vma): void {
  ctx.note('commit_merge', 'shrunk', () => `${rangeText(before)} shrinks in place to ${rangeText(after)}: the same vm_area_struct`, 'middle', after)
}

/** vma_complete(): a VMA the merge removed (vp->remove) is freed with vm_area_free(). */
function noteFreed(ctx: StepContext, side: 'next' | 'middle', v: Vma, why: string): void {
  ctx.note('vma_complete', 'vma-freed', () => `${side === 'next' ? 'next ' : ''}${rangeText(v)} is removed and freed (vm_area_free): ${why}`, side, v)
}

/**
 * commit_merge() (and vma_expand(), which ends in it): the target, prev or
 * next, keeps its vm_area_struct and takes its new range (vma_set_range());
 * middle either keeps its struct with what is left of it (shrunk) or is
 * removed; a removed VMA is freed (vma_complete(): vp->remove, vp->remove2).
 */
interface MergeCommit {
  fn: 'vma_expand' | 'commit_merge'
  /** vmg->target. */
  target: Vma
  side: 'prev' | 'next'
  /** The target's new fields: range, pgoff, flags, anon_vma, labels. */
  grow: VmaChanges
  /** middle, when it keeps the part the target does not take. */
  shrink?: { vma: Vma; changes: VmaChanges }
  /** The VMAs the merge deletes, in address order. */
  remove: ReadonlyArray<{ vma: Vma; side: 'middle' | 'next' }>
}

/** Applies a merge to the address space and records it; returns the target as it now is. */
function commitMerge(ctx: StepContext, c: MergeCommit): Vma {
  const merged = ctx.derive(c.target, c.grow)
  const shrunk = c.shrink ? ctx.derive(c.shrink.vma, c.shrink.changes) : null
  const removed = c.remove.map((r) => r.vma)
  // The record, like the VMAs, goes in address order: a shrunk middle lies above prev and below next.
  if (shrunk && c.side === 'next') noteShrink(ctx, c.shrink!.vma, shrunk)
  noteExpand(ctx, c.fn, c.side, c.target, merged)
  if (shrunk && c.side === 'prev') noteShrink(ctx, c.shrink!.vma, shrunk)
  if (c.side === 'prev') ctx.mm.replace([c.target, ...(c.shrink ? [c.shrink.vma] : []), ...removed], shrunk ? [merged, shrunk] : [merged])
  else ctx.mm.replace([...(c.shrink ? [c.shrink.vma] : []), ...removed, c.target], shrunk ? [shrunk, merged] : [merged])
  for (const r of c.remove) noteFreed(ctx, r.side, r.vma, `merged into ${c.side}`)
  return merged
}

/**
 * vma_merge_existing_range(): the range [start, end) of `middle` gets new flags;
 * can it merge with prev and/or next instead of being split off?
 *
 *     PPPP****NNNN   both: prev grows over middle and next
 *     PPPP****---    left: prev grows over [start,end), middle shrinks (or goes)
 *     ---****NNNN    right: next grows down over [start,end), middle shrinks (or goes)
 */
export function mergeExistingRange(ctx: StepContext, vmg: MergeState): { kind: MergeKind; vma: Vma } | null {
  const middle = vmg.middle!
  const leftSide = vmg.start === middle.start
  const rightSide = vmg.end === middle.end
  if (vmg.flags & VM_SPECIAL) {
    ctx.check('vma_merge_existing_range', 'not-special', false, () => `the new flags include ${flagNames(vmg.flags & VM_SPECIAL).join(' ')} (VM_SPECIAL): no merge`, 'middle', middle)
    return null
  }
  if (!leftSide && !rightSide) {
    ctx.check('vma_merge_existing_range', 'touches-edge', false, () => `the range ${rangeText(vmg)} is strictly inside ${rangeText(middle)}: it cannot touch a neighbour`, 'middle', middle)
    return null
  }
  const mergeLeft = leftSide ? canMergeLeft(ctx, vmg) : false
  let mergeRight = false
  if (rightSide) mergeRight = canMergeRight(ctx, vmg, mergeLeft)
  if (!mergeLeft && !mergeRight) return null
  const removeMiddle = leftSide && rightSide
  if (removeMiddle && !canMergeRemove(middle)) {
    ctx.check('can_merge_remove_vma', 'middle-close', false, () => `${rangeText(middle)} has vm_ops->close and would be deleted by the merge: no merge`, 'middle', middle)
    return null
  }
  const prev = vmg.prev
  const next = vmg.next
  if (mergeLeft && mergeRight && !canMergeRemove(next!)) {
    ctx.check('can_merge_remove_vma', 'next-close', false, () => `next ${rangeText(next!)} has vm_ops->close: merge with prev only`, 'next', next!)
    mergeRight = false
  }
  const mid = { anonVma: middle.anonVma, forkChild: middle.forkChild }
  if (mergeLeft && mergeRight) {
    // prev extend, middle delete, next delete
    const p = prev!
    const n = next!
    const merged = commitMerge(ctx, {
      fn: 'commit_merge', target: p, side: 'prev', remove: [{ vma: middle, side: 'middle' }, { vma: n, side: 'next' }],
      grow: { end: n.end, flags: vmg.flags, ...inheritAnon(p, [n, mid]), labels: joinLabels(joinLabels(p.labels, middle.labels), n.labels) },
    })
    return { kind: 'both', vma: merged }
  }
  if (mergeLeft) {
    // prev extend, middle shrink or delete
    const p = prev!
    const merged = commitMerge(ctx, {
      fn: 'commit_merge', target: p, side: 'prev',
      grow: {
        end: asPage(vmg.end), flags: vmg.flags, ...inheritAnon(p, [mid]),
        labels: joinLabels(p.labels, clipLabels(middle.labels, middle.start, asPage(vmg.end))),
      },
      remove: removeMiddle ? [{ vma: middle, side: 'middle' }] : [],
      shrink: removeMiddle ? undefined : {
        vma: middle,
        changes: { start: asPage(vmg.end), pgoff: middle.pgoff + (vmg.end - middle.start), labels: clipLabels(middle.labels, asPage(vmg.end), middle.end) },
      },
    })
    return { kind: 'prev', vma: merged }
  }
  // middle shrink or delete, next extend (downwards)
  const n = next!
  const merged = commitMerge(ctx, {
    fn: 'commit_merge', target: n, side: 'next',
    grow: {
      start: asPage(vmg.start), pgoff: n.pgoff - (n.start - vmg.start), flags: vmg.flags, ...inheritAnon(n, [mid]),
      labels: joinLabels(clipLabels(middle.labels, asPage(vmg.start), middle.end), n.labels),
    },
    remove: removeMiddle ? [{ vma: middle, side: 'middle' }] : [],
    shrink: removeMiddle ? undefined : { vma: middle, changes: { end: asPage(vmg.start), labels: clipLabels(middle.labels, middle.start, asPage(vmg.start)) } },
  })
  return { kind: 'next', vma: merged }
}

/** split_vma(): refuses when map_count has reached max_map_count, else __split_vma(). */
export function splitAllowed(ctx: StepContext, v: Vma, fn = 'split_vma'): boolean {
  const ok = ctx.mm.count < ctx.maxMapCount
  return ctx.check(fn, 'map-count', ok, () => (ok
    ? `splitting ${rangeText(v)} needs a new VMA: map_count ${ctx.mm.count} is below max_map_count ${ctx.maxMapCount}`
    : `splitting ${rangeText(v)} needs a new VMA, but map_count ${ctx.mm.count} has reached max_map_count ${ctx.maxMapCount}`), 'middle', v)
}

/**
 * __split_vma(): "if (vma->vm_ops && vma->vm_ops->may_split) { err = vma->vm_ops->may_split(vma, addr); … }".
 * Of the VMAs here perf's ring buffer has one (perf_mmap_may_split(): -EINVAL, always), and a
 * MAP_HUGETLB mapping (hugetlb_vm_op_split(): -EINVAL unless the address is on a huge page).
 */
export function maySplit(ctx: StepContext, v: Vma, at: number): boolean {
  if (v.file?.kind === 'hugetlb') {
    const aligned = (ctx.machine.basePage + at) % HUGE_PAGE_PAGES === 0
    return ctx.check('hugetlb_vm_op_split', 'may-split', aligned, () => (aligned
      ? `${rangeText(v)} is a huge page mapping and page ${at} is on a 2 MiB boundary: the split may go ahead`
      : `${rangeText(v)} is a huge page mapping: hugetlb_vm_op_split() refuses a split at page ${at}, inside a huge page (EINVAL)`), 'middle', v)
  }
  if (v.file?.kind !== 'perf') return true
  ctx.check('perf_mmap_may_split', 'may-split', false, () => `${rangeText(v)} is a perf ring buffer: its vm_ops->may_split refuses a split at page ${at} (EINVAL)`, 'middle', v)
  return false
}

/**
 * __split_vma(vma, addr, new_below): vm_area_dup() makes a new struct for the
 * side below `at` (new_below) or above it; `v`'s struct keeps the other side.
 * Returns [lower, upper]. Both keep v's flags and anon_vma (anon_vma_clone()).
 */
export function splitVma(ctx: StepContext, v: Vma, at: number, newBelow: boolean): [Vma, Vma] {
  // Callers ask maySplit() first (perf's ring buffer refuses every split).
  ctx.check('__split_vma', 'may-split', true, () => `${rangeText(v)} at ${at}: no vm_ops->may_split refuses it, so the split may go ahead`, 'middle', v)
  const below = { end: asPage(at), labels: clipLabels(v.labels, v.start, asPage(at)) }
  const above = { start: asPage(at), pgoff: v.pgoff + (at - v.start), labels: clipLabels(v.labels, asPage(at), v.end) }
  const lower = newBelow ? ctx.dup(v, below) : ctx.derive(v, below)
  const upper = newBelow ? ctx.derive(v, above) : ctx.dup(v, above)
  ctx.mm.replace([v], [lower, upper])
  ctx.note('__split_vma', 'split', () => `${rangeText(v)} split at ${at}: a new vm_area_struct ${rangeText(newBelow ? lower : upper)} (vm_area_dup); the VMA keeps ${rangeText(newBelow ? upper : lower)}`, 'middle', newBelow ? upper : lower)
  return [lower, upper]
}

/**
 * vma_modify() with new flags for [start, end) ⊆ middle: merge if possible,
 * else split off the range (split_vma() below, then above: the middle keeps
 * its struct) and give it the flags in place. Returns the VMA now covering
 * [start, end) (or more, when merged), or an errno.
 */
export function vmaModifyFlags(ctx: StepContext, prev: Vma | null, middle: Vma, start: number, end: number, flags: VmFlags, pkey = middle.pkey): { vma: Vma; merged: MergeKind | null } | { error: string } {
  const next = ctx.mm.at(ctx.mm.indexOf(middle) + 1) ?? null
  const vmg: MergeState = {
    start, end, pgoff: middle.pgoff + (start - middle.start), flags, pkey, file: middle.file,
    anonVma: middle.anonVma, anonForkChild: middle.forkChild, middle, prev, next, justExpand: false, labels: [],
  }
  const merged = mergeExistingRange(ctx, vmg)
  if (merged) {
    ctx.check('vma_merge_existing_range', 'merged', true, () => `merged with ${merged.kind === 'both' ? 'prev and next' : merged.kind}: now ${rangeText(merged.vma)}`, 'middle', merged.vma)
    return { vma: merged.vma, merged: merged.kind }
  }
  return splitOffWithFlags(ctx, middle, start, end, flags, pkey)
}

/**
 * No merge: split_vma() at start (new_below), then at end, and give [start, end)
 * the new flags in place: the middle keeps its struct (the tail of vma_modify(),
 * and of mprotect_fixup()/madvise_update_vma() before 6.12).
 */
export function splitOffWithFlags(ctx: StepContext, middle: Vma, start: number, end: number, flags: VmFlags, pkey = middle.pkey): { vma: Vma; merged: MergeKind | null } | { error: string } {
  let vma = middle
  if (vma.start < start) {
    if (!splitAllowed(ctx, vma)) return { error: 'ENOMEM' }
    if (!maySplit(ctx, vma, start)) return { error: 'EINVAL' }
    vma = splitVma(ctx, vma, start, true)[1]
  }
  if (vma.end > end) {
    // A refusal here leaves the first split in place, as the kernel does.
    if (!splitAllowed(ctx, vma)) return { error: 'ENOMEM' }
    if (!maySplit(ctx, vma, end)) return { error: 'EINVAL' }
    vma = splitVma(ctx, vma, end, false)[0]
  }
  // The flags are set on the VMA in place (vm_flags_reset()).
  const changed = ctx.derive(vma, pkey === vma.pkey ? { flags } : { flags, pkey })
  ctx.mm.replace([vma], [changed])
  return { vma: changed, merged: null }
}

/**
 * can_modify_vma() (mm/vma.h; mm/internal.h in 6.10 – 6.11): a VMA that mseal() sealed may not
 * be unmapped, moved, resized or have its protection changed. Releases without mseal() know no
 * VM_SEALED, so there any VMA may be modified.
 */
export function canModifyVma(ctx: StepContext, v: Vma): boolean {
  return !(ctx.profile.hasMseal && v.flags & VM_SEALED)
}
