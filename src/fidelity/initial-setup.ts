/**
 * How the kernel recorder builds a scenario's `initial` address space with
 * real system calls before the first step, or why it cannot.
 *
 * The plan is a list of recorder step lines with index 0 (tools/kernel-recorder
 * runs them, then prints the window as `initial`). The VMAs are made left to
 * right, each where the scenario has it:
 *
 * - a faulted VMA (`anonVma`) is mapped writable with a prot its left and right
 *   neighbours do not have, so that mmap cannot expand a neighbour into it
 *   (vma_merge_new_range() needs equal flags), is written once under
 *   MADV_DONTDUMP (so anon_vma_prepare() gives it an anon_vma of its own instead
 *   of reusing a neighbour's), then mprotect()ed to its own prot, where the
 *   kernel merges it with a neighbour only if it would merge the two in any
 *   process (equal flags and a compatible anon_vma);
 * - VMAs that share one anon_vma (the pieces of a split) are made as one
 *   mapping over their span, written once, and cut apart with munmap and
 *   mprotect, as a split leaves them;
 * - `[heap]` is grown with brk from `brkBase`; `initial.mergeAny` is
 *   prctl(PR_SET_MEMORY_MERGE, 1) before anything; `mg` without it is
 *   madvise(MADV_MERGEABLE).
 *
 * Whether the kernel then holds exactly the scenario's VMAs (ranges, prot,
 * share, every VM_* flag) is checked against the recorded `initial` by the
 * caller; a state no sequence of these calls makes (say two equal unfaulted
 * VMAs side by side, which the kernel always merges) is refused there with the
 * difference.
 */
import type { InitialVma, Prot, Scenario } from '../scenario/types'
import { MADV_MERGEABLE, PR_SET_MEMORY_MERGE } from '../reproducer/real-objects'

export type InitialPlan = { lines: string[] } | { problem: string }

const MADV_DONTDUMP = 16
const MADV_DODUMP = 17

/** The prots a faulted VMA can be made with: writable, so one write attaches its anon_vma. */
const WRITABLE_PROTS: readonly Prot[] = ['rw-', '-w-', 'rwx', '-wx']

/** The one-to-one key of an initial VMA's file, as realObjects() keys a step's backing. */
export function initialFileKey(v: InitialVma): { key: string; type: 'ext4' | 'memfd' | 'devzero'; name: string } | { problem: string } | null {
  switch (v.backing) {
    case 'anon':
    case 'heap':
      return null
    case 'file':
      return { key: `file:${v.file ?? ''}`, type: 'ext4', name: v.file ?? '' }
    case 'shmem':
      return { key: `shmem:${v.file ?? ''}`, type: 'memfd', name: v.file ?? '' }
    case 'device':
      if (v.file !== '/dev/zero') return { problem: `device "${v.file ?? ''}": only /dev/zero can be mapped for real` }
      return { key: 'device:/dev/zero', type: 'devzero', name: '/dev/zero' }
    case 'sysv':
      return { problem: `SysV attach "${v.file ?? ''}": the recorder does not build initial SysV attaches (write shmget and shmat steps instead)` }
  }
}

const isAnonymous = (v: InitialVma) => v.backing === 'anon' || v.backing === 'heap' || (v.backing === 'device' && v.share === 'private')

/**
 * `fileIndex(v)`: the recorder's file index for v's backing (-1 for anonymous memory).
 * `basePage`: the absolute page of window page 0 when the scenario places the window (for the
 * anonymous vm_pgoff check); undefined when the recorder picks the place.
 */
