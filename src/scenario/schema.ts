/**
 * The zod 4 schema of `vma-scenario/3`: the single description of what a
 * valid scenario is. `loadScenario` (./load.ts) parses with it; the JSON Schema
 * in docs/vma-scenario-3.schema.json is generated from it (tools/gen-schema.ts).
 *
 * Its lists of words (ops, backing kinds, flags, advices, file systems) are those of
 * ./vocabulary.ts, from which ./types.ts derives its unions too. The schema's output type is
 * checked at compile time to be exactly the `Scenario` of ./types.ts, whose interfaces are
 * written out with their documentation (see `SchemaMatchesScenarioType` at the end).
 *
 * Error messages for the fields whose rules are not obvious (page numbers,
 * prot strings, the op and backing-kind discriminators, flag lists) are set
 * here, next to the rule. Generic messages (wrong type, not one of a list,
 * required) come from ./issue-text.ts.
 */
import { z } from 'zod'
import type { Scenario } from './types'
import { SCENARIO_FORMAT } from './types'
import { describeValue } from './describe-value'
import { DEFAULT_MAX_MAP_COUNT, DEFAULT_WINDOW_PAGES } from './defaults'
import { STEP_OPS, BACKING_KINDS, MAP_FLAGS, MADVISE_ADVICES, MLOCKALL_FLAGS, SHMAT_FLAGS, FILE_SYSTEMS, FILE_HOOKS, HOOK_SETTABLE_FLAGS, INITIAL_BACKINGS, MODELLED_VM_FLAGS, PLACEMENTS, PRCTL_OPTIONS, SHARES } from './vocabulary'

// ---------------------------------------------------------------- limits

/** Pages in the 47-bit x86-64 user address space (128 TiB / 4 KiB). */
export const USER_ADDRESS_SPACE_PAGES = 2 ** 35
/** Largest `at`, `to`, `pages`, `newPages`, `pgoff`, `brkBase` the loader accepts: twice the user address space. */
export const MAX_PAGE_VALUE = 2 ** 36
/** Largest `windowPages`: the whole user address space. */
export const MAX_WINDOW_PAGES = USER_ADDRESS_SPACE_PAGES
export const MAX_STEPS = 1_000_000
/** vm.max_map_count is an int sysctl. */
export const MAX_MAP_COUNT_LIMIT = 2 ** 31 - 1

export { DEFAULT_MAX_MAP_COUNT, DEFAULT_WINDOW_PAGES }

// ---------------------------------------------------------------- vocabularies (./vocabulary.ts)

export { STEP_OPS, BACKING_KINDS, MAP_FLAGS, MADVISE_ADVICES, MLOCKALL_FLAGS, SHMAT_FLAGS, FILE_SYSTEMS, FILE_HOOKS, HOOK_SETTABLE_FLAGS, INITIAL_BACKINGS, MODELLED_VM_FLAGS } from './vocabulary'
/** The largest SysV IPC key (key_t is an int; the scenario writes it as the unsigned 32 bits /SYSV%08x prints). */
export const MAX_SHM_KEY = 0xffffffff

export const PROT_PATTERN = /^[r-][w-][x-]$/

// ---------------------------------------------------------------- field builders

type RawIssue = z.core.$ZodRawIssue

/** Message for a missing field, or undefined to let the caller decide. */
function requiredOrUndefined(issue: RawIssue): string | undefined {
  return issue.input === undefined ? 'required' : undefined
}

/**
 * A page number or page count: a safe non-negative integer no larger than
 * MAX_PAGE_VALUE. Whether a step's range lies inside the window is a
 * cross-field rule (./step-rules.ts).
 */
function pageValue(noun: string) {
  const message = (issue: RawIssue): string => {
    const required = requiredOrUndefined(issue)
    if (required) return required
    const value = issue.input
    if (typeof value === 'string' && /^0x/i.test(value.trim())) {
      return `expected ${noun} (a whole number ≥ 0), got the hex address ${describeValue(value)}: a scenario counts pages from the window's base (the editor turns a page-aligned address at or above the base into its page)`
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || !Number.isInteger(value)) {
      return `expected ${noun} (a whole number ≥ 0), got ${describeValue(value)}`
    }
    if (value < 0) return `expected ${noun} ≥ 0, got ${value}`
    return `${value} is too large: the limit is 2^36 (${MAX_PAGE_VALUE}) pages; the whole 47-bit user address space is 2^35 (${USER_ADDRESS_SPACE_PAGES}) pages`
  }
  return z.int({ error: message }).min(0, { error: message }).max(MAX_PAGE_VALUE, { error: message })
}

