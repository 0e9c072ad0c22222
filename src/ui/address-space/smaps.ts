/**
 * The hover/pin details of one VMA, written the way /proc/PID/smaps prints it
 * (show_map_vma() and show_smap() in fs/proc/task_mmu.c), followed by the
 * simulator's own fields. Pure: the tooltip renders these lines as they are.
 */
import type { VmaView } from '../../engine/api'
import { hexAddress } from './scales'

/** The /proc/PID/maps pathname column for a VMA. */
export function mapsName(vma: VmaView): string {
  if (vma.file) return vma.file
  if (vma.backing === 'heap') return '[heap]'
  return vma.names.length > 0 ? `[${vma.names.join('+')}]` : ''
}

/** The short name drawn inside the strip: "A+B", the file, "[heap]", or "". */
export function stripName(vma: VmaView): string {
  if (vma.names.length > 0) return vma.names.join('+')
  if (vma.backing === 'heap') return '[heap]'
  return vma.file ?? ''
}

/**
 * `7f0000000000-7f0000002000 rw-p 00000000 00:00 0  [name]`.
 * The offset column is pgoff in bytes. The simulator has no devices or inodes:
 * dev is 00:00 and the inode column shows the simulated file id (0 for anon).
 */
export function mapsHeaderLine(vma: VmaView, baseAddress: bigint): string {
  const shareFlag = vma.share === 'shared' ? 's' : 'p'
  const offset = hexAddress(0n, vma.pgoff)
  const name = mapsName(vma)
  const inode = vma.fileId ?? 0
  return `${hexAddress(baseAddress, vma.start)}-${hexAddress(baseAddress, vma.end)} ${vma.prot}${shareFlag} ${offset} 00:00 ${inode}${name ? '  ' + name : ''}`
}

/** `Size:                  8 kB`, right-aligned like SEQ_PUT_DEC in show_smap(). */
export function sizeLine(vma: VmaView): string {
  const kilobytes = String((vma.end - vma.start) * 4)
  return `Size:           ${kilobytes.padStart(8, ' ')} kB`
}

export function vmFlagsLine(vma: VmaView): string {
  return `VmFlags: ${vma.mnemonics.join(' ')}`
}

export interface VmaDetailRow {
  label: string
  value: string
}

/** The simulator-only fields shown under the smaps lines. */
export function vmaDetailRows(vma: VmaView): VmaDetailRow[] {
  return [
    { label: 'flags', value: vma.flags.join(' ') || '(none)' },
    { label: 'pages', value: `[${vma.start}, ${vma.end}) · ${vma.end - vma.start} page${vma.end - vma.start === 1 ? '' : 's'}` },
    { label: 'pgoff', value: String(vma.pgoff) },
    { label: 'backing', value: vma.backing },
    { label: 'file', value: vma.file ?? '—' },
    { label: 'anon_vma', value: vma.anonVma === null ? 'none (unfaulted)' : `#${vma.anonVma}` },
    { label: 'fork child', value: vma.forkChild ? 'yes (anon_vma chain not singular)' : 'no' },
    { label: 'names', value: vma.names.length > 0 ? vma.names.join(', ') : '—' },
    { label: 'id', value: String(vma.id) },
  ]
}
