/**
 * Reads the text of /proc/PID/smaps (or the shorter /proc/PID/maps) into a list
 * of mappings, as show_map_vma() and show_smap() (fs/proc/task_mmu.c) print
 * them:
 *
 *   7f3a1c000000-7f3a1c021000 rw-p 00000000 00:00 0          [heap]
 *   Size:                132 kB
 *   ...
 *   VmFlags: rd wr mr mw me ac
 *
 * Pure: no DOM, no Node. A line that cannot be read is reported with its
 * (1-based) line number and the rest still loads. Addresses are parsed as
 * bigints and become page numbers (address / 4096) as plain numbers: a 47-bit
 * address is a 35-bit page number, exact in a double. No 32-bit bit operators.
 */
import { flagNameFromMnemonic } from '../engine/flags'

const PAGE_SIZE = 4096n
/** Pages in the 47-bit x86-64 user address space: the vsyscall page lies above it. */
export const USER_SPACE_PAGES = 2 ** 35

export interface SmapsMapping {
  /** 1-based line of the header ("start-end perms offset dev inode path"). */
  line: number
  startPage: number
  endPage: number
  /** "rw-", from the first three permission characters. */
  prot: string
  /** The fourth permission character: 's' = VM_MAYSHARE. */
  share: 'private' | 'shared'
  /** File offset in pages (the header's offset / 4096). */
  pgoff: number
  /** "fe:00" */
  device: string
  inode: number
  /** The path or pseudo-name ("[heap]", "/usr/lib/libc.so.6", "/memfd:x (deleted)"), "" for none. */
  pathname: string
  /** VM_* names from VmFlags that the engine models, in the order smaps printed them; null without VmFlags (maps). */
  flags: string[] | null
  /** VmFlags mnemonics the engine does not model (kept, shown, not simulated). */
  otherMnemonics: string[]
  /** Every other "Name: value" line of the mapping (Rss, Pss, Swap, KSM…), as the kernel wrote the value ("12 kB"). */
  fields: Record<string, string>
  /** The smaps "Anonymous:" size in KiB (faulted anonymous pages), null when absent. */
  anonymousKiB: number | null
  /** The smaps "Rss:" size in KiB, null when absent. */
  rssKiB: number | null
}

export interface SmapsProblem {
  /** 1-based line number. */
  line: number
  message: string
}

export interface ParsedSmaps {
  /** "smaps" when any per-mapping field line was seen, else "maps". */
  format: 'smaps' | 'maps'
  mappings: SmapsMapping[]
  /** Lines that could not be read (the mapping, or the field, is left out). */
  problems: SmapsProblem[]
  /** Lines read but left out on purpose (e.g. the vsyscall page, above the user address space). */
  skipped: SmapsProblem[]
}

const HEADER = /^([0-9a-fA-F]+)-([0-9a-fA-F]+)\s+(\S+)\s+([0-9a-fA-F]+)\s+([0-9a-fA-F]+:[0-9a-fA-F]+)\s+(\d+)(?:\s+(.*))?$/
const FIELD = /^([A-Za-z_][A-Za-z0-9_]*):(.*)$/
const PERMS = /^[r-][w-][x-][ps]$/
const KB_VALUE = /^(\d+)\s+kB$/

const quote = (text: string, max = 60): string => JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text)