/** A plain non-negative integer (prctl's value). */
/** A C int (a protection key): any value the call can be given; the kernel answers EINVAL for a key it did not allocate. */
function cInt(noun: string) {
  const message = (issue: RawIssue): string =>
    requiredOrUndefined(issue) ?? `expected ${noun} (a whole number from -2147483648 to 2147483647), got ${describeValue(issue.input)}`
  return z.int({ error: message }).min(-2147483648, { error: message }).max(2147483647, { error: message })
}

function wholeNumber(noun: string, max: number) {
  const message = (issue: RawIssue): string => {
    const required = requiredOrUndefined(issue)
    if (required) return required
    const value = issue.input
    if (typeof value === 'number' && Number.isInteger(value) && value > max) {
      return `${value} is too large for ${noun}; the limit is ${max}`
    }
    return `expected ${noun} (a whole number ≥ 0), got ${describeValue(value)}`
  }
  return z.int({ error: message }).min(0, { error: message }).max(max, { error: message })
}

const windowPages = z
  .int({ error: windowMessage })
  .min(1, { error: windowMessage })
  .max(MAX_WINDOW_PAGES, { error: windowMessage })

function windowMessage(issue: RawIssue): string {
  const required = requiredOrUndefined(issue)
  if (required) return required
  const value = issue.input
  if (typeof value === 'number' && Number.isInteger(value)) {
    if (value < 1) return `the window must hold at least 1 page, got ${value}`
    return `${value} pages is larger than the whole 47-bit user address space, 2^35 (${MAX_WINDOW_PAGES}) pages`
  }
  return `expected a number of pages (a whole number ≥ 1), got ${describeValue(value)}`
}

function protMessage(issue: RawIssue): string {
  return (
    requiredOrUndefined(issue) ??
    `expected three characters from r, w, x, - (like "rw-"), got ${describeValue(issue.input)}`
  )
}
const prot = z.string({ error: protMessage }).regex(PROT_PATTERN, { error: protMessage })

/** An enum whose error lists the choices in words. */
function oneOf<const T extends readonly [string, ...string[]]>(values: T, what: string, choices = 'one of') {
  return z.enum(values, {
    error: (issue) =>
      requiredOrUndefined(issue) ??
      `unknown ${what} ${describeValue(issue.input)}; expected ${choices} ${values.join(', ')}`,
  })
}

/** A list of known names; an unknown one is named in the message. */
function flagList<const T extends readonly [string, ...string[]]>(values: T, what: string, choices?: string) {
  return z.array(oneOf(values, what, choices), {
    error: (issue) => requiredOrUndefined(issue) ?? `expected a list of ${what}s, got ${describeValue(issue.input)}`,
  })
}

/** Error for a discriminated union whose discriminator is missing or unknown. */
function discriminatorMessage(container: string, key: string, what: string, values: readonly string[]) {
  return (issue: RawIssue): string | undefined => {
    const input = issue.input
    if (issue.code === 'invalid_type') {
      return requiredOrUndefined(issue) ?? `expected ${container} (an object with the field "${key}"), got ${describeValue(input)}`
    }
    if (issue.code !== 'invalid_union') return undefined
    const value = typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[key] : undefined
    if (value === undefined) return `required; expected one of ${values.join(', ')}`
    return `unknown ${what} ${describeValue(value)}; expected one of ${values.join(', ')}`
  }
}

const fileName = z
  .string({ error: (issue) => requiredOrUndefined(issue) ?? `expected a file name (text), got ${describeValue(issue.input)}` })
  .describe('Names the open file: the same name is the same struct file; two names are two opens that never merge.')
