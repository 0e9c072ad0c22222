/**
 * Memory protection keys on x86-64: pkey_alloc(), pkey_free() (mm/mprotect.c), the mm's key
 * allocation (arch/x86/include/asm/pkeys.h: mm_pkey_is_allocated(), mm_pkey_alloc(),
 * mm_pkey_free()), and the keys do_mmap() and do_mprotect_pkey() give a VMA
 * (arch/x86/mm/pkeys.c: __execute_only_pkey(), __arch_override_mprotect_pkey()).
 *
 * A VMA's key is vm_flags' VM_PKEY_BIT0..3 (Vma.pkey), so VMAs with different keys never merge.
 * Without protection keys (no OSPKE: arch_max_pkey() is 1, and init_new_context() sets neither
 * the allocation map nor execute_only_pkey, so both stay 0) no key is usable, not even 0:
 * pkey_mprotect() accepts only -1. pkey_alloc() takes key 0, arch_set_user_pkey_access() refuses
 * it (EINVAL), and mm_pkey_free() cannot give it back (key 0 "is" the execute-only key), so every
 * later pkey_alloc() is ENOSPC, in a fork child too (dup_mm() copies the context). Measured on
 * this machine's 6.18.44 (i11-pkey-mprotect-no-keys.json). The same code in 6.1, 6.6, 6.12, 6.18.
 */
import type { PkeyAllocStep, PkeyFreeStep } from '../../scenario/types'
import { VM_ACCESS_FLAGS, VM_EXEC } from '../flags'
import type { Vma } from '../mm-types'
import type { StepContext } from '../process'

/** mm->context.pkey_allocation_map and execute_only_pkey. */
export interface PkeyState {
  /** Bit k: key k is allocated. */
  allocationMap: number
  /** The execute-only key, -1 while none was taken. */
  executeOnly: number
}

/** init_new_context(): with OSPKE key 0 is allocated and no execute-only key (-1); without it both stay 0. */
export const initialPkeys = (protectionKeys: boolean): PkeyState =>
  (protectionKeys ? { allocationMap: 1, executeOnly: -1 } : { allocationMap: 0, executeOnly: 0 })

/** arch_max_pkey(): 16 keys with OSPKE, else 1. */
const maxPkey = (ctx: StepContext): number => (ctx.machine.protectionKeys ? 16 : 1)

/** mm_pkey_is_allocated(): the exec-only key is in the map but no interface may use it. */
export function mmPkeyIsAllocated(ctx: StepContext, pkey: number): boolean {
  const st = ctx.state.pkeys
  if (pkey < 0 || pkey >= maxPkey(ctx)) return false
  if (pkey === st.executeOnly) return false
  return (st.allocationMap & (1 << pkey)) !== 0
}

/** mm_pkey_alloc(): the lowest free key (ffz), or -1 when every key is taken. */
function mmPkeyAlloc(ctx: StepContext): number {
  const st = ctx.state.pkeys
  const all = (1 << maxPkey(ctx)) - 1
  if (st.allocationMap === all) return -1
  let k = 0
  while (st.allocationMap & (1 << k)) k++
  st.allocationMap |= 1 << k
  return k
}

/** pkey_alloc(0, 0): ENOSPC when no key is free; without OSPKE arch_set_user_pkey_access() answers EINVAL. */
export function doPkeyAlloc(ctx: StepContext, _step: PkeyAllocStep): void {
  ctx.report.outcome = 'unchanged'
  const k = mmPkeyAlloc(ctx)
  if (k < 0) {
    ctx.fail('ENOSPC', 'mm_pkey_alloc', 'every protection key of this mm is allocated (the execute-only key counts)')
    return
  }
  if (!ctx.machine.protectionKeys) {
    // "if (ret) { mm_pkey_free(current->mm, pkey); goto out; }" — and mm_pkey_free() refuses key 0 here.
    const freed = mmPkeyFree(ctx, k)
    ctx.fail('EINVAL', 'arch_set_user_pkey_access', () => `this machine has no protection keys (assumed${ctx.machine.protectionKeysKnown ? ' by the scenario' : ' by default'}): key ${k} cannot be set up in PKRU; ${freed ? 'it is freed again' : `mm_pkey_free() cannot free it (execute_only_pkey is ${ctx.state.pkeys.executeOnly}, never set without OSPKE), so it stays taken and the next pkey_alloc() is ENOSPC`}`)
    return
  }
  ctx.report.returned = k
  ctx.note('pkey_alloc', 'allocated', () => `returns key ${k}, the lowest free one; its access rights in PKRU: none denied (init_val 0)`)
}

