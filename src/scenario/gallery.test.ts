import { describe, expect, it } from 'vitest'
import { DEFAULT_GALLERY_ID, GALLERY, findGalleryEntry, loadGalleryScenario } from './gallery'
import { loadScenario } from './load'

describe('built-in scenario gallery', () => {
  it('has unique ids and contains the default scenario', () => {
    const ids = GALLERY.map((entry) => entry.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(findGalleryEntry(DEFAULT_GALLERY_ID)).toBeDefined()
  })

  it.each(GALLERY.map((entry) => entry.id))('%s loads cleanly, with a title and notes', (id) => {
    const loaded = loadGalleryScenario(id)
    if (!loaded.ok) throw new Error(loaded.text)
    expect(loaded.warnings).toEqual([])
    expect(loaded.scenario.title?.length).toBeGreaterThan(10)
    expect(loaded.scenario.notes?.length).toBeGreaterThan(80)
  })

  it.each(GALLERY.map((entry) => entry.id))('%s is stored in the loader\'s normal form (the page opens it without the validator)', (id) => {
    const entry = findGalleryEntry(id)!
    const loaded = loadScenario(entry.document)
    if (!loaded.ok) throw new Error(loaded.text)
    expect(loaded.warnings).toEqual([])
    expect(loaded.scenario).toStrictEqual(entry.document)
  })

  it('answers an unknown id with a load error that lists the known ones', () => {
    const loaded = loadGalleryScenario('nope')
    expect(loaded.ok).toBe(false)
    if (!loaded.ok) expect(loaded.error.message).toContain('known: seed, ksm_merge')
    // A whole-document error: the text is the message, with no bare ": " before it.
    if (!loaded.ok) expect(loaded.text).toMatch(/^no built-in scenario "nope" \(known: /)
  })
})
