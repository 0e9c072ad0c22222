/**
 * mlock(2), mlock2(2), munlock(2), mlockall(2), munlockall(2): mm/mlock.c. do_mlock() → apply_vma_lock_flags(), which walks
 * the VMAs of the range like mprotect (a hole ends it with ENOMEM, the part before stays changed)
 * and gives each piece its new VM_LOCKED/VM_LOCKONFAULT through mlock_fixup() →
 * vma_modify_flags() (split and merge). Then __mm_populate() faults the range in (not for
 * VM_LOCKONFAULT, nor for munlock).
 *
 * mlockall() → apply_mlockall_flags(): MCL_FUTURE puts VM_LOCKED (and VM_LOCKONFAULT) in
 * mm->def_flags, which do_mmap() and do_brk_flags() add to every later mapping; MCL_CURRENT
 * gives every VMA the lock flags through mlock_fixup() (whole VMAs: they merge, never split),
 * then mm_populate(0, TASK_SIZE) faults them in, ignoring errors. munlockall() is
 * apply_mlockall_flags(0).
 *
 * The process is assumed to be privileged (CAP_IPC_LOCK), as the recorder is: RLIMIT_MEMLOCK is
 * not checked.
 */
import type { MlockStep, MlockallStep, MunlockStep } from '../../scenario/types'
import { VM_DROPPABLE, VM_EXEC, VM_HUGETLB, VM_IO, VM_LOCKED, VM_LOCKONFAULT, VM_PFNMAP, VM_READ, VM_SPECIAL, VM_WRITE, flagMnemonics, type VmFlags } from '../flags'
import { rangeText, type StepContext } from '../process'
import type { Vma } from '../mm-types'
import { populateRange } from './memory'
import { ModifyOutcome, modifyFlags } from './mprotect'

/** VM_LOCKED_MASK = VM_LOCKED | VM_LOCKONFAULT. */
export const VM_LOCKED_MASK = VM_LOCKED | VM_LOCKONFAULT

export function doMlock(ctx: StepContext, step: MlockStep): void {
  const lockFlags = VM_LOCKED | (step.onFault ? VM_LOCKONFAULT : 0)
  if (applyVmaLockFlags(ctx, step.at, step.pages, lockFlags, step.onFault ? 'mlock2(MLOCK_ONFAULT)' : 'mlock') && !step.onFault && step.pages > 0) {
    // do_mlock(): "error = __mm_populate(start, len, 0)" after the walk.
    ctx.note('do_mlock', 'populate', () => `__mm_populate() faults ${rangeText({ start: step.at, end: step.at + step.pages })} in`)
    mmPopulate(ctx, step.at, step.at + step.pages)
  }
}

/**
 * __mm_populate(start, len, ignore_errors = 0) for mlock: VMA by VMA (VM_IO/VM_PFNMAP skipped),
 * stopping at the first that populate_vma_page_range() cannot fault in: one without access
 * (PROT_NONE: no FOLL_FORCE, so check_vma_flags() refuses the read) or secretmem. Its EFAULT
 * reaches the caller as ENOMEM (__mlock_posix_error_return()); VM_LOCKED stays set.
 */
function mmPopulate(ctx: StepContext, start: number, end: number): void {
  let pos = start
  while (pos < end) {
    const v = ctx.mm.firstEndingAfter(pos)
    if (!v || v.start >= end) return
    if (!(v.flags & (VM_IO | VM_PFNMAP))) {
      const refused = !(v.flags & (VM_READ | VM_WRITE | VM_EXEC)) ? 'has no access (PROT_NONE)' : v.file?.kind === 'secretmem' ? 'is secretmem' : null
      if (refused) {
        ctx.fail('ENOMEM', '__mm_populate', () => `${rangeText(v)} ${refused}: populate_vma_page_range() fails with EFAULT, which mlock answers as ENOMEM (__mlock_posix_error_return); the VMA stays VM_LOCKED`, 'middle', v)
        return
      }
    }
    const next = v.end
    populateRange(ctx, Math.max(pos, v.start), Math.min(end, v.end))
    pos = next
  }
}

