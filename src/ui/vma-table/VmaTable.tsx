/**
 * The accessible mirror of the address-space drawing: one <tbody> row per VMA
 * of the shown step, with its range, size, protection, sharing, backing,
 * names, pgoff, anon_vma and flags. Each row carries data-start / data-end
 * (pages), data-prot and data-mergeable for tests and scripts.
 *
 * Rows are memoised by VMA id (a changed VMA gets a new id), so stepping
 * through a scenario with a thousand VMAs re-renders only what changed.
 * Windowed rows are keyed by their slot instead, so a jump refills them in place.
 *
 * From WINDOWED_MIN_ROWS rows on the table is virtualised: it scrolls in a
 * box of its own and only the rows in (or near) view are in the DOM, each
 * ROW_PX high, with padding standing in for the others; aria-rowcount gives
 * the total and each row its aria-rowindex (the header row is 1).
 */
import type { VmaChangeKind } from '../../engine/changes'
import { memo, useRef } from 'react'
import { useRowWindow } from './use-row-window'
import type { VmaView } from '../../engine/api'
import { formatRange } from '../why/ksm-explanation'
import { mapsAddress } from '../../export/text/maps'

interface VmaTableProps {
  /** The accessible name: "VMAs" for the main kernel. */
  name: string
  /** Identifies the engine run the VMAs come from: VMA ids are unique within one run only. */
  runKey: string
  vmas: VmaView[]
  /** What the shown step did to the struct of each VMA it made or changed, by VMA id ("new", "expanded", …). */
  changed: ReadonlyMap<number, VmaChangeKind>
  baseAddress: bigint
  /**
   * A real process is open (imported smaps, a recording): the range reads as
   * /proc/PID/maps prints it, with the pages under it; otherwise pages first.
   */
  realProcess?: boolean
  pinnedVmaId: number | null
  onPinVma(id: number | null): void
}

function sizeText(pages: number): string {
  const kib = pages * 4
  if (kib < 1024) return `${kib} KiB`
  const mib = kib / 1024
  if (mib < 1024) return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`
  return `${(mib / 1024).toFixed(1)} GiB`
}

function backingText(vma: VmaView): string {
  return vma.file ? `${vma.backing} · ${vma.file}` : vma.backing
}

interface RowProps {
  runKey: string
  /** aria-rowindex: 2 for the first VMA (the header row is 1). */
  rowIndex: number
  /** Fixed height in px when the table is virtualised. */
  height: number | undefined
  vma: VmaView
  change: VmaChangeKind | undefined
  pinned: boolean
  baseAddress: bigint
  realProcess: boolean
  onPinVma(id: number | null): void
}

/** Unwindowed rows out of sight cost no layout or paint; windowed rows are all near the view anyway. */
const LAZY_ROW = '[contain-intrinsic-size:auto_35px] [content-visibility:auto]'
const CELL = 'min-w-0 px-2 py-0.5 whitespace-nowrap overflow-hidden text-ellipsis'
/** The columns: range, size, prot, share, backing/file, names, pgoff, anon_vma, flags. */
const ROW_GRID = 'grid grid-cols-[13.5rem_4.5rem_3.25rem_4.25rem_11rem_8rem_3.5rem_5.5rem_minmax(8rem,1fr)]'

/**
 * Within one run a VMA's id changes whenever its contents change, so equal ids of the same run
 * mean an equal row (the objects themselves are new on every fetch from the worker).
 */
function sameRow(a: RowProps, b: RowProps): boolean {
  return a.runKey === b.runKey && a.rowIndex === b.rowIndex && a.height === b.height && a.vma.id === b.vma.id && a.change === b.change && a.pinned === b.pinned && a.baseAddress === b.baseAddress && a.realProcess === b.realProcess && a.onPinVma === b.onPinVma
}

const VmaRow = memo(function VmaRow({ vma, change, pinned, baseAddress, realProcess, onPinVma, rowIndex, height }: RowProps) {
  // As show_map_vma() prints the range: %08lx-%08lx.
  const maps = `${mapsAddress(baseAddress, vma.start)}-${mapsAddress(baseAddress, vma.end)}`
  return (
    <tr
      role="row"
      aria-rowindex={rowIndex}
      style={height === undefined ? undefined : { height }}
      data-start={vma.start}
      data-end={vma.end}
      data-prot={vma.prot}
      data-mergeable={vma.mergeable ? 'true' : 'false'}
      data-vma-id={vma.id}
      data-change={change}
      data-pinned={pinned ? "true" : undefined}
      className={`${ROW_GRID} border-b border-line/60 ${height === undefined ? LAZY_ROW : ''} ${pinned ? 'bg-selection' : change ? 'bg-[color-mix(in_oklab,var(--change-new)_10%,transparent)]' : ''}`}
    >
      <td role="cell" className={CELL}>
        <button
          type="button"
          aria-pressed={pinned}
          title={pinned ? 'Unpin this VMA' : 'Pin this VMA in the view'}
          onClick={() => onPinVma(pinned ? null : vma.id)}
          className="font-mono text-[12px] text-fg hover:text-accent"
        >
          {realProcess ? maps : formatRange(vma)}
        </button>
        {change && <span className="ml-1 font-mono text-[10px] text-muted">{change}</span>}
        <span className="block font-mono text-[10.5px] text-muted">{realProcess ? `pages ${formatRange(vma)}` : maps}</span>
      </td>
      <td role="cell" className={`${CELL} text-right font-mono text-[12px]`}>
        {vma.end - vma.start} p<span className="block text-[10.5px] text-muted">{sizeText(vma.end - vma.start)}</span>
      </td>
      <td role="cell" className={`${CELL} font-mono text-[12px]`}>{vma.prot}</td>
      <td role="cell" className={`${CELL} text-[12px]`}>{vma.share}</td>
      <td role="cell" className={`${CELL} text-[12px]`} title={backingText(vma)}>
        {backingText(vma)}
      </td>
      <td role="cell" className={`${CELL} font-mono text-[12px]`} title={vma.names.join(' ')}>
        {vma.names.join(' ') || '—'}
      </td>
      <td role="cell" className={`${CELL} text-right font-mono text-[12px]`}>{vma.pgoff}</td>
      <td role="cell" className={`${CELL} font-mono text-[12px]`}>
        {vma.anonVma === null ? '—' : `#${vma.anonVma}`}
        {vma.forkChild && <span className="text-muted"> (fork)</span>}
      </td>
      <td role="cell" className={`${CELL} font-mono text-[12px]`} title={vma.flags.join(' ')}>
        {vma.mnemonics.map((m, i) => (
          <span key={i} className={m === 'mg' ? 'font-bold text-mergeable' : undefined}>
            {i > 0 ? ' ' : ''}
            {m}
          </span>
        ))}
      </td>
    </tr>
  )
}, sameRow)

