/**
 * madvise(2): mm/madvise.c. do_madvise() → madvise_do_behavior(): MADV_POPULATE_* go to
 * madvise_populate(); every other advice walks the VMAs (madvise_walk_vmas()) and calls
 * madvise_vma_behavior() on each piece:
 * - advices that change vm_flags (NORMAL/RANDOM/SEQUENTIAL, DONTFORK/DOFORK,
 *   WIPEONFORK/KEEPONFORK, DONTDUMP/DODUMP, HUGEPAGE/NOHUGEPAGE, MERGEABLE/UNMERGEABLE)
 *   go through madvise_update_vma(): split and merge like mprotect (vma_modify_flags());
 * - WILLNEED, DONTNEED, FREE, COLD, PAGEOUT read or drop pages and leave the VMAs alone,
 *   refusing some VMAs with EINVAL.
 * Read from the 6.18 tree (the per-advice checks are the same in the older profiles' trees).
 */
import type { MadviseAdvice, MadviseStep } from '../../scenario/types'
import {
  VM_DONTCOPY, VM_DONTDUMP, VM_DROPPABLE, VM_HUGEPAGE, VM_HUGETLB, VM_IO, VM_LOCKED,
  VM_NOHUGEPAGE, VM_PFNMAP, VM_RAND_READ, VM_READ, VM_SEQ_READ, VM_SHARED, VM_SPECIAL, VM_WIPEONFORK, VM_WRITE,
  type VmFlags,
} from '../flags'
import { ksmMadvise } from './ksm'
import { rangeText, type StepContext } from '../process'
import type { Vma } from '../mm-types'
import { faultVma } from './memory'
import { ModifyOutcome, modifyFlags } from './mprotect'
import { canModifyVma } from './vma'

type Piece = { start: number; end: number }

/** What madvise_vma_behavior() decides for one VMA: new flags, nothing to change, or an errno. */
type Decision = { flags: VmFlags } | { error: string; why: string }

/** The advices that go through madvise_update_vma(). */
const FLAG_ADVICES: ReadonlySet<MadviseAdvice> = new Set<MadviseAdvice>([
  'MADV_NORMAL', 'MADV_RANDOM', 'MADV_SEQUENTIAL', 'MADV_DONTFORK', 'MADV_DOFORK', 'MADV_WIPEONFORK',
  'MADV_KEEPONFORK', 'MADV_DONTDUMP', 'MADV_DODUMP', 'MADV_HUGEPAGE', 'MADV_NOHUGEPAGE', 'MADV_MERGEABLE',
  'MADV_UNMERGEABLE',
])

/** madvise_vma_behavior(): the switch that computes new_flags (or refuses the VMA). */
function newFlagsFor(ctx: StepContext, v: Vma, piece: Piece, advice: MadviseAdvice): Decision {
  const f = v.flags
  switch (advice) {
    case 'MADV_NORMAL': return { flags: f & ~(VM_RAND_READ | VM_SEQ_READ) }
    case 'MADV_SEQUENTIAL': return { flags: (f & ~VM_RAND_READ) | VM_SEQ_READ }
    case 'MADV_RANDOM': return { flags: (f & ~VM_SEQ_READ) | VM_RAND_READ }
    case 'MADV_DONTFORK': return { flags: f | VM_DONTCOPY }
    case 'MADV_DOFORK':
      if (f & VM_IO) return { error: 'EINVAL', why: 'is VM_IO: MADV_DOFORK may not make it copied at fork' }
      return { flags: f & ~VM_DONTCOPY }
    case 'MADV_WIPEONFORK':
      // "MADV_WIPEONFORK is only supported on anonymous memory."
      if (v.file || f & VM_SHARED) return { error: 'EINVAL', why: `is ${v.file ? `a mapping of ${v.file.display}` : 'shared'}: MADV_WIPEONFORK is only for private anonymous memory` }
      return { flags: f | VM_WIPEONFORK }
    case 'MADV_KEEPONFORK':
      if (f & VM_DROPPABLE) return { error: 'EINVAL', why: 'is VM_DROPPABLE, which is always wiped on fork' }
      return { flags: f & ~VM_WIPEONFORK }
    case 'MADV_DONTDUMP': return { flags: f | VM_DONTDUMP }
    case 'MADV_DODUMP':
      if ((!(f & VM_HUGETLB) && f & VM_SPECIAL) || f & VM_DROPPABLE)
        return { error: 'EINVAL', why: f & VM_DROPPABLE ? 'is VM_DROPPABLE: it is never dumped' : 'is VM_SPECIAL (VM_IO, VM_PFNMAP, VM_MIXEDMAP or VM_DONTEXPAND): its VM_DONTDUMP stays' }
      return { flags: f & ~VM_DONTDUMP }
    // hugepage_madvise(): the two flags exclude each other.
    case 'MADV_HUGEPAGE': return { flags: (f & ~VM_NOHUGEPAGE) | VM_HUGEPAGE }
    case 'MADV_NOHUGEPAGE': return { flags: (f & ~VM_HUGEPAGE) | VM_NOHUGEPAGE }
    case 'MADV_MERGEABLE':
    case 'MADV_UNMERGEABLE':
      return { flags: ksmMadvise(ctx, v, piece, advice) }
    default:
      return { flags: f }
  }
}

