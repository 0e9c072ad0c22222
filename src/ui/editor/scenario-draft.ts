/**
 * The editor's working copy of a scenario ("draft"): plain JSON-like data in
 * which a field may hold what the user is typing (text in a number field),
 * plus what each operation's form shows. Every change goes through
 * loadScenario; only a draft that loads becomes the store's scenario.
 * Pure: no DOM, no React.
 */
import { SCENARIO_FORMAT, type Scenario, type StepOp } from '../../scenario/types'
import { FILE_HOOKS, FILE_SYSTEMS, HOOK_SETTABLE_FLAGS, MADVISE_ADVICES, MAP_FLAGS, MLOCKALL_FLAGS, SHMAT_FLAGS, STEP_OPS } from '../../scenario/vocabulary'

export type DraftStep = Record<string, unknown> & { op: string }
export type Draft = Record<string, unknown> & { steps: DraftStep[] }

export type FieldKind = 'page' | 'count' | 'optional-page' | 'number' | 'prot' | 'enum' | 'bool' | 'text' | 'flags'

export interface FieldSpec {
  /** Path inside the step: "pages", "backing.file". */
  key: string
  label: string
  kind: FieldKind
  options?: readonly string[]
  /** Shown only for these backing kinds (mmap). */
  backing?: readonly string[]
  hint?: string
  /** An address: takes a page number or a hex byte address (0x7f0000002000) from the window's base. */
  address?: true
}

const AT: FieldSpec = { key: 'at', label: 'at (page)', kind: 'page', address: true }
const PAGES: FieldSpec = { key: 'pages', label: 'pages', kind: 'count' }
const PROT: FieldSpec = { key: 'prot', label: 'prot', kind: 'prot' }

export const STEP_FIELDS: Record<StepOp, FieldSpec[]> = {
  mmap: [
    { key: 'name', label: 'name', kind: 'text', hint: 'labels the pages' },
    { key: 'at', label: 'at (page)', kind: 'optional-page', address: true, hint: 'empty: the kernel places it (placement "kernel")' },
    PAGES,
    PROT,
    { key: 'share', label: 'share', kind: 'enum', options: ['private', 'shared'] },
    { key: 'backing.kind', label: 'backing', kind: 'enum', options: ['anon', 'file', 'shmem', 'device'] },
    { key: 'backing.file', label: 'file', kind: 'text', backing: ['file', 'shmem', 'device'] },
    { key: 'backing.fs', label: 'file system', kind: 'enum', options: FILE_SYSTEMS, backing: ['file'] },
    { key: 'backing.pgoff', label: 'pgoff (page)', kind: 'page', backing: ['file', 'shmem', 'device'] },
    { key: 'backing.hook', label: 'hook', kind: 'enum', options: FILE_HOOKS, backing: ['device'] },
    { key: 'backing.setsFlags', label: 'driver sets', kind: 'flags', options: HOOK_SETTABLE_FLAGS, backing: ['device'] },
    { key: 'mapFlags', label: 'mmap flags', kind: 'flags', options: MAP_FLAGS },
  ],
  munmap: [AT, PAGES],
  mprotect: [AT, PAGES, PROT],
  madvise: [AT, PAGES, { key: 'advice', label: 'advice', kind: 'enum', options: MADVISE_ADVICES }],
  prctl: [{ key: 'value', label: 'value', kind: 'number', hint: 'PR_SET_MEMORY_MERGE: 1 on, 0 off' }],
  brk: [{ key: 'pages', label: 'break at brkBase + (pages)', kind: 'count' }],
  touch: [AT, PAGES, { key: 'write', label: 'write fault', kind: 'bool' }],
  mlock: [AT, PAGES, { key: 'onFault', label: 'lock on fault (mlock2 MLOCK_ONFAULT)', kind: 'bool' }],
  munlock: [AT, PAGES],
  mlockall: [{ key: 'flags', label: 'flags', kind: 'flags', options: MLOCKALL_FLAGS }],
  munlockall: [],
  mseal: [AT, PAGES],
  pkey_mprotect: [AT, PAGES, PROT, { key: 'pkey', label: 'protection key', kind: 'number', hint: '-1: keep the VMAs\' keys (as mprotect); else a key pkey_alloc returned' }],
  pkey_alloc: [],
  pkey_free: [{ key: 'pkey', label: 'protection key', kind: 'number' }],
  fork: [],
  mremap: [
    AT,
    PAGES,
    { key: 'newPages', label: 'new pages', kind: 'count' },
    { key: 'to', label: 'move to (page)', kind: 'optional-page', address: true, hint: 'empty: resize in place' },
    { key: 'mayMove', label: 'may move', kind: 'bool' },
    { key: 'dontUnmap', label: 'leave the source mapped (MREMAP_DONTUNMAP)', kind: 'bool' },
  ],
  shmget: [
    { key: 'segment', label: 'segment', kind: 'text', hint: 'names the segment (its shmid); shmat names it too' },
    { key: 'key', label: 'key', kind: 'number', hint: '0: IPC_PRIVATE; the file is /SYSV<key in hex>' },
    PAGES,
    { key: 'exclusive', label: 'IPC_EXCL', kind: 'bool' },
  ],
  shmat: [
    { key: 'segment', label: 'segment', kind: 'text' },
    { key: 'at', label: 'at (page)', kind: 'optional-page', address: true, hint: 'empty: the kernel places it (placement "kernel")' },
    { key: 'flags', label: 'flags', kind: 'flags', options: SHMAT_FLAGS },
  ],
  shmdt: [AT],
}