/** From this many rows on, the table is virtualised. */
export const WINDOWED_MIN_ROWS = 400
const ROW_PX = 35
/** Rows rendered beyond each edge of the view: every row costs layout on each jump. */
const OVERSCAN_ROWS = 4

export const VmaTable = memo(function VmaTable({ name, runKey, vmas, changed, baseAddress, realProcess = false, pinnedVmaId, onPinVma }: VmaTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const windowed = vmas.length >= WINDOWED_MIN_ROWS
  const { first, end } = useRowWindow(scrollRef, windowed ? vmas.length : 0, ROW_PX, OVERSCAN_ROWS)
  const shown = windowed ? vmas.slice(first, end) : vmas
  const offset = windowed ? first : 0
  return (
    <div ref={scrollRef} className={windowed ? 'max-h-[28rem] overflow-auto' : 'overflow-x-auto'} data-windowed={windowed ? 'true' : undefined}>
      {/* The table is laid out as a grid of rows, with its roles spelled out, so that each row can
          use content-visibility: rows scrolled out of sight cost no layout and no paint, and a step
          over a thousand VMAs redraws within a frame. A CSS table would lay out every row again. */}
      <table aria-label={name} role="table" aria-rowcount={vmas.length + 1} className="block min-w-[62rem] text-left">
        <thead role="rowgroup" className="block text-[11px] text-muted">
          <tr role="row" aria-rowindex={1} className={`${ROW_GRID} border-b border-line ${windowed ? 'sticky top-0 z-[1] bg-panel' : ''}`}>
            <th role="columnheader" scope="col" className={CELL}>{realProcess ? 'range (as in /proc/PID/maps)' : 'range (pages)'}</th>
            <th role="columnheader" scope="col" className={`${CELL} text-right`}>size</th>
            <th role="columnheader" scope="col" className={CELL}>prot</th>
            <th role="columnheader" scope="col" className={CELL}>share</th>
            <th role="columnheader" scope="col" className={CELL}>backing / file</th>
            <th role="columnheader" scope="col" className={CELL}>names</th>
            <th role="columnheader" scope="col" className={`${CELL} text-right`}>pgoff</th>
            <th role="columnheader" scope="col" className={CELL}>anon_vma</th>
            <th role="columnheader" scope="col" className={CELL}>flags</th>
          </tr>
        </thead>
        <tbody
          role="rowgroup"
          className="block"
          style={windowed ? { paddingTop: first * ROW_PX, paddingBottom: (vmas.length - end) * ROW_PX } : undefined}
        >
          {shown.map((vma, i) => (
            <VmaRow
              // Windowed: rows are slots (a jump to a far step refills them in place rather than
              // replacing every element); otherwise one row per VMA, so a step re-renders only what changed.
              key={windowed ? i : vma.id}
              runKey={runKey}
              rowIndex={offset + i + 2}
              height={windowed ? ROW_PX : undefined}
              vma={vma}
              change={changed.get(vma.id)}
              pinned={vma.id === pinnedVmaId}
              baseAddress={baseAddress}
              realProcess={realProcess}
              onPinVma={onPinVma}
            />
          ))}
        </tbody>
      </table>
      {vmas.length === 0 && <p className="px-2 py-1 text-[12px] text-muted">No VMA in the window.</p>}
    </div>
  )
})
