/**
 * The hover / pinned details card for one VMA: the smaps lines first, then the
 * simulator's fields. Positioned with `position: fixed` next to an anchor
 * point (the pointer, or the pinned VMA) and pushed back inside the browser
 * viewport after it has been measured.
 */
import { useLayoutEffect, useRef, type JSX } from 'react'
import type { VmaView } from '../../engine/api'
import { mapsHeaderLine, sizeLine, vmaDetailRows, vmFlagsLine } from './smaps'

export interface TooltipAnchor {
  /** Client (viewport) coordinates of the point the card should sit next to. */
  clientX: number
  clientY: number
}

export interface VmaTooltipProps {
  vma: VmaView
  baseAddress: bigint
  /** Called at layout time so the card follows scrolling and resizing. */
  getAnchor: () => TooltipAnchor | null
  pinned: boolean
  /** A line shown above the smaps text, e.g. "removed by this step". */
  note?: string
  id: string
}

const clientSize = () => ({ width: document.documentElement.clientWidth, height: document.documentElement.clientHeight })

const MARGIN_PX = 8
const OFFSET_PX = 14

export function VmaTooltip({ vma, baseAddress, getAnchor, pinned, note, id }: VmaTooltipProps): JSX.Element {
  const cardRef = useRef<HTMLDivElement>(null)
  /**
   * The card's size, kept by a ResizeObserver (told after layout, before paint): placing the
   * card on each render (a zoom under a still pointer re-renders the view every frame) then
   * forces no layout of the page. Measured directly only before the observer's first report.
   */
  const size = useRef<{ width: number; height: number } | null>(null)
  /** The page's client size (without scroll bars), read where layout is clean: the observer's report, a resize. */
  const viewport = useRef<{ width: number; height: number } | null>(null)
  const placeRef = useRef<() => void>(() => undefined)

  useLayoutEffect(() => {
    const card = cardRef.current
    if (!card || typeof ResizeObserver === 'undefined') return
    const observer = new ResizeObserver(([entry]) => {
      const box = entry?.borderBoxSize?.[0]
      size.current = box ? { width: box.inlineSize, height: box.blockSize } : card.getBoundingClientRect()
      viewport.current = clientSize()
      placeRef.current()
    })
    observer.observe(card)
    return () => observer.disconnect()
  }, [])

  useLayoutEffect(() => {
    const card = cardRef.current
    if (!card) return
    const place = () => {
      const anchor = getAnchor()
      if (!anchor) {
        card.style.visibility = 'hidden'
        return
      }
      const { width, height } = size.current ?? card.getBoundingClientRect()
      const { width: viewportWidth, height: viewportHeight } = viewport.current ?? clientSize()
      let left = anchor.clientX + OFFSET_PX
      if (left + width > viewportWidth - MARGIN_PX) left = anchor.clientX - OFFSET_PX - width
      left = Math.max(MARGIN_PX, Math.min(left, viewportWidth - MARGIN_PX - width))
      let top = anchor.clientY + OFFSET_PX
      if (top + height > viewportHeight - MARGIN_PX) top = anchor.clientY - OFFSET_PX - height
      top = Math.max(MARGIN_PX, Math.min(top, viewportHeight - MARGIN_PX - height))
      card.style.left = `${left}px`
      card.style.top = `${top}px`
      card.style.visibility = 'visible'
    }
    placeRef.current = place
    place()
    const resized = () => {
      viewport.current = clientSize()
      place()
    }
    window.addEventListener('scroll', place, true)
    window.addEventListener('resize', resized)
    return () => {
      window.removeEventListener('scroll', place, true)
      window.removeEventListener('resize', resized)
    }
  })

  return (
    <div
      ref={cardRef}
      id={id}
      role="tooltip"
      data-testid={pinned ? 'vma-tooltip-pinned' : 'vma-tooltip'}
      className="pointer-events-none fixed top-0 left-0 z-50 max-w-[min(36rem,calc(100vw-16px))] rounded-md border border-(--border) bg-(--bg-raised) px-3 py-2 text-(--fg) shadow-lg"
      style={{ visibility: 'hidden' }}
    >
      {note && <div className="mb-1 text-xs font-semibold text-(--change-removed)">{note}</div>}
      <pre className="m-0 font-mono text-xs leading-5 whitespace-pre-wrap break-all">
        {mapsHeaderLine(vma, baseAddress)}
        {'\n'}
        {sizeLine(vma)}
        {'\n'}
        {vmFlagsLine(vma)}
      </pre>
      <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 border-t border-(--border) pt-2 font-mono text-[11px] leading-4">
        {vmaDetailRows(vma).map((row) => (
          <div key={row.label} className="contents">
            <dt className="text-(--fg-muted)">{row.label}</dt>
            <dd className="m-0 break-words">{row.value}</dd>
          </div>
        ))}
      </dl>
      {pinned && <div className="mt-2 text-[11px] text-(--fg-muted)">Pinned · Esc or click empty space to unpin</div>}
    </div>
  )
}