const segmentName = z
  .string({ error: (issue) => requiredOrUndefined(issue) ?? `expected a segment name (text), got ${describeValue(issue.input)}` })
  .min(1, { error: 'expected a segment name (text), got ""' })
  .describe('Names the SysV segment (the shmid the program keeps): the same name is the same segment.')
const pgoff = pageValue('a page offset').default(0).describe('Page offset into the file. Default 0.')

// ---------------------------------------------------------------- backing

const backingKind = <const T extends (typeof BACKING_KINDS)[number]>(kind: T) => z.literal(kind)

export const backingSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: backingKind('anon') }).describe('Anonymous memory (MAP_ANONYMOUS).'),
    z
      .object({
        kind: backingKind('file'),
        file: fileName,
        pgoff,
        fs: oneOf(FILE_SYSTEMS, 'file system').default('ext4').describe('File system. Default "ext4".'),
        hook: oneOf(FILE_HOOKS, 'hook')
          .optional()
          .describe('Overrides the hook that fs implies for the chosen kernel (ext4 has .mmap_prepare from 6.17).'),
      })
      .describe('A regular file.'),
    z.object({ kind: backingKind('shmem'), file: fileName, pgoff }).describe('A memfd (shmem file).'),
    z
      .object({
        kind: backingKind('device'),
        file: fileName,
        pgoff,
        hook: oneOf(FILE_HOOKS, 'hook').default('mmap').describe('The driver hook. Default "mmap".'),
        // types.ts declares setsFlags as string[]; the schema only lets known
        // names through, and the cast widens its output type to match.
        setsFlags: flagList(HOOK_SETTABLE_FLAGS, 'VM flag', 'one of the flags a device hook can set:')
          .default([])
          .describe('VM_* flags the driver hook adds to the VMA. Default [].') as unknown as z.ZodDefault<
          z.ZodArray<z.ZodString>
        >,
      })
      .describe('A driver mapping.'),
    z
      .object({ kind: backingKind('secretmem'), file: fileName, pgoff })
      .describe('memfd_secret(2): a file on the internal noexec secretmem mount; shared only (private is EINVAL).'),
    z
      .object({ kind: backingKind('perf'), file: fileName, pgoff })
      .describe('A perf_event_open(2) ring buffer: shared, 1 + 2^n pages, pgoff 0; its VMA cannot be split.'),
    z
      .object({ kind: backingKind('io_uring'), file: fileName, pgoff })
      .describe('An io_uring ring (io_uring_setup(2)); pgoff 0 is the SQ/CQ ring, 65536 the SQE array.'),
  ],
  { error: discriminatorMessage('a backing', 'kind', 'backing kind', BACKING_KINDS) },
)

// ---------------------------------------------------------------- steps

const op = <const T extends (typeof STEP_OPS)[number]>(name: T) => z.literal(name)
const share = oneOf(SHARES, 'share mode')

