/**
 * A scenario step as the system call a program makes, strace-style:
 *
 *   mmap(0x7f0000002000, 8192, PROT_READ|PROT_WRITE,
 *        MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE, -1, 0) = 0x7f0000002000
 *   mprotect(0x7f0000000000, 4096, PROT_READ) = -1 ENOMEM (Cannot allocate memory)
 *
 * Addresses are hex from the scenario's base, lengths in bytes (decimal, as
 * strace prints them). A file mapping has no real descriptor: its fd is
 * written `fd(NAME)`. `touch` and `fork` are not one system call; they are
 * written as what the program does.
 */
import type { StepResult } from '../../engine/api'
import type { Scenario, Step } from '../../scenario/types'
import { wrap } from './ascii'
import { PAGE_BYTES, addressOf } from './address'

const bytes = (pages: number): string => (BigInt(pages) * PAGE_BYTES).toString()

/** strerror() of the errnos the engine gives, as glibc spells them. */
const STRERROR: Record<string, string> = {
  EPERM: 'Operation not permitted',
  EOPNOTSUPP: 'Operation not supported',
  ENOSYS: 'Function not implemented',
  ENOSPC: 'No space left on device',
  ENOMEM: 'Cannot allocate memory',
  EACCES: 'Permission denied',
  EFAULT: 'Bad address',
  EEXIST: 'File exists',
  ENODEV: 'No such device',
  EINVAL: 'Invalid argument',
  EAGAIN: 'Resource temporarily unavailable',
  EBUSY: 'Device or resource busy',
  ENFILE: 'Too many open files in system',
  EOVERFLOW: 'Value too large for defined data type',
}

export function errnoText(errno: string): string {
  const words = STRERROR[errno]
  return words ? `-1 ${errno} (${words})` : `-1 ${errno}`
}

export function protFlags(prot: string): string {
  const names = [prot[0] === 'r' && 'PROT_READ', prot[1] === 'w' && 'PROT_WRITE', prot[2] === 'x' && 'PROT_EXEC'].filter(Boolean)
  return names.length > 0 ? names.join('|') : 'PROT_NONE'
}

function mmapCall(step: Extract<Step, { op: 'mmap' }>, base: bigint): { name: string; args: string[] } {
  const flags = [step.mapFlags?.includes('MAP_SHARED_VALIDATE') ? 'MAP_SHARED_VALIDATE' : step.share === 'shared' ? 'MAP_SHARED' : 'MAP_PRIVATE']
  if (step.backing.kind === 'anon') flags.push('MAP_ANONYMOUS')
  const extra = (step.mapFlags ?? []).filter((f) => f !== 'MAP_FIXED' && f !== 'MAP_SHARED_VALIDATE')
  if (step.at !== undefined) flags.push(step.mapFlags?.includes('MAP_FIXED') ? 'MAP_FIXED' : 'MAP_FIXED_NOREPLACE')
  flags.push(...extra)
  const where = step.at !== undefined ? addressOf(base, step.at) : 'NULL'
  const fd = step.backing.kind === 'anon' ? '-1' : `fd(${step.backing.file})`
  const offset = step.backing.kind === 'anon' ? '0' : `0x${(BigInt(step.backing.pgoff) * PAGE_BYTES).toString(16)}`
  return { name: 'mmap', args: [where, bytes(step.pages), protFlags(step.prot), flags.join('|'), fd, offset] }
}

/** What a successful call returns, or the errno. */
function returned(step: Step, result: StepResult | undefined, base: bigint, scenario: Scenario): string {
  if (!result) return '?'
  if (step.op === 'brk') {
    // sys_brk returns the break; on failure the old one, and libc's brk() says -1 ENOMEM.
    if (result.error) return errnoText(result.error)
    return addressOf(base, (scenario.brkBase ?? 0) + step.pages)
  }
  if (result.error) return errnoText(result.error)
  if ((step.op === 'mmap' || step.op === 'mremap' || step.op === 'shmat') && result.range) return addressOf(base, result.range[0])
  if (step.op === 'touch') return 'ok'
  if (result.returned !== undefined) return String(result.returned)
  return '0'
}

