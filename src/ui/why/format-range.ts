/** A page range as the page prints it: "[start,end)". Its own module, so the VMA table does not pull in the Why panel's code. */
export function formatRange(range: readonly [number, number] | { start: number; end: number }): string {
  const [start, end] = 'start' in range ? [range.start, range.end] : range
  return `[${start},${end})`
}

const PAGE_BYTES = 4096n
const hex = (base: bigint, page: number): string => (base + BigInt(page) * PAGE_BYTES).toString(16).padStart(8, '0')

/** A page range as /proc/PID/maps prints it, from the window's base: "7f0000000000-7f0000002000". */
export function mapsRange(range: readonly [number, number] | { start: number; end: number }, base: bigint): string {
  const [start, end] = 'start' in range ? [range.start, range.end] : range
  return `${hex(base, start)}-${hex(base, end)}`
}

/**
 * A check's text with its window pages as addresses: each "[start,end)" as maps prints the
 * range, each "page N" as "0x…". ("absolute page N" is already an absolute page number and stays.)
 */
export function textWithAddresses(text: string, base: bigint): string {
  return text
    .replace(/\[(\d+),(\d+)\)/g, (_, a: string, b: string) => mapsRange([Number(a), Number(b)], base))
    .replace(/(?<!absolute )\bpage (\d+)\b/g, (_, p: string) => `0x${hex(base, Number(p))}`)
}
