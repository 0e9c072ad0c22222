/**
 * Page faults, as far as VMAs care: the first write fault in a private mapping
 * gives the VMA an anon_vma (anon_vma_prepare), reusing a neighbour's when
 * find_mergeable_anon_vma() allows it. Read faults on private memory map the
 * zero page or the page cache and create nothing; shared mappings never get one.
 */
import { pkeyDeniesRead } from './pkeys'
import type { TouchStep } from '../../scenario/types'
import { VM_ACCESS_FLAGS, VM_EXEC, VM_GROWSDOWN, VM_IO, VM_LOCKONFAULT, VM_PFNMAP, VM_READ, VM_SHARED, VM_SOFTDIRTY, VM_WRITE } from '../flags'
import { rangeText, type StepContext } from '../process'
import type { Vma } from '../mm-types'
import { STACK_GUARD_GAP_PAGES, STACK_RLIMIT_PAGES } from '../machine'
import { asPage } from '../units'

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

/**
 * A fault at `page` below a VM_GROWSDOWN VMA: lock_mm_and_find_vma() → expand_stack_locked() →
 * expand_downwards(). The stack guard gap: an accessible VMA below that is not VM_GROWSDOWN
 * must end stack_guard_gap or more below the page; acct_stack_growth(): the grown VMA within
 * RLIMIT_STACK. The VMA gets an anon_vma (anon_vma_prepare(), even for a read) and its start
 * moves down in place (vm_pgoff -= grow); nothing merges. Returns the grown VMA, or null.
 */
function expandDownwards(ctx: StepContext, vma: Vma, page: number): Vma | null {
  const prev = ctx.mm.prevOf(vma.start)
  if (prev && !(prev.flags & VM_GROWSDOWN) && prev.flags & VM_ACCESS_FLAGS && page - prev.end < STACK_GUARD_GAP_PAGES) {
    ctx.check('expand_downwards', 'stack-guard-gap', false, () => `page ${page} is ${page - prev.end} pages above ${rangeText(prev)}, which is accessible and not VM_GROWSDOWN: the stack guard gap is ${STACK_GUARD_GAP_PAGES} pages (ENOMEM), so the access raises SIGSEGV`, 'prev', prev)
    return null
  }
  if (vma.end - page > STACK_RLIMIT_PAGES) {
    ctx.check('acct_stack_growth', 'rlimit-stack', false, () => `${rangeText(vma)} grown to page ${page} would be ${vma.end - page} pages, over RLIMIT_STACK (assumed 8 MiB, ${STACK_RLIMIT_PAGES} pages): the access raises SIGSEGV`, 'middle', vma)
    return null
  }
  const anonVma = vma.anonVma || findMergeableAnonVma(ctx, vma) || ctx.newAnonVmaId()
  const grown = ctx.derive(vma, { start: asPage(page), pgoff: vma.pgoff - (vma.start - page), anonVma, ...(vma.anonVma ? {} : { forkChild: false }) })
  ctx.mm.replace([vma], [grown])
  ctx.note('expand_downwards', 'grown', () => `page ${page} is below the VM_GROWSDOWN VMA ${rangeText(vma)}: it grows down to ${rangeText(grown)}${vma.anonVma ? '' : ' and gets an anon_vma (anon_vma_prepare())'}`, 'middle', grown)
  return grown
}

