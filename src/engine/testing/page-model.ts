/**
 * The reference for property tests: a deliberately simple, page-by-page model
 * of the address space. It knows nothing of VMAs or merging: each page of the
 * window is either unmapped or carries its own protection, sharing, backing,
 * file offset and VM_MERGEABLE bit, and each operation is written page by
 * page from the man pages. Whatever the engine does with VMAs (merge, split),
 * the pages it shows must agree with this model after every step.
 *
 * It covers the operations whose page attributes do not depend on VMA
 * boundaries: mmap (no MAP_FIXED), munmap, mprotect, madvise, prctl, touch, fork.
 */
import { machineAssumptions } from '../machine'
import type { Backing, Scenario, Step } from '../../scenario/types'

export interface PageState {
  prot: string
  share: 'private' | 'shared'
  /** "anon", "anon-shared#<mmap step>", "file:<fs>:<name>", "shmem:<name>", "device:<name>". */
  backing: string
  pgoff: number
  mergeable: boolean
  /** KSM can never take this page (shared, or a VM_SPECIAL driver mapping). */
  ksmIncompatible: boolean
  /**
   * An access raises SIGBUS: the page lies past the end of its file. Only the
   * shmem file behind a shared /dev/zero mapping is that short (it is exactly
   * as long as the mapping, whatever the offset asked for).
   */
  pastEof?: boolean
}

export interface ModelStep {
  error: string | null
  pages: (PageState | null)[]
}

/** Can KSM take this page? Shared mappings and VM_SPECIAL drivers cannot. */
function ksmCompatiblePage(share: string, backing: Backing): boolean {
  if (share === 'shared') return false
  return !(backing.kind === 'device' && backing.setsFlags.some((f) => ['VM_PFNMAP', 'VM_IO', 'VM_MIXEDMAP', 'VM_DONTEXPAND', 'VM_HUGETLB'].includes(f)))
}

const pageCompatible = (p: PageState): boolean => !p.ksmIncompatible

/**
 * `v2Defect`: model the posted v2 patch, whose late path decides VM_MERGEABLE
 * before a driver's .mmap hook adds VM_SPECIAL flags (so such pages get it).
 * `noMemoryMerge`: model a release without prctl(PR_SET_MEMORY_MERGE) (6.1).
 */
export function runPageModel(scenario: Scenario, options: { v2Defect?: boolean; noMemoryMerge?: boolean } = {}): ModelStep[] {
  const w = scenario.windowPages
  // Anonymous vm_pgoff is the absolute page (addr >> PAGE_SHIFT): the window's base plus the page.
  const basePage = machineAssumptions(scenario).basePage
  const pages: (PageState | null)[] = new Array(w).fill(null)
  let mergeAny = false
  const out: ModelStep[] = []
  scenario.steps.forEach((step: Step, idx) => {
    let error: string | null = null
    switch (step.op) {
      case 'mmap': {
        const at = step.at!
        const end = at + step.pages
        if (step.pages === 0) error = 'EINVAL'
        else if (end > w) error = 'EEXIST'
        else if (pages.slice(at, end).some((p) => p)) error = 'EEXIST'
        else {
          const b = step.backing
          const key = b.kind === 'anon' ? (step.share === 'shared' ? `anon-shared#${idx}` : 'anon')
            : b.kind === 'file' ? `file:${b.fs}:${b.file}` : `${b.kind}:${b.file}`
          const preHookCompatible = step.share === 'private'
          const v2Late = options.v2Defect && b.kind === 'device' && b.hook === 'mmap'
          const mg = mergeAny && (v2Late ? preHookCompatible : ksmCompatiblePage(step.share, b))
          for (let p = at; p < end; p++) {
            const pgoff = b.kind === 'anon' ? (step.share === 'shared' ? p - at : basePage + p) : b.pgoff + (p - at)
            const pastEof = b.kind === 'device' && b.file === '/dev/zero' && step.share === 'shared' && b.pgoff + (p - at) >= step.pages
            pages[p] = { prot: step.prot, share: step.share, backing: key, pgoff, mergeable: mg, ksmIncompatible: !ksmCompatiblePage(step.share, b), pastEof }
          }
        }
        break
      }
      case 'munmap':
        if (step.pages === 0) error = 'EINVAL'
        else for (let p = step.at; p < Math.min(w, step.at + step.pages); p++) pages[p] = null
        break
      case 'mprotect': {
        // Change pages in order until the first hole, which is ENOMEM.
        for (let p = step.at; p < step.at + step.pages; p++) {
          const cur = p < w ? pages[p] : null
          if (!cur) { error = 'ENOMEM'; break }
          pages[p] = { ...cur, prot: step.prot }
        }
        break
      }
      case 'madvise': {
        for (let p = step.at; p < step.at + step.pages; p++) {
          const cur = p < w ? pages[p] : null
          if (!cur) { error = 'ENOMEM'; continue }
          if (step.advice === 'MADV_MERGEABLE') {
            if (pageCompatible(cur)) pages[p] = { ...cur, mergeable: true }
          } else pages[p] = { ...cur, mergeable: false }
        }
        break
      }
      case 'prctl':
        // `noMemoryMerge`: a release before PR_SET_MEMORY_MERGE (6.1): the option is EINVAL.
        if (options.noMemoryMerge) error = 'EINVAL'
        else if (step.value !== 0 && !mergeAny) {
          mergeAny = true
          for (let p = 0; p < w; p++) { const c = pages[p]; if (c && pageCompatible(c)) pages[p] = { ...c, mergeable: true } }
        } else if (step.value === 0 && mergeAny) {
          mergeAny = false
          for (let p = 0; p < w; p++) { const c = pages[p]; if (c) pages[p] = { ...c, mergeable: false } }
        }
        break
      case 'touch':
        for (let p = step.at; p < step.at + step.pages; p++) {
          const c = p < w ? pages[p] : null
          const ok = c && (step.write ? c.prot[1] === 'w' : c.prot !== '---') && !c.pastEof
          if (!ok) { error = 'EFAULT'; break }
        }
        break
      case 'fork':
        break
      default:
        throw new Error(`the page model does not cover ${step.op}`)
    }
    out.push({ error, pages: pages.slice() })
  })
  return out
}
