/**
 * Translate a validated scenario into the line-based script that
 * tools/kernel-recorder/recorder.c reads (grammar in its README.md).
 *
 * Each real object of ../reproducer/real-objects.ts (one per scenario file)
 * becomes one `file` line. A step the real machine cannot reproduce (a device
 * other than /dev/zero, a hook that the real file system does not have)
 * becomes an `unsupported` line with the reason.
 */
import type { InitialVma, Scenario, Step } from '../scenario/types'
import { machineAssumptions } from '../engine/machine'
import { initialFileKey, planInitial } from './initial-setup'
import { madviseNumber, mlockallFlags } from '../engine/uapi'
import { HOST, MADV_MERGEABLE, MADV_UNMERGEABLE, PR_SET_MEMORY_MERGE, realObjects, segmentIndices, shmatBits, type ScriptTarget } from '../reproducer/real-objects'

export { MADV_MERGEABLE, MADV_UNMERGEABLE, PR_SET_MEMORY_MERGE, type ScriptTarget }

export interface RecorderScript {
  text: string
  /** Per step (0-based), why it cannot be recorded; absent = runnable. */
  unsupported: Map<number, string>
  /** Why the scenario's `initial` cannot be built with real calls; absent = it can (or there is none). */
  initialProblem?: string
}

/** The recorder keeps this many segments (recorder.c MAX_SEGMENTS). */
const MAX_SEGMENTS = 256

function stepLine(step: Step, index: number, fileIndex: number, segments: ReadonlyMap<string, number>): string {
  const head = `step ${index} ${step.op}`
  switch (step.op) {
    case 'mmap': {
      const pgoff = step.backing.kind === 'anon' ? 0 : step.backing.pgoff
      const flags = (step.mapFlags ?? []).join(' ')
      return `${head} ${step.at ?? -1} ${step.pages} ${step.prot} ${step.share} ${fileIndex} ${pgoff} ${flags}`.trimEnd()
    }
    case 'munmap':
      return `${head} ${step.at} ${step.pages}`
    case 'mprotect':
      return `${head} ${step.at} ${step.pages} ${step.prot}`
    case 'madvise':
      return `${head} ${step.at} ${step.pages} ${madviseNumber(step.advice)}`
    case 'mlock':
      return `${head} ${step.at} ${step.pages} ${step.onFault ? 1 : 0}`
    case 'munlock':
      return `${head} ${step.at} ${step.pages}`
    case 'mlockall':
      return `${head} ${mlockallFlags(step.flags)}`
    case 'munlockall':
      return head
    case 'mseal':
      return `${head} ${step.at} ${step.pages}`
    case 'pkey_mprotect':
      return `${head} ${step.at} ${step.pages} ${step.prot} ${step.pkey}`
    case 'pkey_alloc':
      return head
    case 'pkey_free':
      return `${head} ${step.pkey}`
    case 'prctl':
      return `${head} ${PR_SET_MEMORY_MERGE} ${step.value}`
    case 'brk':
      return `${head} ${step.pages}`
    case 'touch':
      return `${head} ${step.at} ${step.pages} ${step.write ? 1 : 0}`
    case 'fork':
      return head
    case 'mremap':
      return `${head} ${step.at} ${step.pages} ${step.newPages} ${step.to ?? -1} ${step.mayMove ? 1 : 0}${step.dontUnmap ? ' 1' : ''}`
    case 'shmget':
      return `${head} ${segments.get(step.segment)} ${step.key ?? 0} ${step.pages} ${step.exclusive ? 1 : 0}`
    case 'shmat':
      return `${head} ${segments.get(step.segment)} ${step.at ?? -1} ${step.offset ?? 0} ${shmatBits(step.flags)}`
    case 'shmdt':
      return `${head} ${step.at} ${step.offset ?? 0}`
  }
}

export function scenarioToScript(scenario: Scenario, target: ScriptTarget = HOST): RecorderScript {
  // The recorder opens secretmem, perf and io_uring files itself (recorder.c setup_files()).
  const { files, fileOfStep, problems } = realObjects(scenario, { ...target, specialFiles: true })
  scenario.steps.forEach((step, i) => {
    if (step.op === 'mremap' && !target.mremapMovesManyVmas && step.to !== undefined && step.newPages === step.pages && step.at + step.pages > scenario.windowPages && !problems.has(i))
      problems.set(i, 'a same-size MREMAP_FIXED move whose source runs past the window: the recorder moves the part inside as 6.17\'s multi-VMA move would, which this kernel does not have')
  })
  // The initial VMAs' files: the same name is the same open file as a step's (realObjects' keys).
  let initialProblem: string | undefined
  const fileOfInitial = new Map<InitialVma, number>()
  for (const [i, v] of (scenario.initial?.vmas ?? []).entries()) {
    const file = initialFileKey(v)
    if (!file) continue
    if ('problem' in file) {
      initialProblem ??= `initial.vmas[${i}]: ${file.problem}`
      continue
    }
    const need = (v.pgoff ?? 0) + v.end - v.start
    let index = files.findIndex((f) => f.key === file.key)
    if (index >= 0 && files[index]!.type !== file.type) {
      initialProblem ??= `initial.vmas[${i}]: file "${file.name}" is ${file.type} here and ${files[index]!.type} in a step; one name is one open file`
      continue
    }
    if (index < 0) {
      index = files.length
      files.push({ key: file.key, type: file.type, displayName: file.name, sizePages: need })
    }
    files[index]!.sizePages = Math.max(files[index]!.sizePages, need)
    fileOfInitial.set(v, index)
  }
  const machine = machineAssumptions(scenario)
  const plan = initialProblem === undefined
    ? planInitial(scenario, (v) => fileOfInitial.get(v) ?? -1, machine.baseKnown ? machine.basePage : undefined)
    : { problem: initialProblem }
  if ('problem' in plan) initialProblem = plan.problem
  const lines = [`window ${scenario.windowPages}`]
  if (scenario.brkBase !== undefined) lines.push(`brkbase ${scenario.brkBase}`)
  // The scenario's base is where the real window goes; without one the recorder picks a 2 MiB-aligned one.
  const base = scenario.base ?? scenario.initial?.base
  if (base !== undefined) lines.push(`base ${base.slice(2)}`)
  if (scenario.maxMapCount !== undefined) lines.push(`maxmapcount ${scenario.maxMapCount}`)
  for (const f of files) lines.push(`file ${f.type} ${f.sizePages} ${f.displayName.replace(/\s+/g, '_') || '-'}`)
  if ('lines' in plan) lines.push(...plan.lines)
  const segments = segmentIndices(scenario)
  scenario.steps.forEach((step, i) => {
    if ((step.op === 'shmget' || step.op === 'shmat') && segments.get(step.segment)! >= MAX_SEGMENTS && !problems.has(i))
      problems.set(i, `more than ${MAX_SEGMENTS} SysV segments: the recorder keeps ${MAX_SEGMENTS}`)
    const problem = problems.get(i)
    lines.push(problem !== undefined ? `step ${i + 1} unsupported ${problem.replace(/\s+/g, ' ')}` : stepLine(step, i + 1, fileOfStep[i]!, segments))
  })
  return { text: lines.join('\n') + '\n', unsupported: problems, ...(initialProblem !== undefined ? { initialProblem } : {}) }
}
