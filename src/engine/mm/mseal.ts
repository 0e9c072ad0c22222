/**
 * mseal(2): mm/mseal.c (6.10+). do_mseal() refuses a range with any unmapped page in it
 * (range_contains_unmapped(); check_mm_seal() before 6.15) with ENOMEM before it changes
 * anything, then mseal_apply() gives every VMA of the range VM_SEALED through
 * vma_modify_flags() (split at the ends, merge with sealed neighbours); an already sealed VMA
 * is left as it is. What the seal forbids is checked where each call modifies a VMA:
 * canModifyVma() (./vma.ts) in munmap, mprotect and mremap, canMadviseModify() (./madvise.ts).
 */
import type { MsealStep } from '../../scenario/types'
import { VM_SEALED } from '../flags'
import { rangeText, type StepContext } from '../process'
import type { Vma } from '../mm-types'
import { ModifyOutcome, modifyFlags } from './mprotect'

export function doMseal(ctx: StepContext, step: MsealStep): void {
  const { at, pages } = step
  const end = at + pages
  ctx.report.range = [at, end]
  if (!ctx.profile.hasMseal) {
    ctx.fail('ENOSYS', 'sys_ni_syscall', 'this release has no mseal(2) (syscall 462 came in 6.10 with 8be7258aad44): the syscall table answers ENOSYS')
    ctx.report.outcome = 'failed'
    return
  }
  // do_mseal(): "if (end == start) return 0;"
  if (pages === 0) {
    ctx.report.outcome = 'unchanged'
    ctx.note('do_mseal', 'zero-length', 'length 0: nothing to do, returns 0')
    return
  }
  const mm = ctx.mm
  // range_contains_unmapped(): a gap before, between or after the VMAs of the range.
  let prevEnd = at
  for (const v of mm.overlapping(at, end)) {
    if (v.start > prevEnd) break
    prevEnd = v.end
  }
  if (prevEnd < end) {
    const hole = prevEnd
    ctx.fail('ENOMEM', 'range_contains_unmapped', () => `page ${hole} of ${rangeText({ start: at, end })} is not mapped: nothing is sealed`)
    ctx.report.outcome = 'failed'
    return
  }
  // mseal_apply()
  const outcome = new ModifyOutcome()
  let v: Vma | undefined = mm.firstEndingAfter(at)
  let prev: Vma | null = v && at > v.start ? v : mm.prevOf(at)
  let currStart = at
  while (v && v.start < end) {
    const cur: Vma = v
    const currEnd = Math.min(cur.end, end)
    let after = cur
    if (cur.flags & VM_SEALED) {
      ctx.note('mseal_apply', 'already-sealed', () => `${rangeText(cur)} is sealed already: nothing to do`, 'middle', cur)
    } else {
      const piece = { start: currStart, end: currEnd }
      ctx.note('mseal_apply', 'seal', () => `${rangeText(piece)} gets VM_SEALED (vma_modify_flags(): split off, merged with sealed neighbours)`, 'middle', cur)
      const r = modifyFlags(ctx, prev, cur, currStart, currEnd, cur.flags | VM_SEALED)
      if ('error' in r) {
        ctx.report.error = r.error
        ctx.report.outcome = outcome.value()
        return
      }
      outcome.add(r)
      after = r.vma
    }
    prev = after
    currStart = currEnd
    v = mm.firstEndingAfter(Math.max(after.end, currEnd))
  }
  ctx.report.outcome = outcome.value()
}