export const OPS: readonly StepOp[] = STEP_OPS

/**
 * The draft of a loaded scenario: the scenario itself, not a copy (a deep copy
 * of 65,530 steps costs a second). Every operation here copies what it
 * changes and leaves the rest shared, so the store's scenario is never
 * changed through its draft, and loadScenarioEdit knows an untouched step by
 * its identity.
 */
export function draftOf(scenario: Scenario): Draft {
  return scenario as unknown as Draft
}

export function getField(step: DraftStep, key: string): unknown {
  let value: unknown = step
  for (const part of key.split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined
  return value
}

/** Text typed into a number field: a whole number becomes a number, anything else stays text (loadScenario names it). */
export function numberFromInput(text: string): unknown {
  const trimmed = text.trim()
  if (/^-?\d+$/.test(trimmed)) return Number(trimmed) // a protection key may be -1
  return trimmed === '' ? undefined : trimmed
}

const PAGE_BYTES = 4096n
/** Page numbers above this are refused by the loader (MAX_PAGE_VALUE, 2^36). */
const MAX_PAGE = 2n ** 36n
const HEX = /^0x[0-9a-f]+$/i

/**
 * Text typed into an address field: a page number, or a hex byte address
 * (0x7f0000002000) that becomes the page it starts, counted from the window's
 * base. A hex address that is not page-aligned, lies below the base or is not
 * hex stays text, and `addressProblem` says what is wrong with it.
 */
export function addressFromInput(text: string, base: bigint): unknown {
  const trimmed = text.trim()
  if (!trimmed.toLowerCase().startsWith('0x')) return numberFromInput(trimmed)
  return addressProblem(trimmed, base) === null ? Number((BigInt(trimmed) - base) / PAGE_BYTES) : trimmed
}

/** What is wrong with a typed hex address (null when it is a page-aligned address inside the range). */
export function addressProblem(value: unknown, base: bigint): string | null {
  if (typeof value !== 'string' || !value.toLowerCase().startsWith('0x')) return null
  if (!HEX.test(value)) return `"${value}" is not a hex address (like 0x7f0000002000) or a page number`
  const address = BigInt(value)
  const hex = (n: bigint) => `0x${n.toString(16)}`
  if (address % PAGE_BYTES !== 0n) {
    return `${value} is not page-aligned: an address must be a multiple of 0x1000 (4 KiB); the page it falls in starts at ${hex(address - (address % PAGE_BYTES))}`
  }
  if (address < base) return `${value} lies below the window's base ${hex(base)}: pages count from the base (set "Base address" to where the process maps)`
  if ((address - base) / PAGE_BYTES > MAX_PAGE) return `${value} is more than 2^36 pages above the window's base ${hex(base)}`
  return null
}

/** "page 2 = 0x7f0000002000": what a page number of an address field means. */
export function addressHint(value: unknown, base: bigint): string | null {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) return null
  return `page ${value} = 0x${(base + BigInt(value) * PAGE_BYTES).toString(16)}`
}

function setIn(target: Record<string, unknown>, parts: string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = parts
  const out = { ...target }
  if (head === undefined) return out
  if (rest.length === 0) {
    if (value === undefined) delete out[head]
    else out[head] = value
  } else {
    const inner = out[head]
    out[head] = setIn(inner && typeof inner === 'object' ? (inner as Record<string, unknown>) : {}, rest, value)
  }
  return out
}

/** Backing fields a kind has (so switching kind keeps only what fits). */
const BACKING_DEFAULTS: Record<string, Record<string, unknown>> = {
  anon: { kind: 'anon' },
  file: { kind: 'file', file: 'data.bin', pgoff: 0, fs: 'ext4' },
  shmem: { kind: 'shmem', file: 'memfd', pgoff: 0 },
  device: { kind: 'device', file: '/dev/driver', pgoff: 0, hook: 'mmap', setsFlags: [] },
}

export function setStepField(draft: Draft, index: number, key: string, value: unknown): Draft {
  const steps = draft.steps.slice()
  const step = steps[index]
  if (!step) return draft
  if (key === 'backing.kind' && typeof value === 'string') {
    const old = (step.backing ?? {}) as Record<string, unknown>
    const fresh = { ...(BACKING_DEFAULTS[value] ?? { kind: value }) }
    for (const field of Object.keys(fresh)) if (field !== 'kind' && old[field] !== undefined) fresh[field] = old[field]
    steps[index] = { ...step, backing: fresh }
  } else {
    steps[index] = setIn(step, key.split('.'), value) as DraftStep
  }
  return { ...draft, steps }
}

