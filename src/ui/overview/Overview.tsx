/**
 * The overview above the step list (data-testid="overview"): the VMA count
 * after every step, for each kernel shown and for an open recording, drawn
 * with d3 (scales and areas) over one min/max pair per pixel column, so a
 * 1,000,000-step run is a handful of paths. Differing steps are marked along
 * the top, failed steps along the bottom, the current step by a line. Click
 * or drag to move. For screen readers it is a picture with its numbers in
 * words; keyboards have the scrubber and the step keys for the same moves
 * (one slider on the page, not two).
 */
import { memo, useMemo, useRef, type PointerEvent } from 'react'
import { area, scaleLinear } from 'd3'
import { useElementWidth } from '../address-space/use-element-width'
import { binSeries, columnOf, markColumns, markPath, stepAtX } from './overview-bins'

export interface OverviewSeries {
  /** "6.18", "6.16", "recording". */
  label: string
  /** Index = step (0 = initial state): VMAs after the step. */
  counts: ArrayLike<number>
  /** A theme token for the stroke ("--accent"). */
  colour: string
  dashed?: boolean
}

interface OverviewProps {
  series: readonly OverviewSeries[]
  stepCount: number
  current: number
  differing: readonly number[]
  failed: readonly number[]
  onSelect(step: number): void
}

const HEIGHT = 56
const MARK = 4

export const Overview = memo(function Overview({ series, stepCount, current, differing, failed, onSelect }: OverviewProps) {
  const box = useRef<HTMLDivElement>(null)
  const width = useElementWidth(box, 'overview')
  const columns = Math.max(1, Math.min(width, stepCount + 1))
  const columnWidth = width / columns

  const drawn = useMemo(() => {
    if (width <= 0) return null
    const bins = series.map((s) => binSeries(s.counts, columns))
    const peak = Math.max(1, ...bins.map((b) => b.peak))
    const y = scaleLinear().domain([0, peak]).range([HEIGHT - MARK - 1, MARK + 1])
    const indices = Array.from({ length: columns }, (_, c) => c)
    // Each column's band spans the fewest to the most VMAs of its steps.
    const paths = bins.map(
      (b) =>
        area<number>()
          .x((c) => (c + 0.5) * columnWidth)
          .y0((c) => y(b.min[c]!))
          .y1((c) => y(b.max[c]!) - 0.5)(indices) ?? '',
    )
    return { paths, peak }
  }, [series, columns, columnWidth, width])

  const differingPath = useMemo(() => (width > 0 ? markPath(markColumns(differing, stepCount, columns), columnWidth, 0, MARK) : ''), [differing, stepCount, columns, columnWidth, width])
  const failedPath = useMemo(() => (width > 0 ? markPath(markColumns(failed, stepCount, columns), columnWidth, HEIGHT - MARK, MARK) : ''), [failed, stepCount, columns, columnWidth, width])
  const currentX = (columnOf(current, stepCount, columns) + 0.5) * columnWidth

  const dragging = useRef(false)
  const select = (event: PointerEvent<HTMLDivElement>) => {
    const rect = event.currentTarget.getBoundingClientRect()
    onSelect(stepAtX(event.clientX - rect.left, rect.width, stepCount))
  }
  const countAt = (s: OverviewSeries) => s.counts[current] ?? 0
  const valueText = `Step ${current} of ${stepCount}: ${series.map((s) => `${s.label} ${countAt(s).toLocaleString('en-US')} VMAs`).join(', ')}`

  return (
    <div className="px-3 pb-2">
      <div
        ref={box}
        data-testid="overview"
        data-columns={columns}
        role="img"
        aria-label={`Overview of all steps. ${valueText}`}
        data-step={current}
        className="relative cursor-pointer touch-none rounded border border-line bg-bg select-none"
        style={{ height: HEIGHT }}
        onPointerDown={(event) => {
          dragging.current = true
          event.currentTarget.setPointerCapture(event.pointerId)
          select(event)
        }}
        onPointerMove={(event) => {
          if (dragging.current) select(event)
        }}
        onPointerUp={() => {
          dragging.current = false
        }}
      >
        {drawn && (
          <svg width={width} height={HEIGHT} aria-hidden="true" className="block">
            {drawn.paths.map((d, i) => (
              <path
                key={series[i]!.label}
                d={d}
                data-series={series[i]!.label}
                style={{ fill: `var(${series[i]!.colour})`, fillOpacity: 0.25, stroke: `var(${series[i]!.colour})`, strokeWidth: 1.25, strokeDasharray: series[i]!.dashed ? '3 2' : undefined }}
              />
            ))}
            <path d={differingPath} data-testid="overview-differing" style={{ fill: 'var(--change-split)' }} />
            <path d={failedPath} data-testid="overview-failed" style={{ fill: 'var(--check-fail)' }} />
            <line x1={currentX} x2={currentX} y1={0} y2={HEIGHT} data-testid="overview-current" style={{ stroke: 'var(--fg)', strokeWidth: 2 }} />
          </svg>
        )}
      </div>
      <p className="flex flex-wrap gap-x-3 pt-0.5 text-[11px] text-muted" aria-hidden="true">
        <span>VMAs over {stepCount.toLocaleString('en-US')} steps (peak {(drawn?.peak ?? 0).toLocaleString('en-US')})</span>
        {series.map((s) => (
          <span key={s.label}>
            <span className="mr-0.5 inline-block h-0.5 w-3 align-middle" style={{ background: `var(${s.colour})` }} />
            {s.label}
          </span>
        ))}
        {differing.length > 0 && <span><span className="mr-0.5 inline-block h-2 w-1 align-middle" style={{ background: 'var(--change-split)' }} />differs</span>}
        {failed.length > 0 && <span><span className="mr-0.5 inline-block h-2 w-1 align-middle" style={{ background: 'var(--check-fail)' }} />failed</span>}
      </p>
    </div>
  )
})
