/**
 * The address-space strip: one scenario window drawn left to right, VMAs
 * coloured by backing, with the current step's change, the hovered check's
 * prev/next ranges, a page + hex-address axis, zoom/pan and smaps tooltips.
 *
 * How it draws: the VMAs become a few batched SVG paths (strip-geometry.ts),
 * so the DOM stays small however many VMAs there are; only labels, outlines
 * and ticks are separate elements, and there are at most a few per 20 px.
 *
 * How zoom works: the viewport is controlled (props.viewport). d3-zoom is
 * used only as a gesture recogniser. Its transform lives in "base x" space,
 * x = unit * width, where unit is the zoom-independent axis position from
 * scales.ts; each gesture is turned back into a page range and handed to
 * onViewportChange, and whenever the viewport prop changes the d3 transform is
 * rewritten to match (without events). Two views given the same viewport stay
 * in sync, even when one uses the compressed axis.
 *
 * Layout (px from the top of the SVG): the "asked" bracket, the ghost lane
 * with VMAs the step removed, the strip, the prev/next brackets, the axis.
 */
import {
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type JSX,
  type KeyboardEvent,
  type MouseEvent,
  type PointerEvent,
} from 'react'
import { select, zoom, zoomIdentity, type D3ZoomEvent, type ZoomBehavior } from 'd3'
import type { StepResult, VmaView } from '../../engine/api'
import { BACKING_TOKEN, Legend } from './Legend'
import { CANVAS_MIN_VMAS, CanvasStrip } from './CanvasStrip'
import { ProtLane } from './ProtLane'
import {
  compressedAxis,
  compressedColumns,
  linearAxis,
  normaliseViewport,
  scaleFromAxis,
  type Page,
  type PageRange,
  type PageScale,
  type UnitAxis,
} from './scales'
import { BACKING_KINDS, buildStripGeometry, fitText, LABEL_FONT_PX, spanPx, vmaAtX } from './strip-geometry'
import { stripName } from './smaps'
import { vmaChanges, type VmaChange } from '../../engine/changes'
import { changeNote, changeTokenOf, describeView } from './summary'
import { axisBreaks, axisTicks } from './ticks'
import { useElementWidth } from './use-element-width'
import { VmaTooltip, type TooltipAnchor } from './VmaTooltip'

export interface AddressSpaceViewProps {
  /** After the current step, in address order (as the engine gives them). */
  vmas: VmaView[]
  /** Before the current step (for the change highlight), in address order. */
  previousVmas: VmaView[]
  /**
   * The VMAs the step created and removed, when the caller has them (the
   * explorer's session does); otherwise they are picked out of `vmas` and
   * `previousVmas` by the step's id lists, one pass over each.
   */
  changes?: { created: VmaView[]; removed: VmaView[] }
  /** Current step (null = initial state). */
  step: StepResult | null
  windowPages: number
  /** Byte address of page 0, for the hex axis (e.g. 0x7f0000000000n). */
  baseAddress: bigint
  axisMode: 'linear' | 'compressed'
  /** null = whole window; controlled. */
  viewport: { startPage: number; endPage: number } | null
  onViewportChange(v: { startPage: number; endPage: number }): void
  /** Ranges the hovered/selected check looked at. */
  highlight: { prev?: [number, number]; next?: [number, number] } | null
  pinnedVmaId: number | null
  onPinVma(id: number | null): void
  /** E.g. the kernel id in compare mode. */
  label?: string
}

const LAYOUT = {
  askedY: 8,
  ghostY: 20,
  ghostHeight: 12,
  stripY: 38,
  stripHeight: 56,
  mergeableBandHeight: 4,
  axisY: 118,
  height: 152,
} as const
const STRIP_BOTTOM = LAYOUT.stripY + LAYOUT.stripHeight
const STRIP_BOX = { y: LAYOUT.stripY, height: LAYOUT.stripHeight, mergeableBandHeight: LAYOUT.mergeableBandHeight }
const AXIS_FONT_PX = 10
const AXIS_CHAR_PX = AXIS_FONT_PX * 0.62
const KEY_ZOOM_FACTOR = 1.5
const KEY_PAN_FRACTION = 0.25
const HOVER_SLOP_PX = 3
const CHANGE_TOKEN = { new: 'var(--change-new)', merged: 'var(--change-merged)', split: 'var(--change-split)', modified: 'var(--change-modified)' } as const

