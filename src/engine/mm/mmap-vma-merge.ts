/**
 * The merge code of 6.1 – 6.11: mm/mmap.c vma_merge() with its numbered cases,
 * the can_vma_merge_before()/can_vma_merge_after() tests it and its callers use,
 * and is_mergeable_anon_vma() in its old three-argument form. Read from
 * GrapheneOS/kernel_common-6.1 (6.1.131) and GrapheneOS/kernel_common-6.6
 * (6.6.129), mm/mmap.c. The profile's `mergeCode: 'vma_merge'` selects it;
 * 6.12 replaced it with vma_merge_new_range()/vma_merge_existing_range()
 * (./vma.ts, the series "mm: remove vma_merge()").
 *
 *   vmaMerge            ~ vma_merge()              mprotect, madvise, mremap (expand, copy_vma), the .mmap retry
 *   mmapRegionExpand    ~ __mmap_region()'s "Attempt to expand an old mapping" + vma_expand()
 *   brkCanExpand        ~ do_brk_flags()'s can_vma_merge_after(vma, flags, NULL, NULL, addr >> PAGE_SHIFT)
 *   vmaMergeModifyFlags ~ mprotect_fixup()/madvise_update_vma(): vma_merge(), else split_vma()
 *
 * The cases, as the kernel draws them (**** the range, P prev, C curr, N next):
 *
 *     ****             ****                   ****
 *    PPPPPPNNNNNN    PPPPPPNNNNNN       PPPPPPCCCCCC
 *    cannot merge    might become       might become
 *                    PPNNNNNNNNNN       PPPPPPPPPPCC
 *    mmap, brk or    case 4             case 5
 *    mremap move:
 *                        ****               ****
 *                    PPPP    NNNN       PPPPCCCCNNNN
 *                    might become       might become
 *                    PPPPPPPPPPPP 1 or  PPPPPPPPPPPP 6 or
 *                    PPPPPPPPNNNN 2 or  PPPPPPPPNNNN 7 or
 *                    PPPPNNNNNNNN 3     PPPPNNNNNNNN 8
 *
 * Shared with ./vma.ts, because the kernel's text is the same: the flag and
 * file tests of is_mergeable_vma(), and which anon_vma the survivor keeps.
 */
import { VM_SPECIAL, flagNames, type VmFlags } from '../flags'
import { flagsAndFileMatch, inheritAnon, splitOffWithFlags, type MergeKind } from './vma'
import { rangeText, type StepContext } from '../process'
import { asPage } from '../units'
import { clipLabels, joinLabels, vmaPages, type FileObject, type Label, type Vma } from '../mm-types'

/** The arguments vma_merge() takes (policy, uffd ctx and anon name are always the defaults here). */
export interface VmaMergeArgs {
  prev: Vma | null
  start: number
  end: number
  flags: VmFlags
  /** The range's protection key (VM_PKEY_BIT* of vm_flags). */
  pkey: number
  /** The anon_vma the range brings (0 for mmap/brk; the VMA's own for mprotect, madvise, mremap). */
  anonVma: number
  anonForkChild: boolean
  file: FileObject | null
  pgoff: number
  /** Labels of a new range's pages (mremap); an existing range keeps its own. */
  labels: readonly Label[]
}

export interface VmaMergeResult {
  kind: MergeKind
  /** vma_merge()'s case number, 1 – 8. */
  case: number
  vma: Vma
}

type Side = 'prev' | 'next'

/**
 * is_mergeable_anon_vma(anon_vma1, anon_vma2, vma): "The list_is_singular() test is to
 * avoid merging VMA cloned from parents." An unfaulted vma's chain is empty, and an empty
 * list is not singular, so a faulted range never merges into an unfaulted neighbour here
 * (the rule 879bca0a2c4f replaced in 6.16). `tgt` null is the prev-against-next form.
 */
