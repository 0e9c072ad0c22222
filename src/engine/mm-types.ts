/**
 * The engine's VMA record (a `struct vm_area_struct` reduced to what merging
 * looks at) and the `struct file` it may point to.
 *
 * Records are never changed once made, with one exception: `died`, the step at
 * which the record left the address space, which the trace uses to rebuild the
 * VMAs of any step. A VMA that grows, shrinks or changes flags is a new record
 * with a new id, so "what changed in this step" is exact.
 *
 * A record is one version of a `struct vm_area_struct`. `structId` names the
 * struct: a change the kernel makes to the struct in place (vma_expand(),
 * vma_shrink(), the side of a __split_vma() that keeps the struct, vm_flags
 * changed in place, anon_vma_prepare() attaching an anon_vma) gives a new
 * record with the same `structId`; a struct the kernel allocates
 * (vm_area_alloc() for a new mapping, vm_area_dup() for the new side of a
 * split, copy_vma() and dup_mmap()) starts a new `structId`, equal to the id
 * of its first record.
 */
import type { FileHook, FileSystem } from '../scenario/types'
import type { VmFlags } from './flags'
import { asPage, type Page } from './units'

/** One `struct file`. The same scenario file name (per kind) is one struct file. */
export interface FileObject {
  readonly id: number
  /** What the UI prints: "F", "memfd:M", "/dev/zero", "F (real file under overlayfs)". */
  readonly display: string
  readonly kind: 'file' | 'shmem' | 'device' | 'anon-shmem' | 'secretmem' | 'perf' | 'io_uring' | 'hugetlb' | 'sysv-shm'
  readonly fs: FileSystem | null
  /**
   * path_noexec(): the file lives on a noexec mount. secretmem, perf and io_uring files live on
   * the kernel's internal mounts with SB_I_NOEXEC, so do_mmap() clears VM_MAYEXEC (and refuses
   * PROT_EXEC with EPERM).
   */
  readonly noexec?: boolean
  /**
   * f_op->get_unmapped_area, where it matters: 'thp' (thp_get_unmapped_area: ext4, private
   * /dev/zero), 'shmem' (shmem_get_unmapped_area), 'zero' (get_unmapped_area_zero),
   * 'io_uring' (refuses any address), 'driver' (a driver's own). Absent: none.
   */
  readonly unmappedArea?: 'thp' | 'shmem' | 'zero' | 'io_uring' | 'driver' | 'hugetlb'
  /** shmem_file(file): tmpfs files, memfds and the shmem file behind MAP_SHARED|MAP_ANONYMOUS. */
  readonly isShmem: boolean
  /**
   * Size in pages when it is bounded by the mapping: the shmem file that
   * shmem_zero_setup() makes is exactly as long as the mapping, so an access
   * past its end (a pgoff > 0, or after mremap grew the mapping) is SIGBUS.
   * Scenario files are as long as the scenario needs (undefined).
   */
  readonly sizePages?: number
  /**
   * SysV shared memory (ipc/shm.c, kind 'sysv-shm'): the segment's IPC key. Both the segment's
   * shmem file (shp->shm_file, made by newseg()) and each attach's own file (do_shmat()'s
   * alloc_file_clone() with shm_file_operations, whose VMAs have shm_vm_ops) carry it; `shmAttach`
   * tells the attach's file from the segment's.
   */
  readonly shmKey?: number
  readonly shmAttach?: boolean
}

/** Which scenario mapping put its pages at [start, end). */
export interface Label {
  readonly start: Page
  readonly end: Page
  readonly name: string
}

/**
 * A VMA's labels in address order: a plain list, or two lists joined. A merge
 * joins its VMAs' labels in O(1) (a LabelJoin holding both sides, never a
 * copy), so a VMA that absorbs a named mapping at every step costs one small
 * object per step, not a copy of every name so far (which made N merges O(N²)
 * in time and, with every record kept in the trace, in memory). Lists are
 * never changed once made; readers walk them with `eachLabel`.
 */
export type Labels = readonly Label[] | LabelJoin

export interface LabelJoin {
  readonly left: Labels
  readonly right: Labels
  readonly count: number
}

const isJoin = (labels: Labels): labels is LabelJoin => !Array.isArray(labels)

export const labelCount = (labels: Labels): number => (isJoin(labels) ? labels.count : (labels as readonly Label[]).length)

/** Calls `visit` on each label in address order (a loop with its own stack: a join may be a million levels deep). */
export function eachLabel(labels: Labels, visit: (label: Label) => void): void {
  const pending: Labels[] = [labels]
  while (pending.length > 0) {
    const next = pending.pop()!
    if (isJoin(next)) pending.push(next.right, next.left)
    else for (const label of next as readonly Label[]) visit(label)
  }
}

/** The labels as one list (a join is flattened; a list is returned as it is). */
export function labelList(labels: Labels): readonly Label[] {
  if (!isJoin(labels)) return labels as readonly Label[]
  const out: Label[] = []
  eachLabel(labels, (l) => out.push(l))
  return out
}

/** Whether a label of `labels` is named `name`. */
export function hasLabelNamed(labels: Labels, name: string): boolean {
  let found = false
  eachLabel(labels, (l) => {
    if (l.name === name) found = true
  })
  return found
}

