/**
 * mprotect() and pkey_mprotect(): do_mprotect_pkey() and mprotect_fixup() (mm/mprotect.c).
 */
import type { MprotectStep, PkeyMprotectStep } from '../../scenario/types'
import { archOverrideMprotectPkey, mmPkeyIsAllocated } from './pkeys'
import {
  VM_ACCESS_FLAGS, VM_ACCOUNT, VM_EXEC, VM_HUGETLB, VM_MAYEXEC, VM_MAYREAD, VM_MAYWRITE,
  VM_LOCKED, VM_NORESERVE, VM_READ, VM_SHARED, VM_WRITE, flagMnemonics, protToFlags, type VmFlags,
} from '../flags'
import { canModifyVma, vmaModifyFlags, type MergeKind } from './vma'
import { vmaMergeModifyFlags } from './mmap-vma-merge'
import type { Outcome } from '../api'
import { rangeText, type StepContext } from '../process'
import type { Vma } from '../mm-types'
import { populateRange } from './memory'

/** How a walk over several VMAs came out, for the step's outcome. */
export class ModifyOutcome {
  private merges: MergeKind[] = []
  private changed = false

  add(r: { merged: MergeKind | null }): void {
    this.changed = true
    if (r.merged) this.merges.push(r.merged)
  }

  /** merged-prev/next/both when exactly one merge happened, else modified / unchanged. */
  value(): Outcome {
    if (this.merges.length === 1) return `merged-${this.merges[0]!}` as Outcome
    return this.changed ? 'modified' : 'unchanged'
  }
}

/** mprotect_fixup()/madvise_update_vma(): vma_merge() then split (≤ 6.11), or vma_modify_flags() (6.12+). */
export const modifyFlags = (ctx: StepContext, prev: Vma | null, middle: Vma, start: number, end: number, flags: VmFlags, pkey = middle.pkey) =>
  (ctx.profile.mergeCode === 'vma_merge' ? vmaMergeModifyFlags : vmaModifyFlags)(ctx, prev, middle, start, end, flags, pkey)

/**
 * Walk the VMAs of [start, end) the way do_mprotect_pkey() does: stop at the
 * first hole with ENOMEM (what came before the hole stays changed). mprotect() is
 * do_mprotect_pkey(start, len, prot, -1).
 */
