/**
 * The marks drawn over the address-space strip, each a small SVG group: the
 * VMA labels, outlines (the step's changes, the pinned and hovered VMA), the
 * "asked" bracket over the range the call named, the ghost lane of VMAs the
 * step freed, and the prev/next brackets of the check under the pointer.
 * Positions come from strip-layout.ts; x from the page scale.
 */
import type { JSX } from 'react'
import type { StepResult, VmaView } from '../../engine/api'
import { BACKING_TOKEN } from './Legend'
import type { PageScale } from './scales'
import { fitText, LABEL_FONT_PX, spanPx, type buildStripGeometry } from './strip-geometry'
import { stripName } from './smaps'
import {
  AXIS_CHAR_PX,
  AXIS_FONT_PX,
  GHOST_FONT_PX,
  HALO,
  LABEL_NAME_Y,
  LABEL_RANGE_FONT_PX,
  LABEL_RANGE_Y,
  LAYOUT,
  MG_TAG_FONT_PX,
  MG_TAG_FROM_RIGHT,
  MG_TAG_HEIGHT,
  MG_TAG_WIDTH,
  MONO_CHAR_EM,
  STRIP_BOTTOM,
} from './strip-layout'

export function StripLabels({ labels }: { labels: ReturnType<typeof buildStripGeometry>['labels'] }): JSX.Element {
  return (
    <g className="font-mono" style={{ fontSize: LABEL_FONT_PX, pointerEvents: 'none' }}>
      {labels.map((item) => (
        <g key={item.id}>
          {item.name && (
            <text x={item.centreX} y={LAYOUT.stripY + LABEL_NAME_Y} textAnchor="middle" style={{ fill: 'var(--fg)', fontWeight: 600, ...(item.mergeable ? HALO : null) }}>
              {item.name}
            </text>
          )}
          {item.range && (
            <text x={item.centreX} y={LAYOUT.stripY + LABEL_RANGE_Y} textAnchor="middle" style={{ fill: 'var(--fg)', fillOpacity: 0.75, fontSize: LABEL_RANGE_FONT_PX, ...(item.mergeable ? HALO : null) }}>
              {item.range}
            </text>
          )}
          {item.mergeableTag && (
            <g transform={`translate(${item.rightX - MG_TAG_FROM_RIGHT} ${LAYOUT.stripY + LAYOUT.mergeableBandHeight + 3})`}>
              <rect width={MG_TAG_WIDTH} height={MG_TAG_HEIGHT} rx={2} style={{ fill: 'var(--vma-mergeable)' }} />
              <text x={MG_TAG_WIDTH / 2} y={8.5} textAnchor="middle" style={{ fill: 'var(--bg)', fontSize: MG_TAG_FONT_PX, fontWeight: 700 }}>
                mg
              </text>
            </g>
          )}
        </g>
      ))}
    </g>
  )
}

export function Outline({
  vma,
  scale,
  token,
  inset,
  strokeWidth,
  change,
}: {
  vma: VmaView
  scale: PageScale
  token: string
  inset: number
  strokeWidth: number
  /** What the step did to this VMA's struct (for the outline of a changed VMA). */
  change?: string
}): JSX.Element | null {
  const span = spanPx(scale, vma.start, vma.end, 3 + 2 * Math.max(inset, 0))
  if (span.width <= 0) return null
  return (
    <rect
      x={span.x + inset}
      y={LAYOUT.stripY + inset}
      width={Math.max(span.width - 2 * inset, 1)}
      height={LAYOUT.stripHeight - 2 * inset}
      style={{ fill: 'none', stroke: token, strokeWidth, pointerEvents: 'none' }}
      data-change={change}
    />
  )
}

