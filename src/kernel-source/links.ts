/**
 * Links from what the explorer names to the kernel source at the profile's
 * release: a kernel function to its definition on Elixir, a commit to
 * git.kernel.org, a patch to lore.
 *
 * Data-driven: a profile whose id is a release number ("6.16", "6.12") links
 * to that release's tag (v6.16), so a new profile gets its links by its id
 * alone. A profile that is not a release (v2, a patch as posted) names where
 * it lives in PATCH_PROFILES.
 */
import type { KernelId } from '../engine/api'

export type KernelSource =
  | { kind: 'release'; tag: string }
  | { kind: 'patch'; url: string; title: string; appliesTo: string }

/** v2 3/4 "mm: prevent KSM from completely breaking VMA merging", as posted on 21 May 2025. */
export const V2_PATCH_URL = 'https://lore.kernel.org/linux-mm/6057647abfceb672fa932ad7fb1b5b69bdab0fc7.1747844463.git.lorenzo.stoakes@oracle.com/'
/** The v2 series' cover letter. */
export const V2_COVER_URL = 'https://lore.kernel.org/linux-mm/cover.1747844463.git.lorenzo.stoakes@oracle.com/'

const PATCH_PROFILES: Partial<Record<KernelId, Extract<KernelSource, { kind: 'patch' }>>> = {
  v2: {
    kind: 'patch',
    url: V2_PATCH_URL,
    title: '[PATCH v2 3/4] mm: prevent KSM from completely breaking VMA merging (21 May 2025)',
    appliesTo: '6.16',
  },
}

/** Where a profile's source is: its release tag, or the patch as posted; null for an id that is neither. */
export function kernelSource(kernel: KernelId | string): KernelSource | null {
  const patch = PATCH_PROFILES[kernel as KernelId]
  if (patch) return patch
  const release = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(kernel)
  return release ? { kind: 'release', tag: `v${kernel}` } : null
}

/** A C identifier, as Elixir's identifier search takes it. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/

export interface SourceLink {
  href: string
  /** What the link opens, in words (for a tooltip). */
  title: string
}

/**
 * The link for kernel function `fn` in profile `kernel`: Elixir's identifier
 * search at the release tag, or the patch as posted for a patch profile.
 * Null when `fn` is not an identifier or the profile has no source.
 */
export function functionLink(kernel: KernelId | string, fn: string): SourceLink | null {
  if (!IDENTIFIER.test(fn)) return null
  const source = kernelSource(kernel)
  if (!source) return null
  if (source.kind === 'patch') {
    return { href: source.url, title: `${fn}: ${kernel} is a patch, not a release; this opens ${source.title}, which applies to the mm tree of the ${source.appliesTo} cycle` }
  }
  return { href: `https://elixir.bootlin.com/linux/${source.tag}/C/ident/${fn}`, title: `${fn} in Linux ${source.tag} (Elixir)` }
}

/** A commit of Linus' tree on git.kernel.org. */
export function commitLink(hash: string): string {
  return `https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/commit/?id=${hash}`
}

/** A search of the list archive for a patch by its subject (for changes whose commit id is not recorded here). */
export function loreSearchLink(subject: string): string {
  return `https://lore.kernel.org/all/?q=${encodeURIComponent(`s:"${subject}"`)}`
}