/** Touch every page of [start, end) (a loop of accesses); errno EFAULT stands for SIGSEGV. */
export function touchRange(ctx: StepContext, start: number, end: number, write: boolean): string | null {
  let pos = start
  while (pos < end) {
    let v = ctx.mm.lookup(pos)
    if (!v) {
      const above = ctx.mm.firstEndingAfter(pos)
      if (above && above.flags & VM_GROWSDOWN) v = expandDownwards(ctx, above, pos) ?? undefined
    }
    if (!v) {
      ctx.fail('EFAULT', 'do_user_addr_fault', () => `page ${pos} is not mapped: the access raises SIGSEGV`)
      return 'EFAULT'
    }
    if (!faultAllowed(v, write)) {
      ctx.fail('EFAULT', 'access_error', () => `${rangeText(v)} does not allow a ${write ? 'write' : 'read'}: the access raises SIGSEGV`, 'middle', v)
      return 'EFAULT'
    }
    if (!write && (v.flags & VM_ACCESS_FLAGS) === VM_EXEC) {
      // do_mmap()/do_mprotect_pkey(): "if (prot == PROT_EXEC) pkey = execute_only_pkey(mm)"; the key
      // denies data access, so arch_vma_access_permitted() fails the read (SEGV_PKUERR).
      if (pkeyDeniesRead(ctx, v)) {
        ctx.fail('EFAULT', 'arch_vma_access_permitted', () => `${rangeText(v)} is execute-only and this machine has protection keys (assumed${ctx.machine.protectionKeysKnown ? ' by the scenario' : ' by default'}): it carries the execute-only pkey, so a data read raises SIGSEGV (SEGV_PKUERR)`, 'middle', v)
        return 'EFAULT'
      }
      ctx.note('access_error', 'exec-readable', () => (ctx.machine.protectionKeys
        ? `${rangeText(v)} is execute-only but carries key ${v.pkey}, not the execute-only key: its access rights allow the read`
        : `${rangeText(v)} is execute-only, but without protection keys x86 cannot refuse a read of an executable page: the read succeeds`), 'middle', v)
    }
    if (v.file?.kind === 'hugetlb') {
      // hugetlb_no_page(): alloc_hugetlb_folio() finds no free huge page (MAP_NORESERVE reserved none): VM_FAULT_SIGBUS.
      ctx.fail('EFAULT', 'hugetlb_no_page', () => `${rangeText(v)} has no huge page reserved (MAP_NORESERVE) and the engine assumes none is free: the fault raises SIGBUS`, 'middle', v)
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

/**
 * __mm_populate() → populate_vma_page_range() over [start, end): the kernel faulting pages
 * in by itself (MAP_POPULATE, VM_LOCKED at mmap, a locked VMA made writable by mprotect, a
 * locked VMA grown by mremap). VM_IO/VM_PFNMAP VMAs are skipped; VM_LOCKONFAULT ones are
 * left to fault on access. A private writable VMA is touched with FOLL_WRITE (breaking COW:
 * it gets an anon_vma); anything else with a read (FOLL_FORCE), which creates none.
 * Holes are skipped; errors are ignored, as mm_populate() ignores them.
 */
export function populateRange(ctx: StepContext, start: number, end: number): void {
  let pos = start
  while (pos < end) {
    const i = ctx.mm.indexAfter(pos)
    const v = ctx.mm.vmas[i]
    if (!v || v.start >= end) return
    const next = v.end
    if (v.file?.kind === 'hugetlb') {
      // Not modelled: populating a huge page mapping with no free huge page fails (mlock() answered EINVAL on 6.18.44).
      ctx.report.unpredictable = `${rangeText(v)} is a huge page mapping: what populating it (mlock, MAP_POPULATE, MADV_POPULATE_*) answers without free huge pages is not modelled`
      ctx.note('__mm_populate', 'hugetlb-not-modelled', () => `${rangeText(v)} is a huge page mapping: populating it is not modelled`, 'middle', v)
    } else if (v.flags & (VM_IO | VM_PFNMAP)) {
      ctx.note('__mm_populate', 'skip-io-pfnmap', () => `${rangeText(v)} is VM_IO/VM_PFNMAP: not populated`, 'middle', v)
    } else if (v.flags & VM_LOCKONFAULT) {
      ctx.note('populate_vma_page_range', 'lock-on-fault', () => `${rangeText(v)} is VM_LOCKONFAULT: pages are faulted in on access, not now`, 'middle', v)
    } else {
      const write = (v.flags & (VM_WRITE | VM_SHARED)) === VM_WRITE
      ctx.note('populate_vma_page_range', write ? 'populate-write' : 'populate-read', () => (write
        ? `${rangeText(v)} is private and writable: populated with write faults (FOLL_WRITE breaks COW)`
        : `${rangeText(v)}: populated with read faults, which give it no anon_vma`), 'middle', v)
      faultVma(ctx, v, write)
    }
    pos = next
  }
}

/** A touch step: the faults a read or write of [at, at + pages) takes. */
export function doTouch(ctx: StepContext, step: TouchStep): void {
  ctx.report.range = [step.at, step.at + step.pages]
  touchRange(ctx, step.at, step.at + step.pages, step.write)
  ctx.report.outcome = ctx.report.error ? 'failed' : 'unchanged'
}