function isMergeableAnonVma(ctx: StepContext, srcAnon: number, tgt: Vma, side: Side): boolean {
  const tgtAnon = tgt.anonVma
  const who = `${side} ${rangeText(tgt)}`
  const singular = tgtAnon !== 0 && !tgt.forkChild
  if ((!srcAnon || !tgtAnon) && singular) {
    return ctx.check('is_mergeable_anon_vma', 'anon-vma', true, () => `${who}: only one side has an anon_vma and ${side}'s anon_vma_chain is singular`, side, tgt)
  }
  if (srcAnon === tgtAnon) {
    return ctx.check('is_mergeable_anon_vma', 'anon-vma', true, () => (srcAnon ? `${who}: the same anon_vma` : `${who}: neither side has an anon_vma yet (unfaulted)`), side, tgt)
  }
  const why = !tgtAnon
    ? `${side} is unfaulted: its anon_vma_chain is empty, and an empty list is not "singular", so a faulted range may not merge into it`
    : !srcAnon
      ? `${side}'s anon_vma was inherited across fork(): its anon_vma_chain is not singular`
      : 'the range and the neighbour have different anon_vmas'
  return ctx.check('is_mergeable_anon_vma', 'anon-vma', false, () => `${who}: ${why}`, side, tgt)
}

/** is_mergeable_vma() as vma_merge()'s callers have it: the shared flag/file tests, then vm_ops->close per the release. */
function isMergeableVma(ctx: StepContext, tgt: Vma, a: VmaMergeArgs, side: Side, mayRemove: boolean, rangeName: string): boolean {
  if (!flagsAndFileMatch(ctx, tgt, a.flags, a.pkey, a.file, side, rangeName)) return false
  const closeMatters = ctx.profile.vmaMergeCloseRule === 'any-neighbour' || mayRemove
  if (closeMatters && tgt.vmOpsClose) {
    return ctx.check('is_mergeable_vma', 'vm-ops-close', false,
      () => (ctx.profile.vmaMergeCloseRule === 'any-neighbour'
        ? `${side} ${rangeText(tgt)} has vm_ops->close: this release never merges such a VMA (714965ca8252, 6.5, relaxed it)`
        : `${side} ${rangeText(tgt)} has vm_ops->close and may be removed by the merge`), side, tgt)
  }
  return true
}

/** can_vma_merge_after(prev, ...): prev may grow over the range (prev is never removed). */
export function canVmaMergeAfter(ctx: StepContext, prev: Vma, a: VmaMergeArgs, rangeName = 'the range'): boolean {
  if (!isMergeableVma(ctx, prev, a, 'prev', false, rangeName) || !isMergeableAnonVma(ctx, a.anonVma, prev, 'prev')) return false
  const want = prev.pgoff + vmaPages(prev)
  const ok = want === a.pgoff
  return ctx.check('can_vma_merge_after', 'pgoff-contiguous', ok,
    () => (ok
      ? `prev ${rangeText(prev)}: vm_pgoff ${prev.pgoff} + ${vmaPages(prev)} pages = ${want}, the range's pgoff: contiguous`
      : `prev ${rangeText(prev)}: vm_pgoff ${prev.pgoff} + ${vmaPages(prev)} pages = ${want}, but the range's pgoff is ${a.pgoff}`), 'prev', prev)
}

/** can_vma_merge_before(next, ..., pgoff + pglen): next may absorb the range ("We assume the vma may be removed"). */
export function canVmaMergeBefore(ctx: StepContext, next: Vma, a: VmaMergeArgs, rangeName = 'the range'): boolean {
  if (!isMergeableVma(ctx, next, a, 'next', true, rangeName) || !isMergeableAnonVma(ctx, a.anonVma, next, 'next')) return false
  const want = a.pgoff + (a.end - a.start)
  const ok = next.pgoff === want
  return ctx.check('can_vma_merge_before', 'pgoff-contiguous', ok,
    () => (ok
      ? `next ${rangeText(next)}: vm_pgoff ${next.pgoff} = the range's pgoff ${a.pgoff} + ${a.end - a.start}: contiguous`
      : `next ${rangeText(next)}: vm_pgoff ${next.pgoff}, but the range ends at pgoff ${want}`), 'next', next)
}

