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
import { closeSync, mkdirSync, mkdtempSync, openSync, readSync, rmdirSync, statSync, unlinkSync } from 'node:fs'
import { release, tmpdir } from 'node:os'
import { StringDecoder } from 'node:string_decoder'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Scenario, Step } from '../scenario/types'
import { simulate } from '../engine'
import { runnerVma } from '../engine/report'
import { compared, comparedVmaText, scenarioAsRecorded } from './compare'
import { scenarioToScript } from './recorder-script'
import type { RunnerDocument, RunnerStep, RunnerVma } from './runner-document'
import { PageLabels } from './page-labels'
import { flagNameOfMnemonic } from './smaps-flags'
import { withPkeyFlagNames } from '../engine/flags'

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

/**
 * Runs the recorder with its output going to a temporary file (unlinked at
 * once; the returned descriptor is the only way to it): a long run prints
 * gigabytes, more than a string holds, so the output is read back in chunks,
 * a line at a time (`recorderLines`), never as one text.
 */
function runRecorder(binary: string, script: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'vmascope-recorder-'))
  const path = join(dir, 'output')
  const fd = openSync(path, 'w+')
  unlinkSync(path)
  rmdirSync(dir)
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [], { stdio: ['pipe', fd, 'pipe'] })
    const err: Buffer[] = []
    let errBytes = 0
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, RUN_TIMEOUT_MS)
    child.stderr!.on('data', (b: Buffer) => {
      if (errBytes < STDERR_KEPT) err.push(b)
      errBytes += b.length
    })
    let settled = false
    const fail = (error: Error) => {
      if (settled) return
      settled = true
      closeSync(fd)
      reject(error)
    }
    child.on('error', (e) => {
      clearTimeout(timer)
      fail(e)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (settled) return
      if (code === 0) {
        settled = true
        resolve(fd)
        return
      }
      let fatal: string | undefined // die_setup() prints it, then exits with status 2
      for (const line of recorderLines(fd)) {
        if (line.startsWith('fatal\t')) {
          fatal = line.slice(6)
          break
        }
      }
      if (timedOut) fail(new Error(`the recorder ran longer than ${RUN_TIMEOUT_MS / 1000} s and was stopped`))
      else if (fatal !== undefined) fail(new Error(`recorder setup failed: ${fatal}`))
      else fail(new Error(`recorder exited with ${signal ?? `status ${code}`}: ${Buffer.concat(err).toString('utf8').slice(0, STDERR_KEPT)}`))
    })
    child.stdin!.on('error', () => {}) // a recorder that died early: its exit status says why
    child.stdin!.end(script)
  })
}

/** The recorder's stderr kept for a failure message. */
const STDERR_KEPT = 64 * 1024
const READ_CHUNK = 1 << 20

