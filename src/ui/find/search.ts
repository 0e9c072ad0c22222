/**
 * The search box's matching, pure: a query against the VMAs of the current
 * step and against the steps. What a query finds:
 * - VMAs by name or path ("libc", "[heap]", "memfd:"), by flag ("mg",
 *   "VM_LOCKED", "locked"), by prot ("rw-", "r--p", "rw-s"), or by an address
 *   inside them (hex "0x7f0000003000", or a page number "12");
 * - steps by operation ("mprotect") or by text in their summary, outcome,
 *   KSM timing or errno ("merged-prev", "EFAULT", "[2,4)"). A prot or an
 *   address finds VMAs only (every mmap's summary names its prot).
 * One pass over the VMAs and one over the steps; a 65,530-VMA step takes a few
 * milliseconds.
 */
import type { VmaView } from '../../engine/api'
import type { StepSummary } from '../../worker/engine-protocol'
import { parseAddressEntry } from './address-entry'

export type SearchResult =
  | { kind: 'vma'; vma: VmaView; why: string }
  | { kind: 'step'; step: number; summary: string; why: string }

export interface SearchInput {
  vmas: readonly VmaView[]
  steps: readonly StepSummary[]
  baseAddress: bigint
  windowPages: number
}

const OPS = new Set(['mmap', 'munmap', 'mprotect', 'madvise', 'prctl', 'brk', 'touch', 'fork', 'mremap'])
const PROT = /^([r-][w-][x-])([ps])?$/

/** The VMA containing `page` (VMAs in address order, never overlapping), or null. */
export function vmaAt(vmas: readonly VmaView[], page: number): VmaView | null {
  let lo = 0
  let hi = vmas.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    const v = vmas[mid]!
    if (page < v.start) hi = mid - 1
    else if (page >= v.end) lo = mid + 1
    else return v
  }
  return null
}

export function search(query: string, input: SearchInput): SearchResult[] {
  const text = query.trim()
  if (text === '') return []
  const lower = text.toLowerCase()
  const results: SearchResult[] = []

  // An address or a page: the VMA there (VMAs are in address order and never overlap).
  const address = /^(0x[0-9a-f_]+|(?:page\s*)?\d+)$/i.test(text) ? parseAddressEntry(text, input.baseAddress, input.windowPages) : null
  if (address?.ok) {
    const vma = vmaAt(input.vmas, address.page)
    if (vma) results.push({ kind: 'vma', vma, why: `contains ${address.exact}` })
  }

  const prot = PROT.exec(lower)
  const flagName = lower.startsWith('vm_') ? lower.toUpperCase() : `VM_${lower.toUpperCase()}`
  if (!address?.ok) {
    for (const vma of input.vmas) {
      let why: string | null = null
      if (prot) {
        if (vma.prot === prot[1] && (!prot[2] || (prot[2] === 's') === (vma.share === 'shared'))) why = `prot ${text}`
      } else if (vma.mnemonics.includes(lower)) why = `flag ${lower}`
      else if (vma.flags.includes(flagName)) why = `flag ${flagName}`
      else if (lower === 'mergeable' && vma.mergeable) why = 'flag mg'
      else if (vma.file?.toLowerCase().includes(lower)) why = `file ${vma.file}`
      else {
        const name = vma.names.find((n) => n.toLowerCase().includes(lower))
        if (name !== undefined) why = `name ${name}`
      }
      if (why) results.push({ kind: 'vma', vma, why })
    }
  }

  if (prot || address?.ok) return results
  const isOp = OPS.has(lower)
  for (const step of input.steps) {
    let why: string | null = null
    if (isOp) {
      if (step.op === lower) why = lower
    } else if (step.error?.toLowerCase() === lower) why = step.error
    else if (step.outcome === lower) why = step.outcome
    else if (lower.startsWith('ksm ') && step.ksm === lower.slice(4)) why = lower
    else if (step.summary.toLowerCase().includes(lower)) why = 'summary'
    if (why) results.push({ kind: 'step', step: step.index, summary: step.summary, why })
  }
  return results
}