/** The VMAs of `vmas` whose id is in `ids` (none when there are no ids). */
function withIds(vmas: VmaView[], ids: readonly number[] | undefined): VmaView[] {
  if (!ids || ids.length === 0) return []
  const wanted = new Set(ids)
  return vmas.filter((vma) => wanted.has(vma.id))
}

function viewportFromUnits(axis: UnitAxis, unitStart: number, unitEnd: number): PageRange {
  return normaliseViewport({ startPage: axis.fromUnit(unitStart), endPage: axis.fromUnit(unitEnd) }, axis.windowPages)
}

/** The d3-zoom transform (in base-x space) that shows `scale`'s viewport. */
function zoomTransformFor(scale: PageScale) {
  const width = scale.width as number
  const unitStart = scale.toUnit(scale.viewport.startPage as Page)
  const unitEnd = scale.toUnit(scale.viewport.endPage as Page)
  const k = 1 / Math.max(unitEnd - unitStart, 1e-12)
  return zoomIdentity.translate(-k * unitStart * width, 0).scale(k)
}

type HoverLane = 'strip' | 'ghost'
interface HoverState {
  vma: VmaView
  lane: HoverLane
  clientX: number
  clientY: number
}

export function AddressSpaceView(props: AddressSpaceViewProps): JSX.Element {
  const { windowPages, baseAddress, axisMode, step, highlight, pinnedVmaId, label } = props
  const instanceId = useId()
  const hatchId = `${instanceId}-mg-hatch`
  const tooltipId = `${instanceId}-tooltip`
  const stripRef = useRef<HTMLDivElement>(null)
  const svgRef = useRef<SVGSVGElement>(null)
  const width = useElementWidth(stripRef)
  const [hover, setHover] = useState<HoverState | null>(null)

  // Callbacks through refs, so a new closure from the parent never re-binds d3-zoom.
  const onViewportChangeRef = useRef(props.onViewportChange)
  useEffect(() => {
    onViewportChangeRef.current = props.onViewportChange
  })

  const { vmas, previousVmas, changes } = props

  const columns = useMemo(
    () => (axisMode === 'compressed' ? compressedColumns([previousVmas, vmas], windowPages) : null),
    [axisMode, previousVmas, vmas, windowPages],
  )
  const axis = useMemo(
    () => (columns ? compressedAxis({ windowPages, columns, width }) : linearAxis(windowPages)),
    [columns, windowPages, width],
  )
  const viewportStart = props.viewport?.startPage
  const viewportEnd = props.viewport?.endPage
  const scale = useMemo(
    () =>
      scaleFromAxis(
        axis,
        viewportStart === undefined || viewportEnd === undefined ? null : { startPage: viewportStart, endPage: viewportEnd },
        width,
      ),
    [axis, viewportStart, viewportEnd, width],
  )

  // Large address spaces: the fills go to a canvas (CanvasStrip); the SVG keeps labels and marks.
  const onCanvas = vmas.length >= CANVAS_MIN_VMAS
  const geometry = useMemo(() => buildStripGeometry(vmas, scale, STRIP_BOX, { paths: !onCanvas }), [vmas, scale, onCanvas])
  const ticks = useMemo(() => axisTicks(scale, baseAddress, { charPx: AXIS_CHAR_PX }), [scale, baseAddress])
  const breaks = useMemo(() => axisBreaks(scale, vmas), [scale, vmas])

  // What the step did to each struct: those it freed are drawn as ghosts; those it
  // made or changed in place are outlined where they are now.
  const { removed: previous, created } = useMemo(
    () => changes ?? { removed: withIds(previousVmas, step?.removed), created: withIds(vmas, step?.created) },
    [changes, step, previousVmas, vmas],
  )
  const lifetimes = useMemo(() => vmaChanges(created, previous, step?.op), [created, previous, step?.op])
  const ghosts = useMemo(() => lifetimes.flatMap((c) => (c.kind === 'removed' ? [c.before!] : [])), [lifetimes])
  const changeOf = useMemo(() => {
    const byId = new Map<number, VmaChange>()
    for (const c of lifetimes) byId.set((c.after ?? c.before)!.id, c)
    return byId
  }, [lifetimes])

  // ---- d3-zoom as a gesture recogniser --------------------------------------
  const zoomRef = useRef<ZoomBehavior<SVGSVGElement, unknown> | null>(null)
  const axisRef = useRef(axis)
  useEffect(() => {
    axisRef.current = axis
  }, [axis])
  useEffect(() => {
    const svg = svgRef.current
    if (!svg || width <= 0) return
    const behavior = zoom<SVGSVGElement, unknown>()
      .extent([
        [0, 0],
        [width, LAYOUT.height],
      ])
      .translateExtent([
        [0, 0],
        [width, LAYOUT.height],
      ])
      .scaleExtent([1, Math.max(16, windowPages * 4)])
      .clickDistance(4)
      .on('zoom', (event: D3ZoomEvent<SVGSVGElement, unknown>) => {
        if (!event.sourceEvent) return // our own sync below
        const t = event.transform
        const unitStart = -t.x / t.k / width
        const unitEnd = (width - t.x) / t.k / width
        onViewportChangeRef.current(viewportFromUnits(axisRef.current, unitStart, unitEnd))
      })
    const selection = select(svg)
    selection.call(behavior).on('dblclick.zoom', null)
    zoomRef.current = behavior
    return () => {
      selection.on('.zoom', null)
      zoomRef.current = null
    }
  }, [width, windowPages])

  // Keep d3's idea of the transform equal to the controlled viewport (no events).
  useEffect(() => {
    const svg = svgRef.current
    if (!svg || width <= 0) return
    select(svg).property('__zoom', zoomTransformFor(scale))
  }, [scale, width])

  // ---- keyboard -------------------------------------------------------------
  const emitUnits = useCallback(
    (unitStart: number, unitEnd: number) => {
      const span = unitEnd - unitStart
      let start = unitStart
      if (start < 0) start = 0
      if (start + span > 1) start = 1 - span
      onViewportChangeRef.current(viewportFromUnits(axis, start, start + span))
    },
    [axis],
  )
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return // browser zoom etc.
    const unitStart = scale.toUnit(scale.viewport.startPage as Page)
    const unitEnd = scale.toUnit(scale.viewport.endPage as Page)
    const span = unitEnd - unitStart
    const centre = (unitStart + unitEnd) / 2
    let handled = true
    if (event.key === '+' || event.key === '=') {
      const next = span / KEY_ZOOM_FACTOR
      emitUnits(centre - next / 2, centre + next / 2)
    } else if (event.key === '-' || event.key === '_') {
      const next = Math.min(span * KEY_ZOOM_FACTOR, 1)
      emitUnits(centre - next / 2, centre + next / 2)
    } else if (event.key === '0') {
      props.onViewportChange({ startPage: 0, endPage: windowPages })
    } else if (event.shiftKey && (event.key === 'ArrowLeft' || event.key === 'ArrowRight')) {
      // Plain arrows are the app's step keys: only Shift+arrow is ours.
      const delta = span * KEY_PAN_FRACTION * (event.key === 'ArrowLeft' ? -1 : 1)
      emitUnits(unitStart + delta, unitEnd + delta)
    } else if (event.key === 'Escape' && pinnedVmaId !== null) {
      props.onPinVma(null)
    } else {
      handled = false
    }
    if (handled) {
      event.preventDefault()
      event.stopPropagation()
    }
  }

  // ---- hover and pin --------------------------------------------------------
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
    if (hit && hit.lane === 'strip') props.onPinVma(hit.vma.id)
    else if (pinnedVmaId !== null) props.onPinVma(null)
  }

  // A hover from before a step is stale: show it only while its VMA is still drawn.
  const hoveredVma = hover && (hover.lane === 'strip' ? vmas : ghosts).includes(hover.vma) ? hover.vma : undefined
  const pinnedVma = useMemo(
    () => (pinnedVmaId === null ? undefined : vmas.find((vma) => vma.id === pinnedVmaId)),
    [vmas, pinnedVmaId],
  )
  const tooltipVma = hoveredVma ?? pinnedVma
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

  const summary = describeView({ vmas, windowPages, viewport: scale.viewport, step, changes: lifetimes, axisMode, label })
  const tooltipChange = tooltipVma ? changeOf.get(tooltipVma.id) : undefined
  const ready = width > 0

  return (
    <div
      tabIndex={0}
      role="group"
      aria-roledescription="address space view"
      aria-label={`${label ? label + ' ' : ''}address space. Keys: + and − zoom, Shift+Left and Shift+Right pan, 0 resets, Escape unpins.`}
      aria-describedby={tooltipVma ? tooltipId : undefined}
      data-testid="address-space-view"
      data-axis-mode={axisMode}
      onKeyDown={onKeyDown}
      className="flex flex-col gap-2 rounded-lg border border-(--border) bg-(--bg-panel) px-3 pt-2 pb-1 text-(--fg) focus-visible:outline-2 focus-visible:outline-solid focus-visible:outline-offset-2 focus-visible:outline-(--focus)"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <div className="flex items-baseline gap-3 text-sm">
          {label && <span className="font-mono font-semibold">{label}</span>}
          <span className="font-mono text-xs text-(--fg-muted)" data-testid="address-space-viewport">
            pages {Math.round(scale.viewport.startPage)}–{Math.round(scale.viewport.endPage)} of {windowPages}
            {axisMode === 'compressed' ? ' · gap-compressed axis' : ''}
          </span>
        </div>
        <Legend showHighlight={Boolean(highlight?.prev || highlight?.next)} />
      </div>
      <div ref={stripRef} className="relative w-full">
        {ready && onCanvas && <CanvasStrip vmas={vmas} scale={scale} box={STRIP_BOX} height={LAYOUT.height} />}
        {ready && <ProtLane vmas={vmas} scale={scale} top={STRIP_BOTTOM + 1} />}
        <svg
          ref={svgRef}
          role="img"
          aria-label={summary}
          width={ready ? width : '100%'}
          height={LAYOUT.height}
          className="relative block cursor-grab touch-none overflow-visible select-none active:cursor-grabbing"
          data-renderer={onCanvas ? 'canvas' : 'svg'}
          data-vma-count={vmas.length}
          data-visible-vmas={geometry.visibleCount}
          onPointerMove={onPointerMove}
          onPointerLeave={() => setHover(null)}
          onClick={onClick}
        >
          <defs>
            <pattern id={hatchId} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
              <line x1="0" y1="0" x2="0" y2="6" style={{ stroke: 'var(--vma-mergeable)', strokeWidth: 1.4, strokeOpacity: 0.7 }} />
            </pattern>
          </defs>
          {ready && (
            <>
              <AskedBracket step={step} scale={scale} />
              <GhostLane ghosts={ghosts} scale={scale} />
              {!onCanvas && (
                <>
                  <rect
                    x={0}
                    y={LAYOUT.stripY}
                    width={width}
                    height={LAYOUT.stripHeight}
                    style={{ fill: 'var(--bg)', stroke: 'var(--border)' }}
                  />
                  <path d={geometry.boundaries} style={{ stroke: 'var(--vma-boundary)', strokeWidth: 1 }} />
                  {BACKING_KINDS.map((kind) => (
                    <path key={kind} d={geometry.fills[kind]} data-backing={kind} style={{ fill: BACKING_TOKEN[kind] }} />
                  ))}
                  <path d={geometry.mergeableHatch} style={{ fill: `url(#${CSS.escape(hatchId)})` }} />
                  <path d={geometry.mergeableBand} style={{ fill: 'var(--vma-mergeable)' }} />
                </>
              )}
              <StripLabels labels={geometry.labels} />
              {vmas.length === 0 && (
                <text
                  x={width / 2}
                  y={LAYOUT.stripY + LAYOUT.stripHeight / 2 + 4}
                  textAnchor="middle"
                  className="font-sans text-xs"
                  style={{ fill: 'var(--fg-muted)' }}
                >
                  nothing mapped in this window
                </text>
              )}
              {lifetimes.map((c) => c.after && (
                <Outline key={`created-${c.after.id}`} vma={c.after} scale={scale} token={CHANGE_TOKEN[changeTokenOf(c.kind)]} inset={1.5} strokeWidth={2.5} change={c.kind} />
              ))}
              <HighlightBracket range={highlight?.prev} name="prev" token="var(--prev-highlight)" scale={scale} />
              <HighlightBracket range={highlight?.next} name="next" token="var(--next-highlight)" scale={scale} />
              {pinnedVma && <Outline vma={pinnedVma} scale={scale} token="var(--fg)" inset={-3} strokeWidth={3} />}
              {hoveredVma && hover?.lane === 'strip' && hoveredVma !== pinnedVma && (
                <Outline vma={hoveredVma} scale={scale} token="var(--fg-muted)" inset={-1.5} strokeWidth={1.5} />
              )}
              <Axis ticks={ticks} breaks={breaks} width={width} />
            </>
          )}
        </svg>
      </div>
      {tooltipVma && (
        <VmaTooltip
          id={tooltipId}
          vma={tooltipVma}
          baseAddress={baseAddress}
          getAnchor={getAnchor}
          pinned={!hoveredVma && Boolean(pinnedVma)}
          note={tooltipChange ? changeNote(tooltipChange, lifetimes, step) : undefined}
        />
      )}
    </div>
  )
}

