/**
 * The prot lane under the strip, pure part: which protections (and which
 * flag changes between same-prot neighbours) fall in each pixel column of
 * the viewport. One pass over the VMAs in view, into a buffer reused across
 * frames. A column holding several protections is drawn striped in all of
 * them, so 65,530 alternating rw-/r-- VMAs zoomed out read as a striped
 * lane, not as one solid colour; zoomed in, each VMA has its prot's colour.
 */
import type { VmaView } from '../../engine/api'
import type { PageScale } from './scales'
import { firstVmaEndingAfter } from './strip-geometry'

/** The protections the lane tells apart, in legend order. */
export const PROT_CLASSES = ['rw-', 'r--', 'r-x', 'rwx', '---', 'other'] as const
export type ProtClass = (typeof PROT_CLASSES)[number]
/** The theme token of each class (src/ui/theme.css). */
export const PROT_TOKEN: Record<ProtClass, string> = {
  'rw-': '--prot-rw',
  'r--': '--prot-r',
  'r-x': '--prot-rx',
  rwx: '--prot-rwx',
  '---': '--prot-none',
  other: '--prot-other',
}
/** Bit set in a column where two neighbours with the same prot differ in their flags. */
export const FLAGS_CHANGE = 1 << 7

/** The class index of each named protection (all but 'other'): one lookup per VMA per frame, not a search. */
const CLASS_OF_PROT = new Map<string, number>(PROT_CLASSES.slice(0, -1).map((prot, index) => [prot, index]))

export function protClassIndex(prot: string): number {
  return CLASS_OF_PROT.get(prot) ?? PROT_CLASSES.length - 1
}

function sameFlags(a: VmaView, b: VmaView): boolean {
  if (a.mnemonics.length !== b.mnemonics.length) return false
  for (let i = 0; i < a.mnemonics.length; i++) if (a.mnemonics[i] !== b.mnemonics[i]) return false
  return true
}

/**
 * Fills `out[c]` (c < width) with a bit per prot class present in column c,
 * plus FLAGS_CHANGE where adjacent same-prot VMAs differ in flags. Returns
 * the buffer (grown when the width grew).
 */
export function protColumns(vmas: readonly VmaView[], scale: PageScale, out: Uint8Array = new Uint8Array(0)): Uint8Array {
  const width = Math.max(0, Math.floor(scale.width as number))
  const columns = out.length >= width ? out : new Uint8Array(width)
  columns.fill(0, 0, width)
  const { startPage, endPage } = scale.viewport
  let previous: VmaView | null = null
  for (let i = firstVmaEndingAfter(vmas, startPage); i < vmas.length; i++) {
    const vma = vmas[i]!
    if (vma.start >= endPage) break
    const x0 = scale.toX(vma.start) as number
    const x1 = scale.toX(vma.end) as number
    const bit = 1 << protClassIndex(vma.prot)
    let c0 = Math.floor(x0)
    let c1 = Math.ceil(x1) - 1
    if (c1 < c0) c1 = c0
    if (c0 < 0) c0 = 0
    if (c1 >= width) c1 = width - 1
    for (let c = c0; c <= c1; c++) columns[c]! |= bit
    if (previous && previous.end === vma.start && previous.prot === vma.prot && !sameFlags(previous, vma)) {
      const b = Math.round(x0)
      if (b >= 0 && b < width) columns[b]! |= FLAGS_CHANGE
    }
    previous = vma
  }
  return columns
}

/** The class to paint column c with: its only class, or, for a mixed column, one of them in 2 px stripes. -1 = unmapped. */
export function paintClass(bits: number, c: number): number {
  const classes = bits & ~FLAGS_CHANGE
  if (classes === 0) return -1
  let count = 0
  for (let k = 0; k < PROT_CLASSES.length; k++) if (classes & (1 << k)) count++
  let pick = Math.floor(c / 2) % count
  for (let k = 0; k < PROT_CLASSES.length; k++) {
    if (!(classes & (1 << k))) continue
    if (pick === 0) return k
    pick--
  }
  return -1
}
