/**
 * A VMA as a line of /proc/PID/maps (show_map_vma() in fs/proc/task_mmu.c):
 *
 *   7f0000000000-7f0000004000 rw-p 00000000 00:00 0
 *   7f0000010000-7f0000012000 r--p 00002000 ??:?? ?    lib.so
 *
 * - The offset is vm_pgoff in bytes for a VMA with a file and 0 without one
 *   (show_map_vma() prints 0 for anonymous memory, whatever vm_pgoff holds).
 * - Anonymous memory has device 00:00 and inode 0, as the kernel prints. The
 *   simulator knows no device or inode of a file: those columns read
 *   `??:?? ?` (NOT_SIMULATED), never a made-up number.
 * - The name column is what the kernel prints there: the path, `[heap]`,
 *   `/dev/zero (deleted)` for shared anonymous memory, `/memfd:NAME (deleted)`.
 *   The scenario's own labels (A, B, …) are not kernel output and are not put
 *   in it.
 * - The kernel pads the name to column 73 (seq_pad); a line that would pass 80
 *   columns is padded less, and a path that still does not fit keeps its end
 *   ("…/x86_64-linux-gnu/libc.so.6" as ".../x86_64-linux-gnu/libc.so.6").
 */
import type { VmaView } from '../../engine/api'
import { PAGE_BYTES } from './address'
import { TEXT_COLUMNS } from './ascii'

/** Device and inode of a file the simulator does not know. */
export const NOT_SIMULATED = '??:?? ?'
export const NOT_SIMULATED_NOTE = '??:?? ? = device and inode of a file: not simulated'

/** show_map_vma(): seq_setwidth(m, 25 + sizeof(void *) * 6 - 1), then seq_pad(m, ' '). */
const NAME_COLUMN = 25 + 8 * 6 - 1 + 1

/** The hex address of `page`, as show_map_vma() prints it (%08lx, no 0x). */
export function mapsAddress(base: bigint, page: number): string {
  return (base + BigInt(page) * PAGE_BYTES).toString(16).padStart(8, '0')
}

/** The kernel's name column for a VMA ("" for plain anonymous memory). */
export function kernelName(vma: Pick<VmaView, 'file' | 'backing' | 'names'>): string {
  const file = vma.file
  if (file === null) {
    if (vma.backing === 'heap') return '[heap]'
    // An imported VMA keeps the kernel's own name: [stack], [vdso], [anon:NAME]…
    const own = vma.names.find((n) => /^\[[^\]]+\]$/.test(n))
    return own ?? ''
  }
  // Shared anonymous memory and shared /dev/zero get a new shmem file named "dev/zero".
  if (file.startsWith('anon shared') || file === '/dev/zero (a new shmem file)') return '/dev/zero (deleted)'
  if (file.startsWith('memfd:')) return `/${file} (deleted)`
  const decorated = /^(.*) \((?:tmpfs|overlayfs|real file under overlayfs)\)$/.exec(file)
  return decorated ? decorated[1]! : file
}

/** The offset column: vm_pgoff in bytes when there is a file, else 0. */
export function mapsOffset(vma: Pick<VmaView, 'file' | 'pgoff'>): string {
  const bytes = vma.file === null ? 0n : BigInt(vma.pgoff) * PAGE_BYTES
  return bytes.toString(16).padStart(8, '0')
}

/** dev and inode: 00:00 0 for anonymous memory, NOT_SIMULATED for a file. */
export function mapsDevInode(vma: Pick<VmaView, 'file'>): string {
  return vma.file === null ? '00:00 0' : NOT_SIMULATED
}

/** The columns before the name ("7f0000000000-7f0000002000 rw-p 00000000 00:00 0") and the name. */
export function mapsFields(vma: VmaView, base: bigint): { head: string; name: string } {
  const head = `${mapsAddress(base, vma.start)}-${mapsAddress(base, vma.end)} ${vma.prot}${vma.share === 'shared' ? 's' : 'p'} ${mapsOffset(vma)} ${mapsDevInode(vma)}`
  return { head, name: kernelName(vma) }
}

/** One /proc/PID/maps line, at most `width` columns. */
export function mapsLine(vma: VmaView, base: bigint, width = TEXT_COLUMNS): string {
  const fields = mapsFields(vma, base)
  const head = `${fields.head} `
  const name = fields.name
  if (name === '') return head.trimEnd()
  const padded = head.padEnd(NAME_COLUMN - 1, ' ')
  if (padded.length + name.length <= width) return padded + name
  if (head.length + name.length <= width) return head + name
  const room = width - head.length
  return head + shortenPath(name, room)
}

/** A path cut from the front to `room` characters, keeping its last components. */
export function shortenPath(path: string, room: number): string {
  if (path.length <= room) return path
  const tail = path.slice(path.length - Math.max(1, room - 3))
  const slash = tail.indexOf('/')
  return `...${slash > 0 && tail.length - slash >= 8 ? tail.slice(slash) : tail}`
}
