/**
 * The axis under the strip: ticks, page numbers and (under them) hex
 * addresses, thinned by ticks.ts so labels never overlap, and "//" signs over
 * the holes the compressed axis squeezes.
 */
import type { JSX } from 'react'
import type { axisTicks } from './ticks'
import { AXIS_ADDRESS_Y, AXIS_FONT_PX, AXIS_PAGE_Y, AXIS_TICK, AXIS_TICK_LABELLED, LAYOUT } from './strip-layout'

export function Axis({ ticks, breaks, width }: { ticks: ReturnType<typeof axisTicks>; breaks: number[]; width: number }): JSX.Element {
  const y = LAYOUT.axisY
  let marks = ''
  for (const tick of ticks) {
    const x = Math.round(tick.x) + 0.5
    marks += `M${x} ${y}v${tick.pageLabel ? AXIS_TICK_LABELLED : AXIS_TICK}`
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
            <text x={tick.x} y={y + AXIS_PAGE_Y} textAnchor={tick.pageLabel.anchor} style={{ fill: 'var(--fg)' }}>
              {tick.pageLabel.text}
            </text>
          )}
          {tick.addressLabel && (
            <text x={tick.x} y={y + AXIS_ADDRESS_Y} textAnchor={tick.addressLabel.anchor} style={{ fill: 'var(--fg-muted)' }}>
              {tick.addressLabel.text}
            </text>
          )}
        </g>
        ) : null,
      )}
    </g>
  )
}