export const stepSchema = z.discriminatedUnion(
  'op',
  [
    z
      .object({
        op: op('mmap'),
        name: z
          .string({ error: (issue) => `expected a label (text), got ${describeValue(issue.input)}` })
          .optional()
          .describe('Labels the pages this mapping creates.'),
        at: pageValue('a page number').optional().describe('First page. Required when placement is "fixed".'),
        pages: pageValue('a number of pages'),
        prot,
        share,
        backing: backingSchema,
        mapFlags: flagList(MAP_FLAGS, 'mmap flag').optional().describe('Further mmap flags.'),
      })
      .describe('mmap(base+at*4096, pages*4096, prot, share | MAP_FIXED_NOREPLACE | mapFlags…)'),
    z
      .object({ op: op('munmap'), at: pageValue('a page number'), pages: pageValue('a number of pages') })
      .describe('Unmap a range.'),
    z
      .object({ op: op('mprotect'), at: pageValue('a page number'), pages: pageValue('a number of pages'), prot })
      .describe('Change protection.'),
    z
      .object({
        op: op('madvise'),
        at: pageValue('a page number'),
        pages: pageValue('a number of pages'),
        advice: oneOf(MADVISE_ADVICES, 'advice'),
      })
      .describe('madvise(base+at*4096, pages*4096, advice). Version 1 had MADV_MERGEABLE and MADV_UNMERGEABLE only.'),
    z
      .object({
        op: op('prctl'),
        option: oneOf(PRCTL_OPTIONS, 'prctl option'),
        value: wholeNumber('a prctl value', Number.MAX_SAFE_INTEGER),
      })
      .describe('prctl(PR_SET_MEMORY_MERGE, value); any non-zero value enables.'),
    z.object({ op: op('brk'), pages: pageValue('a number of pages') }).describe('Set the break to brkBase + pages.'),
    z
      .object({
        op: op('touch'),
        at: pageValue('a page number'),
        pages: pageValue('a number of pages'),
        write: z
          .boolean({ error: (issue) => `expected true or false, got ${describeValue(issue.input)}` })
          .default(false)
          .describe('Write fault when true. Default false.'),
      })
      .describe('Fault the pages in.'),
    z.object({ op: op('fork') }).describe('The rest of the scenario runs in the child.'),
    z
      .object({
        op: op('mremap'),
        at: pageValue('a page number'),
        pages: pageValue('a number of pages'),
        newPages: pageValue('a number of pages'),
        to: pageValue('a page number').optional().describe('Move to this page (MREMAP_MAYMOVE|MREMAP_FIXED).'),
        mayMove: z
          .boolean({ error: (issue) => `expected true or false, got ${describeValue(issue.input)}` })
          .optional()
          .describe('MREMAP_MAYMOVE without a target.'),
        dontUnmap: z
          .boolean({ error: (issue) => `expected true or false, got ${describeValue(issue.input)}` })
          .optional()
          .describe('Version 2. MREMAP_DONTUNMAP: move without unmapping the source (its pages go, the VMA stays); the kernel answers EINVAL unless it moves (to or mayMove) and newPages = pages.'),
      })
      .describe('Resize, or move, a mapping.'),
    z
      .object({
        op: op('mlock'),
        at: pageValue('a page number'),
        pages: pageValue('a number of pages'),
        onFault: z
          .boolean({ error: (issue) => `expected true or false, got ${describeValue(issue.input)}` })
          .optional()
          .describe('mlock2(MLOCK_ONFAULT): VM_LOCKONFAULT, pages locked as they fault in.'),
      })
      .describe('Version 2. mlock(base+at*4096, pages*4096): VM_LOCKED, the pages faulted in.'),
    z
      .object({ op: op('munlock'), at: pageValue('a page number'), pages: pageValue('a number of pages') })
      .describe('Version 2. munlock(): clears VM_LOCKED and VM_LOCKONFAULT.'),
    z
      .object({
        op: op('mlockall'),
        flags: flagList(MLOCKALL_FLAGS, 'mlockall flag').describe('MCL_CURRENT, MCL_FUTURE, MCL_ONFAULT; none, or MCL_ONFAULT alone, is EINVAL as the kernel answers it.'),
      })
      .describe('Version 2. mlockall(flags): MCL_CURRENT locks every VMA, MCL_FUTURE every later mapping (mm->def_flags).'),
    z
      .object({ op: op('mseal'), at: pageValue('a page number'), pages: pageValue('a number of pages') })
      .describe('Version 2. mseal(base+at*4096, pages*4096, 0): VM_SEALED (6.10+; ENOSYS before).'),
    z
      .object({ op: op('pkey_mprotect'), at: pageValue('a page number'), pages: pageValue('a number of pages'), prot, pkey: cInt('a protection key') })
      .describe('Version 2. pkey_mprotect(base+at*4096, pages*4096, prot, pkey): mprotect that also gives the VMAs key pkey (VM_PKEY_BIT*); -1 keeps their key, as mprotect; a key pkey_alloc did not return is EINVAL.'),
    z.object({ op: op('pkey_alloc') }).describe('Version 2. pkey_alloc(0, 0): the lowest free protection key; EINVAL on a CPU without protection keys, ENOSPC when all 16 are taken.'),
    z
      .object({ op: op('pkey_free'), pkey: cInt('a protection key') })
      .describe('Version 2. pkey_free(pkey): EINVAL unless the key is allocated; VMAs keep it.'),
    z.object({ op: op('munlockall') }).describe('Version 2. munlockall(): unlocks every VMA and clears mm->def_flags\' VM_LOCKED.'),
    z
      .object({
        op: op('shmget'),
        segment: segmentName,
        key: wholeNumber('a SysV IPC key', MAX_SHM_KEY).optional().describe('The IPC key (0, the default, is IPC_PRIVATE); the segment\'s file is /SYSV<key in 8 hex digits>.'),
        pages: pageValue('a number of pages'),
        exclusive: z
          .boolean({ error: (issue) => `expected true or false, got ${describeValue(issue.input)}` })
          .optional()
          .describe('IPC_EXCL: EEXIST when the segment already exists.'),
      })
      .describe('Version 3. shmget(key, pages*4096, IPC_CREAT|0700): makes the segment, or finds it (by name, or by a key other than IPC_PRIVATE); changes no VMA.'),
    z
      .object({
        op: op('shmat'),
        segment: segmentName,
        at: pageValue('a page number').optional().describe('First page. Without it the kernel places the attach (required when placement is "fixed").'),
        offset: wholeNumber('a byte offset within the page', 4095).optional().describe('Bytes past the page: an unaligned address, which SHM_RND rounds down and is otherwise EINVAL. Default 0.'),
        flags: flagList(SHMAT_FLAGS, 'shmat flag').optional().describe('SHM_RDONLY, SHM_EXEC, SHM_RND, SHM_REMAP.'),
      })
      .describe('Version 3. shmat(shmid, base+at*4096+offset, flags): a shared mapping of the whole segment (its own struct file, vm_ops with .close); EINVAL over an existing VMA unless SHM_REMAP.'),
    z
      .object({
        op: op('shmdt'),
        at: pageValue('a page number'),
        offset: wholeNumber('a byte offset within the page', 4095).optional().describe('Bytes past the page: an unaligned address is EINVAL. Default 0.'),
      })
      .describe('Version 3. shmdt(base+at*4096+offset): unmaps the attach whose pieces start where the segment would (vm_pgoff from at), up to the segment\'s size.'),
  ],
  { error: discriminatorMessage('a step', 'op', 'operation', STEP_OPS) },
)

