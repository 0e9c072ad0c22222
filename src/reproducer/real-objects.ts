/**
 * Which real object stands behind each backing of a scenario, the one
 * convention the kernel recorder (tools/kernel-recorder) and the exported C
 * reproducer share.
 *
 * Each distinct scenario file becomes one real open (one struct file): ext4 = a
 * file on an ext4 directory, tmpfs = a file under /dev/shm, overlayfs = a file
 * on a fresh overlay mount, shmem = memfd_create, /dev/zero = /dev/zero, secretmem =
 * memfd_secret, perf = a software perf event's ring buffer, io_uring = a 32-entry ring. A
 * backing no stock machine has (another device, a hook the real file system
 * does not use) is a problem with its reason; it is never stood in for by
 * something else under the scenario's name.
 */
import type { Backing, Scenario } from '../scenario/types'

export const PR_SET_MEMORY_MERGE = 67

export { shmatBits } from '../engine/uapi'

/** The real SysV segment of each scenario segment name: an index, in order of first mention (shmget or shmat). */
export function segmentIndices(scenario: Scenario): Map<string, number> {
  const indices = new Map<string, number>()
  for (const step of scenario.steps)
    if ((step.op === 'shmget' || step.op === 'shmat') && !indices.has(step.segment)) indices.set(step.segment, indices.size)
  return indices
}
export const MADV_MERGEABLE = 12
export const MADV_UNMERGEABLE = 13

export type RealFileType = 'ext4' | 'tmpfs' | 'overlayfs' | 'memfd' | 'devzero' | 'secretmem' | 'perf' | 'io_uring'

export interface RealFile {
  key: string
  type: RealFileType
  /** The scenario's name for it. */
  displayName: string
  /** Size of the real file: every pgoff + pages the scenario uses, plus mremap growth. */
  sizePages: number
}

export interface RealObjects {
  files: RealFile[]
  /** Per step (0-based): the index into `files` an mmap uses, -1 for none. */
  fileOfStep: number[]
  /** Per step (0-based), why it cannot run with real calls; absent = it can. */
  problems: Map<number, string>
}

/** The hook each real file system gives its files on 6.17/6.18. */
export const REAL_HOOK: Record<'ext4' | 'tmpfs' | 'overlayfs', 'mmap' | 'mmap_prepare'> = {
  ext4: 'mmap_prepare',
  tmpfs: 'mmap', // shmem_mmap; whitelisted by shmem_file() for early KSM flags
  overlayfs: 'mmap',
}

/** What the kernel that will make the calls has. */
export interface ScriptTarget {
  /**
   * file_operations->mmap_prepare exists (6.16+). Without it every file and driver has .mmap,
   * and the engine reads a scenario's "mmap_prepare" as .mmap too, so any file hook can run.
   */
  hasMmapPrepare: boolean
  /**
   * mremap(MREMAP_FIXED) without resize moves several VMAs (6.17+). The recorder runs such a
   * move whose source crosses the window's edge as that move would (the part past the edge is
   * a gap); a kernel without it needs the source inside one VMA, so there it cannot be shown.
   */
  mremapMovesManyVmas: boolean
  /**
   * The caller can open secretmem, perf and io_uring files (the kernel recorder can; the C
   * reproducer's runtime cannot yet, so for it they are a problem with that reason).
   */
  specialFiles?: boolean
}

/** This machine's kind of kernel (6.17+), and what a reproducer is written for. */
export const HOST: ScriptTarget = { hasMmapPrepare: true, mremapMovesManyVmas: true }

function fileKeyAndType(backing: Backing, target: ScriptTarget): { key: string; type: RealFileType; name: string } | { problem: string } | null {
  switch (backing.kind) {
    case 'anon':
      return null
    case 'file':
      if (target.hasMmapPrepare && backing.hook !== undefined && backing.hook !== REAL_HOOK[backing.fs])
        return { problem: `${backing.fs} files use .${REAL_HOOK[backing.fs]} on this kernel, not .${backing.hook}` }
      return { key: `file:${backing.file}`, type: backing.fs, name: backing.file }
    case 'shmem':
      return { key: `shmem:${backing.file}`, type: 'memfd', name: backing.file }
    case 'device':
      if (backing.file !== '/dev/zero')
        return { problem: `device "${backing.file}": only /dev/zero can be mapped for real` }
      if ((target.hasMmapPrepare && backing.hook !== 'mmap') || backing.setsFlags.length > 0)
        return { problem: '/dev/zero has an .mmap hook that sets no VMA flags (hook "mmap", setsFlags [])' }
      return { key: 'device:/dev/zero', type: 'devzero', name: '/dev/zero' }
    case 'secretmem': // memfd_secret(2)
    case 'perf': // perf_event_open(2): a software dummy event on the process
    case 'io_uring': // io_uring_setup(2), 32 entries
      if (!target.specialFiles) return { problem: `a ${backing.kind} backing: the C reproducer cannot open one yet (the kernel recorder can)` }
      return { key: `${backing.kind}:${backing.file}`, type: backing.kind, name: backing.file }
  }
}

/** Largest page any step could ask of a file: pgoff + pages, plus room for mremap growth. */
function fileSizePages(scenario: Scenario): number {
  let need = 1
  let growth = 0
  for (const step of scenario.steps) {
    if (step.op === 'mmap' && step.backing.kind !== 'anon') need = Math.max(need, step.backing.pgoff + step.pages)
    if (step.op === 'mremap') growth = Math.max(growth, step.newPages)
  }
  return need + growth
}

export function realObjects(scenario: Scenario, target: ScriptTarget = HOST): RealObjects {
  const files: RealFile[] = []
  const indexByKey = new Map<string, number>()
  const fsByName = new Map<string, string>()
  const problems = new Map<number, string>()
  const sizePages = fileSizePages(scenario)
  if (!target.specialFiles && scenario.base !== undefined && scenario.steps.length > 0)
    problems.set(0, `the scenario puts its window at ${scenario.base}; the C reproducer does not place its window at a chosen address (the kernel recorder does)`)
  const fileOfStep = scenario.steps.map((step, i) => {
    if (step.op === 'brk' && scenario.brkBase === undefined) problems.set(i, 'brk needs the scenario\'s brkBase')
    if (step.op !== 'mmap') return -1
    const file = fileKeyAndType(step.backing, target)
    if (!file) return -1
    if ('problem' in file) {
      problems.set(i, file.problem)
      return -1
    }
    const earlier = fsByName.get(file.key)
    if (earlier !== undefined && earlier !== file.type) {
      problems.set(i, `file "${file.name}" is used on both ${earlier} and ${file.type}; one name is one open file`)
      return -1
    }
    fsByName.set(file.key, file.type)
    let at = indexByKey.get(file.key)
    if (at === undefined) {
      at = files.length
      indexByKey.set(file.key, at)
      files.push({ key: file.key, type: file.type, displayName: file.name, sizePages })
    }
    return at
  })
  return { files, fileOfStep, problems }
}