export interface Vma {
  readonly id: number
  /** The vm_area_struct this record is a version of: the id of its first record. */
  readonly structId: number
  /**
   * On a struct's first record: the struct it was duplicated from (vm_area_dup():
   * the new side of __split_vma(), copy_vma(), dup_mmap()); 0 for one made fresh
   * (vm_area_alloc()) and on every later record.
   */
  readonly dupOf: number
  readonly start: Page
  readonly end: Page
  readonly pgoff: number
  readonly flags: VmFlags
  /**
   * The protection key: VM_PKEY_BIT0..3 of vm_flags (x86-64: kernel bits 32-35, vma_pkey()). Kept
   * beside `flags`, whose compact numbering has no room for four more bits; merges compare both.
   */
  readonly pkey: number
  readonly file: FileObject | null
  /** anon_vma identity, 0 when unfaulted. */
  readonly anonVma: number
  /** list_is_singular(&vma->anon_vma_chain) is false: the VMA was faulted when fork() copied it. */
  readonly forkChild: boolean
  /** vm_ops->close is set: a merge may not delete this VMA (can_merge_remove_vma). */
  readonly vmOpsClose: boolean
  /** vma_is_anonymous(): vm_ops == NULL (anonymous memory, and private /dev/zero). */
  readonly anonymous: boolean
  /** The hook the file's f_op had when this VMA was mapped (display only). */
  readonly hook: FileHook | null
  readonly labels: Labels
  /** Step at which this record was made (0 = initial state). */
  readonly born: number
  /** Step at which it left the address space; ALIVE (above any step number) while alive. */
  died: number
}

/**
 * `died` of a live record: above any step (the format allows 1,000,000), and a
 * small integer, so V8 keeps the field untagged instead of boxing Infinity in
 * a heap number per record (16 bytes each, millions of records in a long run).
 */
export const ALIVE = 0x3fff_ffff

/** Everything a record holds but its identity and lifetime. */
export type VmaFields = Omit<Vma, 'id' | 'structId' | 'dupOf' | 'born' | 'died'>

/** The fields one may change to derive a new record. */
export type VmaChanges = Partial<Pick<Vma, 'start' | 'end' | 'pgoff' | 'flags' | 'pkey' | 'file' | 'anonVma' | 'forkChild' | 'vmOpsClose' | 'anonymous' | 'labels'>>

/**
 * The record as a class, so that every record has one hidden class (the
 * engine makes one per change; object spreads were the hot spot of a run).
 */
export class VmaRecord implements Vma {
  readonly start: Page
  readonly end: Page
  readonly pgoff: number
  readonly flags: VmFlags
  readonly pkey: number
  readonly file: FileObject | null
  readonly anonVma: number
  readonly forkChild: boolean
  readonly vmOpsClose: boolean
  readonly anonymous: boolean
  readonly hook: FileHook | null
  readonly labels: Labels
  died = ALIVE
  readonly structId: number

  /** `structId` 0: a new struct (this record is its first); `dupOf`: the struct it was duplicated from. */
  constructor(readonly id: number, readonly born: number, base: VmaFields, changes: VmaChanges | null, structId: number, readonly dupOf: number) {
    this.structId = structId || id
    const c = changes ?? {}
    this.start = c.start ?? base.start
    this.end = c.end ?? base.end
    this.pgoff = c.pgoff ?? base.pgoff
    this.flags = c.flags ?? base.flags
    this.pkey = c.pkey ?? base.pkey
    this.file = c.file !== undefined ? c.file : base.file
    this.anonVma = c.anonVma ?? base.anonVma
    this.forkChild = c.forkChild ?? base.forkChild
    this.vmOpsClose = c.vmOpsClose ?? base.vmOpsClose
    this.anonymous = c.anonymous ?? base.anonymous
    this.hook = base.hook
    this.labels = c.labels ?? base.labels
  }
}

export const vmaPages = (v: { start: Page; end: Page }): number => v.end - v.start

export const NO_LABELS: readonly Label[] = Object.freeze([])

/** Labels of `labels` clipped to [start, end). */
export function clipLabels(labels: Labels, start: Page, end: Page): readonly Label[] {
  if (labelCount(labels) === 0) return NO_LABELS // unnamed mappings: one shared empty list, not one per record
  const out: Label[] = []
  eachLabel(labels, (l) => {
    const s = l.start > start ? l.start : start
    const e = l.end < end ? l.end : end
    if (s < e) out.push(s === l.start && e === l.end ? l : { start: s, end: e, name: l.name })
  })
  return out
}

/**
 * Labels of adjacent VMAs joined, in O(1): the two lists are held, not copied.
 * A name that continues across the seam (the heap grown by brk, a mapping
 * split and merged again) is one label when both sides are single labels;
 * otherwise it stays two adjacent labels of the same name, which read the same
 * (a VMA shows its distinct names).
 */
export function joinLabels(a: Labels, b: Labels): Labels {
  // Label lists are never changed once made, so a side joined with nothing is shared, not copied.
  const countA = labelCount(a)
  const countB = labelCount(b)
  if (countA === 0) return b
  if (countB === 0) return a
  if (countA === 1 && countB === 1) {
    // A join holds two non-empty sides, so a list of one label is a plain list.
    const last = (a as readonly Label[])[0]!
    const first = (b as readonly Label[])[0]!
    if (last.name === first.name && last.end === first.start) return [{ start: last.start, end: first.end, name: last.name }]
  }
  return { left: a, right: b, count: countA + countB }
}

/** Labels moved by `delta` pages (mremap). */
export function shiftLabels(labels: Labels, delta: number): Label[] {
  const out: Label[] = []
  eachLabel(labels, (l) => out.push({ start: asPage(l.start + delta), end: asPage(l.end + delta), name: l.name }))
  return out
}

/** Distinct names in address order. */
export function labelNames(labels: Labels): string[] {
  const seen = new Set<string>()
  eachLabel(labels, (l) => seen.add(l.name))
  return [...seen]
}
