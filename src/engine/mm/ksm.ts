/**
 * KSM's view of a VMA (mm/ksm.c, include/linux/ksm.h).
 */
import {
  VM_DROPPABLE, VM_HUGETLB, VM_MAYSHARE, VM_MERGEABLE, VM_SHARED, VM_SPECIAL, flagNames, type VmFlags,
} from '../flags'
import type { FileObject } from '../mm-types'

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
