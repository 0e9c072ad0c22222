/**
 * What a step did to each vm_area_struct, in the kernel's terms.
 *
 * A step's created and removed lists name records (versions); `structId` says
 * which records are versions of the same struct. Pairing them gives, per
 * struct, what the kernel did to it:
 *
 *   new       allocated by the step (vm_area_alloc(); vm_area_dup() for the new
 *             side of __split_vma(), copy_vma() and dup_mmap(): `dupOf` names the source)
 *   expanded  the same struct grown in place (vma_expand(), commit_merge())
 *   shrunk    the same struct made smaller in place (commit_merge() taking part of it into a neighbour)
 *   split     the same struct, which kept one side of a __split_vma() (the new side is "new")
 *   modified  the same struct and range, changed in place (vm_flags, an anon_vma attached)
 *   removed   freed by the step (a merge deleted it, or it was unmapped)
 *
 * Pure data in, data out: the engine, the UI, the runner and the exports read it.
 */
import type { StepOp } from '../scenario/types'
import type { Trace, VmaView } from './api'

export type VmaChangeKind = 'new' | 'expanded' | 'shrunk' | 'split' | 'modified' | 'removed'

export interface VmaChange {
  kind: VmaChangeKind
  /** The struct (VmaView.structId). */
  structId: number
  /** Its record before the step (null when new). */
  before: VmaView | null
  /** Its record after the step (null when removed). */
  after: VmaView | null
  /** For a new struct duplicated from another: that struct (the VMA it was split from, or copied from). */
  dupOf: number | null
}

/** Kernel order is not address order; changes are listed by address (of the record after, else before). */
const startOf = (c: VmaChange): number => (c.after ?? c.before)!.start

/**
 * Per struct, what the step did, from the views of the records it created
 * (in the VMAs after it) and removed (in the VMAs before it). Structs the step
 * did not touch are not listed. Fork's child VMAs are new structs copied from
 * the parent's; the parent's are not freed (they stay in the parent), so they
 * are not listed as removed.
 */
export function vmaChanges(created: readonly VmaView[], removed: readonly VmaView[], op?: StepOp): VmaChange[] {
  const before = new Map<number, VmaView>()
  for (const v of removed) before.set(v.structId, v)
  const splitSources = new Set<number>()
  for (const v of created) if (v.dupOf !== null && op !== 'fork') splitSources.add(v.dupOf)
  const out: VmaChange[] = []
  for (const a of created) {
    const b = before.get(a.structId) ?? null
    before.delete(a.structId)
    if (!b) {
      out.push({ kind: 'new', structId: a.structId, before: null, after: a, dupOf: a.dupOf })
      continue
    }
    out.push({ kind: kindOf(b, a, splitSources.has(a.structId)), structId: a.structId, before: b, after: a, dupOf: null })
  }
  if (op !== 'fork') for (const b of before.values()) out.push({ kind: 'removed', structId: b.structId, before: b, after: null, dupOf: null })
  // Usually in address order already (the created list is): then no sort of 65,530 changes.
  for (let i = 1; i < out.length; i++) if (startOf(out[i - 1]!) > startOf(out[i]!)) return out.sort((x, y) => startOf(x) - startOf(y))
  return out
}

function kindOf(b: VmaView, a: VmaView, splitFrom: boolean): VmaChangeKind {
  if (splitFrom) return 'split'
  const grew = a.start <= b.start && a.end >= b.end
  const shrank = a.start >= b.start && a.end <= b.end
  if (grew && shrank) return 'modified'
  if (grew) return 'expanded'
  if (shrank) return 'shrunk'
  return 'modified'
}

const rangeText = (v: VmaView): string => `[${v.start},${v.end})`

/**
 * "[0,2) expanded to [0,4)", "[6,8) new (split from [2,8))", "[4,6) removed".
 * `all` is the step's changes (to find the struct a new one was split from); for many changes use changeTexts.
 */
export function changeText(c: VmaChange, all: readonly VmaChange[] = [], op?: StepOp): string {
  return describeChange(c, op, (structId) => all.find((o) => o.structId === structId))
}

/** changeText of every change of a step, in time linear in their number (a fork of 200,000 VMAs is 200,000 changes). */
export function changeTexts(changes: readonly VmaChange[], op?: StepOp): string[] {
  const byStruct = new Map<number, VmaChange>()
  for (const c of changes) if (!byStruct.has(c.structId)) byStruct.set(c.structId, c)
  return changes.map((c) => describeChange(c, op, (structId) => byStruct.get(structId)))
}

function describeChange(c: VmaChange, op: StepOp | undefined, changeOf: (structId: number) => VmaChange | undefined): string {
  const b = c.before
  const a = c.after
  switch (c.kind) {
    case 'new': {
      if (c.dupOf === null) return `${rangeText(a!)} new`
      if (op === 'fork') return `${rangeText(a!)} new (dup_mmap: the child's copy)`
      const src = changeOf(c.dupOf)?.before
      if (!src) return `${rangeText(a!)} new (split off)`
      // copy_vma() puts the copy elsewhere; a split's new side lies inside the VMA it was cut from.
      const inside = a!.start >= src.start && a!.end <= src.end
      return `${rangeText(a!)} new (${inside ? 'split from' : 'copy_vma of'} ${rangeText(src)})`
    }
    case 'removed':
      return `${rangeText(b!)} removed`
    case 'modified':
      return `${rangeText(a!)} modified in place`
    default:
      return `${rangeText(b!)} ${c.kind} to ${rangeText(a!)}`
  }
}

const COUNT_WORDS: readonly VmaChangeKind[] = ['expanded', 'shrunk', 'split', 'modified', 'new', 'removed']

/** "1 VMA expanded, 1 removed": the counts by kind, in a fixed order (one pass: a munmap of 65,530 VMAs is 65,530 changes). */
export function changeCounts(changes: readonly VmaChange[]): string {
  const counts = new Map<VmaChangeKind, number>()
  for (const c of changes) counts.set(c.kind, (counts.get(c.kind) ?? 0) + 1)
  const parts: string[] = []
  for (const kind of COUNT_WORDS) {
    const n = counts.get(kind) ?? 0
    if (n > 0) parts.push(parts.length === 0 ? `${n} VMA${n === 1 ? '' : 's'} ${kind}` : `${n} ${kind}`)
  }
  return parts.join(', ')
}

/** The changes of step i (1-based) of a trace. */
export function traceChanges(trace: Trace, i: number): VmaChange[] {
  const s = trace.stepAt(i) // one step's result, not the whole run's list
  if (!s) return []
  const view = (id: number) => trace.viewOf(id)!
  return vmaChanges(s.created.map(view), s.removed.map(view), s.op)
}
