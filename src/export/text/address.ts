/**
 * Byte addresses of window pages, shared by the formats. A module of its own so
 * that the VMA table (which prints maps lines) does not load the strace-style
 * call formatter with it.
 */
export const PAGE_BYTES = 4096n

/** The byte address of `page` (a window page) as 0x hex. */
export function addressOf(base: bigint, page: number): string {
  return `0x${(base + BigInt(page) * PAGE_BYTES).toString(16)}`
}
