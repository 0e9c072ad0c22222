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
  /** The number fields of VMA_FIELDS (column 'numbers'), in table order, per VMA. */
  numbers: Float64Array
  /** The code fields of VMA_FIELDS (column 'codes'), in table order, per VMA. */
  codes: Int32Array
  prots: string[]
  files: string[]
  /** Distinct name lists. */
  nameLists: string[][]
  /** Distinct (flags, mnemonics) pairs. */
  flagLists: [string[], string[]][]
}

/** The string tables a VMA's codes index, as encoding fills them. */
interface VmaInterners {
  prots: Interner<string>
  files: Interner<string>
  names: Interner<string[]>
  flags: Interner<[string[], string[]]>
}

type VmaTables = Pick<VmaColumns, 'prots' | 'files' | 'nameLists' | 'flagLists'>

/**
 * One slot of a VMA in `numbers` (a double) or `codes` (an int32): the VmaView
 * fields it carries (`keys`), how they become that number, and back. Encoding
 * and decoding both walk VMA_FIELDS, so a field exists in both or in neither;
 * columns.test.ts checks that the keys cover VmaView and each field round-trips.
 */
export interface VmaField {
  readonly keys: readonly (keyof VmaView)[]
  readonly column: 'numbers' | 'codes'
  encode(v: VmaView, tables: VmaInterners): number
  decode(x: number, tables: VmaTables, out: VmaView): void
}

/** A number field; `none` stands for null where the field may be null. */
const numberField = <K extends 'id' | 'start' | 'end' | 'pgoff' | 'structId'>(key: K): VmaField => ({
  keys: [key], column: 'numbers',
  encode: (v) => v[key],
  decode: (x, _t, out) => { out[key] = x as VmaView[K] },
})
const nullableNumberField = (key: 'fileId' | 'anonVma' | 'dupOf', none: number): VmaField => ({
  keys: [key], column: 'numbers',
  encode: (v) => v[key] ?? none,
  decode: (x, _t, out) => { out[key] = x === none ? null : x },
})

const BIT_SHARED = 1
const BIT_MERGEABLE = 2
const BIT_FORK_CHILD = 4
const BIT_VM_OPS_CLOSE = 8

/** Every field of a VmaView, once. */
export const VMA_FIELDS: readonly VmaField[] = [
  numberField('id'),
  numberField('structId'),
  nullableNumberField('dupOf', 0),
  numberField('start'),
  numberField('end'),
  numberField('pgoff'),
  nullableNumberField('fileId', -1),
  nullableNumberField('anonVma', 0),
  {
    keys: ['backing'], column: 'codes',
    encode: (v) => BACKINGS.indexOf(v.backing),
    decode: (x, _t, out) => { out.backing = BACKINGS[x]! },
  },
  {
    keys: ['share', 'mergeable', 'forkChild', 'vmOpsClose'], column: 'codes',
    encode: (v) => (v.share === 'shared' ? BIT_SHARED : 0) | (v.mergeable ? BIT_MERGEABLE : 0) | (v.forkChild ? BIT_FORK_CHILD : 0) | (v.vmOpsClose ? BIT_VM_OPS_CLOSE : 0),
    decode: (x, _t, out) => {
      out.share = x & BIT_SHARED ? 'shared' : 'private'
      out.mergeable = (x & BIT_MERGEABLE) !== 0
      out.forkChild = (x & BIT_FORK_CHILD) !== 0
      out.vmOpsClose = (x & BIT_VM_OPS_CLOSE) !== 0
    },
  },
  {
    keys: ['prot'], column: 'codes',
    encode: (v, t) => t.prots.add(v.prot),
    decode: (x, t, out) => { out.prot = t.prots[x]! },
  },
  {
    keys: ['names'], column: 'codes',
    encode: (v, t) => t.names.add(v.names),
    decode: (x, t, out) => { out.names = t.nameLists[x]! },
  },
  {
    keys: ['flags', 'mnemonics'], column: 'codes',
    encode: (v, t) => t.flags.add([v.flags, v.mnemonics]),
    decode: (x, t, out) => { [out.flags, out.mnemonics] = t.flagLists[x]! },
  },
  {
    keys: ['file'], column: 'codes',
    encode: (v, t) => (v.file === null ? -1 : t.files.add(v.file)),
    decode: (x, t, out) => { out.file = x < 0 ? null : t.files[x]! },
  },
]