/** is_mergeable_anon_vma(prev->anon_vma, next->anon_vma, NULL): may prev and next become one VMA? */
function prevNextAnonCompatible(ctx: StepContext, prev: Vma, next: Vma): boolean {
  const ok = !prev.anonVma || !next.anonVma || prev.anonVma === next.anonVma
  return ctx.check('is_mergeable_anon_vma', 'prev-next-anon-vma', ok,
    () => (ok ? 'prev and next have compatible anon_vmas: all three can become one VMA'
      : `prev ${rangeText(prev)} and next ${rangeText(next)} have different anon_vmas: merge with prev only (case 2)`), 'next', next)
}

const CASE_TEXT: Record<number, string> = {
  1: 'case 1: the range fills the hole between prev and next; prev grows over both, next is removed',
  2: 'case 2: prev grows over the range',
  3: 'case 3: next grows down over the range and takes its pgoff',
  4: 'case 4: the tail of prev changes; next grows down over it, prev shrinks',
  5: 'case 5: the head of curr changes; prev grows over it, curr shrinks',
  6: 'case 6: all of curr changes; prev grows over curr and next, both are removed',
  7: 'case 7: all of curr changes; prev grows over curr, curr is removed',
  8: 'case 8: all of curr changes; next grows down over curr, curr is removed',
}

/**
 * vma_merge(mm, prev, addr, end, vm_flags, anon_vma, file, pgoff, ...): merge [start, end)
 * with prev and/or next. For a new range nothing is mapped there; for mprotect/madvise the
 * range lies in curr (starting at curr's start), or in prev itself (prev's tail).
 */