export function planInitial(scenario: Scenario, fileIndex: (v: InitialVma) => number, basePage: number | undefined): InitialPlan {
  const initial = scenario.initial
  if (!initial || initial.vmas.length === 0) return { lines: [] }
  const vmas = initial.vmas
  const base = scenario.base ?? initial.base
  if (base !== undefined && Number.parseInt(base.slice(2), 16) < 0x10000)
    return { problem: `initial: the VMAs are at absolute addresses (base ${base}, as an import of /proc/PID/smaps has them); the recorder's own program, libraries and stack live there, so it cannot rebuild them` }
  const lines: string[] = []
  if (initial.mergeAny) lines.push(`step 0 prctl ${PR_SET_MEMORY_MERGE} 1`)

  const groups = new Map<number, number[]>()
  vmas.forEach((v, i) => {
    if (v.anonVma !== undefined) groups.set(v.anonVma, [...(groups.get(v.anonVma) ?? []), i])
  })
  const built = new Set<number>()
  let heapSeen = false

  const problemOf = (i: number): string | null => {
    const v = vmas[i]!
    const at = `initial.vmas[${i}]`
    const file = initialFileKey(v)
    if (file && 'problem' in file) return `${at}: ${file.problem}`
    if (v.anonVma !== undefined && v.share === 'shared') return `${at}: a shared mapping has no anon_vma of its own`
    if (v.backing === 'heap') {
      if (scenario.brkBase === undefined || v.start !== scenario.brkBase) return `${at}: a [heap] VMA that does not start at brkBase: the recorder can only grow the break from there`
      if (v.share !== 'private' || v.prot !== 'rw-') return `${at}: brk makes a private rw- heap, not ${v.prot} ${v.share}`
      if (heapSeen) return `${at}: a second [heap] VMA`
    }
    if (v.backing === 'anon' && v.share === 'private' && v.pgoff !== undefined && basePage === undefined)
      return `${at}: an anonymous vm_pgoff (${v.pgoff}) is an absolute page, and the scenario gives no base to place the window by`
    if (v.backing === 'anon' && v.share === 'private' && v.pgoff !== undefined && basePage !== undefined && v.pgoff !== basePage + v.start)
      return `${at}: an anonymous vm_pgoff of ${v.pgoff} that is not its own page (${basePage + v.start}); only mremap of a faulted VMA leaves one, which the recorder does not replay`
    return null
  }

  /** A writable prot neither neighbour has, so the new mapping stays a VMA of its own until its mprotect. */
  const isolatedProt = (from: number, to: number, own: Prot): Prot => {
    const left = vmas.findLast((w, j) => built.has(j) && w.end === from)
    const right = vmas.find((w, j) => built.has(j) && w.start === to)
    const taken = new Set([left?.prot, right?.prot])
    if (own.includes('w') && !taken.has(own)) return own
    return WRITABLE_PROTS.find((p) => !taken.has(p))!
  }

  /** `mg` without MERGE_ANY: madvise(MADV_MERGEABLE), the VMA is done. */
  const done = (i: number) => {
    const v = vmas[i]!
    if (v.flags?.includes('VM_MERGEABLE') && !initial.mergeAny) lines.push(`step 0 madvise ${v.start} ${v.end - v.start} ${MADV_MERGEABLE}`)
    built.add(i)
  }
  const pgoff = (w: InitialVma) => (isAnonymous(w) ? 0 : (w.pgoff ?? 0))

  for (let i = 0; i < vmas.length; i++) {
    if (built.has(i)) continue
    const v = vmas[i]!
    const problem = problemOf(i)
    if (problem) return { problem }
    if (v.backing === 'heap') {
      heapSeen = true
      if ((groups.get(v.anonVma ?? -1)?.length ?? 0) > 1) return { problem: `initial.vmas[${i}]: a [heap] VMA whose anon_vma other VMAs share` }
      lines.push(`step 0 brk ${v.end - v.start}`)
      if (v.anonVma !== undefined) lines.push(`step 0 touch ${v.start} 1 1`)
      done(i)
      continue
    }
    if (v.anonVma === undefined) {
      lines.push(`step 0 mmap ${v.start} ${v.end - v.start} ${v.prot} ${v.share} ${fileIndex(v)} ${pgoff(v)}`)
      done(i)
      continue
    }
    // One anon_vma: one mapping over the span, one write, then cut into the scenario's pieces.
    const members = groups.get(v.anonVma)!
    const last = vmas[members[members.length - 1]!]!
    for (const j of members.slice(1)) {
      const w = vmas[j]!
      const p = problemOf(j)
      if (p) return { problem: p }
      if (w.backing !== v.backing || w.file !== v.file || w.share !== 'private')
        return { problem: `initial.vmas[${j}]: shares anon_vma ${v.anonVma} with initial.vmas[${i}] but not its backing; the pieces of one split share both` }
      if (!isAnonymous(v) && pgoff(w) !== pgoff(v) + (w.start - v.start))
        return { problem: `initial.vmas[${j}]: shares anon_vma ${v.anonVma} with initial.vmas[${i}] but its file offset is not where the split left it` }
    }
    // Another anon_vma's pieces inside this span, with more of them outside it: the spans overlap.
    const interleaved = vmas.some((w, j) => !members.includes(j) && w.start < last.end && w.end > v.start &&
      (built.has(j) || (w.anonVma !== undefined && groups.get(w.anonVma)!.some((k) => vmas[k]!.end > last.end))))
    if (interleaved) return { problem: `initial.vmas[${i}]: the pieces of anon_vma ${v.anonVma} and of another interleave; the recorder makes one anon_vma's span at a time` }
    const prot = isolatedProt(v.start, last.end, v.prot)
    const span = `${v.start} ${last.end - v.start}`
    lines.push(`step 0 mmap ${span} ${prot} private ${fileIndex(v)} ${pgoff(v)}`)
    // anon_vma_prepare() would reuse a neighbour's anon_vma (find_mergeable_anon_vma(): flags equal
    // but for VM_READ/WRITE/EXEC): VM_DONTDUMP while it is written keeps this one its own.
    lines.push(`step 0 madvise ${span} ${MADV_DONTDUMP}`, `step 0 touch ${v.start} 1 1`)
    if (!v.flags?.includes('VM_DONTDUMP')) lines.push(`step 0 madvise ${span} ${MADV_DODUMP}`)
    // The holes of the span, where other VMAs (or nothing) go.
    let cursor = v.start
    for (const j of members) {
      const w = vmas[j]!
      if (w.start > cursor) lines.push(`step 0 munmap ${cursor} ${w.start - cursor}`)
      cursor = w.end
    }
    for (const j of members) {
      const w = vmas[j]!
      lines.push(`step 0 mprotect ${w.start} ${w.end - w.start} ${w.prot}`)
      done(j)
    }
  }
  return { lines }
}