/**
 * Each field's offset in its column, and the two strides. A decoded view starts
 * as a copy of VIEW_SHAPE, so every view has all its keys from the start (one
 * object shape, as the literal the decoder used to write).
 */
const VMA_SLOTS = (() => {
  const next = { numbers: 0, codes: 0 }
  const slots = VMA_FIELDS.map((field) => next[field.column]++)
  const inNumbers = VMA_FIELDS.map((field) => field.column === 'numbers')
  return { slots, inNumbers, numbers: next.numbers, codes: next.codes }
})()
const VIEW_SHAPE = Object.fromEntries(VMA_FIELDS.flatMap((field) => field.keys.map((key) => [key, null]))) as unknown as VmaView

export function encodeVmas(vmas: readonly VmaView[]): VmaColumns {
  const n = vmas.length
  const { slots, inNumbers, numbers: numberStride, codes: codeStride } = VMA_SLOTS
  const fields = VMA_FIELDS.length
  const numbers = new Float64Array(n * numberStride)
  const codes = new Int32Array(n * codeStride)
  const tables: VmaInterners = {
    prots: new Interner<string>((s) => s),
    files: new Interner<string>((s) => s),
    names: new Interner<string[]>((list) => (list.length === 1 ? list[0]! : listKey(list))),
    flags: new Interner<[string[], string[]]>(([f]) => listKey(f), ([f]) => f),
  }
  for (let i = 0; i < n; i++) {
    const v = vmas[i]!
    for (let k = 0; k < fields; k++) {
      const x = VMA_FIELDS[k]!.encode(v, tables)
      if (inNumbers[k]) numbers[i * numberStride + slots[k]!] = x
      else codes[i * codeStride + slots[k]!] = x
    }
  }
  return {
    count: n, numbers, codes,
    prots: tables.prots.values, files: tables.files.values, nameLists: tables.names.values, flagLists: tables.flags.values,
  }
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
  const { count, numbers, codes } = columns
  const { slots, inNumbers, numbers: numberStride, codes: codeStride } = VMA_SLOTS
  const fields = VMA_FIELDS.length
  for (let i = 0; i < count; i++) {
    if (i > 0 && i % chunk === 0) yield
    const view = { ...VIEW_SHAPE }
    for (let k = 0; k < fields; k++) {
      VMA_FIELDS[k]!.decode(inNumbers[k] ? numbers[i * numberStride + slots[k]!]! : codes[i * codeStride + slots[k]!]!, columns, view)
    }
    out[i] = view
  }
}

/** The buffers to list as transferables when posting `columns`. */
export const vmaTransferables = (columns: VmaColumns): ArrayBuffer[] => [columns.numbers.buffer as ArrayBuffer, columns.codes.buffer as ArrayBuffer]

// ---------------------------------------------------------------- steps

type StepSummary = Omit<StepResult, 'checks'>

/** A step's number slots, each with its encoder: the table encodeSteps walks and ColumnStep reads by name. */
export const STEP_NUMBERS = {
  index: (s: StepSummary) => s.index,
  mapCount: (s: StepSummary) => s.mapCount,
  /** NaN = no range. */
  rangeStart: (s: StepSummary) => (s.range ? s.range[0] : NaN),
  rangeEnd: (s: StepSummary) => (s.range ? s.range[1] : NaN),
}

/** A step's code slots: indices into `words` (-1 = null), and mergeAny as 0/1. */
export const STEP_CODES = {
  op: (s: StepSummary, word: Word) => word(s.op),
  process: (s: StepSummary, word: Word) => word(s.process),
  error: (s: StepSummary, word: Word) => word(s.error),
  outcome: (s: StepSummary, word: Word) => word(s.outcome),
  ksm: (s: StepSummary, word: Word) => word(s.ksm),
  mergeAny: (s: StepSummary) => (s.mergeAny ? 1 : 0),
}

type Word = (value: string | null) => number

/** Each table's keys numbered in order: their slot in a step's stride. */
const slotsOf = <K extends string>(table: Record<K, unknown>): Record<K, number> =>
  Object.fromEntries(Object.keys(table).map((key, slot) => [key, slot])) as Record<K, number>
