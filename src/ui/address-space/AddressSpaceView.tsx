/**
 * The address-space strip: one scenario window drawn left to right, VMAs
 * coloured by backing, with the current step's change, the hovered check's
 * prev/next ranges, a page + hex-address axis, zoom/pan and smaps tooltips.
 *
 * How it draws: the VMAs become a few batched SVG paths (strip-geometry.ts),
 * so the DOM stays small however many VMAs there are; only labels, outlines
 * and ticks are separate elements, and there are at most a few per 20 px.
 *
 * Zoom and pan (use-zoom-gestures.ts) keep the viewport controlled by the
 * caller; hover and pin are use-hover-pin.ts; the marks over the strip are
 * StripMarks.tsx and the axis Axis.tsx, all placed by strip-layout.ts.
 *
 * Lanes, top to bottom: the "asked" bracket, the ghost lane with VMAs the
 * step removed, the strip, the prev/next brackets, the axis (strip-layout.ts).
 */
import { useId, useMemo, useRef, type JSX, type KeyboardEvent } from 'react'
import type { StepResult, VmaView } from '../../engine/api'
import { BACKING_TOKEN, Legend } from './Legend'
import { CANVAS_MIN_VMAS, CanvasStrip } from './CanvasStrip'
import { ChangeCanvas, OUTLINE_KINDS, SVG_CHANGE_MARKS_MAX } from './ChangeCanvas'
import type { ChangeMarks } from './change-raster'
import { ProtLane } from './ProtLane'
import { compressedAxis, compressedColumns, linearAxis, scaleFromAxis } from './scales'
import { BACKING_KINDS, buildStripGeometry } from './strip-geometry'
import { vmaChanges, type VmaChange } from '../../engine/changes'
import { changeNote, changeTokenOf, describeView } from './summary'
import { axisBreaks, axisTicks } from './ticks'
import { useElementWidth } from './use-element-width'
import { VmaTooltip } from './VmaTooltip'
import { AXIS_CHAR_PX, CHANGE_TOKEN, LAYOUT, STRIP_BOTTOM, STRIP_BOX } from './strip-layout'
import { AskedBracket, GhostLane, HighlightBracket, Outline, StripLabels } from './StripMarks'
import { Axis } from './Axis'
import { useZoomGestures } from './use-zoom-gestures'
import { useHoverPin } from './use-hover-pin'