export function vmaMerge(ctx: StepContext, a: VmaMergeArgs): VmaMergeResult | null {
  const mm = ctx.mm
  const fn = 'vma_merge'
  if (a.flags & VM_SPECIAL) {
    ctx.check(fn, 'not-special', false, () => `the flags include ${flagNames(a.flags & VM_SPECIAL).join(' ')} (VM_SPECIAL): "We later require that vma->vm_flags == vm_flags, so this tests vma->vm_flags & VM_SPECIAL, too"`, 'new')
    return null
  }
  const prev = a.prev
  // "Does the input range span an existing VMA? (cases 5 - 8)"
  const from = prev ? prev.end : 0
  const curr = a.end > Math.max(from, a.start) ? (mm.overlapping(Math.max(from, a.start), a.end)[0] ?? null) : null
  // next: the VMA after prev (or after curr when the range ends where curr does), and a merge
  // with it needs "end == next->vm_start"; the VMA that only contains page `end` (the middle
  // itself, when mprotect changes a range inside it) is not next.
  const atEnd = !curr || a.end === curr.end ? (mm.lookup(a.end) ?? null) : null
  const next = atEnd && atEnd.start === a.end ? atEnd : null
  const rangeName = curr || (prev && a.start < prev.end) ? 'the modified range' : 'the new range'
  const mergePrev = prev !== null && a.start === prev.end && canVmaMergeAfter(ctx, prev, a, rangeName)
  if (prev && a.start !== prev.end && prev.end <= a.start) ctx.check(fn, 'prev-adjacent', false, () => `prev ${rangeText(prev)} ends at ${prev.end}, not at the range's start ${a.start}`, 'prev', prev)
  const mergeNext = next !== null && canVmaMergeBefore(ctx, next, a, rangeName)
  if (!next) ctx.check(fn, 'next-adjacent', false, () => (curr && a.end !== curr.end ? `the range ends inside ${rangeText(curr)} (case 5 at most): no next to merge with` : `no VMA starts at the range's end ${a.end}`), 'next')
  if (!mergePrev && !mergeNext) {
    ctx.check(fn, 'no-merge', false, 'neither prev nor next can take the range: vma_merge() returns NULL', 'new')
    return null
  }
  const mid = curr ? { anonVma: curr.anonVma, forkChild: curr.forkChild } : { anonVma: a.anonVma, forkChild: a.anonForkChild }
  const rangeLabels = (): readonly Label[] => (curr ? clipLabels(curr.labels, asPage(a.start), asPage(a.end)) : a.labels)
  const done = (kind: MergeKind, kase: number, vma: Vma): VmaMergeResult => {
    ctx.check(fn, `case-${kase}`, true, () => `${CASE_TEXT[kase]}: now ${rangeText(vma)}`, kind === 'next' ? 'next' : 'prev', vma)
    return { kind, case: kase, vma }
  }
  if (mergePrev && mergeNext && prevNextAnonCompatible(ctx, prev!, next!)) {
    const p = prev!
    const n = next!
    const merged = ctx.derive(p, {
      end: n.end, ...inheritAnon(p, [n, mid]),
      labels: joinLabels(joinLabels(p.labels, curr ? curr.labels : a.labels), n.labels),
    })
    mm.replace(curr ? [p, curr, n] : [p, n], [merged])
    return done('both', curr ? 6 : 1, merged)
  }
  if (mergePrev) {
    const p = prev!
    if (curr && a.end === curr.end && ctx.profile.vmaMergeCloseRule === 'removed-only' && curr.vmOpsClose) {
      // fc0c8f9089c2 "mm, mmap: fix vma_merge() case 7 with vma_ops->close"
      ctx.check(fn, 'case-7-close', false, () => `case 7 would remove ${rangeText(curr)}, which has vm_ops->close: no merge`, 'middle', curr)
      return null
    }
    const merged = ctx.derive(p, { end: asPage(a.end), ...inheritAnon(p, [mid]), labels: joinLabels(p.labels, rangeLabels()) })
    if (!curr) {
      mm.replace([p], [merged])
      return done('prev', 2, merged)
    }
    if (a.end === curr.end) {
      mm.replace([p, curr], [merged])
      return done('prev', 7, merged)
    }
    const rest = ctx.derive(curr, { start: asPage(a.end), pgoff: curr.pgoff + (a.end - curr.start), labels: clipLabels(curr.labels, asPage(a.end), curr.end) })
    mm.replace([p, curr], [merged, rest])
    return done('prev', 5, merged)
  }
  const n = next!
  if (prev && a.start < prev.end) {
    // case 4: the range is prev's tail.
    const grown = ctx.derive(n, {
      start: asPage(a.start), pgoff: n.pgoff - (n.start - a.start), ...inheritAnon(n, [{ anonVma: prev.anonVma, forkChild: prev.forkChild }]),
      labels: joinLabels(clipLabels(prev.labels, asPage(a.start), prev.end), n.labels),
    })
    const shrunk = ctx.derive(prev, { end: asPage(a.start), labels: clipLabels(prev.labels, prev.start, asPage(a.start)) })
    mm.replace([prev, n], [shrunk, grown])
    return done('next', 4, grown)
  }
  const grown = ctx.derive(n, {
    start: asPage(a.start), pgoff: curr ? curr.pgoff : n.pgoff - (a.end - a.start), ...inheritAnon(n, [mid]),
    labels: joinLabels(rangeLabels(), n.labels),
  })
  mm.replace(curr ? [curr, n] : [n], [grown])
  return done('next', curr ? 8 : 3, grown)
}

/**
 * mprotect_fixup() / madvise_update_vma() up to 6.11: `*pprev = vma_merge(...)`; if that
 * returns NULL, split_vma() at start and/or end and set the new flags.
 */
export function vmaMergeModifyFlags(ctx: StepContext, prev: Vma | null, middle: Vma, start: number, end: number, flags: VmFlags, pkey = middle.pkey): { vma: Vma; merged: MergeKind | null } | { error: string } {
  const merged = vmaMerge(ctx, {
    prev, start, end, flags, pkey, anonVma: middle.anonVma, anonForkChild: middle.forkChild, file: middle.file,
    pgoff: middle.pgoff + (start - middle.start), labels: [],
  })
  if (merged) return { vma: merged.vma, merged: merged.kind }
  return splitOffWithFlags(ctx, middle, start, end, flags, pkey)
}

