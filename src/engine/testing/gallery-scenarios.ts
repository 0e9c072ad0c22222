/** The gallery's scenarios, loaded, named "gallery ID" (for tests that run every scenario the page offers). */
import { GALLERY, loadGalleryScenario } from '../../scenario/gallery'
import type { Scenario } from '../../scenario/types'

export function galleryScenarios(): [string, Scenario][] {
  return GALLERY.map((entry) => {
    const loaded = loadGalleryScenario(entry.id)
    if (!loaded.ok) throw new Error(`${entry.id}: ${loaded.text}`)
    return [`gallery ${entry.id}`, loaded.scenario]
  })
}
