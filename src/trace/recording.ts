/**
 * A recording made on a real kernel by the project's recorder
 * (`npm run record -- scenario.json > recording.json`, see src/fidelity) set
 * beside the simulation of the same scenario: read and check the file, then
 * find the steps where the two differ.
 *
 * What is compared is what the recorder can know: each step's errno, and each
 * VMA's start, end, prot, share and mergeable (ksm timing, anon_vma identity and
 * the decision record are not visible from user space). Pure: no DOM, so the
 * engine worker can run the comparison next to the trace.
 */
import type { DifferenceKind } from '../engine/differences'
import { z } from 'zod'
import type { VmaView } from '../engine/api'
import { MAX_PAGE_VALUE } from '../scenario/schema'
import type { Scenario } from '../scenario/types'
import { asPage } from '../engine/units'

const recordedVma = z.object({
  start: z.number().int().min(0),
  end: z.number().int().min(0),
  prot: z.string().regex(/^[r-][w-][x-]$/),
  share: z.enum(['private', 'shared']),
  mergeable: z.boolean(),
  names: z.array(z.string()).optional(),
  flags: z.array(z.string()).optional(),
  mnemonics: z.array(z.string()).optional(),
  pgoff: z.number().nullable().optional(),
  backing: z.enum(['anon', 'file', 'shmem', 'device', 'heap']).optional(),
  file: z.string().nullable().optional(),
})
const recordedStep = z.object({
  index: z.number().int().min(1),
  op: z.string(),
  error: z.string().nullable(),
  vmas: z.array(recordedVma),
  unsupported: z.string().optional(),
})
const recordingSchema = z.object({ kernel: z.string(), steps: z.array(recordedStep) })

export type RecordedVma = z.infer<typeof recordedVma>
export type RecordedStep = z.infer<typeof recordedStep>
export type Recording = z.infer<typeof recordingSchema>

export type RecordingResult = { ok: true; recording: Recording } | { ok: false; message: string }

/** The fields a recording and a simulation are compared on. */
export interface LayoutVma {
  start: number
  end: number
  prot: string
  share: string
  mergeable: boolean
}

/** Reads a recorder document (JSON text); the message names the first bad field. */
export function parseRecording(text: string): RecordingResult {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return { ok: false, message: `not JSON: ${error instanceof Error ? error.message : String(error)}` }
  }
  const parsed = recordingSchema.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '')
    return { ok: false, message: `not a recording from \`npm run record\`: ${path || 'the document'}: ${issue.message}` }
  }
  const impossible = impossibleVma(parsed.data)
  if (impossible) return { ok: false, message: `not a recording a kernel could make: ${impossible}` }
  return { ok: true, recording: parsed.data }
}

const range = (v: RecordedVma) => `[${v.start}, ${v.end})`

/**
 * The first VMA no kernel could list, in words naming its step and place; null
 * when there is none. A VMA holds at least one page, lies in the address
 * space (below 2^36 pages, the scenario format's limit), and a step's VMAs
 * come in address order without overlapping, as /proc/PID/maps lists them.
 */
export function impossibleVma(recording: Recording): string | null {
  for (let i = 0; i < recording.steps.length; i++) {
    const vmas = recording.steps[i]!.vmas
    for (let k = 0; k < vmas.length; k++) {
      const v = vmas[k]!
      const where = `step ${i + 1}, VMA ${k + 1} of ${vmas.length} ${range(v)}`
      if (v.end <= v.start) return `${where} ${v.end < v.start ? 'ends before it starts' : 'is empty'}; a VMA holds at least one page`
      if (v.end > MAX_PAGE_VALUE) return `${where} ends past page 2^36 (${MAX_PAGE_VALUE}), beyond any address space`
      const before = vmas[k - 1]
      if (before && v.start < before.end) return `${where} starts before VMA ${k} ${range(before)} ends; a step's VMAs are in address order and never overlap`
    }
  }
  return null
}

/** null when the recording is of this scenario (same number of steps, same op at each); else why not. */
export function recordingMismatch(recording: Recording, scenario: Scenario): string | null {
  if (recording.steps.length !== scenario.steps.length) {
    return `the recording has ${recording.steps.length} steps but the scenario has ${scenario.steps.length}; record this scenario with \`npm run record -- scenario.json\``
  }
  for (let i = 0; i < recording.steps.length; i++) {
    const step = recording.steps[i]!
    if (step.index !== i + 1) return `step ${i + 1} of the recording is numbered ${step.index}`
    const op = scenario.steps[i]!.op
    if (step.op !== op) return `step ${i + 1} is ${step.op} in the recording but ${op} in the scenario`
  }
  return null
}

