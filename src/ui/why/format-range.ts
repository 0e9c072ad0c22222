/** A page range as the page prints it: "[start,end)". Its own module, so the VMA table does not pull in the Why panel's code. */
export function formatRange(range: readonly [number, number] | { start: number; end: number }): string {
  const [start, end] = 'start' in range ? [range.start, range.end] : range
  return `[${start},${end})`
}