export function AskedBracket({ step, scale }: { step: StepResult | null; scale: PageScale }): JSX.Element | null {
  if (!step?.range) return null
  const [start, end] = step.range
  const span = spanPx(scale, start, end, 3)
  if (span.width <= 0) return null
  const y = LAYOUT.askedY
  const x0 = span.x
  const x1 = span.x + span.width
  const text = `${step.op} [${start},${end})`
  const textPx = text.length * AXIS_CHAR_PX
  const width = scale.width as number
  let textX = (x0 + x1) / 2
  let anchor: 'start' | 'middle' | 'end' = 'middle'
  const centred = x1 - x0 >= textPx + 16
  if (!centred) {
    if (x1 + 6 + textPx <= width) {
      textX = x1 + 6
      anchor = 'start'
    } else {
      textX = x0 - 6
      anchor = 'end'
    }
  }
  return (
    <g data-testid="asked-range" style={{ pointerEvents: 'none' }}>
      <path d={`M${x0} ${y + 10}V${y}H${x1}V${y + 10}`} style={{ fill: 'none', stroke: 'var(--accent)', strokeWidth: 2 }} />
      {centred && <rect x={textX - textPx / 2 - 4} y={y - 6} width={textPx + 8} height={12} style={{ fill: 'var(--bg-panel)' }} />}
      <text x={textX} y={y + 3.5} textAnchor={anchor} className="font-mono" style={{ fill: 'var(--accent)', fontSize: AXIS_FONT_PX, fontWeight: 600 }}>
        {text}
      </text>
    </g>
  )
}

export function GhostLane({ ghosts, scale }: { ghosts: readonly VmaView[]; scale: PageScale }): JSX.Element | null {
  if (ghosts.length === 0) return null
  const { startPage, endPage } = scale.viewport
  return (
    <g data-testid="removed-ghosts" data-count={ghosts.length} style={{ pointerEvents: 'none' }}>
      {ghosts.map((vma) => {
        if (vma.end <= startPage || vma.start >= endPage) return null
        const span = spanPx(scale, vma.start, vma.end, 3)
        const name = fitText(stripName(vma), Math.floor((span.width - 6) / (GHOST_FONT_PX * MONO_CHAR_EM)))
        return (
          <g key={vma.id}>
            <rect
              x={span.x + 0.75}
              y={LAYOUT.ghostY}
              width={Math.max(span.width - 1.5, 1)}
              height={LAYOUT.ghostHeight}
              style={{ fill: BACKING_TOKEN[vma.backing], fillOpacity: 0.35, stroke: 'var(--change-removed)', strokeWidth: 1.5, strokeDasharray: '4 2.5' }}
            />
            {name && (
              <text
                x={span.x + span.width / 2}
                y={LAYOUT.ghostY + 9}
                textAnchor="middle"
                className="font-mono"
                style={{ fill: 'var(--fg)', fontSize: GHOST_FONT_PX }}
              >
                {name}
              </text>
            )}
          </g>
        )
      })}
    </g>
  )
}

export function HighlightBracket({
  range,
  name,
  token,
  scale,
}: {
  range: [number, number] | undefined
  name: 'prev' | 'next'
  token: string
  scale: PageScale
}): JSX.Element | null {
  if (!range) return null
  const span = spanPx(scale, range[0], range[1], 4)
  if (span.width <= 0) return null
  const top = STRIP_BOTTOM + 2
  const x0 = span.x + 1
  const x1 = span.x + span.width - 1
  return (
    <g data-testid={`highlight-${name}`} style={{ pointerEvents: 'none' }}>
      {/* A bar along the strip's bottom edge (not a full outline, which would cross the labels). */}
      <rect x={x0} y={STRIP_BOTTOM - 4} width={Math.max(x1 - x0, 1)} height={4} style={{ fill: token }} />
      <path d={`M${x0} ${top}V${top + 6}H${x1}V${top}`} style={{ fill: 'none', stroke: token, strokeWidth: 2 }} />
      <text
        x={(x0 + x1) / 2}
        y={top + 17}
        textAnchor="middle"
        className="font-mono"
        style={{ fill: token, fontSize: AXIS_FONT_PX, fontWeight: 700 }}
      >
        {name}
      </text>
    </g>
  )
}
