/**
 * Record a scenario on this machine's real kernel.
 *
 * recordScenario() builds tools/kernel-recorder/recorder.c with gcc when the
 * binary is missing or older than the source, feeds it the scenario as a script
 * (./recorder-script.ts), and turns its smaps-based output into the runner JSON
 * document (./runner-document.ts), with kernel = "real:<uname -r>".
 *
 * What smaps cannot tell is filled as follows: names come from the scenario's
 * page labels (which mapping created each page, carried along by mremap);
 * `outcome` is inferred for mmap and brk from the layout; `ksm`, `anonVma` and
 * `checks` stay empty.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, statSync } from 'node:fs'
import { release } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Scenario, Step } from '../scenario/types'
import { simulate } from '../engine'
import { runnerVma } from '../engine/report'
import { compared, comparedVmaText, scenarioAsRecorded } from './compare'
import { scenarioToScript } from './recorder-script'
import type { RunnerDocument, RunnerStep, RunnerVma } from './runner-document'
import { flagNameOfMnemonic } from './smaps-flags'

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const RECORDER_SOURCE = join(REPO_ROOT, 'tools', 'kernel-recorder', 'recorder.c')
export const RECORDER_BINARY = join(REPO_ROOT, 'tools', 'kernel-recorder', 'build', 'recorder')
const RUN_TIMEOUT_MS = 60_000

export type MachineSupport = { ok: true; kernel: string } | { ok: false; reason: string }

/** Parse "6.18.44-fc-v669" → [6, 18]. */
export function kernelMajorMinor(kernelRelease: string): [number, number] | null {
  const m = /^(\d+)\.(\d+)/.exec(kernelRelease)
  return m ? [Number(m[1]), Number(m[2])] : null
}

/** Can this machine record? Linux, gcc on PATH, and (if given) at least that kernel version. */
export function machineSupport(minimum?: [number, number]): MachineSupport {
  if (process.platform !== 'linux') return { ok: false, reason: `not Linux (platform ${process.platform})` }
  const kernel = release()
  if (minimum) {
    const v = kernelMajorMinor(kernel)
    if (!v || v[0] < minimum[0] || (v[0] === minimum[0] && v[1] < minimum[1]))
      return { ok: false, reason: `kernel ${kernel} is older than ${minimum.join('.')}` }
  }
  const gcc = spawnSync('gcc', ['--version'], { encoding: 'utf8' })
  if (gcc.error || gcc.status !== 0) return { ok: false, reason: 'gcc is not available to build the recorder' }
  return { ok: true, kernel }
}

function modifiedAt(path: string): number | null {
  try {
    return statSync(path).mtimeMs
  } catch {
    return null
  }
}

/** Build the recorder if its binary is missing or older than recorder.c. Returns the binary path. */
export function ensureRecorderBuilt(): string {
  const source = modifiedAt(RECORDER_SOURCE)
  if (source === null) throw new Error(`recorder source missing: ${RECORDER_SOURCE}`)
  const binary = modifiedAt(RECORDER_BINARY)
  if (binary !== null && binary >= source) return RECORDER_BINARY
  mkdirSync(dirname(RECORDER_BINARY), { recursive: true })
  const gcc = spawnSync('gcc', ['-O2', '-Wall', '-o', RECORDER_BINARY, RECORDER_SOURCE], { encoding: 'utf8' })
  if (gcc.error) throw new Error(`cannot run gcc: ${gcc.error.message}`)
  if (gcc.status !== 0) throw new Error(`gcc failed to build the recorder:\n${gcc.stderr}`)
  return RECORDER_BINARY
}

function runRecorder(binary: string, script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    const err: Buffer[] = []
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS)
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    child.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const stdout = Buffer.concat(out).toString('utf8')
      const fatal = /^fatal\t(.*)$/m.exec(stdout)
      if (fatal) reject(new Error(`recorder setup failed: ${fatal[1]}`))
      else if (code !== 0)
        reject(new Error(`recorder exited with ${signal ?? `status ${code}`}: ${Buffer.concat(err).toString('utf8')}`))
      else resolve(stdout)
    })
    child.stdin.end(script)
  })
}

/** One VMA line of the recorder, before names and backing are attached. */
export interface RawVma {
  start: number
  end: number
  perms: string
  offsetPages: number
  anonymousKb: number
  mnemonics: string[]
  path: string
}

export interface RawStep {
  index: number
  process: 'parent' | 'child'
  /** "OK", an errno name, or "UNSUPPORTED". */
  status: string
  /** mmap/mremap: the page the range ended up at. */
  resultPage: number | null
  unsupported?: string
  vmas: RawVma[]
}

