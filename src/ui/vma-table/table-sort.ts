/**
 * Sorting the VMA table by any column, pure. The default (null) is address
 * order, as the engine gives the VMAs (no copy). Sorts are stable: ties keep
 * address order. An smaps column sorts by the number its value starts with.
 */
import type { VmaView } from '../../engine/api'

export type SortKey = 'range' | 'size' | 'prot' | 'share' | 'backing' | 'names' | 'pgoff' | 'anonVma' | 'flags' | `smaps:${string}`
export interface TableSort {
  key: SortKey
  descending: boolean
}

/** The imported smaps lines of the VMAs still as they were imported, keyed by "start:end". */
export type ImportedFields = ReadonlyMap<string, Readonly<Record<string, string>>>

export const rangeKey = (vma: { readonly start: number; readonly end: number }) => `${vma.start}:${vma.end}`

function numberOf(text: string | undefined): number {
  const n = text === undefined ? NaN : Number.parseFloat(text)
  return Number.isFinite(n) ? n : Number.NEGATIVE_INFINITY
}

function valueOf(vma: VmaView, key: SortKey, imported: ImportedFields | null): number | string {
  switch (key) {
    case 'range':
      return vma.start
    case 'size':
      return vma.end - vma.start
    case 'prot':
      return vma.prot
    case 'share':
      return vma.share
    case 'backing':
      return `${vma.backing} ${vma.file ?? ''}`
    case 'names':
      return vma.names.join(' ')
    case 'pgoff':
      return vma.pgoff
    case 'anonVma':
      return vma.anonVma ?? -1
    case 'flags':
      return vma.mnemonics.join(' ')
    default:
      return numberOf(imported?.get(rangeKey(vma))?.[key.slice('smaps:'.length)])
  }
}

export function sortVmas(vmas: readonly VmaView[], sort: TableSort | null, imported: ImportedFields | null): readonly VmaView[] {
  if (!sort || (sort.key === 'range' && !sort.descending)) return vmas
  const keyed = vmas.map((vma, index) => ({ vma, index, value: valueOf(vma, sort.key, imported) }))
  const sign = sort.descending ? -1 : 1
  keyed.sort((a, b) => {
    const order = typeof a.value === 'number' && typeof b.value === 'number' ? a.value - b.value : String(a.value).localeCompare(String(b.value))
    return order !== 0 ? sign * order : a.index - b.index
  })
  return keyed.map((k) => k.vma)
}

/** Clicking a header: a new column sorts ascending, the same column again flips the direction. */
export function nextSort(current: TableSort | null, key: SortKey): TableSort {
  if (current && current.key === key) return { key, descending: !current.descending }
  return { key, descending: false }
}
