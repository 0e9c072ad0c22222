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
import { memo, useMemo, useRef, useState, type CSSProperties } from 'react'
import { nextSort, rangeKey, sortVmas, type ImportedFields, type SortKey, type TableSort } from './table-sort'
import { useRowWindow } from './use-row-window'
import type { VmaView } from '../../engine/api'
import { formatRange } from '../why/format-range'
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
  /** The smaps lines of an imported process, by "start:end" of its VMAs (shown while a VMA is as imported). */
  imported?: ImportedFields | null
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
  /** The imported smaps columns (names) and this VMA's values, when any. */
  smapsColumns: readonly string[]
  smaps: Readonly<Record<string, string>> | undefined
  gridStyle: CSSProperties | undefined
}

/** Unwindowed rows out of sight cost no layout or paint; windowed rows are all near the view anyway. */
const LAZY_ROW = '[contain-intrinsic-size:auto_35px] [content-visibility:auto]'
const CELL = 'min-w-0 px-2 py-0.5 whitespace-nowrap overflow-hidden text-ellipsis'
/** A file's path is never cut to "/usr/li…": it wraps (two lines fit a row; the title holds all of it). */
const PATH_CELL = 'min-w-0 px-2 py-0.5 overflow-hidden break-all leading-[15px] line-clamp-2'
/** The columns: range, size, prot, share, backing/file, names, pgoff, anon_vma, flags. */
const ROW_GRID = 'grid grid-cols-[13.5rem_4.5rem_3.25rem_4.25rem_11rem_8rem_3.5rem_5.5rem_minmax(8rem,1fr)]'

/**
 * Within one run a VMA's id changes whenever its contents change, so equal ids of the same run
 * mean an equal row (the objects themselves are new on every fetch from the worker).
 */
function sameRow(a: RowProps, b: RowProps): boolean {
  return a.runKey === b.runKey && a.rowIndex === b.rowIndex && a.height === b.height && a.vma.id === b.vma.id && a.change === b.change && a.pinned === b.pinned && a.baseAddress === b.baseAddress && a.realProcess === b.realProcess && a.onPinVma === b.onPinVma && a.smapsColumns === b.smapsColumns && a.smaps === b.smaps
}

const VmaRow = memo(function VmaRow({ vma, change, pinned, baseAddress, realProcess, onPinVma, rowIndex, height, smapsColumns, smaps, gridStyle }: RowProps) {
  // As show_map_vma() prints the range: %08lx-%08lx.
  const maps = `${mapsAddress(baseAddress, vma.start)}-${mapsAddress(baseAddress, vma.end)}`
  return (
    <tr
      role="row"
      aria-rowindex={rowIndex}
      style={height === undefined ? gridStyle : { ...gridStyle, height }}
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
      <td role="cell" className={`${PATH_CELL} text-[12px]`} title={backingText(vma)}>
        {backingText(vma)}
      </td>
      <td role="cell" className={`${PATH_CELL} font-mono text-[11px]`} title={vma.names.join(' ')}>
        {vma.names.join(' ') || '—'}
      </td>
      <td role="cell" className={`${CELL} text-right font-mono text-[12px]`}>{vma.pgoff}</td>
      <td role="cell" className={`${CELL} font-mono text-[12px]`}>
        {vma.anonVma === null ? '—' : `#${vma.anonVma}`}
        {vma.forkChild && <span className="text-muted"> (fork)</span>}
      </td>
      <td role="cell" className={`${CELL} font-mono text-[12px]`} title={vma.flags.join(' ')} data-col="flags">
        {vma.mnemonics.map((m, i) => (
          <span key={i} className={m === 'mg' ? 'font-bold text-mergeable' : undefined}>
            {i > 0 ? ' ' : ''}
            {m}
          </span>
        ))}
      </td>
      {smapsColumns.map((field) => (
        <td key={field} role="cell" className={`${CELL} text-right font-mono text-[12px]`} data-smaps={field}>
          {smaps?.[field] ?? '—'}
        </td>
      ))}
    </tr>
  )
}, sameRow)

/** From this many rows on, the table is virtualised. */
export const WINDOWED_MIN_ROWS = 400
const ROW_PX = 35
/** Rows rendered beyond each edge of the view: every row costs layout on each jump. */
const OVERSCAN_ROWS = 4