// ---------------------------------------------------------------- initial state

export const initialVmaSchema = z
  .object({
    start: pageValue('a page number'),
    end: pageValue('a page number'),
    prot,
    share,
    backing: oneOf(INITIAL_BACKINGS, 'initial backing'),
    file: z
      .string({ error: (issue) => `expected a file name (text), got ${describeValue(issue.input)}` })
      .optional()
      .describe('Required for file, shmem, device and sysv: the same name (per backing) is the same struct file (for sysv, one attach: its name starts with the segment\'s /SYSV%08x).'),
    pgoff: pageValue('a page offset')
      .optional()
      .describe('vm_pgoff. Default: start for private anonymous memory and the heap (where the kernel puts it; smaps prints 0), else 0.'),
    name: z
      .string({ error: (issue) => `expected a label (text), got ${describeValue(issue.input)}` })
      .optional()
      .describe('Labels the VMA\'s pages, e.g. "[stack]" or the file\'s path.'),
    // types.ts declares flags as string[]; the cast widens the enum output to match.
    flags: (flagList(MODELLED_VM_FLAGS, 'VM flag', 'one of the flags the engine models:') as unknown as z.ZodArray<z.ZodString>)
      .optional()
      .describe('The complete VM_* flag set (as smaps VmFlags gives it). Default: from prot and share, plus VM_MAYREAD|VM_MAYWRITE|VM_MAYEXEC.'),
    anonVma: z
      .int({ error: (issue) => `expected an anon_vma number (a whole number ≥ 1), got ${describeValue(issue.input)}` })
      .min(1, { error: (issue) => `expected an anon_vma number (a whole number ≥ 1), got ${describeValue(issue.input)}` })
      .max(MAX_PAGE_VALUE, { error: (issue) => `anon_vma number ${describeValue(issue.input)} is too large` })
      .optional()
      .describe('anon_vma identity when faulted (the same number is the same anon_vma); absent = unfaulted.'),
    smaps: z
      .record(
        z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,40}$/, { error: 'expected an smaps field name like "Rss"' }),
        z.string({ error: (issue) => `expected the field's value as text ("12 kB"), got ${describeValue(issue.input)}` }).max(64, { error: 'too long for an smaps value' }),
        { error: (issue) => `expected the smaps fields as an object ({"Rss": "12 kB"}), got ${describeValue(issue.input)}` },
      )
      .optional()
      .describe('The other smaps lines of an imported process ("Rss": "12 kB", "Swap": "0 kB", "KSM": "0 kB"…), as the kernel wrote them: shown in the VMA table, not simulated.'),
  })
  .describe('One VMA present before the first step (pages window-relative, end exclusive).')