/** mm_pkey_free(): false (EINVAL) for a key mm_pkey_is_allocated() denies. */
function mmPkeyFree(ctx: StepContext, pkey: number): boolean {
  if (!mmPkeyIsAllocated(ctx, pkey)) return false
  ctx.state.pkeys.allocationMap &= ~(1 << pkey)
  return true
}

/** pkey_free(pkey): mm_pkey_free() refuses a key that is not allocated (EINVAL); VMAs keep the key. */
export function doPkeyFree(ctx: StepContext, step: PkeyFreeStep): void {
  ctx.report.outcome = 'unchanged'
  if (!mmPkeyFree(ctx, step.pkey)) {
    ctx.fail('EINVAL', 'mm_pkey_free', () => `key ${step.pkey} is not allocated${step.pkey === ctx.state.pkeys.executeOnly ? ' (it is the execute-only key, which no interface may use)' : ''}`)
    return
  }
  ctx.note('pkey_free', 'freed', () => `key ${step.pkey} is free again; VMAs that carry it keep it ("We could provide warnings or errors if any VMA still has the pkey set here")`)
}

/**
 * execute_only_pkey(mm): without OSPKE, 0 (ARCH_DEFAULT_PKEY); else the mm's execute-only key,
 * allocated on first use (-1 when no key is free).
 */
export function executeOnlyPkey(ctx: StepContext): number {
  if (!ctx.machine.protectionKeys) return 0
  const st = ctx.state.pkeys
  if (st.executeOnly === -1) {
    const k = mmPkeyAlloc(ctx)
    if (k < 0) return -1
    st.executeOnly = k
    ctx.note('__execute_only_pkey', 'allocated', () => `key ${k} becomes this mm's execute-only key (PKEY_DISABLE_ACCESS in PKRU)`)
  }
  return st.executeOnly
}

/** vma_is_pkey_exec_only(): PROT_EXEC alone and the execute-only key. */
const isPkeyExecOnly = (ctx: StepContext, v: Vma): boolean =>
  (v.flags & VM_ACCESS_FLAGS) === VM_EXEC && v.pkey === ctx.state.pkeys.executeOnly

/**
 * arch_override_mprotect_pkey(vma, prot, pkey): the key mprotect gives the VMA. Without OSPKE 0.
 * pkey_mprotect()'s own key is never overridden; PROT_EXEC alone takes the execute-only key; a
 * VMA leaving execute-only returns to key 0; anything else keeps the VMA's key.
 */
export function archOverrideMprotectPkey(ctx: StepContext, v: Vma, prot: string, pkey: number): number {
  if (!ctx.machine.protectionKeys) return 0
  if (pkey !== -1) return pkey
  if (prot === '--x') {
    const k = executeOnlyPkey(ctx)
    if (k > 0) return k
  } else if (isPkeyExecOnly(ctx, v)) {
    return 0
  }
  return v.pkey
}

/** Whether a data read of `v` is refused by its key: only the execute-only key denies access (init_val 0 for the others). */
export const pkeyDeniesRead = (ctx: StepContext, v: Vma): boolean =>
  ctx.machine.protectionKeys && v.pkey !== 0 && v.pkey === ctx.state.pkeys.executeOnly
