/**
 * Hover and pin in the address-space view: which VMA is under the pointer (in
 * the strip, or a freed one in the ghost lane), a click pins a strip VMA (and
 * a click elsewhere unpins), and where its tooltip goes. A hover from before a
 * step is stale: it shows only while its VMA is still drawn.
 */
import { useMemo, useState, type MouseEvent, type PointerEvent, type RefObject } from 'react'
import type { VmaView } from '../../engine/api'
import type { PageScale } from './scales'
import { spanPx, vmaAtX } from './strip-geometry'
import { HOVER_SLOP_PX, LAYOUT, STRIP_BOTTOM } from './strip-layout'
import type { TooltipAnchor } from './VmaTooltip'

export type HoverLane = 'strip' | 'ghost'
interface HoverState {
  vma: VmaView
  lane: HoverLane
  clientX: number
  clientY: number
}

export interface HoverPin {
  hoveredVma: VmaView | undefined
  hoveredLane: HoverLane | undefined
  pinnedVma: VmaView | undefined
  /** The hovered VMA, else the pinned one: the one the tooltip describes. */
  tooltipVma: VmaView | undefined
  /** Where the tooltip points: the pointer, or the pinned VMA's centre under the strip. */
  getAnchor(): TooltipAnchor | null
  onPointerMove(event: PointerEvent<SVGSVGElement>): void
  onPointerLeave(): void
  onClick(event: MouseEvent<SVGSVGElement>): void
}

export function useHoverPin(opts: {
  svgRef: RefObject<SVGSVGElement | null>
  vmas: VmaView[]
  ghosts: readonly VmaView[]
  scale: PageScale
  width: number
  pinnedVmaId: number | null
  onPinVma(id: number | null): void
}): HoverPin {
  const { svgRef, vmas, ghosts, scale, width, pinnedVmaId, onPinVma } = opts
  const [hover, setHover] = useState<HoverState | null>(null)

  const hitTest = (clientX: number, clientY: number): { vma: VmaView; lane: HoverLane } | null => {
    const svg = svgRef.current
    if (!svg) return null
    const rect = svg.getBoundingClientRect()
    const x = clientX - rect.left
    const y = clientY - rect.top
    if (y >= LAYOUT.stripY - 4 && y <= STRIP_BOTTOM + 4) {
      const vma = vmaAtX(vmas, scale, x, HOVER_SLOP_PX)
      return vma ? { vma, lane: 'strip' } : null
    }
    if (y >= LAYOUT.ghostY - 3 && y <= LAYOUT.ghostY + LAYOUT.ghostHeight + 3) {
      const vma = vmaAtX(ghosts, scale, x, HOVER_SLOP_PX)
      return vma ? { vma, lane: 'ghost' } : null
    }
    return null
  }
  const onPointerMove = (event: PointerEvent<SVGSVGElement>) => {
    if (event.buttons !== 0) {
      if (hover) setHover(null)
      return
    }
    const hit = hitTest(event.clientX, event.clientY)
    if (!hit) {
      if (hover) setHover(null)
      return
    }
    setHover({ vma: hit.vma, lane: hit.lane, clientX: event.clientX, clientY: event.clientY })
  }
  const onClick = (event: MouseEvent<SVGSVGElement>) => {
    const hit = hitTest(event.clientX, event.clientY)
    if (hit && hit.lane === 'strip') onPinVma(hit.vma.id)
    else if (pinnedVmaId !== null) onPinVma(null)
  }

  const hoveredVma = hover && (hover.lane === 'strip' ? vmas : ghosts).includes(hover.vma) ? hover.vma : undefined
  const pinnedVma = useMemo(
    () => (pinnedVmaId === null ? undefined : vmas.find((vma) => vma.id === pinnedVmaId)),
    [vmas, pinnedVmaId],
  )
  const getAnchor = (): TooltipAnchor | null => {
    if (hover && hoveredVma) return { clientX: hover.clientX, clientY: hover.clientY }
    const svg = svgRef.current
    if (!pinnedVma || !svg) return null
    const rect = svg.getBoundingClientRect()
    const span = spanPx(scale, pinnedVma.start, pinnedVma.end, 1)
    if (span.width <= 0) return null
    const centre = Math.min(Math.max(span.x + span.width / 2, 0), width)
    return { clientX: rect.left + centre, clientY: rect.top + STRIP_BOTTOM }
  }
  return {
    hoveredVma,
    hoveredLane: hoveredVma ? hover?.lane : undefined,
    pinnedVma,
    tooltipVma: hoveredVma ?? pinnedVma,
    getAnchor,
    onPointerMove,
    onPointerLeave: () => setHover(null),
    onClick,
  }
}
