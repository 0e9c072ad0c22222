/**
 * What `simulate` and `record` share after the run: choosing the steps to
 * print (--steps FROM..TO, --final), writing them one at a time through a
 * format (./formats.ts), a progress line on a terminal, and the one-line
 * report of an engine defect with the scenario saved for a bug report.
 */
import { closeSync, openSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Trace } from '../engine/api'
import { stepToRunnerJson, takenStepToRunnerJson } from '../engine/report'
import { EngineStepError, PROGRESS_EVERY, type Simulation } from '../engine/simulate'
import type { Scenario } from '../scenario/types'
import { FormatRefusal, type AnyRunnerStep, type OutputFormat, type RunHead } from './formats'
import { Output, writeJson } from './output'

export type StepSelection = { kind: 'all' } | { kind: 'final' } | { kind: 'range'; from: number; to: number | null }

const WHOLE = /^(0|[1-9][0-9]*)$/

/** "FROM..TO", "FROM.." or "N" (1-based, inclusive) → a selection, or what is wrong with it. */
export function parseStepRange(text: string): StepSelection | string {
  const parts = text.includes('..') ? text.split('..') : [text, text]
  if (parts.length !== 2) return `expected FROM..TO (like 10..20), got "${text}"`
  const [fromText, toText] = parts as [string, string]
  if (!WHOLE.test(fromText)) return `FROM must be a step number (a whole number ≥ 1), got "${fromText}"`
  if (toText !== '' && !WHOLE.test(toText)) return `TO must be a step number (a whole number ≥ 1), got "${toText}"`
  const from = Number(fromText)
  const to = toText === '' ? null : Number(toText)
  if (!Number.isSafeInteger(from) || from < 1) return `steps are numbered from 1, got ${fromText}`
  if (to !== null && (!Number.isSafeInteger(to) || to < from)) return `TO (${toText}) is before FROM (${fromText})`
  return { kind: 'range', from, to }
}

/** The steps [first, last] a selection means in a run of `count` steps, or what is wrong. */
export function resolveSelection(selection: StepSelection, count: number): { first: number; last: number } | string {
  if (selection.kind === 'all') return { first: 1, last: count }
  if (selection.kind === 'final') return count === 0 ? { first: 1, last: 0 } : { first: count, last: count }
  const last = selection.to ?? count
  if (selection.from > count || last > count) {
    return `the scenario has ${count.toLocaleString('en-US')} step${count === 1 ? '' : 's'}; asked for ${selection.from}..${selection.to ?? ''}`
  }
  return { first: selection.from, last }
}

/** A progress line on stderr, only when stderr is a terminal; at most ten updates a second. */
export class Progress {
  private shown = false
  private lastAt = 0

  constructor(private readonly command: string, private readonly stream: NodeJS.WriteStream) {}

  show(what: string, fraction: number): void {
    if (!this.stream.isTTY) return
    const now = Date.now()
    if (now - this.lastAt < 100 && fraction < 1) return
    this.lastAt = now
    this.stream.write(`\r\x1b[K${this.command}: ${what} (${Math.floor(fraction * 100)}%)`)
    this.shown = true
  }

  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[K')
    this.shown = false
  }
}

export interface WriteStepsInput {
  kernel: string
  scenario: Scenario
  format: OutputFormat
  compact: boolean
  /** text and maps: byte address of page 0 of the window. */
  base?: bigint
  selection: StepSelection
  progress: Progress
  /**
   * Where the steps come from: a run without history, taken step by step as
   * they are written (json, ndjson); a simulated trace (whole-run formats);
   * or, for a recording, its steps, made one at a time as they are read.
   */
  run?: Simulation
  trace?: Trace
  recorded?: { count: number; steps: Iterable<AnyRunnerStep> }
  /** The document's `machine` (a recording's: what the machine had); a simulated run's comes from its trace. */
  machine?: unknown
}

export interface WriteFailure {
  exitCode: 1 | 2
  message: string
}

/**
 * Write the chosen steps through the format, one at a time (each step's
 * object is made, written and dropped). Returns null, or the one-line failure
 * (a bad --steps for this run, or an engine defect while writing a step).
 * OutputClosed (the reader went away) is thrown.
 */