/**
 * The advices that leave the VMAs alone: their per-VMA refusals. madvise_dontneed_free_valid_vma()
 * (VM_LOCKED, VM_PFNMAP, except on hugetlb), madvise_free_single_vma() (anonymous VMAs only),
 * can_madv_lru_vma() for COLD and PAGEOUT (VM_LOCKED, VM_PFNMAP, VM_HUGETLB). WILLNEED reads ahead
 * (or swaps in) and refuses nothing here.
 */
function neutralRefusal(v: Vma, advice: MadviseAdvice): string | null {
  const f = v.flags
  switch (advice) {
    case 'MADV_DONTNEED':
    case 'MADV_FREE':
      if (!(f & VM_HUGETLB) && f & (VM_LOCKED | VM_PFNMAP)) return `is ${f & VM_LOCKED ? 'VM_LOCKED' : 'VM_PFNMAP'}: madvise_dontneed_free_valid_vma() refuses it`
      if (advice === 'MADV_FREE' && !v.anonymous) return 'is not anonymous memory: MADV_FREE works only on anonymous VMAs (madvise_free_single_vma)'
      return null
    case 'MADV_COLD':
    case 'MADV_PAGEOUT':
      if (f & (VM_LOCKED | VM_PFNMAP | VM_HUGETLB)) return 'is VM_LOCKED, VM_PFNMAP or VM_HUGETLB: can_madv_lru_vma() refuses it'
      return null
    default:
      return null
  }
}

/** is_discard(): the advices that can discard data (of those the format names). */
const DISCARD_ADVICES: ReadonlySet<MadviseAdvice> = new Set<MadviseAdvice>(['MADV_FREE', 'MADV_DONTNEED', 'MADV_DONTFORK', 'MADV_WIPEONFORK'])

/**
 * can_madvise_modify() (can_modify_vma_madv() before 6.17): on a sealed VMA a discarding advice
 * is refused unless the VMA maps a file or is writable ("If the user could write to the mapping
 * anyway, then this is fine"). Null = allowed; else why not. The PKRU of the calling thread is
 * taken to allow writes (arch_vma_access_permitted()).
 */
function canMadviseModify(ctx: StepContext, v: Vma, advice: MadviseAdvice): string | null {
  if (canModifyVma(ctx, v) || !DISCARD_ADVICES.has(advice) || v.file || v.flags & VM_WRITE) return null
  return `is sealed (mseal), anonymous and not writable: ${advice} would discard its data, which the seal forbids`
}

