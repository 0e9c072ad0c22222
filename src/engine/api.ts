/**
 * The public shape of what the simulated kernel returns: a trace.
 *
 * `simulate(scenario, kernel)` (see ./simulate.ts) runs every step of a scenario
 * and returns a `Trace`. The trace holds, per step, the outcome, the KSM
 * timing, the errno and the ordered list of checks the kernel made. The VMAs
 * after any step are rebuilt on demand by `trace.vmasAt(i)`; the trace never
 * stores a full copy of the address space per step (see ./trace.ts).
 *
 * Everything here is plain data (structured-cloneable), except the `Trace`
 * methods, so step results can cross a worker boundary unchanged.
 */
import type { Scenario, StepOp } from '../scenario/types'
import type { Page } from './units'

export const KERNEL_IDS = ['6.1', '6.6', '6.12', '6.15', '6.16', 'v2', '6.17', '6.18'] as const
export type KernelId = (typeof KERNEL_IDS)[number]
export const DEFAULT_KERNEL: KernelId = '6.18'

/**
 * What a step did. mmap: new | merged-prev | merged-next | merged-both | failed.
 * brk: new | expanded | shrunk | unchanged | failed. Other ops use the
 * descriptive values below (null where nothing applies, e.g. prctl).
 */
export type Outcome =
  | 'new'
  | 'merged-prev'
  | 'merged-next'
  | 'merged-both'
  | 'failed'
  | 'expanded'
  | 'shrunk'
  | 'unchanged'
  | 'split'
  | 'modified'
  | 'unmapped'
  | 'moved'
  | 'forked'

/** When VM_MERGEABLE was given to a new mapping: before the merge attempt, after it, or not at all. */
export type KsmTiming = 'early' | 'late' | 'none'

export type BackingKind = 'anon' | 'file' | 'shmem' | 'device' | 'heap'

/** One VMA as the outside world sees it. Pages are window-relative, end exclusive. */
export interface VmaView {
  /** Stable for the life of this VMA record; a changed VMA gets a new id. */
  id: number
  /**
   * The vm_area_struct this is a version of: kept while the kernel changes the
   * struct in place (vma_expand, vma_shrink, the side of a split that keeps
   * the struct, flags set in place, an anon_vma attached), new when the kernel
   * allocates one. Equal to the id of the struct's first record.
   */
  structId: number
  /** On a struct's first record: the struct it was duplicated from (the VMA a split cut it from, copy_vma's or fork's source); else null. */
  dupOf: number | null
  /** First page, window-relative. */
  start: Page
  /** Page after the last, window-relative. */
  end: Page
  pgoff: number
  prot: string
  share: 'private' | 'shared'
  mergeable: boolean
  /** Names of the mappings whose pages this VMA holds, in address order. */
  names: string[]
  /** VM_* names in kernel bit order (as /proc/PID/smaps prints them). */
  flags: string[]
  /** smaps VmFlags mnemonics, same order: "rd wr mr mw me ac mg". */
  mnemonics: string[]
  backing: BackingKind
  /** Display name of vm_file (a scenario file name, "memfd:NAME", "/dev/zero (shmem)"…) or null. */
  file: string | null
  /** Identity of vm_file (one id per struct file) or null. */
  fileId: number | null
  /** anon_vma identity or null when unfaulted. */
  anonVma: number | null
  /** The anon_vma chain is not singular: the VMA came from fork() while faulted. */
  forkChild: boolean
  /** vm_ops has ->close (a merge may not delete this VMA). */
  vmOpsClose: boolean
}

/** Which VMA a check looked at, so the UI can highlight it. */
export type CheckSubject = 'prev' | 'next' | 'middle' | 'new' | 'mm'

/** One decision the kernel made, in the order it made them. */
export interface Check {
  /** Kernel function this models, e.g. "can_vma_merge_after". */
  fn: string
  /** Short stable identifier of the rule, e.g. "flags-equal". */
  rule: string
  pass: boolean
  /** The reason in words: "prev [0,2): flags differ in VM_MERGEABLE". */
  text: string
  subject?: CheckSubject
  /** The range of the VMA the check looked at (pages). */
  range?: [number, number]
}

export interface StepResult {
  /** 1-based, as the runner prints it. */
  index: number
  op: StepOp
  process: 'parent' | 'child'
  error: string | null
  outcome: Outcome | null
  ksm: KsmTiming | null
  /** One line in words: "mmap B [2,4) rw- anon private". */
  summary: string
  checks: Check[]
  /** VMA ids that exist after this step but not before it. */
  created: number[]
  /** VMA ids that existed before this step but not after it. */
  removed: number[]
  /** The range the step asked for, if any: [start, end) in pages. */
  range: [number, number] | null
  mapCount: number
  /** MMF_VM_MERGE_ANY after the step. */
  mergeAny: boolean
  /**
   * Present when the real result depends on what the scenario does not say (a THP-aligned
   * placement without the window's base): why the real address cannot be predicted.
   */
  unpredictable?: string
  /** What a call that returns a number gave back, when it succeeded: pkey_alloc()'s key. */
  returned?: number
}

/**
 * One step as `Simulation.takeStep` gives it: its result (the decision record
 * written), the VMAs after it, and the VMAs it created and removed, so a
 * streaming reader needs nothing from earlier steps.
 */
export interface TakenStep {
  result: StepResult
  vmas: VmaView[]
  created: VmaView[]
  removed: VmaView[]
}

/** What a run assumed about the process and the machine (see ./machine.ts). */
export interface RunAssumptions {
  /** Byte address of page 0 as hex. */
  base: string
  /** The base came from the scenario; false: the engine's default. */
  baseKnown: boolean
  /** protection keys (pku/ospke): an execute-only mapping cannot be read. */
  protectionKeys: boolean
  /** The scenario said so; false: the engine's default. */
  protectionKeysKnown: boolean
}

export interface Trace {
  kernel: KernelId
  scenario: Scenario
  /** The window base and machine properties this run assumed. */
  assumptions: RunAssumptions
  steps: StepResult[]
  /** The result of step `i` (1-based) alone, without making every step's result as `steps` does; undefined past the steps taken. */
  stepAt(i: number): StepResult | undefined
  /** VMAs after step `i` (1-based); 0 gives the state before the first step. */
  vmasAt(i: number): VmaView[]
  /**
   * Every VMA the run ever made has an id, 1..recordCount, and one view (the
   * same object in every `vmasAt` answer it appears in).
   */
  readonly recordCount: number
  viewOf(id: number): VmaView | undefined
  /** The ids of `vmasAt(i)`, in the same order, without making or looking up any view. */
  idsAt(i: number): Int32Array
  /**
   * The decision record of step `i` (1-based). `steps[i-1].checks` gives the
   * same, computed when first read (a full run does not write explanations).
   */
  explain(i: number): Check[]
}
