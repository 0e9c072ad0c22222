/**
 * One sentence, in words, on what the timing of VM_MERGEABLE did to a new
 * mapping (mmap or brk) while PR_SET_MEMORY_MERGE is on: was the flag set
 * before the merge attempt (early) or after it (late), and did the new mapping
 * merge with its neighbours because of it.
 *
 * The facts come from the engine (StepResult.ksm, outcome, checks and the VMAs
 * before and after the step); this module only puts them into a sentence and
 * says which kernel changed the behaviour: VM_MERGEABLE is set late, by
 * ksm_add_vma() on a new VMA, from d7597f59d1d3 (6.4), and early, by
 * __mmap_region()'s update_ksm_flags() for anonymous, shmem and .mmap_prepare
 * mappings, from cf7e7a3503df (6.17).
 */
import type { KernelId, StepResult, VmaView } from '../../engine/api'
import { PROFILES } from '../../engine/profiles'
import type { Step } from '../../scenario/types'
import { formatRange } from './format-range'

export interface KsmExplanationInput {
  kernel: KernelId
  result: StepResult
  /** The scenario step that produced `result`. */
  step: Step
  previousVmas: VmaView[]
  vmas: VmaView[]
}

/** VMA flags that make a mapping KSM-incompatible (ksm.c: VM_SHARED, VM_SPECIAL, VM_HUGETLB, …). */
const KSM_INCOMPATIBLE_FLAGS = ['VM_SHARED', 'VM_MAYSHARE', 'VM_PFNMAP', 'VM_IO', 'VM_DONTEXPAND', 'VM_MIXEDMAP', 'VM_HUGETLB'] as const
/** Releases with PR_SET_MEMORY_MERGE that set the flag late (6.4 – 6.16, the LTS 6.6 and 6.12 among them). */
const beforeTheFix = (kernel: KernelId): boolean => PROFILES[kernel].hasMemoryMerge && PROFILES[kernel].ksm === 'late'

export { formatRange }

function incompatibleFlags(vma: VmaView): string[] {
  return KSM_INCOMPATIBLE_FLAGS.filter((flag) => vma.flags.includes(flag) && flag !== 'VM_MAYSHARE')
}

/**
 * Would 6.17 set VM_MERGEABLE early for this step? (`can_set_ksm_flags_early`:
 * anonymous memory, shmem files and files with .mmap_prepare; brk always.)
 */
export function earlyPathFrom617(step: Step): boolean {
  if (step.op === 'brk') return true
  // A SysV attach: shm_file_operations has no .mmap_prepare, but shmem_file() of its f_mapping is true.
  if (step.op === 'shmat') return true
  if (step.op !== 'mmap') return false
  const backing = step.backing
  switch (backing.kind) {
    case 'anon':
    case 'shmem':
      return true
    case 'file':
      if (backing.hook) return backing.hook === 'mmap_prepare'
      return backing.fs === 'ext4' || backing.fs === 'tmpfs'
    case 'device':
      return backing.hook === 'mmap_prepare'
    case 'secretmem':
      return true // secretmem_mmap_prepare()
    case 'perf':
    case 'io_uring':
      return false
  }
}

function hookPathNote(step: Step): string {
  if (step.op !== 'mmap') return ''
  const backing = step.backing
  if (backing.kind === 'file' || backing.kind === 'device' || backing.kind === 'perf' || backing.kind === 'io_uring') {
    return ` ${backing.file} has a .mmap hook, which may still change the flags, so even 6.17 and 6.18 set VM_MERGEABLE only after the merge attempt for it.`
  }
  return ''
}

/** What a later kernel changed about a late flag, as a sentence (or nothing). */
function lateFixNote(kernel: KernelId, step: Step): string {
  if (!earlyPathFrom617(step)) return hookPathNote(step)
  if (!beforeTheFix(kernel)) return ''
  if (PROFILES[kernel].longTerm) return ' Fixed in 6.17, and not backported to this long-term kernel (the fix asked "please no backport!").'
  return step.op === 'brk' ? ' Fixed in 6.17 (and in v2): brk sets it early there.' : ' Fixed in 6.17.'
}

/** The neighbours the new range touched before the step: the VMA ending at its start, the VMA starting at its end. */
function neighbours(previousVmas: VmaView[], range: [number, number]): { prev?: VmaView; next?: VmaView } {
  return {
    prev: previousVmas.find((vma) => vma.end === range[0]),
    next: previousVmas.find((vma) => vma.start === range[1]),
  }
}

