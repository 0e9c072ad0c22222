/**
 * The plain text of a step, of a whole scenario, and of two kernels side by
 * side, for a reply on a mailing list (at most 80 columns, ASCII, no tabs):
 *
 *   - the step as a call with its result or errno (./syscall.ts);
 *   - the VMAs before and after it as /proc/PID/maps lines (./maps.ts), each
 *     with its smaps VmFlags and the strip letter;
 *   - the neighbourhood as an ASCII strip (./strip.ts);
 *   - the outcome and when VM_MERGEABLE was set (early or late);
 *   - the kernel's checks in order, pass or fail, with the reason.
 *
 * `mapsText` is `--format maps`: only the maps lines after each step.
 * Everything here reads a trace and writes strings: no DOM, no Node.
 */
import type { Check, StepResult, Trace, VmaView } from '../../engine/api'
import { profileFor } from '../../engine/profiles'
import { ksmTimingSentence } from '../../ui/why/ksm-explanation'
import { TEXT_COLUMNS, toAscii, wrap } from './ascii'
import { NOT_SIMULATED_NOTE, mapsAddress, mapsLine } from './maps'
import { drawStrip } from './strip'
import { callLines } from './syscall'

/** What the text needs of a run: a Trace has all of it. */
export type TextRun = Pick<Trace, 'kernel' | 'scenario' | 'steps' | 'vmasAt' | 'explain'>

export interface TextOptions {
  /** Byte address of page 0 of the window. */
  base: bigint
}

/** Whole-scenario text is refused above this many steps: no list reader wants more. */
export const MAX_TEXT_STEPS = 2000

const KSM_WORDS: Record<string, string> = {
  early: 'early (VM_MERGEABLE set before the merge attempt)',
  late: 'late (VM_MERGEABLE set after the merge attempt, on the new VMA)',
  none: 'not set',
}

function header(run: TextRun, options: TextOptions): string[] {
  const s = run.scenario
  const lines: string[] = []
  if (s.title) lines.push(...wrap(s.title, '', '  '))
  lines.push(...wrap(`kernel ${profileFor(run.kernel).title}`, '', '  '))
  lines.push(`window ${mapsAddress(options.base, 0)}-${mapsAddress(options.base, s.windowPages)} (${s.windowPages} pages of 4 KiB)`)
  return lines
}

