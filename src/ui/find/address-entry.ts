/**
 * What the user typed into "Go to address" (or the search box): a hex byte
 * address ("0x7f0000003000", "7f0000003000h" is not accepted) or a page
 * number ("12", "page 12", "p12"), turned into a page of the scenario window.
 * Addresses are bigints throughout (no 32-bit operators on addresses).
 */
const PAGE_SIZE = 4096n

export type AddressEntry = { ok: true; page: number; exact: string } | { ok: false; message: string }

export function parseAddressEntry(input: string, baseAddress: bigint, windowPages: number): AddressEntry {
  const text = input.trim().toLowerCase()
  if (text === '') return { ok: false, message: 'type a hex address (0x7f0000001000) or a page number (12)' }
  const hex = /^0x([0-9a-f_]{1,16})$/.exec(text)
  if (hex) {
    const address = BigInt(`0x${hex[1]!.replaceAll('_', '')}`)
    if (address < baseAddress) return { ok: false, message: `0x${address.toString(16)} is below the window, which starts at 0x${baseAddress.toString(16)}` }
    const page = (address - baseAddress) / PAGE_SIZE
    if (page >= BigInt(windowPages)) {
      const end = baseAddress + BigInt(windowPages) * PAGE_SIZE
      return { ok: false, message: `0x${address.toString(16)} is past the window's end (0x${end.toString(16)})` }
    }
    return { ok: true, page: Number(page), exact: `0x${address.toString(16)}` }
  }
  const pageMatch = /^(?:page\s*|p\s*)?(\d+)$/.exec(text)
  if (pageMatch) {
    const page = Number(pageMatch[1])
    if (!Number.isSafeInteger(page) || page >= windowPages) return { ok: false, message: `page ${pageMatch[1]} is past the window (pages 0–${windowPages - 1})` }
    return { ok: true, page, exact: `page ${page}` }
  }
  return { ok: false, message: `"${input.trim()}" is neither a hex address (0x…) nor a page number` }
}

/**
 * A viewport showing [start, end) near the middle: the current zoom when the
 * range is at least 2% of it, else zoomed in so the range is a twentieth of
 * the view (at least 16 pages), clamped to the window.
 */
export function viewportAround(
  start: number,
  end: number,
  windowPages: number,
  current: { startPage: number; endPage: number } | null,
): { startPage: number; endPage: number } {
  const currentWidth = current ? current.endPage - current.startPage : windowPages
  const size = Math.max(1, end - start)
  let width = size >= currentWidth * 0.02 && size <= currentWidth ? currentWidth : Math.max(16, size * 20)
  width = Math.min(width, windowPages)
  const centre = (start + end) / 2
  let from = Math.round(centre - width / 2)
  from = Math.max(0, Math.min(from, windowPages - width))
  return { startPage: from, endPage: from + width }
}