// ---- pieces of the drawing ----------------------------------------------------

/** A halo in the page colour keeps a label readable on top of the mg hatch. */
const HALO = { stroke: 'var(--bg)', strokeWidth: 3, strokeOpacity: 0.85, paintOrder: 'stroke', strokeLinejoin: 'round' } as const

function StripLabels({ labels }: { labels: ReturnType<typeof buildStripGeometry>['labels'] }): JSX.Element {
  return (
    <g className="font-mono" style={{ fontSize: LABEL_FONT_PX, pointerEvents: 'none' }}>
      {labels.map((item) => (
        <g key={item.id}>
          {item.name && (
            <text x={item.centreX} y={LAYOUT.stripY + 29} textAnchor="middle" style={{ fill: 'var(--fg)', fontWeight: 600, ...(item.mergeable ? HALO : null) }}>
              {item.name}
            </text>
          )}
          {item.range && (
            <text x={item.centreX} y={LAYOUT.stripY + 45} textAnchor="middle" style={{ fill: 'var(--fg)', fillOpacity: 0.75, fontSize: 10, ...(item.mergeable ? HALO : null) }}>
              {item.range}
            </text>
          )}
          {item.mergeableTag && (
            <g transform={`translate(${item.rightX - 21} ${LAYOUT.stripY + LAYOUT.mergeableBandHeight + 3})`}>
              <rect width={17} height={11} rx={2} style={{ fill: 'var(--vma-mergeable)' }} />
              <text x={8.5} y={8.5} textAnchor="middle" style={{ fill: 'var(--bg)', fontSize: 9, fontWeight: 700 }}>
                mg
              </text>
            </g>
          )}
        </g>
      ))}
    </g>
  )
}