export interface RawRecording {
  kernel: string
  /** Byte address of window page 0, as hex. */
  base: string
  /** The machine uses protection keys (smaps prints ProtectionKey:). */
  protectionKeys: boolean
  /** The recorder refused the whole scenario (a setup a real process cannot make), with the reason. */
  refused?: string
  /** The window after the calls that built the scenario's `initial` VMAs (absent: it has none). */
  initial?: RawVma[]
  steps: RawStep[]
}

export function parseRecorderOutput(text: string): RawRecording {
  let kernel = ''
  let base = ''
  let protectionKeys = false
  let refused: string | undefined
  let initial: RawVma[] | undefined
  const steps: RawStep[] = []
  let current: Pick<RawStep, 'vmas'> | null = null
  for (const line of text.split('\n')) {
    if (line === '') continue
    const f = line.split('\t')
    switch (f[0]) {
      case 'kernel':
        kernel = f[1] ?? ''
        break
      case 'base':
        base = f[1] ?? ''
        break
      case 'machine':
        if (f[1] === 'protectionKeys') protectionKeys = f[2] === '1'
        break
      case 'refused':
        refused = f.slice(1).join('\t')
        break
      case 'done':
        break
      case 'initial':
        initial = []
        current = { vmas: initial }
        break
      case 'step': {
        const status = f[3] ?? ''
        const step: RawStep = {
          index: Number(f[1]),
          process: f[2] === 'child' ? 'child' : 'parent',
          status,
          resultPage: status === 'OK' && f[4] !== undefined ? Number(f[4]) : null,
          vmas: [],
        }
        if (status === 'UNSUPPORTED') step.unsupported = f.slice(4).join('\t')
        steps.push(step)
        current = step
        break
      }
      case 'vma':
        if (!current) throw new Error(`recorder output: vma line before any step: ${line}`)
        current.vmas.push({
          start: Number(f[1]),
          end: Number(f[2]),
          perms: f[3] ?? '',
          offsetPages: Number.parseInt(f[4] ?? '0', 16) / 4096,
          anonymousKb: Number(f[5]),
          mnemonics: (f[6] ?? '').split(' ').filter((m) => m !== ''),
          path: f.slice(7).join('\t'),
        })
        break
      case 'end':
        current = null
        break
      default:
        throw new Error(`recorder output: unexpected line: ${line}`)
    }
  }
  return { kernel, base, protectionKeys, ...(refused !== undefined ? { refused } : {}), ...(initial ? { initial } : {}), steps }
}

/** Which mapping made a page: the scenario's name for it and its backing. */
interface PageLabel {
  name: string
  backing: RunnerVma['backing']
  file: string | null
}

function labelOfMmap(step: Extract<Step, { op: 'mmap' }>, index: number): PageLabel {
  const name = step.name ?? `#${index}`
  const b = step.backing
  switch (b.kind) {
    case 'anon':
      return { name, backing: 'anon', file: null }
    case 'file': // a tmpfs file is a shmem file, as the engine reports it
      return { name, backing: b.fs === 'tmpfs' ? 'shmem' : 'file', file: b.file }
    case 'shmem':
      return { name, backing: 'shmem', file: b.file }
    case 'device':
    case 'secretmem':
    case 'perf':
    case 'io_uring':
      return { name, backing: 'device', file: b.file }
  }
}

const HEAP_LABEL: PageLabel = { name: '[heap]', backing: 'heap', file: null }

function backingFromPath(path: string): RunnerVma['backing'] {
  if (path === '') return 'anon'
  if (path === '[heap]') return 'heap'
  if (path.startsWith('/memfd:')) return 'shmem'
  if (path.startsWith('/secretmem') || path.startsWith('anon_inode:')) return 'device'
  return 'file'
}

function toRunnerVma(raw: RawVma, labels: Map<number, PageLabel>): RunnerVma {
  const names: string[] = []
  let first: PageLabel | undefined
  for (let p = raw.start; p < raw.end; p++) {
    const label = labels.get(p)
    if (!label) continue
    first ??= label
    if (!names.includes(label.name)) names.push(label.name)
  }
  const backing = first?.backing ?? backingFromPath(raw.path)
  const hasFileOffset = backing === 'file' || backing === 'shmem' || backing === 'device'
  return {
    start: raw.start,
    end: raw.end,
    prot: raw.perms.slice(0, 3),
    share: raw.perms[3] === 's' ? 'shared' : 'private',
    mergeable: raw.mnemonics.includes('mg'),
    names,
    flags: raw.mnemonics.map(flagNameOfMnemonic),
    pgoff: hasFileOffset ? raw.offsetPages : null,
    backing,
    file: first?.file ?? null,
    anonVma: null,
    mnemonics: raw.mnemonics,
  }
}