/**
 * __mmap_region() up to 6.11, "Attempt to expand an old mapping": next first
 * (can_vma_merge_before with no anon_vma), then prev (can_vma_merge_after with next's
 * anon_vma when next was chosen), then vma_expand(), which removes next when prev
 * grows over it. vma_merge() itself is not called here.
 */
export function mmapRegionExpand(ctx: StepContext, a: VmaMergeArgs, next: Vma | null): { kind: MergeKind; vma: Vma } | null {
  const fn = '__mmap_region'
  const mm = ctx.mm
  const prev = a.prev
  if (a.flags & VM_SPECIAL) {
    ctx.check(fn, 'not-special', false, () => `the flags include ${flagNames(a.flags & VM_SPECIAL).join(' ')} (VM_SPECIAL): goto cannot_expand`, 'new')
    return null
  }
  if (!prev && !next) {
    ctx.check(fn, 'has-neighbours', false, 'no other VMA in the address space: nothing to expand', 'new')
    return null
  }
  // /* Check next */
  let target: Vma | null = null
  if (next && next.start === a.end) {
    if (canVmaMergeBefore(ctx, next, a, 'the new range')) target = next
  } else ctx.check(fn, 'next-adjacent', false, () => (next ? `next ${rangeText(next)} starts at ${next.start}, not at the range's end ${a.end}` : 'no VMA above the range'), 'next')
  // /* Check prev */
  let prevOk = false
  if (prev && prev.end === a.start) {
    const withAnon = target ? { ...a, anonVma: target.anonVma, anonForkChild: target.forkChild } : a
    if (target && target.anonVma) ctx.note(fn, 'prev-with-next-anon', () => `prev is tested with next's anon_vma, since next was chosen: can_vma_merge_after(prev, vm_flags, vma->anon_vma, ...)`, 'prev', prev)
    prevOk = canVmaMergeAfter(ctx, prev, withAnon, 'the new range')
  } else ctx.check(fn, 'prev-adjacent', false, () => (prev ? `prev ${rangeText(prev)} ends at ${prev.end}, not at the range's start ${a.start}` : 'no VMA below the range'), 'prev')
  if (prevOk) {
    const p = prev!
    const removeNext = target !== null
    const end = removeNext ? target!.end : a.end
    const merged = ctx.derive(p, {
      end: asPage(end), ...inheritAnon(p, removeNext ? [target!] : []),
      labels: removeNext ? joinLabels(joinLabels(p.labels, a.labels), target!.labels) : joinLabels(p.labels, a.labels),
    })
    mm.replace(removeNext ? [p, target!] : [p], [merged])
    ctx.check('vma_expand', 'expanded', true, () => (removeNext ? `prev grows over the range and next (next is removed): now ${rangeText(merged)}` : `prev grows over the range: now ${rangeText(merged)}`), 'prev', merged)
    return { kind: removeNext ? 'both' : 'prev', vma: merged }
  }
  if (target) {
    const n = target
    const merged = ctx.derive(n, { start: asPage(a.start), pgoff: n.pgoff - (a.end - a.start), labels: joinLabels(a.labels, n.labels) })
    mm.replace([n], [merged])
    ctx.check('vma_expand', 'expanded', true, () => `next grows down over the range (vm_pgoff = next->vm_pgoff - pglen): now ${rangeText(merged)}`, 'next', merged)
    return { kind: 'next', vma: merged }
  }
  return null
}

/** do_brk_flags() up to 6.11: `vma->vm_end == addr && can_vma_merge_after(vma, flags, NULL, NULL, addr >> PAGE_SHIFT)`. */
export function brkCanExpand(ctx: StepContext, brkVma: Vma, start: number, end: number, flags: VmFlags): boolean {
  return canVmaMergeAfter(ctx, brkVma, { prev: brkVma, start, end, flags, pkey: 0, anonVma: 0, anonForkChild: false, file: null, pgoff: ctx.anonPgoff(start), labels: [] }, 'the heap growth')
}