export function setScenarioField(draft: Draft, key: string, value: unknown): Draft {
  return setIn(draft, [key], value) as Draft
}

/** The first page after the highest mapping the draft makes (where a new mmap fits). */
function freePage(draft: Draft): number {
  let end = 0
  const segmentPages = new Map<unknown, number>()
  for (const step of draft.steps) {
    if (step.op === 'shmget' && typeof step.pages === 'number') segmentPages.set(step.segment, step.pages)
    if (step.op !== 'mmap' && step.op !== 'shmat') continue
    const at = typeof step.at === 'number' ? step.at : 0
    // An attach is as long as its segment.
    const pages = step.op === 'shmat' ? segmentPages.get(step.segment) ?? 0 : typeof step.pages === 'number' ? step.pages : 0
    end = Math.max(end, at + pages)
  }
  return end
}

function nextName(draft: Draft): string {
  const used = new Set(draft.steps.map((s) => s.name).filter((n): n is string => typeof n === 'string'))
  for (let code = 65; code < 91; code++) if (!used.has(String.fromCharCode(code))) return String.fromCharCode(code)
  return `M${draft.steps.length + 1}`
}

function nextSegment(draft: Draft): string {
  const used = new Set(draft.steps.map((s) => s.segment).filter((n): n is string => typeof n === 'string'))
  for (let n = 1; ; n++) if (!used.has(`S${n}`)) return `S${n}`
}

export function newStep(op: StepOp, draft: Draft): DraftStep {
  switch (op) {
    case 'mmap':
      return { op, name: nextName(draft), at: freePage(draft), pages: 2, prot: 'rw-', share: 'private', backing: { kind: 'anon' } }
    case 'munmap':
      return { op, at: 0, pages: 1 }
    case 'mprotect':
      return { op, at: 0, pages: 1, prot: 'r--' }
    case 'madvise':
      return { op, at: 0, pages: 1, advice: 'MADV_MERGEABLE' }
    case 'prctl':
      return { op, option: 'PR_SET_MEMORY_MERGE', value: 1 }
    case 'brk':
      return { op, pages: 1 }
    case 'touch':
      return { op, at: 0, pages: 1, write: true }
    case 'fork':
      return { op }
    case 'mremap':
      return { op, at: 0, pages: 1, newPages: 2, mayMove: true }
    case 'mlock':
    case 'munlock':
    case 'mseal':
      return { op, at: 0, pages: 1 }
    case 'mlockall':
      return { op, flags: ['MCL_CURRENT'] }
    case 'munlockall':
    case 'pkey_alloc':
      return { op }
    case 'pkey_mprotect':
      return { op, at: 0, pages: 1, prot: 'r--', pkey: 1 }
    case 'pkey_free':
      return { op, pkey: 1 }
    case 'shmget':
      return { op, segment: nextSegment(draft), key: 0, pages: 2 }
    case 'shmat': {
      const made = draft.steps.filter((s) => s.op === 'shmget' && typeof s.segment === 'string')
      return { op, segment: made.length ? made[made.length - 1]!.segment : 'S1', at: freePage(draft) }
    }
    case 'shmdt':
      return { op, at: 0 }
  }
}

/** Adds a step at the end; a first brk also gets the scenario a brkBase. */
export function addStep(draft: Draft, op: StepOp): Draft {
  const next: Draft = { ...draft, steps: [...draft.steps, newStep(op, draft)] }
  if (op === 'brk' && draft.brkBase === undefined) {
    const window = typeof draft.windowPages === 'number' ? draft.windowPages : 1024
    next.brkBase = Math.floor(window / 2)
  }
  return next
}

/**
 * A copy of step `index` right after it. A copied mmap gets the next free
 * name and the first page after the last mapping, so it maps beside, not over.
 */
export function duplicateStep(draft: Draft, index: number): Draft {
  const original = draft.steps[index]
  if (!original) return draft
  const copy: DraftStep = structuredClone(original)
  if (copy.op === 'mmap') {
    copy.name = nextName(draft)
    if (typeof copy.at === 'number') copy.at = freePage(draft)
  }
  const steps = draft.steps.slice()
  steps.splice(index + 1, 0, copy)
  return { ...draft, steps }
}

/** A scenario with no steps, as a new empty scenario starts. */
export function emptyScenarioDocument(): Draft {
  return { format: SCENARIO_FORMAT, title: 'New scenario', windowPages: 64, placement: 'fixed', steps: [] }
}

export function removeStep(draft: Draft, index: number): Draft {
  return { ...draft, steps: draft.steps.filter((_, i) => i !== index) }
}

export function moveStep(draft: Draft, index: number, by: -1 | 1): Draft {
  const to = index + by
  if (to < 0 || to >= draft.steps.length) return draft
  const steps = draft.steps.slice()
  const [moved] = steps.splice(index, 1)
  steps.splice(to, 0, moved!)
  return { ...draft, steps }
}

/** Is `op` one of the scenario operations? */
export function isStepOp(op: string): op is StepOp {
  return (OPS as readonly string[]).includes(op)
}