export function doMunlock(ctx: StepContext, step: MunlockStep): void {
  applyVmaLockFlags(ctx, step.at, step.pages, 0, 'munlock')
}

/**
 * mlock_fixup(): VM_SPECIAL, hugetlb, secretmem and VM_DROPPABLE VMAs are left as they are
 * ("don't set VM_LOCKED or VM_LOCKONFAULT and don't count"), without an error.
 */
function lockRefusal(v: Vma): string | null {
  if (v.flags & VM_SPECIAL) return 'is VM_SPECIAL (VM_IO, VM_PFNMAP, VM_MIXEDMAP or VM_DONTEXPAND)'
  if (v.flags & VM_HUGETLB) return 'is hugetlb'
  if (v.file?.kind === 'secretmem') return 'is secretmem (its pages are locked already)'
  if (v.flags & VM_DROPPABLE) return 'is VM_DROPPABLE'
  return null
}

/** apply_vma_lock_flags(); true when the walk covered the whole range without an error. */
function applyVmaLockFlags(ctx: StepContext, at: number, pages: number, lockFlags: VmFlags, call: string): boolean {
  const end = at + pages
  ctx.report.range = [at, end]
  if (pages === 0) {
    ctx.report.outcome = 'unchanged'
    ctx.note('apply_vma_lock_flags', 'zero-length', 'length 0: nothing to do, returns 0')
    return false
  }
  const mm = ctx.mm
  let v: Vma | undefined = mm.lookup(at)
  if (!v) {
    ctx.fail('ENOMEM', 'apply_vma_lock_flags', () => `page ${at} is not mapped (vma_iter_load() finds nothing): ${call} changes nothing`)
    ctx.report.outcome = 'failed'
    return false
  }
  let prev: Vma | null = v.start < at ? v : mm.prevOf(v.start)
  let tmp = v.start
  let nstart = at
  const outcome = new ModifyOutcome()
  while (v && v.start < end) {
    const cur: Vma = v
    if (cur.start !== tmp) {
      const holeStart = tmp
      ctx.fail('ENOMEM', 'apply_vma_lock_flags', () => `hole at ${rangeText({ start: holeStart, end: cur.start })}: the part before it was changed`)
      ctx.report.outcome = outcome.value()
      return false
    }
    const newFlags = (cur.flags & ~VM_LOCKED_MASK) | lockFlags
    const nend = Math.min(cur.end, end)
    const refused = lockRefusal(cur)
    let after = cur
    if (newFlags === cur.flags) {
      ctx.note('mlock_fixup', 'unchanged', () => `${rangeText(cur)}: flags unchanged, nothing to do`, 'middle', cur)
    } else if (refused) {
      ctx.note('mlock_fixup', 'not-lockable', () => `${rangeText(cur)} ${refused}: its flags stay as they are, without an error`, 'middle', cur)
    } else {
      ctx.note('mlock_fixup', 'new-flags', () => `${rangeText({ start: nstart, end: nend })}: new flags ${flagMnemonics(newFlags).join(' ')}`, 'middle', cur)
      const r = modifyFlags(ctx, prev, cur, nstart, nend, newFlags)
      if ('error' in r) {
        ctx.report.error = r.error
        ctx.report.outcome = outcome.value()
        return false
      }
      outcome.add(r)
      after = r.vma
    }
    prev = after
    tmp = after.end
    nstart = tmp
    v = mm.firstEndingAfter(tmp)
  }
  ctx.report.outcome = outcome.value()
  if (tmp < end) {
    ctx.fail('ENOMEM', 'apply_vma_lock_flags', () => `pages ${rangeText({ start: tmp, end })} are not mapped: the part before was changed`)
    return false
  }
  return true
}

