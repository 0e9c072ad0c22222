/**
 * Compact transfer of large answers across the worker boundary.
 *
 * Structured clone of 65,530 small objects costs the receiving (main) thread
 * 150–300 ms in one task when it first reads the message (measured in
 * Chromium 156 on this machine), far over the 50 ms long-task limit. So VMA
 * lists and step lists travel as columns: typed arrays (transferred, not
 * copied) plus small tables of distinct strings and string lists, and are
 * turned back into plain objects on the main thread, where that costs a
 * fraction of it; distinct flag/mnemonic/name lists are shared between the
 * objects, as they are equal.
 *
 * Pure: no DOM, no worker globals; encode and decode are tested as a round trip.
 */
import type { BackingKind, StepResult, VmaView } from '../engine/api'

const BACKINGS: readonly BackingKind[] = ['anon', 'file', 'shmem', 'device', 'heap']
const BIT_SHARED = 1
const BIT_MERGEABLE = 2
const BIT_FORK_CHILD = 4
const BIT_VM_OPS_CLOSE = 8

/** Distinct values, numbered in order of first appearance. */
class Interner<T> {
  readonly values: T[] = []
  private readonly index = new Map<string, number>()
  /** Values seen by identity (the engine shares equal flag lists), before keying them. */
  private readonly byIdentity = new Map<unknown, number>()
  constructor(private readonly key: (value: T) => string, private readonly identity: (value: T) => unknown = () => undefined) {}
  add(value: T): number {
    const id = this.identity(value)
    if (id !== undefined) {
      const known = this.byIdentity.get(id)
      if (known !== undefined) return known
    }
    const k = this.key(value)
    let i = this.index.get(k)
    if (i === undefined) {
      i = this.values.length
      this.values.push(value)
      this.index.set(k, i)
    }
    if (id !== undefined) this.byIdentity.set(id, i)
    return i
  }
}

const listKey = (list: readonly string[]) => list.join('\u0000')

export interface VmaColumns {
  count: number
  /** id, start, end, pgoff, fileId (-1 = null), anonVma (0 = null), structId, dupOf (0 = null): 8 numbers per VMA. */
  numbers: Float64Array
  /** Per VMA: backing index, bit set, prot index, names-list index, flags-list index, file-name index (-1 = null). */
  codes: Int32Array
  prots: string[]
  files: string[]
  /** Distinct name lists. */
  nameLists: string[][]
  /** Distinct (flags, mnemonics) pairs. */
  flagLists: [string[], string[]][]
}

const NUMBERS = 8
const CODES = 6

export function encodeVmas(vmas: readonly VmaView[]): VmaColumns {
  const n = vmas.length
  const numbers = new Float64Array(n * NUMBERS)
  const codes = new Int32Array(n * CODES)
  const prots = new Interner<string>((s) => s)
  const files = new Interner<string>((s) => s)
  const names = new Interner<string[]>((list) => (list.length === 1 ? list[0]! : listKey(list)))
  const flags = new Interner<[string[], string[]]>(([f]) => listKey(f), ([f]) => f)
  for (let i = 0; i < n; i++) {
    const v = vmas[i]!
    const o = i * NUMBERS
    numbers[o] = v.id
    numbers[o + 1] = v.start
    numbers[o + 2] = v.end
    numbers[o + 3] = v.pgoff
    numbers[o + 4] = v.fileId ?? -1
    numbers[o + 5] = v.anonVma ?? 0
    numbers[o + 6] = v.structId
    numbers[o + 7] = v.dupOf ?? 0
    const c = i * CODES
    codes[c] = BACKINGS.indexOf(v.backing)
    codes[c + 1] = (v.share === 'shared' ? BIT_SHARED : 0) | (v.mergeable ? BIT_MERGEABLE : 0) | (v.forkChild ? BIT_FORK_CHILD : 0) | (v.vmOpsClose ? BIT_VM_OPS_CLOSE : 0)
    codes[c + 2] = prots.add(v.prot)
    codes[c + 3] = names.add(v.names)
    codes[c + 4] = flags.add([v.flags, v.mnemonics])
    codes[c + 5] = v.file === null ? -1 : files.add(v.file)
  }
  return { count: n, numbers, codes, prots: prots.values, files: files.values, nameLists: names.values, flagLists: flags.values }
}

