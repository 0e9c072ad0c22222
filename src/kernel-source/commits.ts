/**
 * The changes that separate the kernel profiles, as data: each names the
 * release it landed in, so a profile's list follows from its release alone
 * (it has every change up to its release and lacks every later one), and a
 * new profile (6.12, 6.6, 6.1) gets its list without an edit here.
 *
 * Commit ids are those of Linus' tree (torvalds/linux), 12 hex digits. Where this
 * file does not record an id, the link searches the list archive for the
 * patch by its subject instead of guessing one.
 */
import type { KernelId } from '../engine/api'
import { V2_COVER_URL, commitLink, kernelSource, loreSearchLink } from './links'

export interface KernelChange {
  /** 12-digit commit id in Linus' tree, when recorded. */
  commit?: string
  subject: string
  /** The release it first appeared in ("6.17"). */
  landed: string
  /** What it changes in vmascope's terms. */
  effect: string
  /** Older releases whose stable updates took it too (their profiles model the updated kernel). */
  alsoIn?: readonly string[]
}

export const KERNEL_CHANGES: readonly KernelChange[] = [
  { commit: 'd7597f59d1d3', subject: 'mm: add new api to enable ksm per process', landed: '6.4', effect: 'PR_SET_MEMORY_MERGE; VM_MERGEABLE is added to a new VMA only after the merge attempt (the bug)' },
  { subject: 'mm: avoid using vma_merge() for new VMAs', landed: '6.12', effect: 'a new mapping merges through vma_merge_new_range(), no longer the old vma_merge() cases 1-8' },
  { subject: 'mm: introduce new .mmap_prepare() file callback', landed: '6.16', effect: '.mmap_prepare: a hook that runs before the merge attempt' },
  { subject: 'mm/vma: remove mmap() retry merge', landed: '6.16', effect: 'no second merge attempt after a .mmap hook changed the flags' },
  { commit: '879bca0a2c4f', subject: 'mm/vma: fix incorrectly disallowed anonymous VMA merges', landed: '6.16', effect: 'a faulted range may merge into an unfaulted neighbour' },
  { commit: 'de195c67bfcb', subject: 'mm: ksm: have KSM VMA checks not require a VMA pointer', landed: '6.17', effect: 'ksm_vma_flags() works on flags before a VMA exists' },
  { commit: 'b914c47d46da', subject: 'mm: ksm: refer to special VMAs via VM_SPECIAL in ksm_compatible()', landed: '6.17', effect: 'no change in behaviour' },
  { commit: 'cf7e7a3503df', subject: 'mm: prevent KSM from breaking VMA merging for new VMAs', landed: '6.17', effect: 'the fix: VM_MERGEABLE set early for anon, shmem and .mmap_prepare mappings, late (after the hook) for the rest' },
  { commit: '4a1ff347e44c', subject: 'tools/testing/selftests: add VMA merge tests for KSM merge', landed: '6.17', effect: 'the ksm_merge selftest' },
  { subject: 'convert the majority of file systems to mmap_prepare', landed: '6.17', effect: 'ext4 (and most disk file systems) use .mmap_prepare, so their mappings take the early path' },
  { subject: 'mm/mremap: permit mremap() move of multiple VMAs', landed: '6.17', effect: 'mremap(MREMAP_FIXED) without a resize moves every VMA in the range' },
  { commit: 'f04aad36a07c', subject: 'mm/ksm: fix flag-dropping behavior in ksm_madvise', landed: '6.18', effect: 'MADV_UNMERGEABLE no longer clears flags above bit 31', alsoIn: ['6.12'] },
]

/** "6.16" → [6, 16], for ordering releases. */
function releaseNumbers(release: string): number[] {
  return release.split('.').map(Number)
}

export function compareReleases(a: string, b: string): number {
  const [x, y] = [releaseNumbers(a), releaseNumbers(b)]
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}

export function changeLink(change: KernelChange): string {
  return change.commit ? commitLink(change.commit) : loreSearchLink(change.subject)
}

export interface ProfileChanges {
  /** The release whose changes the profile has ("6.16" for v2, which applies to the 6.16 cycle). */
  release: string
  /** Changes the profile has that some other profile lacks. */
  has: KernelChange[]
  /** Changes of later releases that the profile lacks. */
  lacks: KernelChange[]
  /** For a patch profile: the patch itself and how it differs from what landed. */
  patch?: { url: string; title: string; coverUrl: string; differences: string[] }
}

/**
 * What separates `kernel` from the other profiles `all`: the changes between
 * the oldest and the newest of them, split into those it has and those it lacks.
 */
export function profileChanges(kernel: KernelId | string, all: readonly string[]): ProfileChanges | null {
  const source = kernelSource(kernel)
  if (!source) return null
  const release = source.kind === 'release' ? source.tag.slice(1) : source.appliesTo
  const releases = all.map((id) => kernelSource(id)).filter((s) => s !== null).map((s) => (s.kind === 'release' ? s.tag.slice(1) : s.appliesTo))
  const oldest = releases.reduce((a, b) => (compareReleases(a, b) <= 0 ? a : b), release)
  const newest = releases.reduce((a, b) => (compareReleases(a, b) >= 0 ? a : b), release)
  // Changes that landed after the oldest profile and no later than the newest: the ones that tell profiles apart.
  const relevant = KERNEL_CHANGES.filter((c) => compareReleases(c.landed, oldest) > 0 && compareReleases(c.landed, newest) <= 0)
  const has = (c: KernelChange) => compareReleases(c.landed, release) <= 0 || (c.alsoIn ?? []).includes(release)
  const result: ProfileChanges = { release, has: relevant.filter(has), lacks: relevant.filter((c) => !has(c)) }
  if (source.kind === 'patch') {
    result.patch = {
      url: source.url,
      title: source.title,
      coverUrl: V2_COVER_URL,
      differences: [
        'the late path computes VM_MERGEABLE before the driver\'s .mmap hook, from the flags before it (the defect syzbot found; fixed by "mm/vma: correctly invoke late KSM check after mmap hook", squashed into cf7e7a3503df)',
        'otherwise the same early/late rule as cf7e7a3503df',
      ],
    }
  }
  return result
}
