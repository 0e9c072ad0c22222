/**
 * Rules of the steps that the per-field schema cannot say, read leniently
 * from the raw document like the loader's other cross-field rules:
 *
 * - Every range a step names lies inside the window. The window is all the
 *   scenario's process has; past it there is nothing the scenario describes
 *   (the recorder keeps a guard mapping there), so a range outside it is a
 *   mistake in the scenario, not something a kernel would answer with an
 *   errno. Ranges the kernel chooses (placement "kernel", mremap may-move, brk
 *   growth) are the engine's to answer at step time.
 * - A `file` backing is a regular file. A name under /dev (other than the
 *   tmpfs and hugetlbfs mounts /dev/shm, /dev/hugepages) is a device: its
 *   driver's mmap hook is not a file system's, so the scenario must say
 *   `"kind": "device"`. Refused, with the backing to write instead.
 * - A shmget of a segment name an earlier shmget gave is one a real program can make: the same
 *   key, not IPC_PRIVATE.
 */
import { DEFAULT_WINDOW_PAGES, MAX_PAGE_VALUE } from './schema'
import type { IssuePath } from './issue-text'

type Problem = { path: IssuePath; message: string }

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const isWhole = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0

/** Directories under /dev that hold regular files (tmpfs, hugetlbfs, mqueue), not devices. */
const FILE_SYSTEMS_UNDER_DEV = ['/dev/shm/', '/dev/hugepages/', '/dev/mqueue/']

/** Whether `name` names a device node (/dev/zero, /dev/mem, /dev/fb0 …). */
export function isDevicePath(name: string): boolean {
  return name.startsWith('/dev/') && name.length > 5 && !FILE_SYSTEMS_UNDER_DEV.some((dir) => name.startsWith(dir))
}

function deviceMessage(file: string, extra: string): string {
  return `"${file}" is a device, not a regular file: a "file" backing simulates an ext4 file. Use { "kind": "device", "file": "${file}"${extra} } (its driver's .mmap hook is what the kernel calls)`
}

/** The range [at, at + pages) of a step, when both are whole numbers. */
function outside(index: number, at: unknown, pages: unknown, atKey: string, pagesKey: string, windowPages: number, what: string): Problem | null {
  // Values the schema refuses (too large) get the schema's message instead.
  if (!isWhole(at) || !isWhole(pages) || at > MAX_PAGE_VALUE || pages > MAX_PAGE_VALUE) return null
  const end = at + pages
  if (end <= windowPages) return null
  const field = at >= windowPages ? atKey : pagesKey
  return {
    path: ['steps', index, field],
    message: `${what} [${at},${end}) runs outside the scenario's window, pages [0,${windowPages}) (windowPages ${windowPages}): nothing exists there. Make windowPages at least ${end}, or keep the range inside the window`,
  }
}

/**
 * A segment name stands for the shmid a program keeps, so a later shmget of the name must be one
 * that finds the same segment on a real kernel: the same key, and not IPC_PRIVATE (which always
 * makes a new segment, ipcget_new()). With `only`: nothing unless one of them is a shmget (an
 * edit elsewhere cannot make such a problem), and then every shmget is looked at.
 */
function segmentProblems(steps: readonly unknown[], only?: readonly number[]): Problem[] {
  const problems: Problem[] = []
  if (only && !only.some((i) => isRecord(steps[i]) && (steps[i] as Record<string, unknown>).op === 'shmget')) return problems
  const keys = new Map<string, number>()
  steps.forEach((step, i) => {
    if (!isRecord(step) || step.op !== 'shmget' || typeof step.segment !== 'string') return
    const key = step.key === undefined ? 0 : step.key
    if (!isWhole(key)) return
    const first = keys.get(step.segment)
    if (first === undefined) keys.set(step.segment, key)
    else {
      if (key === 0)
        problems.push({ path: ['steps', i, 'key'], message: `a shmget with IPC_PRIVATE (key 0) always makes a new segment, but an earlier shmget already names "${step.segment}": give this one a new segment name` })
      else if (key !== first)
        problems.push({ path: ['steps', i, 'key'], message: `an earlier shmget gave "${step.segment}" the key ${first}; a shmget of key ${key} is another segment: give it another segment name` })
    }
  })
  return problems
}

/**
 * The problems of the steps and initial VMAs; with `only` (ascending indices), those of the
 * steps at `only`, and the initial VMAs are not looked at.
 */
export function stepProblems(document: Record<string, unknown>, only?: readonly number[]): Problem[] {
  const steps = document.steps
  if (!Array.isArray(steps)) return []
  const windowPages = isWhole(document.windowPages) && document.windowPages > 0 ? document.windowPages : DEFAULT_WINDOW_PAGES
  const problems: Problem[] = []
  const check = (step: unknown, i: number) => {
    if (!isRecord(step)) return
    switch (step.op) {
      case 'mmap': case 'munmap': case 'mprotect': case 'madvise': case 'touch': case 'mremap': case 'mlock': case 'munlock': case 'mseal': case 'pkey_mprotect': {
        const problem = outside(i, step.at, step.pages, 'at', 'pages', windowPages, 'the range')
        if (problem) problems.push(problem)
      }
    }
    if (step.op === 'shmdt' || (step.op === 'shmat' && step.at !== undefined)) {
      // The attach's length is the segment's, known at step time; its first page must be in the window.
      const problem = outside(i, step.at, 1, 'at', 'at', windowPages, 'the address')
      if (problem) problems.push(problem)
    }
    if (step.op === 'mremap' && step.to !== undefined) {
      const problem = outside(i, step.to, step.newPages, 'to', 'newPages', windowPages, 'the destination')
      if (problem) problems.push(problem)
    }
    if (step.op === 'mmap' && isRecord(step.backing) && step.backing.kind === 'file' && typeof step.backing.file === 'string' && isDevicePath(step.backing.file)) {
      const pgoff = isWhole(step.backing.pgoff) && step.backing.pgoff > 0 ? `, "pgoff": ${step.backing.pgoff}` : ''
      problems.push({ path: ['steps', i, 'backing', 'file'], message: deviceMessage(step.backing.file, pgoff) })
    }
  }
  if (only) {
    for (const i of only) check(steps[i], i)
    problems.push(...segmentProblems(steps, only))
    return problems
  }
  steps.forEach(check)
  problems.push(...segmentProblems(steps))
  const initial = document.initial
  if (isRecord(initial) && Array.isArray(initial.vmas)) {
    initial.vmas.forEach((vma, i) => {
      if (isRecord(vma) && vma.backing === 'file' && typeof vma.file === 'string' && isDevicePath(vma.file)) {
        problems.push({ path: ['initial', 'vmas', i, 'file'], message: `"${vma.file}" is a device, not a regular file: write "backing": "device" for this VMA` })
      }
    })
  }
  return problems
}
