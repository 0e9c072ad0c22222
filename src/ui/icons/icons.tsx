/**
 * The few icons the explorer uses, as inline SVG (no icon font, no emoji, so
 * they render the same on every machine). Decorative: always aria-hidden; the
 * button around them carries the name.
 */
const PATHS = {
  first: 'M3 2h1.6v10H3zM12 2v10L5.5 7z',
  previous: 'M11 2v10L4 7z',
  next: 'M3 2v10l7-5z',
  last: 'M9.4 2H11v10H9.4zM2 2v10l6.5-5z',
  play: 'M3.5 2v10l8-5z',
  pause: 'M3 2h3v10H3zM8 2h3v10H8z',
  open: 'M1.5 3h4l1 1.2H12.5v1.3H3.2L1.5 11zM3.6 6.2H13.5L11.8 11.5H1.8z',
  download: 'M6.2 1.5h1.6v6l2.3-2.3 1.1 1.1L7 10.5 2.8 6.3l1.1-1.1 2.3 2.3zM2 11.2h10v1.5H2z',
  sun: 'M7 4a3 3 0 1 1 0 6 3 3 0 0 1 0-6zM6.4 0h1.2v2.4H6.4zM6.4 11.6h1.2V14H6.4zM0 6.4h2.4v1.2H0zM11.6 6.4H14v1.2h-2.4z',
  moon: 'M9.5 1.2A6 6 0 1 0 12.8 10 4.8 4.8 0 0 1 9.5 1.2z',
} as const

export type IconName = keyof typeof PATHS

export function Icon({ name, className = 'size-3.5' }: { name: IconName; className?: string }) {
  return (
    <svg viewBox="0 0 14 14" className={className} aria-hidden="true" focusable="false">
      <path d={PATHS[name]} fill="currentColor" />
    </svg>
  )
}