/** A VMA as its maps line and, under it, its VmFlags and its strip letter and labels. */
function vmaLines(vma: VmaView, base: bigint, letter: string | undefined): string[] {
  const tags = [letter, vma.names.length > 0 && !vma.names.every((n) => /^[[/]/.test(n)) ? vma.names.join('+') : undefined].filter(Boolean).join(': ')
  const flags = `VmFlags: ${vma.mnemonics.join(' ')}`
  const extra = tags ? `  (${tags})` : ''
  const line = `    ${flags}${extra}`
  return [mapsLine(vma, base), ...(line.length <= TEXT_COLUMNS ? [line] : wrap(`${flags}${extra}`, '    ', '      '))]
}

function vmaBlock(title: string, vmas: readonly VmaView[], base: bigint, letters: Map<number, string>, only?: (v: VmaView) => boolean): string[] {
  const shown = only ? vmas.filter(only) : vmas
  const omitted = vmas.length - shown.length
  const lines = [`${title}${omitted > 0 ? ` (${shown.length} near the step; ${omitted} more not shown)` : ''}:`]
  if (shown.length === 0) lines.push('    (no VMA in the window)')
  for (const v of shown) lines.push(...vmaLines(v, base, letters.get(v.structId)))
  return lines
}

function checkLines(checks: readonly Check[]): string[] {
  if (checks.length === 0) return ['checks: none recorded for this step']
  const lines = ['checks, in the order the kernel made them:']
  checks.forEach((c, i) => {
    const head = `${String(i + 1).padStart(3, ' ')}. ${c.pass ? 'pass' : 'FAIL'} `
    lines.push(...wrap(`${c.fn}(): ${c.text}`, head, ' '.repeat(head.length)))
  })
  return lines
}

/** Near the step: VMAs within 8 pages of its range (so a 60,000-VMA process does not fill the mail). */
function nearRange(range: [number, number] | null, total: number): ((v: VmaView) => boolean) | undefined {
  if (!range || total <= 12) return undefined
  return (v) => v.end >= range[0] - 8 && v.start <= range[1] + 8
}

/** The text of step `i` (1-based) of a run: everything a reader needs about it, before and after. */
export function stepText(run: TextRun, i: number, options: TextOptions, withHeader = true): string {
  const base = options.base
  const result = run.steps[i - 1]
  const step = run.scenario.steps[i - 1]
  if (!result || !step) throw new RangeError(`the scenario has no step ${i}`)
  const before = run.vmasAt(i - 1)
  const after = run.vmasAt(i)
  const checks = run.explain(i)
  const lines: string[] = withHeader ? [...header(run, options), ''] : []
  const letters = stepHead(run, i, before, after, checks, base, lines)
  const near = nearRange(result.range, Math.max(before.length, after.length))
  lines.push('', ...vmaBlock('before', before, base, letters, near), ...vmaBlock('after', after, base, letters, near))
  lines.push('', ...checkLines(checks))
  return finish(lines, [...before, ...after])
}

/** Appends the step's call, outcome, KSM sentence and strip to `lines`; gives the strip's letters. */
function stepHead(run: TextRun, i: number, before: VmaView[], after: VmaView[], checks: Check[], base: bigint, lines: string[]): Map<number, string> {
  const result = run.steps[i - 1]!
  const step = run.scenario.steps[i - 1]!
  lines.push(`step ${i} of ${run.steps.length}${result.process === 'child' ? ' (in the child, after fork)' : ''}:`)
  lines.push(...callLines(step, result, base, run.scenario, '  '))
  lines.push(...outcomeLines(result, step.op))
  const sentence = ksmTimingSentence({ kernel: run.kernel, result: { ...result, checks }, step, previousVmas: before, vmas: after })
  if (sentence) lines.push(...wrap(sentence, '  ', '  '))
  if (!result.range) return new Map()
  const strip = drawStrip({ before, after, range: result.range, op: step.op, windowPages: run.scenario.windowPages, base })
  lines.push('', ...strip.lines)
  return strip.letters
}

function outcomeLines(result: StepResult, op: string): string[] {
  const parts = [`outcome: ${result.error ? `failed with ${result.error}` : (result.outcome ?? 'done')}`]
  if ((op === 'mmap' || op === 'brk') && result.ksm && result.mergeAny) parts.push(`KSM: ${KSM_WORDS[result.ksm]}`)
  else if ((op === 'mmap' || op === 'brk') && !result.mergeAny) parts.push('KSM: PR_SET_MEMORY_MERGE is off')
  return parts.flatMap((p) => wrap(p, '  ', '    '))
}

/** Ends the text: the device note when a maps line needed it, ASCII, one newline at the end. */
function finish(lines: string[], vmas: readonly VmaView[]): string {
  if (vmas.some((v) => v.file !== null)) lines.push('', NOT_SIMULATED_NOTE)
  return `${toAscii(lines.join('\n')).replace(/[ ]+$/gm, '').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`
}

/** The whole scenario: the initial VMAs, then every step with its call, outcome, strip, checks and the VMAs after it. */
export function scenarioText(run: TextRun, options: TextOptions): string {
  if (run.steps.length > MAX_TEXT_STEPS) {
    throw new RangeError(`${run.steps.length.toLocaleString('en-US')} steps are too many for a mail (at most ${MAX_TEXT_STEPS.toLocaleString('en-US')}); copy one step instead`)
  }
  const base = options.base
  const lines: string[] = [...header(run, options), '']
  const initial = run.vmasAt(0)
  if (initial.length > 0) lines.push(...vmaBlock('initial VMAs', initial, base, new Map()), '')
  let withFile = initial.find((v) => v.file !== null)
  for (let i = 1; i <= run.steps.length; i++) {
    const result = run.steps[i - 1]!
    const before = run.vmasAt(i - 1)
    const after = run.vmasAt(i)
    const checks = run.explain(i)
    const letters = stepHead(run, i, before, after, checks, base, lines)
    lines.push('', ...checkLines(checks), '', ...vmaBlock(`after step ${i}`, after, base, letters, nearRange(result.range, after.length)), '')
    withFile ??= after.find((v) => v.file !== null)
  }
  return finish(lines, withFile ? [withFile] : [])
}

/** `--format maps`: after each step, only its /proc/PID/maps lines, under a `# step N: call` line. */
export function mapsText(run: TextRun, options: TextOptions): string {
  const lines: string[] = []
  for (let i = 1; i <= run.steps.length; i++) {
    const result = run.steps[i - 1]!
    lines.push(`# step ${i}: ${result.error ? `${result.op} failed with ${result.error}` : result.op}`)
    for (const v of run.vmasAt(i)) lines.push(mapsLine(v, options.base))
  }
  return `${toAscii(lines.join('\n'))}\n`
}

/** The VMA lines of a step as a list of strings to diff (maps line, then its VmFlags). */
function diffableVmas(vmas: readonly VmaView[], base: bigint): string[] {
  return vmas.flatMap((v) => [mapsLine(v, base, TEXT_COLUMNS - 3), `    VmFlags: ${v.mnemonics.join(' ')}`])
}

/** A line diff (longest common subsequence; the lists are a step's VMAs, so small). */
export function lineDiff(a: readonly string[], b: readonly string[]): string[] {
  const n = a.length
  const m = b.length
  if (n * m > 4_000_000) return [...a.map((l) => `-${l}`), ...b.map((l) => `+${l}`)]
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1))
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!)
  const out: string[] = []
  let i = 0
  let j = 0
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push(` ${a[i]}`)
      i++
      j++
    } else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) out.push(`-${a[i++]}`)
    else out.push(`+${b[j++]}`)
  }
  return out
}

