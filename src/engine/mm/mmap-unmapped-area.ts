/**
 * Where the kernel puts a mapping when the caller names no address:
 * __get_unmapped_area() (mm/mmap.c, 6.18) with the x86-64 top-down layout
 * (arch_get_unmapped_area_topdown: the highest hole that fits).
 *
 * Transparent huge pages change the answer. thp_get_unmapped_area() asks for a
 * hole PMD_SIZE (2 MiB) larger than the mapping and places it so that its file
 * offset and its address agree modulo 2 MiB; top-down, an already aligned start
 * moves up by 2 MiB (`if (test_bit(MMF_TOPDOWN) && !off_sub) return ret + size`).
 * It applies to
 *   - anonymous private memory whose length is a multiple of 2 MiB, when no hint
 *     is given ("Ensures that larger anonymous mappings are THP aligned");
 *   - files whose f_op->get_unmapped_area is thp_get_unmapped_area (ext4) and
 *     private /dev/zero (get_unmapped_area_zero), when the range holds at least
 *     one aligned 2 MiB of the file ("off_end - off_align >= size").
 * shmem (tmpfs, memfd, MAP_SHARED|MAP_ANONYMOUS) aligns only when huge shmem is
 * enabled, which it is not by default (shmem_enabled "never"): not modelled.
 * If the padded hole does not exist, the plain search is used.
 *
 * The alignment is of absolute addresses, so it depends on the window's base:
 * without one in the scenario the answer assumes DEFAULT_BASE and the step says
 * that the real address cannot be predicted.
 */
import { HUGE_PAGE_PAGES, PMD_PAGES } from '../machine'
import type { StepContext } from '../process'
import { asPage } from '../units'
import type { FileObject } from '../mm-types'

export interface AreaRequest {
  pages: number
  /** The file the mapping will have (null: anonymous). */
  file: FileObject | null
  /** File offset in pages (ignored for anonymous memory: "Always treat pgoff as zero"). */
  pgoff: number
  shared: boolean
}

/** Does __get_unmapped_area() take the thp_get_unmapped_area() path, and with which file offset? */
function thpOffset(ctx: StepContext, req: AreaRequest): number | null {
  const f = req.file
  if (!f) {
    if (req.shared) return null // shmem_get_unmapped_area
    if (!ctx.profile.thpAlignsAnon) return null // before 6.7 (efa7df3e3bb5)
    return req.pages % PMD_PAGES === 0 ? 0 : null
  }
  const thpFile = f.unmappedArea === 'thp' || (f.kind === 'device' && f.display === '/dev/zero' && !req.shared) || (f.kind === 'file' && f.fs === 'ext4')
  if (!thpFile) return null
  // __thp_get_unmapped_area(): off_end <= off_align || off_end - off_align < size → no alignment.
  const offAlign = Math.ceil(req.pgoff / PMD_PAGES) * PMD_PAGES
  const offEnd = req.pgoff + req.pages
  if (offEnd <= offAlign || offEnd - offAlign < PMD_PAGES) return null
  return req.pgoff
}

const mod = (a: number, m: number): number => ((a % m) + m) % m

/** The page the kernel picks (window-relative), or null for ENOMEM. Notes the decision in the step. */
export function getUnmappedArea(ctx: StepContext, req: AreaRequest): number | null {
  const mm = ctx.mm
  const limit = asPage(ctx.windowPages)
  const off = thpOffset(ctx, req)
  if (off !== null) {
    const padded = mm.topDownHole(req.pages + PMD_PAGES, limit)
    if (padded !== null) {
      const basePage = ctx.machine.basePage
      const offSub = mod(off - (basePage + padded), PMD_PAGES)
      const at = offSub === 0 ? padded + PMD_PAGES : padded + offSub
      ctx.note('thp_get_unmapped_area', 'thp-align', () => `${req.file ? `the file's get_unmapped_area is thp_get_unmapped_area and the range holds an aligned 2 MiB` : 'anonymous, a multiple of 2 MiB, no hint'}: a hole of ${req.pages} + 512 pages is found at ${padded}, and the mapping is placed at ${at}, where the address ≡ the file offset (mod 2 MiB)`)
      if (!ctx.machine.baseKnown) {
        ctx.report.unpredictable = `thp_get_unmapped_area() aligns this mapping to 2 MiB in absolute addresses; the scenario gives no base, so the engine assumes page 0 at ${ctx.machine.baseText} (2 MiB-aligned). A real process's window can lie anywhere, so the page it gets can differ from run to run.`
      }
      return at
    }
    ctx.note('thp_get_unmapped_area', 'thp-no-room', () => `no hole of ${req.pages} + 512 pages for THP alignment: the plain search is used`)
  }
  return mm.topDownHole(req.pages, limit)
}

/**
 * hugetlb_get_unmapped_area() for a MAP_HUGETLB mapping the kernel places: the highest hole
 * that holds it on a huge page boundary of absolute addresses (align_mask = ~huge_page_mask(h)).
 */
export function hugePageHole(ctx: StepContext, pages: number): number | null {
  const at = ctx.mm.topDownHole(pages, asPage(ctx.windowPages), HUGE_PAGE_PAGES, ctx.machine.basePage)
  if (at !== null) ctx.note('hugetlb_get_unmapped_area', 'huge-page-aligned', () => `the highest hole that holds ${pages} pages from a 2 MiB boundary: ${at}`)
  return at
}