const hexAddress = z
  .string({ error: (issue) => `expected a hex address (text like "0x0"), got ${describeValue(issue.input)}` })
  .regex(/^0x[0-9a-fA-F]{1,16}$/, { error: (issue) => `expected a hex address like "0x7f0000000000", got ${describeValue(issue.input)}` })

export const initialStateSchema = z
  .object({
    base: hexAddress
      .optional()
      .describe('Byte address of page 0, for the explorer\'s axis ("0x0" for an imported process).'),
    mergeAny: z
      .boolean({ error: (issue) => `expected true or false, got ${describeValue(issue.input)}` })
      .optional()
      .describe('MMF_VM_MERGE_ANY is already set. Default false.'),
    vmas: z.array(initialVmaSchema, {
      error: (issue) => requiredOrUndefined(issue) ?? `expected a list of VMAs, got ${describeValue(issue.input)}`,
    }),
  })
  .describe('Extension: the address space the process starts with (e.g. imported from /proc/PID/smaps).')

// ---------------------------------------------------------------- scenario

function text(what: string) {
  return z.string({ error: (issue) => `expected ${what} (text), got ${describeValue(issue.input)}` }).optional()
}

export const scenarioSchema = z
  .object({
    format: z.literal(SCENARIO_FORMAT, {
      error: (issue) => requiredOrUndefined(issue) ?? `expected "${SCENARIO_FORMAT}", got ${describeValue(issue.input)}`,
    }),
    title: text('a title'),
    notes: text('notes'),
    windowPages: windowPages.default(DEFAULT_WINDOW_PAGES).describe('Window size in pages. Default 1024.'),
    placement: oneOf(PLACEMENTS, 'placement')
      .default('fixed')
      .describe('"fixed": every mmap names at. "kernel": an mmap without at is placed top-down. Default "fixed".'),
    brkBase: pageValue('a page number').optional().describe('Page where the program break starts; needed by brk steps.'),
    maxMapCount: wholeNumber('maxMapCount', MAX_MAP_COUNT_LIMIT)
      .optional()
      .describe('vm.max_map_count for the process; default 65530.'),
    initial: initialStateSchema.optional(),
    base: hexAddress
      .optional()
      .describe('Byte address of page 0 (page-aligned hex). The kernel\'s arithmetic uses absolute addresses: anonymous vm_pgoff, THP alignment. Default: initial.base, else assumed.'),
    machine: z
      .object({
        protectionKeys: z
          .boolean({ error: (issue) => `expected true or false, got ${describeValue(issue.input)}` })
          .optional()
          .describe('The CPU has protection keys (pku/ospke): an execute-only mapping cannot be read. Default true.'),
      }, { error: (issue) => requiredOrUndefined(issue) ?? `expected an object like { "protectionKeys": true }, got ${describeValue(issue.input)}` })
      .optional()
      .describe('Extension: properties of the machine the scenario assumes.'),
    steps: z
      .array(stepSchema, {
        error: (issue) => requiredOrUndefined(issue) ?? `expected a list of steps, got ${describeValue(issue.input)}`,
      })
      .max(MAX_STEPS, { error: `more than ${MAX_STEPS.toLocaleString('en-US')} steps` }),
  })
  .describe('A vmascope scenario: the memory operations one process performs, in order.')

// ---------------------------------------------------------------- the schema matches types.ts

type Equals<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
type Assert<T extends true> = T
/** Fails to compile when the schema's output drifts from `Scenario` in ./types.ts. */
export type SchemaMatchesScenarioType = Assert<Equals<z.output<typeof scenarioSchema>, Scenario>>
