/**
 * Translate a validated scenario into the line-based script that
 * tools/kernel-recorder/recorder.c reads (grammar in its README.md).
 *
 * Each distinct scenario file becomes one `file` line (one open, one struct
 * file), sized to cover every pgoff + pages the scenario uses. A step the real
 * machine cannot reproduce (a device other than /dev/zero, a hook that the real
 * file system does not have) becomes an `unsupported` line with the reason.
 */
import type { Backing, Scenario, Step } from '../scenario/types'

export const PR_SET_MEMORY_MERGE = 67
export const MADV_MERGEABLE = 12
export const MADV_UNMERGEABLE = 13

type RecorderFileType = 'ext4' | 'tmpfs' | 'overlayfs' | 'memfd' | 'devzero' | 'secretmem' | 'perf' | 'io_uring'

interface RecorderFile {
  key: string
  type: RecorderFileType
  displayName: string
  sizePages: number
}

export interface RecorderScript {
  text: string
  /** Per step (0-based), why it cannot be recorded; absent = runnable. */
  unsupported: Map<number, string>
}

/** The hook each real file system gives its files on 6.17/6.18. */
const REAL_HOOK: Record<'ext4' | 'tmpfs' | 'overlayfs', 'mmap' | 'mmap_prepare'> = {
  ext4: 'mmap_prepare',
  tmpfs: 'mmap', // shmem_mmap; whitelisted by shmem_file() for early KSM flags
  overlayfs: 'mmap',
}

/** What the kernel that will run the script has. */
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
}

const HOST: ScriptTarget = { hasMmapPrepare: true, mremapMovesManyVmas: true }

function fileKeyAndType(backing: Backing, target: ScriptTarget): { key: string; type: RecorderFileType; name: string } | { problem: string } | null {
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
    case 'perf': // perf_event_open(2): a software dummy event on this process
    case 'io_uring': // io_uring_setup(2)
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

function stepLine(step: Step, index: number, fileIndex: (backing: Backing) => number): string {
  const head = `step ${index} ${step.op}`
  switch (step.op) {
    case 'mmap': {
      const pgoff = step.backing.kind === 'anon' ? 0 : step.backing.pgoff
      const flags = (step.mapFlags ?? []).join(' ')
      return `${head} ${step.at ?? -1} ${step.pages} ${step.prot} ${step.share} ${fileIndex(step.backing)} ${pgoff} ${flags}`.trimEnd()
    }
    case 'munmap':
      return `${head} ${step.at} ${step.pages}`
    case 'mprotect':
      return `${head} ${step.at} ${step.pages} ${step.prot}`
    case 'madvise':
      return `${head} ${step.at} ${step.pages} ${step.advice === 'MADV_MERGEABLE' ? MADV_MERGEABLE : MADV_UNMERGEABLE}`
    case 'prctl':
      return `${head} ${PR_SET_MEMORY_MERGE} ${step.value}`
    case 'brk':
      return `${head} ${step.pages}`
    case 'touch':
      return `${head} ${step.at} ${step.pages} ${step.write ? 1 : 0}`
    case 'fork':
      return head
    case 'mremap':
      return `${head} ${step.at} ${step.pages} ${step.newPages} ${step.to ?? -1} ${step.mayMove ? 1 : 0}`
  }
}

export function scenarioToScript(scenario: Scenario, target: ScriptTarget = HOST): RecorderScript {
  const files: RecorderFile[] = []
  const indexByKey = new Map<string, number>()
  const fsByName = new Map<string, string>()
  const unsupported = new Map<number, string>()
  const sizePages = fileSizePages(scenario)
  const lines = [`window ${scenario.windowPages}`]
  if (scenario.brkBase !== undefined) lines.push(`brkbase ${scenario.brkBase}`)
  // The scenario's base is where the real window goes; without one the recorder picks a 2 MiB-aligned one.
  const base = scenario.base ?? scenario.initial?.base
  if (base !== undefined) lines.push(`base ${base.slice(2)}`)
  if (scenario.maxMapCount !== undefined) lines.push(`maxmapcount ${scenario.maxMapCount}`)

  const stepLines: string[] = []
  scenario.steps.forEach((step, i) => {
    const index = i + 1
    let problem: string | undefined
    let fileIndex = -1
    if (step.op === 'brk' && scenario.brkBase === undefined) problem = 'brk needs the scenario\'s brkBase'
    if (step.op === 'mmap') {
      const file = fileKeyAndType(step.backing, target)
      if (file && 'problem' in file) problem = file.problem
      else if (file) {
        const earlier = fsByName.get(file.key)
        if (earlier !== undefined && earlier !== file.type)
          problem = `file "${file.name}" is used on both ${earlier} and ${file.type}; one name is one open file`
        else {
          fsByName.set(file.key, file.type)
          let at = indexByKey.get(file.key)
          if (at === undefined) {
            at = files.length
            indexByKey.set(file.key, at)
            files.push({ key: file.key, type: file.type, displayName: file.name, sizePages })
          }
          fileIndex = at
        }
      }
    }
    if (step.op === 'mremap' && !target.mremapMovesManyVmas && step.to !== undefined && step.newPages === step.pages && step.at + step.pages > scenario.windowPages)
      problem = 'a same-size MREMAP_FIXED move whose source runs past the window: the recorder moves the part inside as 6.17\'s multi-VMA move would, which this kernel does not have'
    if (problem !== undefined) {
      unsupported.set(i, problem)
      stepLines.push(`step ${index} unsupported ${problem.replace(/\s+/g, ' ')}`)
    } else {
      stepLines.push(stepLine(step, index, () => fileIndex))
    }
  })
  for (const f of files) lines.push(`file ${f.type} ${f.sizePages} ${f.displayName.replace(/\s+/g, '_') || '-'}`)
  lines.push(...stepLines)
  return { text: lines.join('\n') + '\n', unsupported }
}
