/**
 * The built-in scenarios of the explorer: one JSON document per file in
 * ./gallery/, listed here in the order the gallery shows them.
 *
 * The documents are ordinary `vma-scenario/3` files (the same a user can open or
 * download), stored in the loader's normal form: every default written out, so
 * that `loadScenario(document)` returns the document itself with no warning
 * (gallery.test.ts checks exactly that for each one). So the page can open them
 * without loading the validator, which it fetches only when something comes
 * from outside (a file, a link, the editor). Each one's `title` and `notes`
 * say what it shows and what to look at.
 */
import type { LoadResult } from './load'
import type { Scenario } from './types'
import { STRESS_SCENARIOS, findStressScenario } from './stress'
import seed from './gallery/seed.json'
import ksmMerge from './gallery/ksm_merge.json'
import brk from './gallery/brk.json'
import overlayfsVsExt4 from './gallery/overlayfs-vs-ext4.json'
import memfd from './gallery/memfd.json'
import devZero from './gallery/dev-zero.json'
import pfnmapDriver from './gallery/pfnmap-driver.json'
import prctlAfter from './gallery/prctl-after.json'
import madviseOneNeighbour from './gallery/madvise-one-neighbour.json'
import fork from './gallery/fork.json'
import mprotectMerges from './gallery/mprotect-merges.json'

export interface GalleryEntry {
  /** Stable id, used in `?scenario=<id>` links. */
  id: string
  /** The raw document, exactly as stored in ./gallery/<file>.json. */
  document: unknown
}

/** The scenario the explorer opens when nothing else is asked for. */
export const DEFAULT_GALLERY_ID = 'seed'

export const GALLERY: readonly GalleryEntry[] = [
  { id: 'seed', document: seed },
  { id: 'ksm_merge', document: ksmMerge },
  { id: 'brk', document: brk },
  { id: 'overlayfs-vs-ext4', document: overlayfsVsExt4 },
  { id: 'memfd', document: memfd },
  { id: 'dev-zero', document: devZero },
  { id: 'pfnmap-driver', document: pfnmapDriver },
  { id: 'prctl-after', document: prctlAfter },
  { id: 'madvise-one-neighbour', document: madviseOneNeighbour },
  { id: 'fork', document: fork },
  { id: 'mprotect-merges', document: mprotectMerges },
]

export function findGalleryEntry(id: string): GalleryEntry | undefined {
  return GALLERY.find((entry) => entry.id === id)
}

/** Loads a gallery scenario through the one scenario loader. Unknown ids give a LoadResult error too. */
export function loadGalleryScenario(id: string): LoadResult {
  const entry = findGalleryEntry(id)
  // The stress scenarios are generated, already in loaded form (see ./stress.ts).
  const stress = entry ? undefined : findStressScenario(id)
  if (stress) return { ok: true, scenario: stress.build(), warnings: [] }
  if (!entry) {
    const known = [...GALLERY, ...STRESS_SCENARIOS].map((e) => e.id).join(', ')
    const message = `no built-in scenario "${id}" (known: ${known})`
    return { ok: false, error: { path: '', message }, text: message }
  }
  // Stored in normal form (see the header): the document is the loaded scenario.
  return { ok: true, scenario: entry.document as Scenario, warnings: [] }
}

/** The title a gallery entry shows in lists: the document's own title, else its id. */
export function galleryTitle(entry: GalleryEntry): string {
  const title = (entry.document as { title?: unknown }).title
  return typeof title === 'string' && title !== '' ? title : entry.id
}