export function decodeVmas(columns: VmaColumns): VmaView[] {
  const out: VmaView[] = new Array(columns.count)
  for (const _ of decodeVmasInChunks(columns, out, Infinity)) {
    // one chunk: everything
  }
  return out
}

/**
 * Decodes into `out`, yielding after every `chunk` VMAs, so the caller can
 * give the event loop a turn between chunks (no long task on the main thread).
 */
export function* decodeVmasInChunks(columns: VmaColumns, out: VmaView[], chunk: number): Generator<void> {
  const { count, numbers, codes, prots, files, nameLists, flagLists } = columns
  for (let i = 0; i < count; i++) {
    if (i > 0 && i % chunk === 0) yield
    const o = i * NUMBERS
    const c = i * CODES
    const bits = codes[c + 1]!
    const fileId = numbers[o + 4]!
    const anonVma = numbers[o + 5]!
    const dupOf = numbers[o + 7]!
    const fileIndex = codes[c + 5]!
    const [flags, mnemonics] = flagLists[codes[c + 4]!]!
    out[i] = {
      id: numbers[o]!,
      structId: numbers[o + 6]!,
      dupOf: dupOf === 0 ? null : dupOf,
      start: numbers[o + 1]!,
      end: numbers[o + 2]!,
      pgoff: numbers[o + 3]!,
      prot: prots[codes[c + 2]!]!,
      share: bits & BIT_SHARED ? 'shared' : 'private',
      mergeable: (bits & BIT_MERGEABLE) !== 0,
      names: nameLists[codes[c + 3]!]!,
      flags,
      mnemonics,
      backing: BACKINGS[codes[c]!]!,
      file: fileIndex < 0 ? null : files[fileIndex]!,
      fileId: fileId < 0 ? null : fileId,
      anonVma: anonVma === 0 ? null : anonVma,
      forkChild: (bits & BIT_FORK_CHILD) !== 0,
      vmOpsClose: (bits & BIT_VM_OPS_CLOSE) !== 0,
    }
  }
}

/** The buffers to list as transferables when posting `columns`. */
export const vmaTransferables = (columns: VmaColumns): ArrayBuffer[] => [columns.numbers.buffer as ArrayBuffer, columns.codes.buffer as ArrayBuffer]

// ---------------------------------------------------------------- steps

type StepSummary = Omit<StepResult, 'checks'>

export interface StepColumns {
  count: number
  /** index, mapCount, rangeStart (NaN = no range), rangeEnd: 4 per step. */
  numbers: Float64Array
  /** Per step: op, process, error, outcome, ksm (indices into `words`, -1 = null), mergeAny. */
  codes: Int32Array
  /** created ids then removed ids of every step, in order. */
  ids: Float64Array
  /** Per step: where its ids start in `ids`, then its number of created ids and of removed ids (3 per step). */
  idIndex: Int32Array
  words: string[]
  /** Every step's summary, one after the other, in one string (one string crosses to the page, not 65,530). */
  summaryText: string
  /** Per step: where its summary ends in `summaryText` (it starts where the previous one ends). */
  summaryEnds: Uint32Array
}

export function encodeSteps(steps: readonly StepSummary[]): StepColumns {
  const n = steps.length
  const numbers = new Float64Array(n * 4)
  const codes = new Int32Array(n * 6)
  const idIndex = new Int32Array(n * 3)
  let idTotal = 0
  for (const s of steps) idTotal += s.created.length + s.removed.length
  const ids = new Float64Array(idTotal)
  const words = new Interner<string>((s) => s)
  const word = (value: string | null) => (value === null ? -1 : words.add(value))
  const summaryEnds = new Uint32Array(n)
  let summaryText = ''
  let at = 0
  for (let i = 0; i < n; i++) {
    const s = steps[i]!
    numbers[i * 4] = s.index
    numbers[i * 4 + 1] = s.mapCount
    numbers[i * 4 + 2] = s.range ? s.range[0] : NaN
    numbers[i * 4 + 3] = s.range ? s.range[1] : NaN
    const c = i * 6
    codes[c] = word(s.op)
    codes[c + 1] = word(s.process)
    codes[c + 2] = word(s.error)
    codes[c + 3] = word(s.outcome)
    codes[c + 4] = word(s.ksm)
    codes[c + 5] = s.mergeAny ? 1 : 0
    idIndex[i * 3] = at
    idIndex[i * 3 + 1] = s.created.length
    idIndex[i * 3 + 2] = s.removed.length
    for (const id of s.created) ids[at++] = id
    for (const id of s.removed) ids[at++] = id
    summaryText += s.summary
    summaryEnds[i] = summaryText.length
  }
  return { count: n, numbers, codes, ids, idIndex, words: words.values, summaryText, summaryEnds }
}