/** What differs at step i between two runs of the same scenario, as short lines ([] when nothing). */
export function stepDifference(a: TextRun, b: TextRun, i: number, options: TextOptions): string[] {
  const ra = a.steps[i - 1]!
  const rb = b.steps[i - 1]!
  const lines: string[] = []
  const field = (name: string, x: string | null, y: string | null) => {
    if (x !== y) lines.push(`  ${name}: ${x ?? 'none'} (${a.kernel}) vs ${y ?? 'none'} (${b.kernel})`)
  }
  field('errno', ra.error, rb.error)
  field('outcome', ra.outcome, rb.outcome)
  if (ra.mergeAny || rb.mergeAny) field('KSM', ra.ksm, rb.ksm)
  const va = diffableVmas(a.vmasAt(i), options.base)
  const vb = diffableVmas(b.vmasAt(i), options.base)
  if (va.join('\n') !== vb.join('\n')) {
    lines.push(`  VMAs after the step (-${a.kernel} +${b.kernel}):`)
    lines.push(...lineDiff(va, vb).map((l) => `  ${l}`))
  }
  return lines
}

function compareHead(a: TextRun, b: TextRun): string[] {
  return [`--- ${profileFor(a.kernel).title}`, `+++ ${profileFor(b.kernel).title}`]
}

/** Compare mode, one step: the step's text under each kernel, then what differs. */
export function compareStepText(a: TextRun, b: TextRun, i: number, options: TextOptions): string {
  const diff = stepDifference(a, b, i, options)
  const lines = [
    stepText(a, i, options).trimEnd(),
    '',
    `======== the same step on ${b.kernel} ========`,
    '',
    stepText(b, i, options).trimEnd(),
    '',
    `======== what differs at step ${i} ========`,
    ...compareHead(a, b),
    ...(diff.length > 0 ? diff : ['  nothing: both kernels give the same result']),
  ]
  return `${toAscii(lines.join('\n')).replace(/[ ]+$/gm, '')}\n`
}

/** Compare mode, whole scenario: each kernel's text, then the steps that differ and how. */
export function compareScenarioText(a: TextRun, b: TextRun, options: TextOptions): string {
  const lines = [scenarioText(a, options).trimEnd(), '', `======== the same scenario on ${b.kernel} ========`, '', scenarioText(b, options).trimEnd(), '', '======== what differs ========', ...compareHead(a, b)]
  let differing = 0
  for (let i = 1; i <= a.steps.length; i++) {
    const diff = stepDifference(a, b, i, options)
    if (diff.length === 0) continue
    differing++
    lines.push(`step ${i}: ${a.steps[i - 1]!.summary}`, ...diff)
  }
  if (differing === 0) lines.push('nothing: both kernels give the same result at every step')
  return `${toAscii(lines.join('\n')).replace(/[ ]+$/gm, '')}\n`
}