export interface AddressSpaceViewProps {
  /** After the current step, in address order (as the engine gives them). */
  vmas: VmaView[]
  /** Before the current step (for the change highlight), in address order. */
  previousVmas: VmaView[]
  /**
   * The VMAs the step created and removed, when the caller has them (the
   * explorer's session does); otherwise they are picked out of `vmas` and
   * `previousVmas` by the step's id lists, one pass over each. `lifetimes`:
   * their vmaChanges, when the caller has made it already (a fork of 65,530
   * VMAs is paired once, not once per reader).
   */
  changes?: { created: VmaView[]; removed: VmaView[]; lifetimes?: readonly VmaChange[] }
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

/** The VMAs of `vmas` whose id is in `ids` (none when there are no ids). */
function withIds(vmas: VmaView[], ids: readonly number[] | undefined): VmaView[] {
  if (!ids || ids.length === 0) return []
  const wanted = new Set(ids)
  return vmas.filter((vma) => wanted.has(vma.id))
}

/**
 * A step's changes as the canvas marks them: the VMAs it made or changed (each
 * one's outline kind) and those it freed (each one's backing), both in address
 * order; and the change kinds present, for the summary's data-change.
 */
function changeMarks(lifetimes: readonly VmaChange[]): { outlined: ChangeMarks; ghosts: ChangeMarks; kindsText: string } {
  const outlinedVmas: VmaView[] = []
  const ghostVmas: VmaView[] = []
  for (const c of lifetimes) {
    if (c.after) outlinedVmas.push(c.after)
    else if (c.kind === 'removed') ghostVmas.push(c.before!)
  }
  const outlinedKinds = new Uint8Array(outlinedVmas.length)
  const kinds = new Set<string>()
  let k = 0
  for (const c of lifetimes) {
    if (!c.after) continue
    outlinedKinds[k++] = OUTLINE_KINDS.indexOf(changeTokenOf(c.kind))
    kinds.add(c.kind)
  }
  const ghostKinds = Uint8Array.from(ghostVmas, (v) => BACKING_KINDS.indexOf(v.backing))
  return { outlined: { vmas: outlinedVmas, kinds: outlinedKinds }, ghosts: { vmas: ghostVmas, kinds: ghostKinds }, kindsText: [...kinds].sort().join(' ') }
}

/** A lane drawn on the canvas, summed up in the SVG for tests and scripts (the aria-label counts the changes too). */
function LaneSummary({ testId, count }: { testId: string; count: number }): JSX.Element | null {
  return count === 0 ? null : <g data-testid={testId} data-count={count} />
}

export function AddressSpaceView(props: AddressSpaceViewProps): JSX.Element {
  const { windowPages, baseAddress, axisMode, step, highlight, pinnedVmaId, label } = props
  const instanceId = useId()
  const hatchId = `${instanceId}-mg-hatch`
  const tooltipId = `${instanceId}-tooltip`
  const stripRef = useRef<HTMLDivElement>(null)
  const svgRef = useRef<SVGSVGElement>(null)
  const width = useElementWidth(stripRef, label ? `address-space ${label}` : 'address-space')

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
  const given = changes?.lifetimes
  const lifetimes = useMemo(() => given ?? vmaChanges(created, previous, step?.op), [given, created, previous, step?.op])
  // A step that changed many VMAs (a munmap or fork of 65,530) draws its marks on a canvas.
  const marksOnCanvas = lifetimes.length > SVG_CHANGE_MARKS_MAX
  const marks = useMemo(() => changeMarks(lifetimes), [lifetimes])
  const ghosts = marks.ghosts.vmas

  const gestures = useZoomGestures({ svgRef, width, windowPages, axis, scale, onViewportChange: props.onViewportChange })
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (gestures.onKeyDown(event)) return
    if (event.key === 'Escape' && pinnedVmaId !== null && !(event.ctrlKey || event.metaKey || event.altKey)) {
      props.onPinVma(null)
      event.preventDefault()
      event.stopPropagation()
    }
  }
  const { hoveredVma, hoveredLane, pinnedVma, tooltipVma, getAnchor, onPointerMove, onPointerLeave, onClick } = useHoverPin({
    svgRef,
    vmas,
    ghosts,
    scale,
    width,
    pinnedVmaId,
    onPinVma: props.onPinVma,
  })

  const summary = useMemo(
    () => describeView({ vmas, windowPages, viewport: scale.viewport, step, changes: lifetimes, axisMode, label }),
    [vmas, windowPages, scale.viewport, step, lifetimes, axisMode, label],
  )
  // Looked up when shown, not indexed per step: a step of 65,530 changes would build a map of them on every visit.
  const tooltipChange = useMemo(() => (tooltipVma ? lifetimes.find((c) => (c.after ?? c.before)!.id === tooltipVma.id) : undefined), [tooltipVma, lifetimes])
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
          onPointerLeave={onPointerLeave}
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
              {marksOnCanvas ? <LaneSummary testId="removed-ghosts" count={ghosts.length} /> : <GhostLane ghosts={ghosts} scale={scale} />}
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
              {marks.outlined.vmas.length > 0 && (
                <g data-testid="changed-vmas" data-count={marks.outlined.vmas.length} data-change={marks.kindsText}>
                  {!marksOnCanvas && lifetimes.map((c) => c.after && (
                    <Outline key={`created-${c.after.id}`} vma={c.after} scale={scale} token={CHANGE_TOKEN[changeTokenOf(c.kind)]} inset={1.5} strokeWidth={2.5} change={c.kind} />
                  ))}
                </g>
              )}
              <HighlightBracket range={highlight?.prev} name="prev" token="var(--prev-highlight)" scale={scale} />
              <HighlightBracket range={highlight?.next} name="next" token="var(--next-highlight)" scale={scale} />
              {pinnedVma && <Outline vma={pinnedVma} scale={scale} token="var(--fg)" inset={-3} strokeWidth={3} />}
              {hoveredVma && hoveredLane === 'strip' && hoveredVma !== pinnedVma && (
                <Outline vma={hoveredVma} scale={scale} token="var(--fg-muted)" inset={-1.5} strokeWidth={1.5} />
              )}
              <Axis ticks={ticks} breaks={breaks} width={width} />
            </>
          )}
        </svg>
        {ready && marksOnCanvas && <ChangeCanvas outlined={marks.outlined} ghosts={marks.ghosts} scale={scale} height={LAYOUT.height} />}
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
