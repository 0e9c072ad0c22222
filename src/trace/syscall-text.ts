/**
 * A traced call as strace prints it:
 *
 *   mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f3a1c000000
 *   munmap(0x7f3a1c000000, 8192) = -1 EINVAL
 *
 * Pure: used by the step list, the text export and the replay report.
 */
import { MADVISE_NAMES, SHM_BITS } from '../engine/uapi'
import type { CallEvent } from './format'

const PROT_BITS: [number, string][] = [[1, 'PROT_READ'], [2, 'PROT_WRITE'], [4, 'PROT_EXEC'], [8, 'PROT_SEM'], [0x01000000, 'PROT_GROWSDOWN'], [0x02000000, 'PROT_GROWSUP']]
const MAP_BITS: [number, string][] = [
  [0x10, 'MAP_FIXED'], [0x20, 'MAP_ANONYMOUS'], [0x40, 'MAP_32BIT'], [0x08, 'MAP_DROPPABLE'], [0x100, 'MAP_GROWSDOWN'],
  [0x800, 'MAP_DENYWRITE'], [0x1000, 'MAP_EXECUTABLE'], [0x2000, 'MAP_LOCKED'], [0x4000, 'MAP_NORESERVE'],
  [0x8000, 'MAP_POPULATE'], [0x10000, 'MAP_NONBLOCK'], [0x20000, 'MAP_STACK'], [0x40000, 'MAP_HUGETLB'],
  [0x80000, 'MAP_SYNC'], [0x100000, 'MAP_FIXED_NOREPLACE'], [0x4000000, 'MAP_UNINITIALIZED'],
]
const MAP_TYPES: Record<number, string> = { 1: 'MAP_SHARED', 2: 'MAP_PRIVATE', 3: 'MAP_SHARED_VALIDATE' }
const MREMAP_BITS: [number, string][] = [[1, 'MREMAP_MAYMOVE'], [2, 'MREMAP_FIXED'], [4, 'MREMAP_DONTUNMAP']]
const SHMAT_BITS: [number, string][] = (Object.entries(SHM_BITS) as [string, number][]).map(([name, bit]) => [bit, name])
const PRCTL_NAMES: Record<number, string> = { 35: 'PR_SET_MM', 41: 'PR_SET_THP_DISABLE', 67: 'PR_SET_MEMORY_MERGE', 77: 'PR_SET_MDWE', 0x53564d41: 'PR_SET_VMA' }

const big = (hex: string): bigint => BigInt(`0x${hex}`)
const addr = (hex: string): string => (big(hex) === 0n ? 'NULL' : `0x${hex}`)
const dec = (hex: string): string => big(hex).toString()
/** C's `%#llx`, as strace prints an mmap offset: "0" for zero, else 0x and hex digits. */
const altHex = (hex: string): string => (big(hex) === 0n ? '0' : `0x${big(hex).toString(16)}`)
/** A C int argument (fd, pkey): the low 32 bits, signed. */
const int32 = (hex: string): number => Number(BigInt.asIntN(32, big(hex)))

/** shmctl's commands (include/uapi/linux/ipc.h, shm.h); IPC_64 (0x100) is masked off as ipc_parse_version() does. */
const SHMCTL_NAMES: Record<number, string> = { 0: 'IPC_RMID', 1: 'IPC_SET', 2: 'IPC_STAT', 3: 'IPC_INFO', 11: 'SHM_LOCK', 12: 'SHM_UNLOCK', 13: 'SHM_STAT', 14: 'SHM_INFO', 15: 'SHM_STAT_ANY' }
export const shmctlCommand = (hex: string): string => {
  const cmd = Number(big(hex) & 0xffn)
  return SHMCTL_NAMES[cmd] ?? String(cmd)
}

function bits(value: number, table: [number, string][], zero: string): string {
  const names: string[] = []
  let rest = value
  for (const [bit, name] of table) {
    if ((rest & bit) === bit && bit !== 0) {
      names.push(name)
      rest &= ~bit
    }
  }
  if (rest) names.push(`0x${rest.toString(16)}`)
  return names.length ? names.join('|') : zero
}

export const protText = (hex: string): string => bits(Number(big(hex) & 0xffffffffn), PROT_BITS, 'PROT_NONE')

