/**
 * The hover/pin details of one VMA, written the way /proc/PID/smaps prints it
 * (show_map_vma() and show_smap() in fs/proc/task_mmu.c), followed by the
 * simulator's own fields. Pure: the tooltip renders these lines as they are.
 */
import type { VmaView } from '../../engine/api'
import { mapsFields } from '../../export/text/maps'

/** The last component of a path ("/usr/lib/libc.so.6" → "libc.so.6"); other names as they are. */
export function baseName(name: string): string {
  if (!name.includes('/')) return name
  const trimmed = name.replace(/\/+$/, '')
  const suffix = / \((?:deleted|tmpfs|overlayfs|real file under overlayfs|a new shmem file)\)$/.exec(trimmed)
  const path = suffix ? trimmed.slice(0, suffix.index) : trimmed
  return path.slice(path.lastIndexOf('/') + 1) || trimmed
}

/**
 * The short name drawn inside the strip: "A+B", the file's base name,
 * "[heap]", or "". A path is drawn as its base name ("libc.so.6", not
 * "/usr/li…"); the tooltip and the table give the full path.
 */
export function stripName(vma: VmaView): string {
  if (vma.names.length > 0) return vma.names.map(baseName).join('+')
  if (vma.backing === 'heap') return '[heap]'
  return vma.file ? baseName(vma.file) : ''
}

/**
 * `7f0000000000-7f0000002000 rw-p 00000000 00:00 0`, as /proc/PID/maps prints
 * it (src/export/text/maps.ts): offset 0 for anonymous memory, the kernel's
 * name column, and `??:?? ?` for a file's device and inode, which the
 * simulator does not know (it never shows a made-up number). One space before
 * the name: the tooltip is narrower than the kernel's padding.
 */
export function mapsHeaderLine(vma: VmaView, baseAddress: bigint): string {
  const { head, name } = mapsFields(vma, baseAddress)
  return name ? `${head} ${name}` : head
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
    ...(vma.file !== null ? [{ label: 'dev, inode', value: 'not simulated (??:?? ? above): the simulator opens no real file' }] : []),
    { label: 'anon_vma', value: vma.anonVma === null ? 'none (unfaulted)' : `#${vma.anonVma}` },
    { label: 'fork child', value: vma.forkChild ? 'yes (anon_vma chain not singular)' : 'no' },
    { label: 'names', value: vma.names.length > 0 ? vma.names.join(', ') : '—' },
    { label: 'id', value: String(vma.id) },
  ]
}