const vmaWords = (v: LayoutVma): string => `[${v.start},${v.end}) ${v.prot} ${v.share === 'shared' ? 's' : 'p'}${v.mergeable ? ' mg' : ''}`

/** What differs at one step, in words (empty when nothing does). */
export function stepDifferences(recorded: RecordedStep, simulated: { error: string | null; vmas: readonly LayoutVma[] }): string[] {
  if (recorded.unsupported !== undefined) return []
  const out: string[] = []
  if (recorded.error !== simulated.error) out.push(`errno: real kernel ${recorded.error ?? 'none'}, simulation ${simulated.error ?? 'none'}`)
  const a = recorded.vmas
  const b = simulated.vmas
  let same = a.length === b.length
  for (let i = 0; same && i < a.length; i++) same = sameVma(a[i]!, b[i]!)
  if (!same) {
    if (a.length <= WORDS_VMAS && b.length <= WORDS_VMAS) {
      out.push(`VMAs: real kernel ${a.map(vmaWords).join(' | ') || '(none)'}; simulation ${b.map(vmaWords).join(' | ') || '(none)'}`)
    } else {
      // A long list: how many on each side, and both from a little before the first VMA that differs.
      let first = 0
      while (first < a.length && first < b.length && sameVma(a[first]!, b[first]!)) first++
      const from = Math.max(0, first - 2)
      out.push(`VMAs: real kernel ${listWords(a, from)}; simulation ${listWords(b, from)}`)
    }
  }
  return out
}

/** A step's VMAs are listed in words up to this many per side; a longer list is shown from where it differs. */
export const WORDS_VMAS = 12

export const sameVma = (x: LayoutVma, y: LayoutVma) => x.start === y.start && x.end === y.end && x.prot === y.prot && x.share === y.share && x.mergeable === y.mergeable

/** "65,530 VMAs, from the 4th: [3,4) rw- p | … (65,515 more)". */
function listWords(vmas: readonly LayoutVma[], from: number): string {
  if (vmas.length === 0) return '(none)'
  const shown = vmas.slice(from, from + WORDS_VMAS)
  const after = vmas.length - from - shown.length
  const head = `${vmas.length.toLocaleString('en-US')} ${vmas.length === 1 ? 'VMA' : 'VMAs'}${from > 0 ? `, from VMA ${(from + 1).toLocaleString('en-US')}` : ''}`
  return `${head}: ${shown.map(vmaWords).join(' | ') || '(none past them)'}${after > 0 ? ` | … (${after.toLocaleString('en-US')} more)` : ''}`
}

/**
 * What differs at each differing step, as compare mode says it (the simple
 * reference of recording-compare.ts, which the worker runs at any size)
 * (engine/differences.ts): `error` when the errno differs, else `layout`. A
 * recording has no outcome or KSM timing of its own to compare.
 */
export function recordedDifferenceKinds(
  recording: Recording,
  simulated: { errorAt(step: number): string | null; vmasAt(step: number): readonly LayoutVma[] },
): Map<number, DifferenceKind> {
  const out = new Map<number, DifferenceKind>()
  for (const step of differingRecordedSteps(recording, simulated)) {
    const recorded = recording.steps[step - 1]
    out.set(step, recorded && recorded.error !== simulated.errorAt(step) ? 'error' : 'layout')
  }
  return out
}

/** The 1-based steps at which the recording and the simulation differ. */
export function differingRecordedSteps(
  recording: Recording,
  simulated: { errorAt(step: number): string | null; vmasAt(step: number): readonly LayoutVma[] },
): number[] {
  const out: number[] = []
  for (const step of recording.steps) {
    if (stepDifferences(step, { error: simulated.errorAt(step.index), vmas: simulated.vmasAt(step.index) }).length > 0) out.push(step.index)
  }
  return out
}

/** The recorded VMAs of a step as the address-space view draws them (ids are made up: the real kernel shows none). */
export function recordedVmaViews(step: RecordedStep | undefined): VmaView[] {
  if (!step) return []
  return step.vmas.map((v, i) => ({
    id: step.index * 1_000_000 + i,
    structId: step.index * 1_000_000 + i,
    dupOf: null,
    start: asPage(v.start),
    end: asPage(v.end),
    pgoff: v.pgoff ?? 0,
    prot: v.prot,
    share: v.share,
    mergeable: v.mergeable,
    names: v.names ?? [],
    flags: v.flags ?? [],
    mnemonics: v.mnemonics ?? [],
    backing: v.backing ?? 'anon',
    file: v.file ?? null,
    fileId: null,
    anonVma: null,
    forkChild: false,
    vmOpsClose: false,
  }))
}