/** madvise_walk_vmas(): holes give ENOMEM at the end, but mapped parts are still processed. */
export function doMadvise(ctx: StepContext, step: MadviseStep): void {
  const { at, pages, advice } = step
  let start = at
  const end = at + pages
  ctx.report.range = [at, end]
  if (pages === 0) {
    ctx.report.outcome = 'unchanged'
    ctx.note('do_madvise', 'zero-length', 'length 0: nothing to do, returns 0')
    return
  }
  if (advice === 'MADV_POPULATE_READ' || advice === 'MADV_POPULATE_WRITE') {
    madvisePopulate(ctx, at, end, advice === 'MADV_POPULATE_WRITE')
    return
  }
  const changesFlags = FLAG_ADVICES.has(advice)
  const mm = ctx.mm
  let v: Vma | undefined = mm.firstEndingAfter(start)
  let prev: Vma | null = v && start > v.start ? v : mm.prevOf(start)
  let unmapped = false
  const outcome = new ModifyOutcome()
  for (;;) {
    if (!v) {
      ctx.fail('ENOMEM', 'madvise_walk_vmas', () => `no VMA at or above page ${start}`)
      break
    }
    if (start < v.start) {
      unmapped = true
      start = v.start
      if (start >= end) break
    }
    const cur: Vma = v
    const piece = { start, end: Math.min(v.end, end) }
    let after: Vma = v
    const sealedRefusal = canMadviseModify(ctx, cur, advice)
    if (sealedRefusal) {
      ctx.fail('EPERM', 'can_madvise_modify', () => `${rangeText(cur)} ${sealedRefusal}`, 'middle', cur)
      break
    }
    if (!changesFlags) {
      const refused = neutralRefusal(cur, advice)
      if (refused) {
        ctx.fail('EINVAL', 'madvise_vma_behavior', () => `${rangeText(cur)} ${refused}`, 'middle', cur)
        break
      }
      ctx.note('madvise_vma_behavior', 'vmas-unchanged', () => `${advice} on ${rangeText(piece)} works on pages, not on the VMA: no split, no merge`, 'middle', cur)
    } else {
      const decision = newFlagsFor(ctx, cur, piece, advice)
      if ('error' in decision) {
        ctx.fail(decision.error, 'madvise_vma_behavior', () => `${rangeText(cur)} ${decision.why}`, 'middle', cur)
        break
      }
      // madvise_update_vma(): nothing to do when the flags stay; else vma_modify_flags().
      if (decision.flags !== cur.flags) {
        const r = modifyFlags(ctx, prev, cur, piece.start, piece.end, decision.flags)
        if ('error' in r) {
          // madvise_vma_behavior(): "madvise() returns EAGAIN if kernel resources, such as slab, are temporarily unavailable."
          const error = r.error === 'ENOMEM' ? 'EAGAIN' : r.error
          if (error === 'EAGAIN') ctx.fail('EAGAIN', 'madvise_vma_behavior', () => `the split of ${rangeText(cur)} failed with ENOMEM, which madvise answers as EAGAIN`, 'middle', cur)
          else ctx.report.error = error
          break
        }
        outcome.add(r)
        after = r.vma
      } else if (advice !== 'MADV_MERGEABLE' && advice !== 'MADV_UNMERGEABLE') {
        ctx.note('madvise_update_vma', 'unchanged', () => `${rangeText(cur)}: ${advice} leaves its flags as they are, nothing to do (no merge attempt)`, 'middle', cur)
      }
    }
    prev = after
    start = piece.end
    if (start < prev.end) start = prev.end
    if (start >= end) break
    v = mm.firstEndingAfter(prev.end)
  }
  if (!ctx.report.error && unmapped) ctx.fail('ENOMEM', 'madvise_walk_vmas', 'part of the range is not mapped (the mapped parts were still advised)')
  ctx.report.outcome = outcome.value()
}

/**
 * madvise_populate() → faultin_page_range(): fault every page in, as a read or (POPULATE_WRITE)
 * a write that breaks COW. __get_user_pages() with FOLL_MADV_POPULATE: a hole is ENOMEM, a VMA
 * that check_vma_flags() refuses is EINVAL (VM_IO/VM_PFNMAP, secretmem, no VM_WRITE for a
 * write, no VM_READ for a read); a SIGBUS (past a shmem file's end) is EFAULT. The pages before
 * the failure stay populated. A write fault gives a private VMA its anon_vma.
 */
function madvisePopulate(ctx: StepContext, start: number, end: number, write: boolean): void {
  let pos = start
  const fn = 'madvise_populate'
  while (pos < end) {
    const v = ctx.mm.lookup(pos)
    if (!v) {
      const at = pos
      ctx.fail('ENOMEM', fn, () => `page ${at} is not mapped (vma_lookup() finds nothing)`)
      break
    }
    const f = v.flags
    const refused = f & (VM_IO | VM_PFNMAP) ? 'is VM_IO/VM_PFNMAP'
      : v.file?.kind === 'secretmem' ? 'is secretmem'
      : write && !(f & VM_WRITE) ? 'is not writable'
      : !write && !(f & VM_READ) ? 'is not readable'
      : null
    if (refused) {
      ctx.fail('EINVAL', fn, () => `${rangeText(v)} ${refused}: check_vma_flags() refuses it, which MADV_POPULATE answers as EINVAL`, 'middle', v)
      break
    }
    const size = v.file?.sizePages
    if (size !== undefined) {
      const eofPage = v.start + (size - v.pgoff)
      if (eofPage < Math.min(end, v.end)) {
        ctx.fail('EFAULT', fn, () => `page ${Math.max(pos, eofPage)} lies past the end of ${v.file!.display}: the fault is SIGBUS, which MADV_POPULATE answers as EFAULT`, 'middle', v)
        break
      }
    }
    ctx.note(fn, write ? 'populate-write' : 'populate-read', () => (write
      ? `${rangeText(v)}: write faults${f & VM_SHARED ? '' : ' break COW'}`
      : `${rangeText(v)}: read faults, which give it no anon_vma`), 'middle', v)
    pos = faultVma(ctx, v, write).end
  }
  ctx.report.outcome = ctx.report.error ? 'failed' : 'unchanged'
}
