/**
 * KSM (mm/ksm.c, include/linux/ksm.h): its view of a VMA, and prctl(PR_SET_MEMORY_MERGE)
 * (kernel/sys.c → ksm_enable_merge_any() / ksm_disable_merge_any()). ksm_madvise() is
 * walked by ./madvise.ts.
 */
import type { PrctlStep } from '../../scenario/types'
import {
  VM_DROPPABLE, VM_HUGETLB, VM_MAYSHARE, VM_MERGEABLE, VM_SHARED, VM_SPECIAL, flagNames, type VmFlags,
} from '../flags'
import type { FileObject } from '../mm-types'
import { rangeText, type StepContext } from '../process'

const KSM_INCOMPATIBLE = VM_SHARED | VM_MAYSHARE | VM_SPECIAL | VM_HUGETLB | VM_DROPPABLE

/** ksm_compatible() (6.17 form, b914c47d46da; ≤ 6.16 spells out the same set). No DAX files here. */
export function ksmCompatible(_file: FileObject | null, flags: VmFlags): boolean {
  return (flags & KSM_INCOMPATIBLE) === 0
}

/** Why ksm_compatible() said no, in words ("VM_SHARED VM_MAYSHARE"), or '' when it said yes. */
export function ksmIncompatibleReason(flags: VmFlags): string {
  return flagNames(flags & KSM_INCOMPATIBLE).join(' ')
}

/** __ksm_should_add_vma(): not already mergeable, and compatible. */
export function ksmShouldAdd(file: FileObject | null, flags: VmFlags): boolean {
  return (flags & VM_MERGEABLE) === 0 && ksmCompatible(file, flags)
}

/** ksm_vma_flags() (6.17+): the flags with VM_MERGEABLE added when merge-any applies. */
export function ksmVmaFlags(mergeAny: boolean, file: FileObject | null, flags: VmFlags): VmFlags {
  return mergeAny && ksmShouldAdd(file, flags) ? flags | VM_MERGEABLE : flags
}

/** prctl(PR_SET_MEMORY_MERGE): ksm_enable_merge_any() / ksm_disable_merge_any(). Never merges VMAs. */
export function doPrctl(ctx: StepContext, step: PrctlStep): void {
  const mm = ctx.mm
  const st = ctx.state
  if (!ctx.profile.hasMemoryMerge) {
    // kernel/sys.c before d7597f59d1d3 (6.4): option 67 falls to the switch's default.
    ctx.fail('EINVAL', 'sys_prctl', 'PR_SET_MEMORY_MERGE (67) does not exist in this release (it came in 6.4, d7597f59d1d3): prctl answers EINVAL. MADV_MERGEABLE is the way to ask for KSM here')
    ctx.report.outcome = 'failed'
    return
  }
  if (step.value !== 0) {
    if (st.mergeAny) {
      ctx.note('ksm_enable_merge_any', 'already', 'MMF_VM_MERGE_ANY is already set: nothing to do')
      return
    }
    st.ksmRegistered = true
    st.mergeAny = true
    let marked = 0
    for (const v of mm.toArray()) {
      if (ksmShouldAdd(v.file, v.flags)) {
        mm.replace([v], [ctx.derive(v, { flags: v.flags | VM_MERGEABLE })])
        marked++
      } else if (!(v.flags & VM_MERGEABLE)) {
        ctx.check('ksm_add_vmas', 'ksm-compatible', false, () => `${rangeText(v)} is not KSM-compatible (${ksmIncompatibleReason(v.flags)})`, 'middle', v)
      }
    }
    ctx.note('ksm_enable_merge_any', 'merge-any-on', () => `MMF_VM_MERGE_ANY set; ksm_add_vmas() gave VM_MERGEABLE to ${marked} existing VMA${marked === 1 ? '' : 's'}. No VMA merge is attempted: VMAs that now look alike stay separate`)
    ctx.report.outcome = marked ? 'modified' : 'unchanged'
    return
  }
  if (!st.mergeAny) {
    ctx.note('ksm_disable_merge_any', 'already', 'MMF_VM_MERGE_ANY is not set: nothing to do (VM_MERGEABLE from MADV_MERGEABLE stays)')
    ctx.report.outcome = 'unchanged'
    return
  }
  let cleared = 0
  for (const v of mm.toArray()) {
    if (v.flags & VM_MERGEABLE) {
      mm.replace([v], [ctx.derive(v, { flags: v.flags & ~VM_MERGEABLE })])
      cleared++
    }
  }
  st.mergeAny = false
  ctx.note('ksm_disable_merge_any', 'merge-any-off', () => `ksm_del_vmas() cleared VM_MERGEABLE on ${cleared} VMA${cleared === 1 ? '' : 's'} (also those set by MADV_MERGEABLE); no VMA merge is attempted`)
  ctx.report.outcome = cleared ? 'modified' : 'unchanged'
}