const COLUMNS: Array<{ key: SortKey; label: string; right?: boolean }> = [
  { key: 'range', label: 'range (pages)' },
  { key: 'size', label: 'size', right: true },
  { key: 'prot', label: 'prot' },
  { key: 'share', label: 'share' },
  { key: 'backing', label: 'backing / file' },
  { key: 'names', label: 'names' },
  { key: 'pgoff', label: 'pgoff', right: true },
  { key: 'anonVma', label: 'anon_vma' },
  { key: 'flags', label: 'flags' },
]
/** The range column reads as /proc/PID/maps prints it for a real process. */
function columnsFor(realProcess: boolean): typeof COLUMNS {
  return realProcess ? [{ key: 'range', label: 'range (as in /proc/PID/maps)' }, ...COLUMNS.slice(1)] : COLUMNS
}
const NO_COLUMNS: readonly string[] = []
const SMAPS_COLUMN_REM = 6.5

/** The smaps field names of an import, in the order the kernel prints them (first VMA that has each). */
function smapsColumnsOf(imported: ImportedFields | null | undefined): readonly string[] {
  if (!imported || imported.size === 0) return NO_COLUMNS
  const names = new Set<string>()
  for (const fields of imported.values()) for (const field of Object.keys(fields)) names.add(field)
  return [...names]
}

export const VmaTable = memo(function VmaTable({ name, runKey, vmas: unsorted, changed, baseAddress, realProcess = false, pinnedVmaId, onPinVma, imported }: VmaTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const [sort, setSort] = useState<TableSort | null>(null)
  const vmas = useMemo(() => sortVmas(unsorted, sort, imported ?? null), [unsorted, sort, imported])
  const smapsColumns = useMemo(() => smapsColumnsOf(imported), [imported])
  const gridStyle = useMemo<CSSProperties | undefined>(
    () =>
      smapsColumns.length === 0
        ? undefined
        : { gridTemplateColumns: `13.5rem 4.5rem 3.25rem 4.25rem 11rem 8rem 3.5rem 5.5rem minmax(8rem,1fr) repeat(${smapsColumns.length}, ${SMAPS_COLUMN_REM}rem)` },
    [smapsColumns],
  )
  const minWidth = smapsColumns.length === 0 ? undefined : `${62 + smapsColumns.length * SMAPS_COLUMN_REM}rem`
  const windowed = vmas.length >= WINDOWED_MIN_ROWS
  const { first, end } = useRowWindow(scrollRef, windowed ? vmas.length : 0, ROW_PX, OVERSCAN_ROWS)
  const shown = windowed ? vmas.slice(first, end) : vmas
  const offset = windowed ? first : 0
  return (
    <div ref={scrollRef} className={windowed ? 'max-h-[28rem] overflow-auto' : 'overflow-x-auto'} data-windowed={windowed ? 'true' : undefined}>
      {/* The table is laid out as a grid of rows, with its roles spelled out, so that each row can
          use content-visibility: rows scrolled out of sight cost no layout and no paint, and a step
          over a thousand VMAs redraws within a frame. A CSS table would lay out every row again. */}
      <table aria-label={name} role="table" aria-rowcount={vmas.length + 1} className="block min-w-[62rem] text-left" style={minWidth ? { minWidth } : undefined}>
        <thead role="rowgroup" className="block text-[11px] text-muted">
          <tr role="row" aria-rowindex={1} className={`${ROW_GRID} border-b border-line ${windowed ? 'sticky top-0 z-[1] bg-panel' : ''}`} style={gridStyle}>
            {[...columnsFor(realProcess), ...smapsColumns.map((field) => ({ key: `smaps:${field}` as SortKey, label: field, right: true }))].map((column) => {
              const active = sort?.key === column.key || (!sort && column.key === 'range')
              const descending = active && sort?.descending === true
              return (
                <th
                  key={column.key}
                  role="columnheader"
                  scope="col"
                  aria-sort={active ? (descending ? 'descending' : 'ascending') : 'none'}
                  className={`${CELL} ${column.right ? 'text-right' : ''}`}
                >
                  <button
                    type="button"
                    className="hover:text-accent"
                    title={`Sort by ${column.label}${active && !descending ? ' (descending)' : ''}`}
                    onClick={() => setSort(nextSort(sort ?? { key: 'range', descending: false }, column.key))}
                  >
                    {column.label}
                    <span aria-hidden="true">{active ? (descending ? ' ▾' : ' ▴') : ''}</span>
                  </button>
                </th>
              )
            })}
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
              smapsColumns={smapsColumns}
              smaps={imported?.get(rangeKey(vma))}
              gridStyle={gridStyle}
            />
          ))}
        </tbody>
      </table>
      {vmas.length === 0 && <p className="px-2 py-1 text-[12px] text-muted">No VMA in the window.</p>}
    </div>
  )
})
