/**
 * brk(): sys_brk() + do_brk_flags(). The heap grows by expanding the VMA just
 * below the old break (just_expand: prev only), or by a new VMA. Since 6.17
 * (and in v2) do_brk_flags() computes KSM flags first (ksm_vma_flags(mm, NULL,
 * flags)); before, ksm_add_vma() ran on the new-VMA path only.
 */
import type { BrkStep } from '../../scenario/types'
import { VM_ACCOUNT, VM_LOCKED, VM_MAYEXEC, VM_MAYREAD, VM_MAYWRITE, VM_MERGEABLE, VM_READ, VM_WRITE, flagMnemonics } from '../flags'
import { ksmShouldAdd } from './ksm'
import { mergeNewRange } from './vma'
import { brkCanExpand } from './mmap-vma-merge'
import { rangeText, type StepContext } from '../process'
import { asPage } from '../units'
import { joinLabels } from '../mm-types'
import { unmapRange } from './vma-munmap'
import { populateRange } from './memory'

/** VM_DATA_DEFAULT_FLAGS on x86-64 (no READ_IMPLIES_EXEC). */
const VM_DATA_DEFAULT_FLAGS = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC

export const HEAP_LABEL = '[heap]'

export function doBrk(ctx: StepContext, step: BrkStep): void {
  const st = ctx.state
  const mm = ctx.mm
  const startBrk = st.brkStart!
  const oldBrk = st.brk!
  const newBrk = startBrk + step.pages
  ctx.report.ksm = 'none'
  const refuse = (fn: string, text: string): void => {
    ctx.fail('ENOMEM', fn, () => `${text}; brk() returns the old break ${oldBrk} and libc reports ENOMEM`)
    ctx.report.outcome = 'failed'
  }
  if (newBrk === oldBrk) {
    ctx.report.outcome = 'unchanged'
    ctx.note('sys_brk', 'unchanged', () => `the break is already at ${newBrk}`)
    return
  }
  if (newBrk < oldBrk) {
    ctx.report.range = [newBrk, oldBrk]
    // "Always allow shrinking brk": unmap [newbrk, oldbrk) if a VMA is there.
    if (mm.overlapping(newBrk, oldBrk).length === 0) {
      refuse('sys_brk', `no VMA in ${rangeText({ start: newBrk, end: oldBrk })} to shrink`)
      return
    }
    const err = unmapRange(ctx, newBrk, oldBrk)
    if (err) {
      refuse('do_vmi_align_munmap', 'the unmap failed')
      return
    }
    st.brk = newBrk
    ctx.report.outcome = 'shrunk'
    return
  }
  ctx.report.range = [oldBrk, newBrk]
  // "Check against existing mmap mappings": next && newbrk + PAGE_SIZE > vm_start_gap(next)
  const next = mm.overlapping(oldBrk, newBrk + 1)[0]
  if (next) {
    refuse('sys_brk', `the VMA ${rangeText(next)} leaves no one-page gap above the new break ${newBrk}`)
    return
  }
  if (newBrk + 1 > ctx.windowPages) {
    refuse('sys_brk', `the window ends at ${ctx.windowPages}: the new break ${newBrk} would leave no one-page gap below it`)
    return
  }
  // brkvma = vma_prev_limit(&vmi, mm->start_brk)
  const below = mm.prevOf(oldBrk)
  const brkVma = below && below.end > startBrk ? below : null
  // do_brk_flags()
  // "vm_flags |= VM_DATA_DEFAULT_FLAGS | VM_ACCOUNT | mm->def_flags"
  let flags = VM_DATA_DEFAULT_FLAGS | VM_ACCOUNT | st.defFlags
  const p = ctx.profile
  const mergeAny = st.mergeAny
  if (p.ksm !== 'late' && mergeAny && ksmShouldAdd(null, flags)) {
    flags |= VM_MERGEABLE
    ctx.report.ksm = 'early'
    ctx.check('do_brk_flags', 'ksm-flag-set', true, 'ksm_vma_flags(): VM_MERGEABLE set early, before the expansion attempt', 'new')
  } else if (p.ksm === 'late' && mergeAny) {
    ctx.note('do_brk_flags', 'ksm-late', 'this kernel sets VM_MERGEABLE only on a new heap VMA (ksm_add_vma()), after the expansion attempt', 'new')
  }
  ctx.note('do_brk_flags', 'vm-flags', () => `vm_flags = ${flagMnemonics(flags).join(' ')}`, 'new')
  if (mm.count > ctx.maxMapCount) {
    refuse('do_brk_flags', `map_count ${mm.count} exceeds max_map_count ${ctx.maxMapCount}`)
    return
  }
  const labels = [{ start: asPage(oldBrk), end: asPage(newBrk), name: HEAP_LABEL }]
  if (brkVma && brkVma.end === oldBrk && p.mergeCode === 'vma_merge') {
    // ≤ 6.11: "Expand the existing vma if possible; Note that singular lists do not occur after forking."
    if (brkCanExpand(ctx, brkVma, oldBrk, newBrk, flags)) {
      const grown = ctx.derive(brkVma, { end: asPage(newBrk), labels: joinLabels(brkVma.labels, labels) })
      mm.replace([brkVma], [grown])
      st.brk = newBrk
      ctx.report.outcome = 'expanded'
      ctx.check('do_brk_flags', 'expanded', true, () => `the heap VMA expands to ${rangeText(grown)}`, 'prev', grown)
      populateIfLocked(ctx, oldBrk, newBrk)
      return
    }
  } else if (brkVma && brkVma.end === oldBrk) {
    const r = mergeNewRange(ctx, {
      start: oldBrk, end: newBrk, pgoff: ctx.anonPgoff(oldBrk), flags, pkey: 0, file: null, anonVma: 0, anonForkChild: false,
      middle: null, prev: brkVma, next: null, justExpand: true, labels,
    })
    if (r) {
      st.brk = newBrk
      ctx.report.outcome = 'expanded'
      ctx.check('do_brk_flags', 'expanded', true, () => `the heap VMA expands to ${rangeText(r.vma)}`, 'prev', r.vma)
      populateIfLocked(ctx, oldBrk, newBrk)
      return
    }
  } else {
    ctx.note('do_brk_flags', 'no-brkvma', () => (brkVma ? `the VMA below the break ${rangeText(brkVma)} does not end at it` : 'no VMA below the break: a new heap VMA'))
  }
  if (p.ksm === 'late' && mergeAny && ksmShouldAdd(null, flags)) {
    flags |= VM_MERGEABLE
    ctx.report.ksm = 'late'
    ctx.check('ksm_add_vma', 'ksm-flag-set', true, 'VM_MERGEABLE set late, on the new heap VMA', 'new')
  }
  const v = ctx.make({
    start: asPage(oldBrk), end: asPage(newBrk), pgoff: ctx.anonPgoff(oldBrk), flags, pkey: 0, file: null, anonVma: 0, forkChild: false,
    vmOpsClose: false, anonymous: true, hook: null, labels,
  })
  mm.insert(v)
  st.brk = newBrk
  ctx.report.outcome = 'new'
  ctx.check('do_brk_flags', 'new-vma', true, () => `a new heap VMA ${rangeText(v)}`, 'new', v)
  populateIfLocked(ctx, oldBrk, newBrk)
}

/** sys_brk(): "if (mm->def_flags & VM_LOCKED) populate = true;" then mm_populate(oldbrk, newbrk - oldbrk). */
function populateIfLocked(ctx: StepContext, oldBrk: number, newBrk: number): void {
  if (!(ctx.state.defFlags & VM_LOCKED)) return
  ctx.note('sys_brk', 'populate', () => `mm->def_flags has VM_LOCKED (mlockall(MCL_FUTURE)): mm_populate() faults ${rangeText({ start: oldBrk, end: newBrk })} in`)
  populateRange(ctx, oldBrk, newBrk)
}
