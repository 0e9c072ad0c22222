/**
 * Page faults, as far as VMAs care: the first write fault in a private mapping
 * gives the VMA an anon_vma (anon_vma_prepare), reusing a neighbour's when
 * find_mergeable_anon_vma() allows it. Read faults on private memory map the
 * zero page or the page cache and create nothing; shared mappings never get one.
 */
import { VM_ACCESS_FLAGS, VM_EXEC, VM_READ, VM_SHARED, VM_SOFTDIRTY, VM_WRITE } from '../flags'
import { rangeText, type StepContext } from '../process'
import type { Vma } from '../vma'

/** anon_vma_compatible(a, b): a directly below b, same file, flags equal but for access bits, linear pgoff. */
function anonVmaCompatible(a: Vma, b: Vma): boolean {
  return a.end === b.start && a.file === b.file &&
    ((a.flags ^ b.flags) & ~(VM_ACCESS_FLAGS | VM_SOFTDIRTY)) === 0 &&
    b.pgoff === a.pgoff + (b.start - a.start)
}

/** find_mergeable_anon_vma(): try next first, then prev; only a singular chain is reused. */
function findMergeableAnonVma(ctx: StepContext, v: Vma): number {
  const i = ctx.mm.indexOf(v)
  const next = ctx.mm.at(i + 1)
  if (next && anonVmaCompatible(v, next) && next.anonVma && !next.forkChild) return next.anonVma
  const prev = ctx.mm.at(i - 1)
  if (prev && anonVmaCompatible(prev, v) && prev.anonVma && !prev.forkChild) return prev.anonVma
  return 0
}

/** Fault pages of `v`; returns the VMA as it is afterwards. */
export function faultVma(ctx: StepContext, v: Vma, write: boolean): Vma {
  if (!write || v.flags & VM_SHARED || v.anonVma) return v
  const reused = findMergeableAnonVma(ctx, v)
  const anonVma = reused || ctx.newAnonVmaId()
  const faulted = ctx.derive(v, { anonVma, forkChild: false })
  ctx.mm.replace([v], [faulted])
  ctx.note('anon_vma_prepare', 'anon-vma-created',
    () => (reused ? `${rangeText(v)}: first write fault; reuses the anon_vma of a compatible neighbour (find_mergeable_anon_vma)` : `${rangeText(v)}: first write fault gives the VMA a new anon_vma`), 'middle', v)
  return faulted
}

/** access_error() for x86: a write needs VM_WRITE; a read needs any of VM_READ, VM_WRITE, VM_EXEC. */
export function faultAllowed(v: Vma, write: boolean): boolean {
  return write ? (v.flags & VM_WRITE) !== 0 : (v.flags & (VM_READ | VM_WRITE | VM_EXEC)) !== 0
}

/** Touch every page of [start, end) (a loop of accesses); errno EFAULT stands for SIGSEGV. */
export function touchRange(ctx: StepContext, start: number, end: number, write: boolean): string | null {
  let pos = start
  while (pos < end) {
    const v = ctx.mm.lookup(pos)
    if (!v) {
      ctx.fail('EFAULT', 'do_user_addr_fault', () => `page ${pos} is not mapped: the access raises SIGSEGV`)
      return 'EFAULT'
    }
    if (!faultAllowed(v, write)) {
      ctx.fail('EFAULT', 'access_error', () => `${rangeText(v)} does not allow a ${write ? 'write' : 'read'}: the access raises SIGSEGV`, 'middle', v)
      return 'EFAULT'
    }
    const size = v.file?.sizePages
    if (size !== undefined) {
      // Pages whose file offset is at or past the shmem file's end: SIGBUS.
      const eofPage = v.start + (size - v.pgoff)
      if (eofPage < Math.min(end, v.end)) {
        const bad = Math.max(pos, eofPage)
        ctx.fail('EFAULT', 'shmem_fault', () => `page ${bad} lies past the end of ${v.file!.display} (${size} pages, the mapping's length): the access raises SIGBUS`, 'middle', v)
        return 'EFAULT'
      }
    }
    const after = faultVma(ctx, v, write)
    pos = after.end
  }
  return null
}
