/** The Kernel select's groups and one-line notes (kept apart from the React view so a test can read them). */
import type { KernelId } from '../../engine/api'
import { PROFILES } from '../../engine/profiles'

/**
 * The releases as the select groups them: long-term kernels as kernel.org lists them
 * (www.kernel.org/category/releases.html), the other releases, and the posted patch.
 * Each entry's text carries a one-line note on what it shows.
 */
export const KERNEL_GROUPS: ReadonlyArray<{ label: string; kernels: ReadonlyArray<[KernelId, string]> }> = [
  {
    label: 'Long-term (kernel.org)',
    kernels: [
      ['6.1', 'no PR_SET_MEMORY_MERGE (EINVAL); MADV_MERGEABLE merges'],
      ['6.6', 'the bug: VM_MERGEABLE set late; the old vma_merge()'],
      ['6.12', 'the bug: VM_MERGEABLE set late; new mappings never merge'],
      ['6.18', 'the fix: VM_MERGEABLE set early'],
    ],
  },
  {
    label: 'Other releases',
    kernels: [
      ['6.15', 'VM_MERGEABLE set late; the old anon_vma rule'],
      ['6.16', 'VM_MERGEABLE set late; the last release with the bug'],
      ['6.17', 'the fix lands: VM_MERGEABLE set early'],
    ],
  },
  { label: 'Posted patch', kernels: [['v2', 'the fix as posted in May 2025, with its defect']] },
]

/** "6.12 LTS — VM_MERGEABLE set late: new mappings never merge" */
export const kernelOptionText = (id: KernelId, note: string): string => `${id}${PROFILES[id].longTerm ? ' LTS' : ''} — ${note}`