function Outline({
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

function AskedBracket({ step, scale }: { step: StepResult | null; scale: PageScale }): JSX.Element | null {
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

function GhostLane({ ghosts, scale }: { ghosts: VmaView[]; scale: PageScale }): JSX.Element | null {
  if (ghosts.length === 0) return null
  const { startPage, endPage } = scale.viewport
  return (
    <g data-testid="removed-ghosts" style={{ pointerEvents: 'none' }}>
      {ghosts.map((vma) => {
        if (vma.end <= startPage || vma.start >= endPage) return null
        const span = spanPx(scale, vma.start, vma.end, 3)
        const name = fitText(stripName(vma), Math.floor((span.width - 6) / (9 * 0.62)))
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
                style={{ fill: 'var(--fg)', fontSize: 9 }}
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

function HighlightBracket({
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

function Axis({ ticks, breaks, width }: { ticks: ReturnType<typeof axisTicks>; breaks: number[]; width: number }): JSX.Element {
  const y = LAYOUT.axisY
  let marks = ''
  for (const tick of ticks) {
    const x = Math.round(tick.x) + 0.5
    marks += `M${x} ${y}v${tick.pageLabel ? 5 : 3}`
  }
  // Axis-break signs "//" over squeezed holes on the compressed axis.
  let breakMarks = ''
  for (const x of breaks) breakMarks += `M${x - 5} ${y + 4}l4 -8M${x + 1} ${y + 4}l4 -8`
  return (
    <g className="font-mono" style={{ fontSize: AXIS_FONT_PX, pointerEvents: 'none' }} data-testid="axis">
      <path d={`M0 ${y + 0.5}H${width}`} style={{ stroke: 'var(--border)' }} />
      <path d={marks} style={{ stroke: 'var(--fg-muted)' }} />
      {breakMarks && (
        <g data-testid="axis-breaks">
          <path d={breakMarks} style={{ stroke: 'var(--bg-panel)', strokeWidth: 4 }} />
          <path d={breakMarks} style={{ stroke: 'var(--fg-muted)', strokeWidth: 1.25 }} />
        </g>
      )}
      {ticks.map((tick) =>
        tick.pageLabel || tick.addressLabel ? (
        <g key={tick.page}>
          {tick.pageLabel && (
            <text x={tick.x} y={y + 16} textAnchor={tick.pageLabel.anchor} style={{ fill: 'var(--fg)' }}>
              {tick.pageLabel.text}
            </text>
          )}
          {tick.addressLabel && (
            <text x={tick.x} y={y + 30} textAnchor={tick.addressLabel.anchor} style={{ fill: 'var(--fg-muted)' }}>
              {tick.addressLabel.text}
            </text>
          )}
        </g>
        ) : null,
      )}
    </g>
  )
}
