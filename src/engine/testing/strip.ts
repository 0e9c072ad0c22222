/**
 * ASCII strips, as tools/testing/vma/tests/merge.c draws the address space:
 *
 *     0123456789
 *     AA B   **
 *
 * Each character is a page; a letter is a VMA (consecutive equal letters are
 * one VMA, so two adjacent VMAs need two letters: "AABB"), a space or '.' is a
 * hole. `renderStrip` draws the engine's VMAs the same way, so tests compare
 * layouts as strings a reader can see.
 */
import type { VmaView } from '../api'

/** Parse "AA B" into ranges in pages. */
export function parseStrip(strip: string): { letter: string; start: number; end: number }[] {
  const out: { letter: string; start: number; end: number }[] = []
  for (let i = 0; i < strip.length; i++) {
    const ch = strip[i]!
    if (ch === ' ' || ch === '.') continue
    const last = out[out.length - 1]
    if (last && last.letter === ch && last.end === i) last.end = i + 1
    else out.push({ letter: ch, start: i, end: i + 1 })
  }
  return out
}

/**
 * Draw VMAs, one letter per VMA in address order (A, B, C…), '.' for holes,
 * up to `width` pages. Mergeable VMAs are drawn in lower case when `showMg`.
 */
export function renderStrip(vmas: readonly VmaView[], width: number, showMg = false): string {
  const row = new Array<string>(width).fill('.')
  vmas.forEach((v, i) => {
    let letter = String.fromCharCode(65 + (i % 26))
    if (showMg && v.mergeable) letter = letter.toLowerCase()
    for (let p = v.start; p < Math.min(v.end, width); p++) row[p] = letter
  })
  return row.join('').replace(/\.+$/, '')
}
