/**
 * The neighbourhood of a step as an ASCII strip, drawn the way the comments
 * in the kernel's tools/testing/vma/vma.c draw merges:
 *
 *              page 0 = 0x7f0000000000, 1 page per column
 *              0123456789
 *     before   AA
 *     mmap       **
 *     after    CCCC
 *
 * One letter per vm_area_struct (a VMA the step expanded, shrank or changed
 * in place keeps its letter, as the kernel keeps the struct; a struct the
 * step allocated gets the next letter), `*` for the range the call names, a space for
 * no VMA. The ruler is the last digit of each page number. A neighbourhood
 * wider than STRIP_COLUMNS pages is drawn with several pages per column
 * (each column shows the VMA that holds most of its pages).
 */
import type { VmaView } from '../../engine/api'
import { addressOf } from './address'

export const STRIP_COLUMNS = 60
/** Pages of context drawn on each side of the step's range, at most. */
const CONTEXT_PAGES = 8
const LABEL_WIDTH = 9

export interface StripInput {
  before: readonly VmaView[]
  after: readonly VmaView[]
  /** The range the call names, [start, end) in pages. */
  range: [number, number]
  /** The operation's name for the middle row: "mmap", "mprotect"… */
  op: string
  windowPages: number
  base: bigint
}

export interface Strip {
  lines: string[]
  /** The letter of each vm_area_struct drawn, by VmaView.structId. */
  letters: Map<number, string>
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

function letterAt(i: number): string {
  return i < LETTERS.length ? LETTERS[i]! : '#'
}

/** The page span to draw: the range, the VMAs it touches and its nearest neighbours, within CONTEXT_PAGES. */
function span(input: StripInput): [number, number] {
  const [from, to] = input.range
  let lo = from
  let hi = Math.max(to, from + 1)
  for (const list of [input.before, input.after]) {
    for (const v of list) {
      if (v.end >= from - CONTEXT_PAGES && v.start <= hi + CONTEXT_PAGES) {
        lo = Math.min(lo, Math.max(v.start, from - CONTEXT_PAGES))
        hi = Math.max(hi, Math.min(v.end, to + CONTEXT_PAGES))
      }
    }
  }
  // One page of air on each side, inside the window.
  return [Math.max(0, lo - 1), Math.min(input.windowPages, hi + 1)]
}

function row(vmas: readonly VmaView[], letters: Map<number, string>, lo: number, columns: number, perColumn: number): string {
  let out = ''
  let k = 0
  for (let c = 0; c < columns; c++) {
    const colStart = lo + c * perColumn
    const colEnd = colStart + perColumn
    while (k < vmas.length && vmas[k]!.end <= colStart) k++
    let best: VmaView | null = null
    let bestPages = 0
    for (let j = k; j < vmas.length && vmas[j]!.start < colEnd; j++) {
      const v = vmas[j]!
      const pages = Math.min(v.end, colEnd) - Math.max(v.start, colStart)
      if (pages > bestPages) {
        best = v
        bestPages = pages
      }
    }
    out += best ? letters.get(best.structId)! : ' '
  }
  return out
}

export function drawStrip(input: StripInput): Strip {
  const [lo, hi] = span(input)
  const pages = Math.max(1, hi - lo)
  const perColumn = Math.ceil(pages / STRIP_COLUMNS)
  const columns = Math.ceil(pages / perColumn)
  const letters = new Map<number, string>()
  const visible = (v: VmaView) => v.end > lo && v.start < hi
  // The VMAs before the step get letters in address order; the ones the step made, the next letters.
  for (const v of [...input.before.filter(visible), ...input.after.filter(visible)]) {
    if (!letters.has(v.structId)) letters.set(v.structId, letterAt(letters.size))
  }
  let ruler = ''
  for (let c = 0; c < columns; c++) ruler += String(perColumn === 1 ? (lo + c) % 10 : c % 10)
  const [from, to] = input.range
  let call = ''
  for (let c = 0; c < columns; c++) {
    const colStart = lo + c * perColumn
    call += colStart < to && colStart + perColumn > from ? '*' : ' '
  }
  const pad = (label: string) => label.padEnd(LABEL_WIDTH, ' ')
  const scale = perColumn === 1 ? '1 page per column' : `${perColumn} pages per column`
  const lines = [
    `${pad('')}page ${lo} = ${addressOf(input.base, lo)}, ${scale}`,
    `${pad('')}${ruler}`,
    `${pad('before')}${row(input.before, letters, lo, columns, perColumn)}`,
    `${pad(input.op)}${call}`,
    `${pad('after')}${row(input.after, letters, lo, columns, perColumn)}`,
  ].map((l) => l.trimEnd())
  return { lines, letters }
}