export function writeSteps(input: WriteStepsInput, command = 'simulate'): WriteFailure | null {
  const { run } = input
  const count = run ? run.total : input.trace ? input.trace.scenario.steps.length : input.recorded!.count
  const chosen = resolveSelection(input.selection, count)
  if (typeof chosen === 'string') return { exitCode: 2, message: `${command}: --steps: ${chosen}` }
  const head: RunHead = { kernel: input.kernel, trace: input.trace, scenario: input.scenario, first: chosen.first, last: chosen.last, stepCount: count, compact: input.compact, base: input.base ?? 0n, machine: input.machine ?? run?.assumptions ?? input.trace?.assumptions }
  const out = new Output()
  try {
    input.format.begin(out, head)
  } catch (error) {
    if (!(error instanceof FormatRefusal)) throw error
    return { exitCode: 2, message: `${command}: ${error.message}` }
  }
  const total = chosen.last - chosen.first + 1
  const defect = (error: unknown): WriteFailure => {
    out.flush()
    input.progress.clear()
    return { exitCode: 1, message: engineDefect(command, input.scenario, input.kernel, error) }
  }
  const of = ` of ${count.toLocaleString('en-US')}`
  // A run without history takes the steps before the first chosen one unwritten.
  while (run && !input.format.wholeRun && run.done < chosen.first - 1) {
    try {
      run.advance(Math.min(PROGRESS_EVERY, chosen.first - 1 - run.done))
    } catch (error) {
      return defect(new EngineStepError(run.done + 1, error))
    }
    input.progress.show(`step ${run.done.toLocaleString('en-US')}${of}`, run.done / count)
  }
  // A recording's steps before the first chosen one are read and dropped.
  const recorded = input.recorded ? input.recorded.steps[Symbol.iterator]() : null
  for (let i = 1; recorded && i < chosen.first; i++) recorded.next()
  for (let i = chosen.first; i <= chosen.last && !input.format.wholeRun; i++) {
    let step: AnyRunnerStep
    try {
      step = run ? takenStepToRunnerJson(run.takeStep()!) : input.trace ? stepToRunnerJson(input.trace, i) : recorded!.next().value as AnyRunnerStep
    } catch (error) {
      return defect(error instanceof EngineStepError ? error : new EngineStepError(i, error))
    }
    input.format.step(out, step, i - chosen.first, head)
    input.progress.show(run ? `step ${i.toLocaleString('en-US')}${of}` : `writing step ${i.toLocaleString('en-US')}${of}`, run ? i / count : (i - chosen.first + 1) / total)
  }
  recorded?.return?.()
  input.format.end(out, head)
  out.flush()
  input.progress.clear()
  return null
}

/**
 * The one line for an engine failure: which step, that it is a vmascope
 * defect, and where the scenario (with the kernel and the error) was saved
 * for the report. A valid scenario never makes the engine throw.
 */
export function engineDefect(command: string, scenario: Scenario, kernel: string, error: unknown): string {
  const stepIndex = error instanceof EngineStepError ? error.stepIndex : null
  const cause = error instanceof EngineStepError ? error.cause : error
  const what = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)
  const step = stepIndex !== null ? scenario.steps[stepIndex - 1] : undefined
  const where = stepIndex !== null ? `step ${stepIndex}${step ? ` (${step.op})` : ''}` : 'the run'
  const saved = saveDefectReport(command, scenario, kernel, stepIndex, cause)
  const attach = saved ? `attach ${saved} (the scenario, kernel and error) to the report` : 'the scenario could not be saved; attach the scenario file to the report'
  return `${command}: the engine failed at ${where} on kernel ${kernel} with ${oneLine(what)}. This is a vmascope defect, not a problem with the scenario; ${attach}.`
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > 300 ? `${line.slice(0, 300)}…` : line
}

/** Writes {command, kernel, step, error, stack, scenario} to a new file in the temp directory; its path, or null. */
function saveDefectReport(command: string, scenario: Scenario, kernel: string, step: number | null, cause: unknown): string | null {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const path = join(process.env.VMASCOPE_DEFECT_DIR ?? tmpdir(), `vmascope-defect-${stamp}-${process.pid}.json`)
  let fd: number
  try {
    fd = openSync(path, 'wx')
  } catch {
    return null
  }
  try {
    const out = new Output(fd)
    const report = {
      report: 'vmascope engine defect',
      command,
      kernel,
      step,
      error: cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause),
      stack: cause instanceof Error ? (cause.stack ?? null) : null,
      scenario,
    }
    writeJson(out, report, '  ')
    out.write('\n')
    out.flush()
    return path
  } catch {
    return null // a full disk: the one line says the scenario could not be saved
  } finally {
    closeSync(fd)
  }
}
