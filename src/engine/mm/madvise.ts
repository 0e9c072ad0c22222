/**
 * madvise(): madvise_walk_vmas() and madvise_update_vma() (mm/madvise.c), for
 * MADV_MERGEABLE / MADV_UNMERGEABLE (ksm_madvise(), mm/ksm.c).
 */
import type { MadviseStep } from '../../scenario/types'
import { VM_HIGH_FLAGS, VM_MERGEABLE } from '../flags'
import { ksmCompatible, ksmIncompatibleReason } from './ksm'
import { rangeText, type StepContext } from '../process'
import type { Vma } from '../mm-types'
import { ModifyOutcome, modifyFlags } from './mprotect'

/** madvise_walk_vmas(): holes give ENOMEM at the end, but mapped parts are still processed. */
export function doMadvise(ctx: StepContext, step: MadviseStep): void {
  const { at, pages } = step
  let start = at
  const end = at + pages
  ctx.report.range = [at, end]
  if (pages === 0) {
    ctx.report.outcome = 'unchanged'
    return
  }
  const mm = ctx.mm
  let v: Vma | undefined = mm.firstEndingAfter(start)
  let prev: Vma | null = v && start > v.start ? v : mm.prevOf(start)
  let unmapped = false
  const outcome = new ModifyOutcome()
  for (;;) {
    if (!v) {
      ctx.fail('ENOMEM', 'madvise_walk_vmas', () => `no VMA at or above page ${start}`)
      break
    }
    if (start < v.start) {
      unmapped = true
      start = v.start
      if (start >= end) break
    }
    const cur: Vma = v
    const tmp = Math.min(v.end, end)
    // ksm_madvise()
    let newFlags = v.flags
    if (step.advice === 'MADV_MERGEABLE') {
      if (v.flags & VM_MERGEABLE) ctx.note('ksm_madvise', 'already', () => `${rangeText(cur)} already has VM_MERGEABLE`, 'middle', cur)
      else if (!ksmCompatible(v.file, v.flags)) ctx.check('ksm_madvise', 'ksm-compatible', false, () => `${rangeText(cur)} is not KSM-compatible (${ksmIncompatibleReason(cur.flags)}): the advice is silently ignored`, 'middle', cur)
      else {
        ctx.state.ksmRegistered = true
        newFlags |= VM_MERGEABLE
        ctx.note('ksm_madvise', 'ksm-flag-set', () => `${rangeText({ start, end: tmp })} gets VM_MERGEABLE`, 'middle', cur)
      }
    } else if (v.flags & VM_MERGEABLE) {
      newFlags &= ~(VM_MERGEABLE | (ctx.profile.unmergeableClearsHighFlags ? VM_HIGH_FLAGS : 0))
      ctx.note('ksm_madvise', 'ksm-flag-cleared', () => `${rangeText({ start, end: tmp })} loses VM_MERGEABLE${ctx.profile.unmergeableClearsHighFlags && cur.flags & VM_HIGH_FLAGS ? ' (and, before f04aad36a07c, every flag above bit 31)' : ''}`, 'middle', cur)
    } else {
      ctx.note('ksm_madvise', 'already', () => `${rangeText(cur)} has no VM_MERGEABLE: nothing to clear`, 'middle', cur)
    }
    // madvise_update_vma()
    let after: Vma = v
    if (newFlags !== v.flags) {
      const r = modifyFlags(ctx, prev, v, start, tmp, newFlags)
      if ('error' in r) {
        ctx.report.error = r.error
        break
      }
      outcome.add(r)
      after = r.vma
    }
    prev = after
    start = tmp
    if (start < prev.end) start = prev.end
    if (start >= end) break
    v = mm.firstEndingAfter(prev.end)
  }
  if (!ctx.report.error && unmapped) ctx.fail('ENOMEM', 'madvise_walk_vmas', 'part of the range is not mapped (the mapped parts were still advised)')
  ctx.report.outcome = outcome.value()
}