const NO_IDS: readonly number[] = Object.freeze([])

/**
 * One step read from the columns on demand. A run of 65,530 steps then costs
 * the page 65,530 small objects instead of 65,530 objects with three arrays
 * and a string each (20 MB that every garbage collection had to copy). Its
 * fields are getters: read them, do not spread the object.
 */
class ColumnStep implements StepSummary {
  private createdIds: number[] | undefined
  private removedIds: number[] | undefined
  private rangePages: [number, number] | null | undefined

  constructor(private readonly columns: StepColumns, private readonly i: number) {}

  private word(k: number): string | null {
    const code = this.columns.codes[this.i * 6 + k]!
    return code < 0 ? null : this.columns.words[code]!
  }
  private idList(skip: number, count: number): number[] {
    if (count === 0) return NO_IDS as number[]
    const from = this.columns.idIndex[this.i * 3]! + skip
    return Array.from(this.columns.ids.subarray(from, from + count))
  }

  get index(): number {
    return this.columns.numbers[this.i * 4]!
  }
  get mapCount(): number {
    return this.columns.numbers[this.i * 4 + 1]!
  }
  get range(): [number, number] | null {
    if (this.rangePages === undefined) {
      const start = this.columns.numbers[this.i * 4 + 2]!
      this.rangePages = Number.isNaN(start) ? null : [start, this.columns.numbers[this.i * 4 + 3]!]
    }
    return this.rangePages
  }
  get op(): StepSummary['op'] {
    return this.word(0) as StepSummary['op']
  }
  get process(): StepSummary['process'] {
    return this.word(1) as StepSummary['process']
  }
  get error(): string | null {
    return this.word(2)
  }
  get outcome(): StepSummary['outcome'] {
    return this.word(3) as StepSummary['outcome']
  }
  get ksm(): StepSummary['ksm'] {
    return this.word(4) as StepSummary['ksm']
  }
  get mergeAny(): boolean {
    return this.columns.codes[this.i * 6 + 5] === 1
  }
  get summary(): string {
    const { summaryText, summaryEnds } = this.columns
    return summaryText.slice(this.i === 0 ? 0 : summaryEnds[this.i - 1]!, summaryEnds[this.i]!)
  }
  get created(): number[] {
    return (this.createdIds ??= this.idList(0, this.columns.idIndex[this.i * 3 + 1]!))
  }
  get removed(): number[] {
    return (this.removedIds ??= this.idList(this.columns.idIndex[this.i * 3 + 1]!, this.columns.idIndex[this.i * 3 + 2]!))
  }
}

/** A step's fields as a plain object (e.g. to add its checks, or to compare it). */
export function plainStep(step: StepSummary): StepSummary {
  const { index, op, process, error, outcome, ksm, summary, created, removed, range, mapCount, mergeAny } = step
  return { index, op, process, error, outcome, ksm, summary, created, removed, range, mapCount, mergeAny }
}

export function decodeSteps(columns: StepColumns): StepSummary[] {
  const out: StepSummary[] = new Array(columns.count)
  for (const _ of decodeStepsInChunks(columns, out, Infinity)) {
    // one chunk: everything
  }
  return out
}

/** As decodeVmasInChunks, for steps (read lazily: see ColumnStep). */
export function* decodeStepsInChunks(columns: StepColumns, out: StepSummary[], chunk: number): Generator<void> {
  for (let i = 0; i < columns.count; i++) {
    if (i > 0 && i % chunk === 0) yield
    out[i] = new ColumnStep(columns, i)
  }
}

export const stepTransferables = (columns: StepColumns): ArrayBuffer[] =>
  [columns.numbers.buffer, columns.codes.buffer, columns.ids.buffer, columns.idIndex.buffer, columns.summaryEnds.buffer] as ArrayBuffer[]