export function mapFlagsText(hex: string): string {
  const flags = Number(big(hex) & 0xffffffffn)
  const type = MAP_TYPES[flags & 3] ?? `0x${(flags & 3).toString(16)}`
  const rest = bits(flags & ~3, MAP_BITS, '')
  return rest ? `${type}|${rest}` : type
}

function argsText(call: CallEvent): string {
  const a = call.args
  switch (call.name) {
    case 'mmap': return `${addr(a[0]!)}, ${dec(a[1]!)}, ${protText(a[2]!)}, ${mapFlagsText(a[3]!)}, ${int32(a[4]!)}${call.fd ? `<${call.fd.path}>` : ''}, ${altHex(a[5]!)}`
    case 'munmap': case 'mlock': case 'munlock': return `${addr(a[0]!)}, ${dec(a[1]!)}`
    case 'mseal': return `${addr(a[0]!)}, ${dec(a[1]!)}, ${dec(a[2]!)}`
    case 'mprotect': return `${addr(a[0]!)}, ${dec(a[1]!)}, ${protText(a[2]!)}`
    case 'pkey_mprotect': return `${addr(a[0]!)}, ${dec(a[1]!)}, ${protText(a[2]!)}, ${int32(a[3]!)}`
    case 'madvise': return `${addr(a[0]!)}, ${dec(a[1]!)}, ${MADVISE_NAMES[Number(big(a[2]!))] ?? dec(a[2]!)}`
    case 'mlock2': return `${addr(a[0]!)}, ${dec(a[1]!)}, ${big(a[2]!) === 1n ? 'MLOCK_ONFAULT' : `0x${a[2]}`}`
    case 'mlockall': return bits(Number(big(a[0]!)), [[1, 'MCL_CURRENT'], [2, 'MCL_FUTURE'], [4, 'MCL_ONFAULT']], '0')
    case 'munlockall': case 'fork': case 'vfork': return ''
    case 'mremap': {
      const flags = Number(big(a[3]!))
      const base = `${addr(a[0]!)}, ${dec(a[1]!)}, ${dec(a[2]!)}, ${bits(flags, MREMAP_BITS, '0')}`
      return flags & 2 ? `${base}, ${addr(a[4]!)}` : base
    }
    case 'brk': return addr(a[0]!)
    case 'prctl': {
      const option = Number(big(a[0]!))
      return `${PRCTL_NAMES[option] ?? option}, ${dec(a[1]!)}, ${dec(a[2]!)}, ${dec(a[3]!)}, ${dec(a[4]!)}`
    }
    case 'shmat': return `${dec(a[0]!)}, ${addr(a[1]!)}, ${bits(Number(big(a[2]!)), SHMAT_BITS, '0')}`
    case 'shmget': {
      const key = big(a[0]!) & 0xffffffffn
      const flags = Number(big(a[2]!))
      const names = bits(flags & ~0o777, [[0o1000, 'IPC_CREAT'], [0o2000, 'IPC_EXCL'], [0o4000, 'SHM_HUGETLB'], [0o10000, 'SHM_NORESERVE']], '')
      return `${key === 0n ? 'IPC_PRIVATE' : `0x${key.toString(16)}`}, ${dec(a[1]!)}, ${[names, `0${(flags & 0o777).toString(8)}`].filter(Boolean).join('|')}`
    }
    case 'shmdt': return addr(a[0]!)
    case 'shmctl': return `${int32(a[0]!)}, ${shmctlCommand(a[1]!)}${big(a[1]!) & 0x100n ? '|IPC_64' : ''}, ${addr(a[2]!)}`
    case 'pkey_alloc': return `${dec(a[0]!)}, ${dec(a[1]!)}`
    case 'pkey_free': return `${int32(a[0]!)}`
    case 'clone': return `flags=0x${a[0]}`
    default: return a.map((x) => `0x${x}`).join(', ')
  }
}

/** The result as strace prints it: an address in hex, a number in decimal, or -1 ERRNO. */
function resultText(call: CallEvent): string {
  if (call.ret === -1) return `-1 ${call.errno ?? ''}`.trimEnd()
  const returnsAddress = ['mmap', 'mremap', 'brk', 'shmat'].includes(call.name)
  return returnsAddress ? `0x${call.ret}` : dec(call.ret)
}

export function syscallText(call: CallEvent): string {
  return `${call.name}(${argsText(call)}) = ${resultText(call)}`
}