/** The lines of the file behind `fd`, from its start, read a chunk at a time. */
export function* recorderLines(fd: number): Generator<string> {
  const buffer = Buffer.allocUnsafe(READ_CHUNK)
  const decoder = new StringDecoder('utf8')
  let position = 0
  let rest = ''
  for (;;) {
    const read = readSync(fd, buffer, 0, buffer.length, position)
    if (read === 0) break
    position += read
    const text = rest + decoder.write(buffer.subarray(0, read))
    const lines = text.split('\n')
    rest = lines.pop()!
    yield* lines
  }
  rest += decoder.end()
  if (rest !== '') yield rest
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
  /** smaps "ProtectionKey:" where it is not 0 (a `pkey` line after the VMA's). */
  pkey?: number
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

/** The head of a recording: what comes before and around the steps. */
export interface RecordingHead {
  kernel: string
  base: string
  protectionKeys: boolean
  /** /proc/meminfo HugePages_Free (the engine assumes 0); absent from an older recorder. */
  hugePagesFree?: number
  refused?: string
  initial?: RawVma[]
}

/**
 * Reads recorder output lines: fills `head` as its lines come and yields each
 * step once its VMAs are read, so a caller holds one step at a time.
 */
export function* readRecorderLines(lines: Iterable<string>, head: RecordingHead): Generator<RawStep> {
  let current: Pick<RawStep, 'vmas'> | null = null
  let pending: RawStep | null = null
  for (const line of lines) {
    if (line === '') continue
    const f = line.split('\t')
    if (pending && f[0] !== 'vma' && f[0] !== 'pkey') {
      yield pending
      pending = null
    }
    switch (f[0]) {
      case 'kernel':
        head.kernel = f[1] ?? ''
        break
      case 'base':
        head.base = f[1] ?? ''
        break
      case 'machine':
        if (f[1] === 'protectionKeys') head.protectionKeys = f[2] === '1'
        if (f[1] === 'hugePagesFree') head.hugePagesFree = Number(f[2])
        break
      case 'refused':
        head.refused = f.slice(1).join('\t')
        break
      case 'done':
        break
      case 'initial':
        head.initial = []
        current = { vmas: head.initial }
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
        pending = step
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
      case 'pkey': {
        // The protection key of the VMA line before it (smaps "ProtectionKey:", printed when not 0).
        const last = current?.vmas.at(-1)
        if (!last) throw new Error(`recorder output: pkey line without a VMA: ${line}`)
        last.pkey = Number(f[1])
        break
      }
      case 'end':
        current = null
        break
      default:
        throw new Error(`recorder output: unexpected line: ${line}`)
    }
  }
  if (pending) yield pending
}

export function parseRecorderOutput(text: string): RawRecording {
  const head: RecordingHead = { kernel: '', base: '', protectionKeys: false }
  const steps = [...readRecorderLines(text.split('\n'), head)]
  const { kernel, base, protectionKeys, refused, initial } = head
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

function toRunnerVma(raw: RawVma, labels: PageLabels<PageLabel>): RunnerVma {
  const names = new Set<string>()
  let first: PageLabel | undefined
  for (const run of labels.runsIn(raw.start, raw.end)) {
    first ??= run.label
    names.add(run.label.name)
  }
  const backing = first?.backing ?? backingFromPath(raw.path)
  const hasFileOffset = backing === 'file' || backing === 'shmem' || backing === 'device'
  return {
    start: raw.start,
    end: raw.end,
    prot: raw.perms.slice(0, 3),
    share: raw.perms[3] === 's' ? 'shared' : 'private',
    mergeable: raw.mnemonics.includes('mg'),
    names: [...names],
    flags: withPkeyFlagNames(raw.mnemonics.map(flagNameOfMnemonic), raw.pkey ?? 0),
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
    case 'pkey_mprotect':
      return `pkey_mprotect [${step.at},${step.at + step.pages}) ${step.prot} ${step.pkey}`
    case 'pkey_alloc':
      return 'pkey_alloc'
    case 'pkey_free':
      return `pkey_free ${step.pkey}`
    case 'prctl':
      return `prctl ${step.option} ${step.value}`
    case 'brk':
      return `brk +${step.pages}`
    case 'fork':
      return 'fork'
    case 'mremap':
      return `mremap [${step.at},${step.at + step.pages}) → ${step.newPages} pages${step.to === undefined ? '' : ` to ${step.to}`}${step.dontUnmap ? ' MREMAP_DONTUNMAP' : ''}`
    case 'shmget':
      return `shmget ${step.segment} key ${step.key ?? 0} ×${step.pages}`
    case 'shmat':
      return `shmat ${step.segment} ${step.at === undefined ? 'kernel-placed' : `@${step.at}`}${step.flags?.length ? ` ${step.flags.join('|')}` : ''}`
    case 'shmdt':
      return `shmdt @${step.at}`
  }
}

/**
 * Turns raw steps into runner steps one at a time, replaying the scenario for
 * names and outcomes (the page labels and the break carry over from step to step).
 */
class RecordingConverter {
  private readonly labels = new PageLabels<PageLabel>()
  private breakPage: number

  constructor(private readonly scenario: Scenario, hasInitial: boolean) {
    // The initial VMAs' pages carry their own names, as the engine labels them.
    if (hasInitial)
      for (const v of scenario.initial?.vmas ?? []) {
        const label: PageLabel = v.backing === 'heap' ? HEAP_LABEL : { name: v.name ?? '', backing: v.backing === 'sysv' ? 'shmem' : v.backing, file: v.file ?? null }
        if (label.name === '' && v.backing !== 'heap') continue
        this.labels.set(v.start, v.end, label)
      }
    // An initial [heap] at brkBase: the break starts at its end (as the engine's initial state has it).
    const heap = scenario.initial?.vmas.find((v) => v.backing === 'heap' && v.start === scenario.brkBase)
    this.breakPage = heap?.end ?? scenario.brkBase ?? 0
  }

  convert(raw: RawStep, i: number): RunnerStep {
    const { scenario, labels } = this
    const step = scenario.steps[i]
    if (!step) throw new Error(`recorder printed step ${raw.index}, the scenario has ${scenario.steps.length}`)
    const ok = raw.status === 'OK'
    let outcome: string | null = null
    if (step.op === 'mmap') {
      const at = raw.resultPage ?? step.at ?? -1
      if (ok) {
        labels.set(at, at + step.pages, labelOfMmap(step, raw.index))
        outcome = mmapOutcome(raw.vmas, at, step.pages)
      } else if (!raw.unsupported) outcome = 'failed'
    } else if (step.op === 'shmat' && !raw.unsupported) {
      // An attach has a struct file of its own, so it never merges: new, or failed.
      outcome = ok ? 'new' : 'failed'
    } else if (step.op === 'brk' && !raw.unsupported) {
      const want = (scenario.brkBase ?? 0) + step.pages
      if (ok) {
        outcome = brkOutcome(raw.vmas, this.breakPage, want)
        labels.set(this.breakPage, want, HEAP_LABEL)
        this.breakPage = want
      } else outcome = 'failed'
    } else if (step.op === 'mremap' && ok && raw.resultPage !== null) {
      const to = raw.resultPage
      const keep = Math.min(step.pages, step.newPages)
      const moved = labels.runsIn(step.at, step.at + keep)
      if (to !== step.at) labels.delete(step.at, step.at + step.pages)
      else labels.delete(step.at + keep, step.at + step.pages)
      for (const run of moved) labels.set(run.start - step.at + to, run.end - step.at + to, run.label)
      // Pages the mapping grew by carry the label of its last labelled page.
      const last = moved[moved.length - 1]
      if (last) labels.set(to + keep, to + step.newPages, last.label)
    }
    // Pages the kernel no longer maps lose their label, whatever the op was.
    labels.keepOnly(raw.vmas)
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
  }
}

/** Turn a raw recording into the runner document, replaying the scenario for names and outcomes. */
export function recordingToRunnerDocument(scenario: Scenario, recording: RawRecording): RunnerDocument {
  const converter = new RecordingConverter(scenario, recording.initial !== undefined)
  return {
    kernel: `real:${recording.kernel}`,
    machine: machineOf(recording),
    steps: recording.steps.map((raw, i) => converter.convert(raw, i)),
  }
}

function machineOf(head: RecordingHead): NonNullable<RunnerDocument['machine']> {
  return { base: head.base, baseKnown: true, protectionKeys: head.protectionKeys, protectionKeysKnown: true }
}

/**
 * Whether the calls of src/fidelity/initial-setup.ts left exactly the scenario's `initial`
 * VMAs (range, prot, share, mg and every VM_* flag, as the differential tests compare a
 * step); if not, the reason a real process cannot hold that state, with both lists.
 */
function initialDifference(scenario: Scenario, recording: RecordingHead): string | null {
  // Only the initial state is wanted: the engine runs none of the steps.
  const engine = compared([{ error: null, vmas: simulate({ ...scenarioAsRecorded(scenario, recording), steps: [] }, '6.18').vmasAt(0).map(runnerVma) }])[0]!
  const kernel = compared([{ error: null, vmas: (recording.initial ?? []).map((v) => toRunnerVma(v, new PageLabels())) }])[0]!
  if (JSON.stringify(engine) === JSON.stringify(kernel)) return null
  return `initial: a real process built with mmap, a write, mprotect, madvise and brk holds other VMAs than the scenario's (the kernel merges or flags them as no call sequence avoids): kernel ${kernel.vmas.map(comparedVmaText).join(' | ') || '(none)'}; scenario ${engine.vmas.map(comparedVmaText).join(' | ') || '(none)'}`
}

export interface RecordOptions {
  /** Record even if some steps cannot run here; those steps get error "UNSUPPORTED". */
  allowUnsupported?: boolean
}

/** A recording read back step by step: its head, its step count, and its runner steps made one at a time. */
export interface RecordingStream {
  kernel: string
  machine: NonNullable<RunnerDocument['machine']>
  stepCount: number
  /** The runner steps, in order, each made as it is reached; read once. Closes the recorder's output at the end. */
  steps: Iterable<RunnerStep>
  /** Closes the recorder's output without reading (more of) the steps. */
  close(): void
}

/**
 * Records a scenario and returns its steps as a stream: the recorder's output
 * is read twice from its file, a line at a time, once to check it (the head,
 * the step count, the first unsupported step) and once to make the runner
 * steps as the caller takes them. Only the current step is in memory.
 */
export async function recordScenarioStream(
  scenario: Scenario,
  options: RecordOptions = {},
): Promise<RecordingStream | { unsupported: string }> {
  const support = machineSupport()
  if (!support.ok) return { unsupported: support.reason }
  const script = scenarioToScript(scenario)
  if (script.initialProblem !== undefined) return { unsupported: script.initialProblem }
  const binary = ensureRecorderBuilt()
  const fd = await runRecorder(binary, script.text)
  let open = true
  const close = () => {
    if (open) closeSync(fd)
    open = false
  }
  try {
    const head: RecordingHead = { kernel: '', base: '', protectionKeys: false }
    let stepCount = 0
    let firstUnsupported: RawStep | undefined
    for (const raw of readRecorderLines(recorderLines(fd), head)) {
      stepCount++
      if (raw.unsupported !== undefined) firstUnsupported ??= { ...raw, vmas: [] }
    }
    if (head.refused !== undefined) return done({ unsupported: head.refused })
    if (head.initial) {
      const difference = initialDifference(scenario, head)
      if (difference) return done({ unsupported: difference })
    }
    const wantKeys = scenario.machine?.protectionKeys
    if (wantKeys !== undefined && wantKeys !== head.protectionKeys)
      return done({ unsupported: `machine.protectionKeys: the scenario assumes ${wantKeys ? 'a CPU with' : 'no'} protection keys; this machine ${head.protectionKeys ? 'has them' : 'has none'}` })
    const usesHugePages = scenario.steps.some((s) => s.op === 'mmap' && s.mapFlags?.includes('MAP_HUGETLB'))
    if (usesHugePages && head.hugePagesFree !== 0)
      return done({ unsupported: `MAP_HUGETLB: the engine assumes no free huge pages; this machine has ${head.hugePagesFree ?? 'an unknown number of'} (HugePages_Free in /proc/meminfo)` })
    if (stepCount !== scenario.steps.length)
      throw new Error(`recorder printed ${stepCount} steps, the scenario has ${scenario.steps.length}`)
    if (firstUnsupported && !options.allowUnsupported)
      return done({ unsupported: `steps[${firstUnsupported.index - 1}]: ${firstUnsupported.unsupported}` })
    const hasInitial = head.initial !== undefined
    head.initial = undefined // read again (and dropped) by the second pass
    function* steps(): Generator<RunnerStep> {
      const converter = new RecordingConverter(scenario, hasInitial)
      const again: RecordingHead = { kernel: '', base: '', protectionKeys: false }
      let i = 0
      try {
        for (const raw of readRecorderLines(recorderLines(fd), again)) yield converter.convert(raw, i++)
      } finally {
        close()
      }
    }
    return { kernel: `real:${head.kernel}`, machine: machineOf(head), stepCount, steps: steps(), close }
  } catch (error) {
    close()
    throw error
  }

  function done<T>(value: T): T {
    close()
    return value
  }
}

/** Records a scenario and returns the whole runner document (for tests and comparisons; the command streams). */
export async function recordScenario(
  scenario: Scenario,
  options: RecordOptions = {},
): Promise<RunnerDocument | { unsupported: string }> {
  const stream = await recordScenarioStream(scenario, options)
  if ('unsupported' in stream) return stream
  return { kernel: stream.kernel, machine: stream.machine, steps: [...stream.steps] }
}
