/**
 * The VMA count over the steps of a traced program, drawn with d3: the real
 * process, each kernel shown, and max_map_count for scale (a log axis, so a
 * program with 50 VMAs and the 65,530 limit fit one chart). Clicking goes to
 * that step. One path per line, whatever the number of steps (the points are
 * thinned to the chart's width).
 */
import { line, scaleLinear, scaleLog } from 'd3'
import { useMemo, type JSX, type MouseEvent } from 'react'

export interface CountLine { label: string; counts: readonly number[]; colour: string; dashed?: boolean }

const WIDTH = 640
const HEIGHT = 150
const M = { left: 44, right: 8, top: 8, bottom: 22 }

/** At most one point per chart pixel: the max of the steps it covers. */
function thin(counts: readonly number[], px: number): [number, number][] {
  const n = counts.length
  if (n <= px) return counts.map((c, i) => [i, c])
  const out: [number, number][] = []
  for (let p = 0; p < px; p++) {
    const from = Math.floor((p * n) / px)
    const to = Math.max(from + 1, Math.floor(((p + 1) * n) / px))
    let max = 0
    for (let i = from; i < to; i++) max = Math.max(max, counts[i]!)
    out.push([from, max])
  }
  return out
}

export function VmaCountChart(props: { lines: CountLine[]; maxMapCount: number; step: number; onSelectStep(step: number): void }): JSX.Element {
  const { lines, maxMapCount, step } = props
  const steps = Math.max(1, ...lines.map((l) => l.counts.length - 1))
  const x = useMemo(() => scaleLinear().domain([0, steps]).range([M.left, WIDTH - M.right]), [steps])
  const y = useMemo(() => scaleLog().domain([1, Math.max(maxMapCount, ...lines.flatMap((l) => [...l.counts]))]).range([HEIGHT - M.bottom, M.top]).clamp(true), [lines, maxMapCount])
  const paths = useMemo(() => lines.map((l) => ({ ...l, d: line<[number, number]>().x((p) => x(p[0])).y((p) => y(Math.max(1, p[1])))(thin(l.counts, WIDTH - M.left - M.right)) ?? '' })), [lines, x, y])
  const ticks = y.ticks(4).filter((t) => Number.isInteger(Math.log10(t)))
  const onClick = (event: MouseEvent<SVGSVGElement>) => {
    const box = event.currentTarget.getBoundingClientRect()
    const px = ((event.clientX - box.left) / box.width) * WIDTH
    props.onSelectStep(Math.max(0, Math.min(steps, Math.round(x.invert(px)))))
  }
  return (
    <figure className="m-0">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="w-full max-w-[40rem] cursor-pointer" role="img" aria-label={`VMA count over ${steps} steps: ${lines.map((l) => `${l.label} ends at ${l.counts[l.counts.length - 1]}`).join(', ')}; max_map_count ${maxMapCount}`} onClick={onClick} data-testid="vma-count-chart">
        {ticks.map((t) => (
          <g key={t}>
            <line x1={M.left} x2={WIDTH - M.right} y1={y(t)} y2={y(t)} stroke="var(--border)" strokeWidth={0.5} />
            <text x={M.left - 4} y={y(t) + 3} textAnchor="end" fontSize={9} fill="var(--fg-muted)">{t.toLocaleString('en-US')}</text>
          </g>
        ))}
        <line x1={M.left} x2={WIDTH - M.right} y1={y(maxMapCount)} y2={y(maxMapCount)} stroke="var(--check-fail)" strokeDasharray="4 3" />
        <text x={WIDTH - M.right} y={y(maxMapCount) - 3} textAnchor="end" fontSize={9} fill="var(--check-fail)">max_map_count {maxMapCount.toLocaleString('en-US')}</text>
        {paths.map((p) => <path key={p.label} d={p.d} fill="none" stroke={p.colour} strokeWidth={1.5} strokeDasharray={p.dashed ? '3 2' : undefined} data-line={p.label} />)}
        <line x1={x(step)} x2={x(step)} y1={M.top} y2={HEIGHT - M.bottom} stroke="var(--fg)" strokeWidth={1} data-testid="chart-step" />
        <text x={M.left} y={HEIGHT - 6} fontSize={9} fill="var(--fg-muted)">step 0</text>
        <text x={WIDTH - M.right} y={HEIGHT - 6} textAnchor="end" fontSize={9} fill="var(--fg-muted)">step {steps.toLocaleString('en-US')}</text>
      </svg>
      <figcaption className="flex flex-wrap gap-3 text-[11.5px]">
        {lines.map((l) => (
          <span key={l.label} className="flex items-center gap-1"><span aria-hidden="true" style={{ background: l.colour }} className="inline-block h-0.5 w-4" />{l.label}</span>
        ))}
      </figcaption>
    </figure>
  )
}