const N = slotsOf(STEP_NUMBERS)
const C = slotsOf(STEP_CODES)
const NUMBER_STRIDE = Object.keys(STEP_NUMBERS).length
const CODE_STRIDE = Object.keys(STEP_CODES).length
const NUMBER_ENCODERS = Object.values(STEP_NUMBERS) as ((s: StepSummary) => number)[]
const CODE_ENCODERS = Object.values(STEP_CODES) as ((s: StepSummary, word: Word) => number)[]

export interface StepColumns {
  count: number
  /** The STEP_NUMBERS slots, per step. */
  numbers: Float64Array
  /** The STEP_CODES slots, per step. */
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
  return encodeStepsOf(steps.length, (k) => steps[k]!)
}

/**
 * The columns of `n` steps read one at a time: step k is asked for once, encoded and
 * dropped, so a caller that makes each step's object on demand (the worker, from its
 * trace) leaves only short-lived garbage, not n objects alive until the end.
 */
export function encodeStepsOf(n: number, stepAt: (k: number) => StepSummary): StepColumns {
  const numbers = new Float64Array(n * NUMBER_STRIDE)
  const codes = new Int32Array(n * CODE_STRIDE)
  const idIndex = new Int32Array(n * 3)
  let ids = new Float64Array(Math.max(16, n))
  const words = new Interner<string>((s) => s)
  const word: Word = (value) => (value === null ? -1 : words.add(value))
  const summaryEnds = new Uint32Array(n)
  let summaryText = ''
  let at = 0
  for (let i = 0; i < n; i++) {
    const s = stepAt(i)
    for (let k = 0; k < NUMBER_STRIDE; k++) numbers[i * NUMBER_STRIDE + k] = NUMBER_ENCODERS[k]!(s)
    for (let k = 0; k < CODE_STRIDE; k++) codes[i * CODE_STRIDE + k] = CODE_ENCODERS[k]!(s, word)
    const more = s.created.length + s.removed.length
    if (at + more > ids.length) {
      const grown = new Float64Array(Math.max(at + more, ids.length * 2))
      grown.set(ids.subarray(0, at))
      ids = grown
    }
    idIndex[i * 3] = at
    idIndex[i * 3 + 1] = s.created.length
    idIndex[i * 3 + 2] = s.removed.length
    for (const id of s.created) ids[at++] = id
    for (const id of s.removed) ids[at++] = id
    summaryText += s.summary
    summaryEnds[i] = summaryText.length
  }
  return { count: n, numbers, codes, ids: ids.slice(0, at), idIndex, words: words.values, summaryText, summaryEnds }
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

  private number(slot: number): number {
    return this.columns.numbers[this.i * NUMBER_STRIDE + slot]!
  }
  private word(slot: number): string | null {
    const code = this.columns.codes[this.i * CODE_STRIDE + slot]!
    return code < 0 ? null : this.columns.words[code]!
  }
  private idList(skip: number, count: number): number[] {
    if (count === 0) return NO_IDS as number[]
    const from = this.columns.idIndex[this.i * 3]! + skip
    return Array.from(this.columns.ids.subarray(from, from + count))
  }

  get index(): number {
    return this.number(N.index)
  }
  get mapCount(): number {
    return this.number(N.mapCount)
  }
  get range(): [number, number] | null {
    if (this.rangePages === undefined) {
      const start = this.number(N.rangeStart)
      this.rangePages = Number.isNaN(start) ? null : [start, this.number(N.rangeEnd)]
    }
    return this.rangePages
  }
  get op(): StepSummary['op'] {
    return this.word(C.op) as StepSummary['op']
  }
  get process(): StepSummary['process'] {
    return this.word(C.process) as StepSummary['process']
  }
  get error(): string | null {
    return this.word(C.error)
  }
  get outcome(): StepSummary['outcome'] {
    return this.word(C.outcome) as StepSummary['outcome']
  }
  get ksm(): StepSummary['ksm'] {
    return this.word(C.ksm) as StepSummary['ksm']
  }
  get mergeAny(): boolean {
    return this.columns.codes[this.i * CODE_STRIDE + C.mergeAny] === 1
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
