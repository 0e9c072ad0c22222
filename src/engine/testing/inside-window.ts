/**
 * Test helper for generated scenarios: shortens every range a step names so
 * it ends inside the window (the loader refuses one that does not; see
 * src/scenario/step-rules.ts). Ranges that start past the window are moved to
 * its last page.
 */
interface RangeFields { at?: number; pages?: number; to?: number; newPages?: number }

export function insideWindow<S extends object>(steps: readonly S[], windowPages: number): S[] {
  const fit = (at: number, pages: number): [number, number] => {
    const start = Math.min(at, Math.max(0, windowPages - 1))
    return [start, Math.min(pages, windowPages - start)]
  }
  return steps.map((step) => {
    const s = step as S & RangeFields
    let out: S & RangeFields = s
    if (typeof s.at === 'number' && typeof s.pages === 'number' && s.at + s.pages > windowPages) {
      const [at, pages] = fit(s.at, s.pages)
      out = { ...out, at, pages }
    }
    // shmat and shmdt name only a first page (an attach is as long as its segment).
    if (typeof s.at === 'number' && s.pages === undefined && s.at >= windowPages) out = { ...out, at: Math.max(0, windowPages - 1) }
    if (typeof s.to === 'number' && typeof s.newPages === 'number' && s.to + s.newPages > windowPages) {
      const [to, newPages] = fit(s.to, s.newPages)
      out = { ...out, to, newPages }
    }
    return out
  })
}