export function doMprotect(ctx: StepContext, step: MprotectStep | PkeyMprotectStep): void {
  const { at, pages } = step
  const pkey = step.op === 'pkey_mprotect' ? step.pkey : -1
  const end = at + pages
  ctx.report.range = [at, end]
  if (pages === 0) {
    ctx.report.outcome = 'unchanged'
    ctx.note('do_mprotect_pkey', 'zero-length', 'length 0: nothing to do, returns 0')
    return
  }
  // "If userspace did a pkey_mprotect() with a pkey that is not allocated, error out." — before any VMA is looked at.
  if (pkey !== -1 && !mmPkeyIsAllocated(ctx, pkey)) {
    ctx.fail('EINVAL', 'do_mprotect_pkey', () => `protection key ${pkey} is not allocated (mm_pkey_is_allocated()${ctx.machine.protectionKeys ? '' : `: this machine has no protection keys (assumed${ctx.machine.protectionKeysKnown ? ' by the scenario' : ' by default'}), so no key is`})`)
    return
  }
  const mm = ctx.mm
  const protFlags = protToFlags(step.prot)
  let v: Vma | undefined = mm.firstEndingAfter(at)
  if (!v || v.start >= end || v.start > at) {
    ctx.fail('ENOMEM', 'do_mprotect_pkey', () => `page ${at} is not mapped`)
    return
  }
  let prev: Vma | null = v.start < at ? v : mm.prevOf(v.start)
  // do_mprotect_pkey(): tmp walks VMA starts (it begins at the first VMA's start), nstart the range.
  let tmp: number = v.start
  let nstart = at
  const outcome = new ModifyOutcome()
  while (v && v.start < end) {
    const cur: Vma = v
    if (cur.start !== tmp) {
      const holeStart = tmp
      ctx.fail('ENOMEM', 'do_mprotect_pkey', () => `hole at ${rangeText({ start: holeStart, end: cur.start })}: the part before it was changed`)
      break
    }
    const nend = Math.min(v.end, end)
    // new_vma_pkey = arch_override_mprotect_pkey(vma, prot, pkey); newflags = calc_vm_prot_bits(prot, new_vma_pkey) | ...
    const newPkey = archOverrideMprotectPkey(ctx, cur, step.prot, pkey)
    let newFlags: VmFlags = protFlags | (v.flags & ~VM_ACCESS_FLAGS)
    // (newflags & ~(newflags >> 4)) & VM_ACCESS_FLAGS: each access bit needs its VM_MAY* bit.
    if ((newFlags & VM_READ && !(newFlags & VM_MAYREAD)) || (newFlags & VM_WRITE && !(newFlags & VM_MAYWRITE)) || (newFlags & VM_EXEC && !(newFlags & VM_MAYEXEC))) {
      ctx.fail('EACCES', 'do_mprotect_pkey', () => `${rangeText(cur)} lacks the VM_MAY* bit for ${step.prot}`, 'middle', cur)
      break
    }
    // mprotect_fixup(): "if (vma_is_sealed(vma)) return -EPERM;", before it looks at the flags.
    if (!canModifyVma(ctx, cur)) {
      ctx.fail('EPERM', 'mprotect_fixup', () => `${rangeText(cur)} is sealed (mseal): its protection cannot change; the part before it was changed`, 'middle', cur)
      break
    }
    if (newFlags === v.flags && newPkey === v.pkey) {
      ctx.note('mprotect_fixup', 'unchanged', () => `${rangeText(cur)}: flags unchanged, nothing to do (no merge attempt)`, 'middle', cur)
      prev = v
      tmp = v.end
    } else {
      const old = v.flags
      if (newFlags & VM_WRITE) {
        if (!(old & (VM_ACCOUNT | VM_WRITE | VM_HUGETLB | VM_SHARED | VM_NORESERVE))) {
          newFlags |= VM_ACCOUNT
          ctx.note('mprotect_fixup', 'account', () => `${rangeText(cur)} becomes private writable: VM_ACCOUNT is charged`, 'middle', cur)
        }
      } else if (old & VM_ACCOUNT && v.anonymous && !v.anonVma && ctx.profile.mprotectUnaccountsUnfaulted) {
        newFlags &= ~VM_ACCOUNT
        ctx.note('mprotect_fixup', 'account', () => `${rangeText(cur)} is anonymous, unfaulted and no longer writable: VM_ACCOUNT is dropped`, 'middle', cur)
      }
      ctx.note('mprotect_fixup', 'new-flags', () => `${rangeText({ start: nstart, end: nend })}: new flags ${flagMnemonics(newFlags).join(' ')}${newPkey !== cur.pkey ? `, protection key ${newPkey} (was ${cur.pkey})` : ''}`, 'middle', cur)
      const r = modifyFlags(ctx, prev, v, nstart, nend, newFlags, newPkey)
      if ('error' in r) {
        ctx.report.error = r.error
        break
      }
      outcome.add(r)
      let after = r.vma
      // mprotect_fixup(): "Private VM_LOCKED VMA becoming writable: trigger COW to avoid major
      // fault on access" → populate_vma_page_range(vma, start, end).
      if ((old & (VM_WRITE | VM_SHARED | VM_LOCKED)) === VM_LOCKED && newFlags & VM_WRITE) {
        const [ps, pe] = [nstart, nend]
        ctx.note('mprotect_fixup', 'populate', () => `${rangeText({ start: ps, end: pe })} is private, VM_LOCKED and becomes writable: populate_vma_page_range() breaks COW now`, 'middle', after)
        populateRange(ctx, ps, pe)
        after = mm.lookup(ps) ?? after
      }
      prev = after
      tmp = after.end
    }
    nstart = tmp
    v = mm.firstEndingAfter(tmp)
  }
  if (!ctx.report.error && tmp < end) ctx.fail('ENOMEM', 'do_mprotect_pkey', () => `pages ${rangeText({ start: tmp, end })} are not mapped: the part before was changed`)
  ctx.report.outcome = outcome.value()
}