export function parseSmaps(text: string): ParsedSmaps {
  const mappings: SmapsMapping[] = []
  const problems: SmapsProblem[] = []
  const skipped: SmapsProblem[] = []
  let sawFields = false
  /** The mapping field lines belong to; null before the first header or after a bad header. */
  let current: SmapsMapping | null = null
  /** After a bad or skipped header, its field lines are dropped silently (the header was reported). */
  let inDroppedBlock = false
  let lastEnd = -1

  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1
    const raw = lines[i]!
    const line = raw.trim()
    if (line === '') continue

    const field = FIELD.exec(line)
    if (field && !HEADER.test(line)) {
      sawFields = true
      if (current === null) {
        if (!inDroppedBlock) problems.push({ line: lineNo, message: `field ${quote(field[1]!)} before any mapping line` })
        continue
      }
      readField(current, field[1]!, field[2]!.trim(), lineNo, problems)
      continue
    }

    const header = HEADER.exec(line)
    if (!header) {
      problems.push({ line: lineNo, message: `not a mapping line ("start-end perms offset dev inode [path]") nor a "Name: value" field: ${quote(line)}` })
      current = null
      inDroppedBlock = true
      continue
    }
    current = null
    inDroppedBlock = true
    const [, startHex, endHex, perms, offsetHex, device, inodeText, path] = header
    if (startHex!.length > 16 || endHex!.length > 16 || offsetHex!.length > 16) {
      problems.push({ line: lineNo, message: 'an address or offset has more than 16 hex digits' })
      continue
    }
    const start = BigInt(`0x${startHex}`)
    const end = BigInt(`0x${endHex}`)
    const offset = BigInt(`0x${offsetHex}`)
    if (!PERMS.test(perms!)) {
      problems.push({ line: lineNo, message: `permissions ${quote(perms!)} are not four characters like "rw-p" (r/-, w/-, x/-, p/s)` })
      continue
    }
    if (start % PAGE_SIZE !== 0n || end % PAGE_SIZE !== 0n) {
      problems.push({ line: lineNo, message: `the range ${startHex}-${endHex} is not page-aligned (4096 bytes)` })
      continue
    }
    if (end <= start) {
      problems.push({ line: lineNo, message: `the range ${startHex}-${endHex} is empty or reversed` })
      continue
    }
    if (offset % PAGE_SIZE !== 0n) {
      problems.push({ line: lineNo, message: `the offset ${offsetHex} is not page-aligned` })
      continue
    }
    const startPage = Number(start / PAGE_SIZE)
    const endPage = Number(end / PAGE_SIZE)
    if (endPage > USER_SPACE_PAGES) {
      skipped.push({ line: lineNo, message: `${path?.trim() || `${startHex}-${endHex}`} lies above the 47-bit user address space; left out` })
      continue
    }
    if (startPage < lastEnd) {
      problems.push({ line: lineNo, message: `the range ${startHex}-${endHex} overlaps or comes before the mapping above it` })
      continue
    }
    current = {
      line: lineNo,
      startPage,
      endPage,
      prot: perms!.slice(0, 3),
      share: perms![3] === 's' ? 'shared' : 'private',
      pgoff: Number(offset / PAGE_SIZE),
      device: device!,
      inode: Number(inodeText),
      pathname: (path ?? '').trim(),
      flags: null,
      otherMnemonics: [],
      anonymousKiB: null,
      rssKiB: null,
      fields: {},
    }
    inDroppedBlock = false
    lastEnd = endPage
    mappings.push(current)
  }
  return { format: sawFields ? 'smaps' : 'maps', mappings, problems, skipped }
}

function readField(m: SmapsMapping, name: string, value: string, lineNo: number, problems: SmapsProblem[]): void {
  if (name === 'VmFlags') {
    const flags: string[] = []
    const other: string[] = []
    for (const mnemonic of value.split(/\s+/).filter(Boolean)) {
      if (!/^[a-z0-9]{2}$/.test(mnemonic)) {
        problems.push({ line: lineNo, message: `VmFlags entry ${quote(mnemonic)} is not a two-letter mnemonic; the mapping keeps the other flags` })
        continue
      }
      const flag = flagNameFromMnemonic(mnemonic)
      if (flag) flags.push(flag)
      else other.push(mnemonic)
    }
    m.flags = flags
    m.otherMnemonics = other
    return
  }
  if (name === 'Anonymous' || name === 'Rss') {
    const kb = KB_VALUE.exec(value)
    if (!kb) {
      problems.push({ line: lineNo, message: `${name}: expected a size like "12 kB", got ${quote(value)}` })
      return
    }
    if (name === 'Anonymous') m.anonymousKiB = Number(kb[1])
    else m.rssKiB = Number(kb[1])
  }
  // Every field is kept as the kernel wrote it, for the VMA table (Size, Rss, Pss, Swap, KSM…).
  if (/^[A-Za-z][A-Za-z0-9_]{0,40}$/.test(name) && value.length <= 64) m.fields[name] = value
}