/**
 * SYSCALL_DEFINE1(mlockall): "if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) ||
 * flags == MCL_ONFAULT) return -EINVAL;", then apply_mlockall_flags(), then for MCL_CURRENT
 * mm_populate(0, TASK_SIZE).
 */
export function doMlockall(ctx: StepContext, step: MlockallStep): void {
  const current = step.flags.includes('MCL_CURRENT')
  const future = step.flags.includes('MCL_FUTURE')
  const onFault = step.flags.includes('MCL_ONFAULT')
  if (!current && !future) {
    ctx.fail('EINVAL', 'mlockall', step.flags.length ? 'MCL_ONFAULT alone is invalid: it needs MCL_CURRENT or MCL_FUTURE' : 'flags 0 is invalid')
    ctx.report.outcome = 'failed'
    return
  }
  applyMlockallFlags(ctx, current, future, onFault)
  if (current && !onFault) {
    ctx.note('mlockall', 'populate', 'MCL_CURRENT: mm_populate(0, TASK_SIZE) faults every VMA in, ignoring the ones it cannot fault (PROT_NONE)')
    populateRange(ctx, 0, ctx.windowPages)
  }
}

export function doMunlockall(ctx: StepContext): void {
  applyMlockallFlags(ctx, false, false, false)
}

/**
 * apply_mlockall_flags(): def_flags first ("current->mm->def_flags &= ~VM_LOCKED_MASK; if (flags &
 * MCL_FUTURE) ... |= VM_LOCKED"; "if (!(flags & MCL_CURRENT)) goto out"), then every VMA through
 * mlock_fixup() with newflags = (vm_flags & ~VM_LOCKED_MASK) | to_add. Errors are ignored.
 */
function applyMlockallFlags(ctx: StepContext, current: boolean, future: boolean, onFault: boolean): void {
  const st = ctx.state
  st.defFlags = future ? VM_LOCKED | (onFault ? VM_LOCKONFAULT : 0) : 0
  ctx.note('apply_mlockall_flags', 'def-flags', () => (future
    ? `MCL_FUTURE: mm->def_flags gets ${onFault ? 'VM_LOCKED|VM_LOCKONFAULT' : 'VM_LOCKED'}: every later mmap and brk is locked`
    : 'mm->def_flags loses VM_LOCKED and VM_LOCKONFAULT: later mappings are not locked'))
  if (future && !current) {
    ctx.report.outcome = 'unchanged'
    return
  }
  const toAdd = current ? VM_LOCKED | (onFault ? VM_LOCKONFAULT : 0) : 0
  const mm = ctx.mm
  const outcome = new ModifyOutcome()
  let prev: Vma | null = null
  let v: Vma | undefined = mm.firstEndingAfter(0)
  while (v) {
    const cur: Vma = v
    const newFlags = (cur.flags & ~VM_LOCKED_MASK) | toAdd
    const refused = lockRefusal(cur)
    let after = cur
    if (newFlags === cur.flags) {
      ctx.note('mlock_fixup', 'unchanged', () => `${rangeText(cur)}: flags unchanged, nothing to do`, 'middle', cur)
    } else if (refused) {
      ctx.note('mlock_fixup', 'not-lockable', () => `${rangeText(cur)} ${refused}: its flags stay as they are`, 'middle', cur)
    } else {
      ctx.note('mlock_fixup', 'new-flags', () => `${rangeText(cur)}: new flags ${flagMnemonics(newFlags).join(' ')}`, 'middle', cur)
      const r = modifyFlags(ctx, prev, cur, cur.start, cur.end, newFlags)
      if ('error' in r) {
        // "Ignore errors, but prev needs fixing up."
        ctx.note('apply_mlockall_flags', 'ignored-error', () => `${rangeText(cur)}: mlock_fixup() failed (${r.error}), which mlockall ignores`, 'middle', cur)
      } else {
        outcome.add(r)
        after = r.vma
      }
    }
    prev = after
    v = mm.firstEndingAfter(after.end)
  }
  ctx.report.outcome = outcome.value()
}
