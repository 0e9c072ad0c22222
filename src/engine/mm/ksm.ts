/**
 * KSM (mm/ksm.c, include/linux/ksm.h): its view of a VMA (ksm_compatible(),
 * __ksm_should_add_vma()), the flag a new VMA gets under MMF_VM_MERGE_ANY
 * (ksm_add_vma() late, ksm_vma_flags() early), ksm_madvise() for
 * MADV_MERGEABLE/UNMERGEABLE (called from ./madvise.ts's madvise_vma_behavior()),
 * and prctl(PR_SET_MEMORY_MERGE) (kernel/sys.c → ksm_enable_merge_any() /
 * ksm_disable_merge_any()).
 */
import type { MadviseAdvice, PrctlStep } from '../../scenario/types'
import {
  VM_DROPPABLE, VM_HIGH_FLAGS, VM_HUGETLB, VM_MAYSHARE, VM_MERGEABLE, VM_SHARED, VM_SPECIAL, flagNames, type VmFlags,
} from '../flags'
import type { FileObject, Vma } from '../mm-types'
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

/**
 * VM_MERGEABLE for a new mapping under MMF_VM_MERGE_ANY: early through update_ksm_flags() →
 * ksm_vma_flags() (6.17, cf7e7a3503df), or late through ksm_add_vma() on the new VMA. `stage`
 * says where in the mmap path it happens, for the decision record.
 */
export function ksmAddVma(ctx: StepContext, file: FileObject | null, flags: VmFlags, when: 'early' | 'late', stage: string): VmFlags {
  if (!ctx.state.mergeAny) return flags
  if (ksmShouldAdd(file, flags)) {
    ctx.check(when === 'early' ? 'update_ksm_flags' : 'ksm_add_vma', 'ksm-flag-set', true,
      () => (when === 'early'
        ? `VM_MERGEABLE set early (${stage}), before the merge attempt: the new range now matches neighbours that carry it`
        : `VM_MERGEABLE set late (${stage}), after the merge attempt`), 'new')
    return flags | VM_MERGEABLE
  }
  ctx.check('ksm_compatible', 'ksm-compatible', false, () => `not KSM-compatible (${ksmIncompatibleReason(flags)}): VM_MERGEABLE is not set`, 'new')
  return flags
}

/**
 * ksm_madvise() for MADV_MERGEABLE / MADV_UNMERGEABLE on VMA `v` (the part of it advised is
 * `piece`): the new vm_flags. MERGEABLE on a KSM-incompatible VMA is silently ignored. Under a
 * profile with unmergeableClearsHighFlags, UNMERGEABLE also clears every flag above bit 31 (the
 * 32-bit mask fixed by f04aad36a07c).
 */
export function ksmMadvise(ctx: StepContext, v: Vma, piece: { start: number; end: number }, advice: Extract<MadviseAdvice, 'MADV_MERGEABLE' | 'MADV_UNMERGEABLE'>): VmFlags {
  const f = v.flags
  if (advice === 'MADV_MERGEABLE') {
    if (f & VM_MERGEABLE) ctx.note('ksm_madvise', 'already', () => `${rangeText(v)} already has VM_MERGEABLE`, 'middle', v)
    else if (!ksmCompatible(v.file, f)) ctx.check('ksm_madvise', 'ksm-compatible', false, () => `${rangeText(v)} is not KSM-compatible (${ksmIncompatibleReason(v.flags)}): the advice is silently ignored`, 'middle', v)
    else {
      ctx.state.ksmRegistered = true
      ctx.note('ksm_madvise', 'ksm-flag-set', () => `${rangeText(piece)} gets VM_MERGEABLE`, 'middle', v)
      return f | VM_MERGEABLE
    }
    return f
  }
  if (!(f & VM_MERGEABLE)) {
    ctx.note('ksm_madvise', 'already', () => `${rangeText(v)} has no VM_MERGEABLE: nothing to clear`, 'middle', v)
    return f
  }
  const high = ctx.profile.unmergeableClearsHighFlags
  ctx.note('ksm_madvise', 'ksm-flag-cleared', () => `${rangeText(piece)} loses VM_MERGEABLE${high && f & VM_HIGH_FLAGS ? ' (and, before f04aad36a07c, every flag above bit 31)' : ''}`, 'middle', v)
  return f & ~(VM_MERGEABLE | (high ? VM_HIGH_FLAGS : 0))
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