function containing(vmas: readonly RawVma[], page: number): RawVma | undefined {
  return vmas.find((v) => v.start <= page && page < v.end)
}

function mmapOutcome(vmas: readonly RawVma[], at: number, pages: number): string {
  const v = containing(vmas, at)
  if (!v) return 'failed'
  const prev = v.start < at
  const next = v.end > at + pages
  return prev && next ? 'merged-both' : prev ? 'merged-prev' : next ? 'merged-next' : 'new'
}

function brkOutcome(vmas: readonly RawVma[], oldBreak: number, newBreak: number): string {
  if (newBreak < oldBreak) return 'shrunk'
  if (newBreak === oldBreak) return 'unchanged'
  const v = containing(vmas, oldBreak)
  return v && v.start < oldBreak ? 'expanded' : 'new'
}

function summaryOf(step: Step): string {
  switch (step.op) {
    case 'mmap':
      return `mmap ${step.name ?? ''} ${step.at === undefined ? 'kernel-placed' : `@${step.at}`}×${step.pages} ${step.prot} ${step.backing.kind} ${step.share}`.replace(/\s+/g, ' ')
    case 'munmap':
    case 'touch':
      return `${step.op} [${step.at},${step.at + step.pages})`
    case 'mprotect':
      return `mprotect [${step.at},${step.at + step.pages}) ${step.prot}`
    case 'madvise':
      return `madvise [${step.at},${step.at + step.pages}) ${step.advice}`
    case 'mlock':
    case 'munlock':
      return `${step.op === 'mlock' && step.onFault ? 'mlock2' : step.op} [${step.at},${step.at + step.pages})${step.op === 'mlock' && step.onFault ? ' MLOCK_ONFAULT' : ''}`
    case 'mlockall':
      return `mlockall ${step.flags.join('|') || '0'}`
    case 'munlockall':
      return 'munlockall'
    case 'mseal':
      return `mseal [${step.at},${step.at + step.pages})`
    case 'prctl':
      return `prctl ${step.option} ${step.value}`
    case 'brk':
      return `brk +${step.pages}`
    case 'fork':
      return 'fork'
    case 'mremap':
      return `mremap [${step.at},${step.at + step.pages}) → ${step.newPages} pages${step.to === undefined ? '' : ` to ${step.to}`}${step.dontUnmap ? ' MREMAP_DONTUNMAP' : ''}`
  }
}

/** Turn a raw recording into the runner document, replaying the scenario for names and outcomes. */
export function recordingToRunnerDocument(scenario: Scenario, recording: RawRecording): RunnerDocument {
  const labels = new Map<number, PageLabel>()
  // The initial VMAs' pages carry their own names, as the engine labels them.
  if (recording.initial)
    for (const v of scenario.initial?.vmas ?? []) {
      const label: PageLabel = v.backing === 'heap' ? HEAP_LABEL : { name: v.name ?? '', backing: v.backing, file: v.file ?? null }
      if (label.name === '' && v.backing !== 'heap') continue
      for (let p = v.start; p < v.end; p++) labels.set(p, label)
    }
  // An initial [heap] at brkBase: the break starts at its end (as the engine's initial state has it).
  const heap = scenario.initial?.vmas.find((v) => v.backing === 'heap' && v.start === scenario.brkBase)
  let breakPage = heap?.end ?? scenario.brkBase ?? 0
  const steps: RunnerStep[] = recording.steps.map((raw, i) => {
    const step = scenario.steps[i]
    if (!step) throw new Error(`recorder printed step ${raw.index}, the scenario has ${scenario.steps.length}`)
    const ok = raw.status === 'OK'
    let outcome: string | null = null
    if (step.op === 'mmap') {
      const at = raw.resultPage ?? step.at ?? -1
      if (ok) {
        const label = labelOfMmap(step, raw.index)
        for (let p = at; p < at + step.pages; p++) labels.set(p, label)
        outcome = mmapOutcome(raw.vmas, at, step.pages)
      } else if (!raw.unsupported) outcome = 'failed'
    } else if (step.op === 'brk' && !raw.unsupported) {
      const want = (scenario.brkBase ?? 0) + step.pages
      if (ok) {
        outcome = brkOutcome(raw.vmas, breakPage, want)
        for (let p = breakPage; p < want; p++) labels.set(p, HEAP_LABEL)
        breakPage = want
      } else outcome = 'failed'
    } else if (step.op === 'mremap' && ok && raw.resultPage !== null) {
      const moved = new Map<number, PageLabel>()
      const keep = Math.min(step.pages, step.newPages)
      let last: PageLabel | undefined
      for (let k = 0; k < keep; k++) {
        const label = labels.get(step.at + k)
        if (label) moved.set(raw.resultPage + k, label)
        last = label ?? last
      }
      if (raw.resultPage !== step.at) for (let k = 0; k < step.pages; k++) labels.delete(step.at + k)
      else for (let k = keep; k < step.pages; k++) labels.delete(step.at + k)
      for (const [p, label] of moved) labels.set(p, label)
      if (last) for (let k = keep; k < step.newPages; k++) labels.set(raw.resultPage + k, last)
    }
    // Pages the kernel no longer maps lose their label, whatever the op was.
    for (const page of [...labels.keys()]) if (!containing(raw.vmas, page)) labels.delete(page)
    const runnerStep: RunnerStep = {
      index: raw.index,
      op: step.op,
      process: raw.process,
      error: raw.unsupported ? 'UNSUPPORTED' : ok ? null : raw.status,
      outcome,
      ksm: null,
      vmas: raw.vmas.map((v) => toRunnerVma(v, labels)),
      checks: [],
      summary: summaryOf(step),
    }
    if (raw.unsupported) runnerStep.unsupported = raw.unsupported
    return runnerStep
  })
  return {
    kernel: `real:${recording.kernel}`,
    machine: { base: recording.base, baseKnown: true, protectionKeys: recording.protectionKeys, protectionKeysKnown: true },
    steps,
  }
}