/** The call's name and arguments (no result), or a sentence for what is not one call. */
export function callParts(step: Step, base: bigint, scenario: Scenario): { name: string; args: string[] } | { words: string } {
  switch (step.op) {
    case 'mmap': return mmapCall(step, base)
    case 'munmap': return { name: 'munmap', args: [addressOf(base, step.at), bytes(step.pages)] }
    case 'mprotect': return { name: 'mprotect', args: [addressOf(base, step.at), bytes(step.pages), protFlags(step.prot)] }
    case 'madvise': return { name: 'madvise', args: [addressOf(base, step.at), bytes(step.pages), step.advice] }
    case 'mlock': return step.onFault
      ? { name: 'mlock2', args: [addressOf(base, step.at), bytes(step.pages), 'MLOCK_ONFAULT'] }
      : { name: 'mlock', args: [addressOf(base, step.at), bytes(step.pages)] }
    case 'munlock': return { name: 'munlock', args: [addressOf(base, step.at), bytes(step.pages)] }
    case 'mlockall': return { name: 'mlockall', args: [step.flags.join('|') || '0'] }
    case 'munlockall': return { name: 'munlockall', args: [] }
    case 'mseal': return { name: 'mseal', args: [addressOf(base, step.at), bytes(step.pages), '0'] }
    case 'pkey_mprotect': return { name: 'pkey_mprotect', args: [addressOf(base, step.at), bytes(step.pages), protFlags(step.prot), String(step.pkey)] }
    case 'pkey_alloc': return { name: 'pkey_alloc', args: ['0', '0'] }
    case 'pkey_free': return { name: 'pkey_free', args: [String(step.pkey)] }
    case 'prctl': return { name: 'prctl', args: [step.option, String(step.value), '0', '0', '0'] }
    case 'brk': return { name: 'brk', args: [addressOf(base, (scenario.brkBase ?? 0) + step.pages)] }
    case 'mremap': {
      const names = [...(step.to !== undefined || step.mayMove ? ['MREMAP_MAYMOVE'] : []), ...(step.to !== undefined ? ['MREMAP_FIXED'] : []), ...(step.dontUnmap ? ['MREMAP_DONTUNMAP'] : [])]
      const args = [addressOf(base, step.at), bytes(step.pages), bytes(step.newPages), names.join('|') || '0']
      if (step.to !== undefined) args.push(addressOf(base, step.to))
      else if (step.dontUnmap) args.push('NULL')
      return { name: 'mremap', args }
    }
    case 'touch':
      return { words: `${step.write ? 'write to' : 'read from'} each page of ${addressOf(base, step.at)}-${addressOf(base, step.at + step.pages)} (page faults)` }
    case 'fork':
      return { words: 'fork(), then continue in the child' }
    case 'shmget':
      return { name: 'shmget', args: [step.key ? `0x${step.key.toString(16)}` : 'IPC_PRIVATE', bytes(step.pages), `IPC_CREAT${step.exclusive ? '|IPC_EXCL' : ''}|0700`] }
    case 'shmat': {
      const where = step.at !== undefined ? `0x${(base + BigInt(step.at) * PAGE_BYTES + BigInt(step.offset ?? 0)).toString(16)}` : 'NULL'
      return { name: 'shmat', args: [`shmid(${step.segment})`, where, step.flags?.length ? step.flags.join('|') : '0'] }
    }
    case 'shmdt':
      return { name: 'shmdt', args: [`0x${(base + BigInt(step.at) * PAGE_BYTES + BigInt(step.offset ?? 0)).toString(16)}`] }
  }
}

/**
 * The step as lines of at most 80 columns: `name(args) = result`, wrapped
 * after a comma with the arguments aligned under the first, strace-style.
 */
export function callLines(step: Step, result: StepResult | undefined, base: bigint, scenario: Scenario, indent = ''): string[] {
  const parts = callParts(step, base, scenario)
  const ret = returned(step, result, base, scenario)
  if ('words' in parts) return wrap(`${parts.words} = ${ret}`, indent, `${indent}    `)
  const head = `${indent}${parts.name}(`
  const hang = ' '.repeat(head.length)
  const pieces = parts.args.length ? parts.args.map((a, i) => (i < parts.args.length - 1 ? `${a},` : `${a})`)) : [')']
  pieces.push(`= ${ret}`)
  const lines: string[] = []
  let line = head
  let fresh = true
  for (const piece of pieces) {
    const sep = fresh ? '' : ' '
    if (!fresh && line.length + sep.length + piece.length > 80) {
      lines.push(line)
      line = hang + piece
    } else line += sep + piece
    fresh = false
  }
  lines.push(line)
  // An errno's words may still overflow on the last line: wrap them on their own.
  return lines.flatMap((l) => (l.length > 80 ? wrap(l.trim(), ' '.repeat(l.length - l.trimStart().length), hang) : [l]))
}
