/**
 * Test fixtures as ASCII strips (style rule 6), for this folder's tests only:
 *
 *   parseStrip('aa|aA  f')
 *
 * One character is one page. A run of the same letter is one VMA; '|' ends a
 * VMA without taking a page (so two neighbours of the same backing can be
 * written); ' ' is an unmapped page. The letter gives the backing (a anon,
 * f file, s shmem, d device, h heap); an uppercase letter means VM_MERGEABLE.
 */
import type { BackingKind, VmaView } from '../../engine/api'
import { asPage } from '../../engine/units'

const BACKING_BY_LETTER: Record<string, BackingKind> = { a: 'anon', f: 'file', s: 'shmem', d: 'device', h: 'heap' }

export function testVma(start: number, end: number, backing: BackingKind, mergeable: boolean, id: number): VmaView {
  return {
    id,
    structId: id,
    dupOf: null,
    start: asPage(start),
    end: asPage(end),
    pgoff: 0,
    prot: 'rw-',
    share: 'private',
    mergeable,
    names: [`v${id}`],
    flags: ['VM_READ', 'VM_WRITE', ...(mergeable ? ['VM_MERGEABLE'] : [])],
    mnemonics: ['rd', 'wr', ...(mergeable ? ['mg'] : [])],
    backing,
    file: null,
    fileId: null,
    anonVma: null,
    forkChild: false,
    vmOpsClose: false,
  }
}

export function parseStrip(strip: string): VmaView[] {
  const vmas: VmaView[] = []
  let page = 0
  let open: { start: number; letter: string } | null = null
  const close = () => {
    if (open) {
      const backing = BACKING_BY_LETTER[open.letter.toLowerCase()]
      if (!backing) throw new Error(`parseStrip: unknown letter "${open.letter}" in "${strip}"`)
      vmas.push(testVma(open.start, page, backing, open.letter !== open.letter.toLowerCase(), vmas.length + 1))
    }
    open = null
  }
  for (const char of strip) {
    if (char === '|') {
      close()
      continue
    }
    if (open && open.letter !== char) close()
    if (char !== ' ' && !open) open = { start: page, letter: char }
    page++
  }
  close()
  return vmas
}