function describeNeighbours(list: Array<[string, VmaView]>): string {
  return list.map(([side, vma]) => `${side} ${formatRange(vma)}`).join(' and ')
}

function firstFailedCheck(result: StepResult): string | null {
  const failed = result.checks.find((check) => !check.pass)
  return failed ? failed.text : null
}

function mergedVma(vmas: VmaView[], range: [number, number]): VmaView | undefined {
  return vmas.find((vma) => vma.start <= range[0] && vma.end >= range[1] && vma.end > vma.start)
}

const MERGED_OUTCOMES = new Set(['merged-prev', 'merged-next', 'merged-both', 'expanded'])

export function ksmTimingSentence(input: KsmExplanationInput): string | null {
  const { kernel, result, step, previousVmas, vmas } = input
  if (step.op !== 'mmap' && step.op !== 'brk') return null
  if (result.error !== null || result.range === null || !result.mergeAny) return null
  const range = result.range
  const what = step.op === 'brk' ? 'the heap growth' : 'the new mapping'
  const around = neighbours(previousVmas, range)
  const adjacent: Array<[string, VmaView]> = []
  if (around.prev) adjacent.push(['prev', around.prev])
  if (around.next) adjacent.push(['next', around.next])
  const withFlag = adjacent.filter(([, vma]) => vma.mergeable)
  const withoutFlag = adjacent.filter(([, vma]) => !vma.mergeable)
  const merged = result.outcome !== null && MERGED_OUTCOMES.has(result.outcome)
  const after = mergedVma(vmas, range)
  const v2Defect = after && after.mergeable && incompatibleFlags(after).length > 0
    ? ` The VMA carries VM_MERGEABLE together with ${incompatibleFlags(after).join(' and ')}: the v2 defect. v2 computed the flag before the .mmap hook added ${incompatibleFlags(after).join(' and ')}; the patch as merged in 6.17 computes it after the hook.`
    : ''

  if (result.ksm === 'early') {
    const head = `VM_MERGEABLE was set early, before the merge attempt: ${what}'s flags already had VM_MERGEABLE`
    if (merged) {
      const into = after ? ` into ${formatRange(after)}` : ''
      const like = withFlag.length > 0 ? `, like ${describeNeighbours(withFlag)}, so they merged${into}.` : `, and it merged${into}.`
      return head + like + v2Defect
    }
    if (adjacent.length === 0) return `${head}, but no VMA was adjacent, so there was nothing to merge with.${v2Defect}`
    if (withoutFlag.length > 0 && withFlag.length === 0) {
      return `${head} while ${describeNeighbours(withoutFlag)} lacked it, so they did not merge.${v2Defect}`
    }
    const reason = firstFailedCheck(result)
    return `${head}, as ${describeNeighbours(withFlag)} did; it still did not merge${reason ? `: ${reason}` : ''}.${v2Defect}`
  }

  if (result.ksm === 'late') {
    const head = `VM_MERGEABLE was set late, after the merge attempt: ${what}'s flags lacked VM_MERGEABLE`
    let body: string
    if (withFlag.length > 0) body = ` while ${describeNeighbours(withFlag)} had it, so they did not merge.`
    else if (adjacent.length === 0) body = '; no VMA was adjacent, so here the timing made no difference.'
    else {
      const reason = firstFailedCheck(result)
      body = `; it did not merge with ${describeNeighbours(withoutFlag)}${reason ? `: ${reason}` : ''}.`
    }
    return head + body + lateFixNote(kernel, step) + v2Defect
  }

  // ksm "none" while merge-any is on.
  if (after) {
    const incompatible = incompatibleFlags(after)
    if (incompatible.length > 0 && !after.mergeable) {
      return `VM_MERGEABLE was not set: the mapping is not KSM-compatible (${incompatible.join(', ')}), so the KSM timing plays no part in its merge.`
    }
  }
  if (merged) {
    return `The mapping merged before any KSM flag was applied, so it took the flags of ${after ? `the VMA ${formatRange(after)}` : 'its neighbour'}${after && !after.mergeable ? ', which lacks VM_MERGEABLE' : ''}.`
  }
  return null
}