/**
 * Whether the calls of src/fidelity/initial-setup.ts left exactly the scenario's `initial`
 * VMAs (range, prot, share, mg and every VM_* flag, as the differential tests compare a
 * step); if not, the reason a real process cannot hold that state, with both lists.
 */
function initialDifference(scenario: Scenario, recording: RawRecording): string | null {
  // Only the initial state is wanted: the engine runs none of the steps.
  const engine = compared([{ error: null, vmas: simulate({ ...scenarioAsRecorded(scenario, recording), steps: [] }, '6.18').vmasAt(0).map(runnerVma) }])[0]!
  const kernel = compared([{ error: null, vmas: (recording.initial ?? []).map((v) => toRunnerVma(v, new Map())) }])[0]!
  if (JSON.stringify(engine) === JSON.stringify(kernel)) return null
  return `initial: a real process built with mmap, a write, mprotect, madvise and brk holds other VMAs than the scenario's (the kernel merges or flags them as no call sequence avoids): kernel ${kernel.vmas.map(comparedVmaText).join(' | ') || '(none)'}; scenario ${engine.vmas.map(comparedVmaText).join(' | ') || '(none)'}`
}

export interface RecordOptions {
  /** Record even if some steps cannot run here; those steps get error "UNSUPPORTED". */
  allowUnsupported?: boolean
}

export async function recordScenario(
  scenario: Scenario,
  options: RecordOptions = {},
): Promise<RunnerDocument | { unsupported: string }> {
  const support = machineSupport()
  if (!support.ok) return { unsupported: support.reason }
  const script = scenarioToScript(scenario)
  if (script.initialProblem !== undefined) return { unsupported: script.initialProblem }
  const binary = ensureRecorderBuilt()
  const recording = parseRecorderOutput(await runRecorder(binary, script.text))
  if (recording.refused !== undefined) return { unsupported: recording.refused }
  if (recording.initial) {
    const difference = initialDifference(scenario, recording)
    if (difference) return { unsupported: difference }
  }
  const wantKeys = scenario.machine?.protectionKeys
  if (wantKeys !== undefined && wantKeys !== recording.protectionKeys)
    return { unsupported: `machine.protectionKeys: the scenario assumes ${wantKeys ? 'a CPU with' : 'no'} protection keys; this machine ${recording.protectionKeys ? 'has them' : 'has none'}` }
  if (recording.steps.length !== scenario.steps.length)
    throw new Error(`recorder printed ${recording.steps.length} steps, the scenario has ${scenario.steps.length}`)
  const firstUnsupported = recording.steps.find((s) => s.unsupported !== undefined)
  if (firstUnsupported && !options.allowUnsupported)
    return { unsupported: `steps[${firstUnsupported.index - 1}]: ${firstUnsupported.unsupported}` }
  return recordingToRunnerDocument(scenario, recording)
}
