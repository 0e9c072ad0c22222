/**
 * The simulated process (the parts of `struct mm_struct` merging depends on)
 * and the context one step runs in: the profile, the decision record being
 * written, and helpers that make VMA records through the trace store.
 */
import type { Check, CheckSubject, KsmTiming, Outcome } from './api'
import type { Scenario } from '../scenario/types'
import { AddressSpace } from './address-space'
import type { KernelProfile } from './profiles'
import type { TraceStore } from './trace'
import type { FileObject, Vma, VmaChanges, VmaFields } from './mm-types'
import type { VmFlags } from './flags'
import { machineAssumptions, type MachineAssumptions } from './machine'
import { initialPkeys, type PkeyState } from './mm/pkeys'

export { DEFAULT_MAX_MAP_COUNT } from '../scenario/defaults'

export interface ProcessState {
  mm: AddressSpace
  /** MMF_VM_MERGE_ANY: prctl(PR_SET_MEMORY_MERGE, 1). */
  mergeAny: boolean
  /** MMF_VM_MERGEABLE: registered with ksmd. */
  ksmRegistered: boolean
  /** mm->start_brk and mm->brk, in pages (null when the scenario has no brkBase). */
  brkStart: number | null
  brk: number | null
  process: 'parent' | 'child'
  /** mm->def_flags as far as modelled: VM_LOCKED and VM_LOCKONFAULT from mlockall(MCL_FUTURE). */
  defFlags: VmFlags
  /** Files by "kind:name": one struct file each. */
  files: Map<string, FileObject>
  /** mm->context's protection keys (./mm/pkeys.ts). */
  pkeys: PkeyState
}

/** What a step reports, filled in by the op. */
export interface StepReport {
  error: string | null
  outcome: Outcome | null
  ksm: KsmTiming | null
  range: [number, number] | null
  /** Where the real result cannot be predicted from the scenario, why (e.g. THP alignment without a base). */
  unpredictable: string | null
  /** A successful call's return value, when it is a number of its own (pkey_alloc()'s key). */
  returned: number | null
}

/** Check text, built only when the decision record is being written. */
export type Text = string | (() => string)

/** Counters for identities that must come out the same when a step is re-run. */
export interface IdCounters {
  anonVma: number
  file: number
}

/**
 * One step's context. With `explain` off (the fast path of a full run) checks
 * cost a comparison and no text is built; `explain` on (re-running one step
 * for the "why" panel, see Trace.explain) records every check with its words.
 */
export class StepContext {
  readonly checks: Check[] = []
  readonly report: StepReport = { error: null, outcome: null, ksm: null, range: null, unpredictable: null, returned: null }

  constructor(
    readonly profile: KernelProfile,
    readonly state: ProcessState,
    readonly store: TraceStore,
    readonly scenario: Scenario,
    readonly maxMapCount: number,
    private readonly ids: IdCounters,
    readonly explain: boolean,
  ) {}

  /** Start the next step with the same context (a full run reuses one context). */
  reset(): void {
    if (this.checks.length) this.checks.length = 0
    const r = this.report
    r.error = null
    r.outcome = null
    r.ksm = null
    r.range = null
    r.unpredictable = null
    r.returned = null
  }

  get mm(): AddressSpace {
    return this.state.mm
  }

  get windowPages(): number {
    return this.scenario.windowPages
  }

  #machine: MachineAssumptions | null = null
  /** The window's absolute base and the machine's properties (./machine.ts). */
  get machine(): MachineAssumptions {
    return (this.#machine ??= machineAssumptions(this.scenario))
  }

  /** vm_pgoff of anonymous memory at window page `page`: "pgoff = addr >> PAGE_SHIFT" (do_mmap). */
  anonPgoff(page: number): number {
    return this.machine.basePage + page
  }

  /**
   * The one way to record a test the kernel makes: returns `pass`, and writes
   * it to the decision record only when the step is being explained; `text`
   * may be a closure, called only then. Callers need no `explain` test of their own.
   */
  check(fn: string, rule: string, pass: boolean, text: Text, subject?: CheckSubject, vma?: { start: number; end: number }): boolean {
    if (!this.explain) return pass
    const c: Check = { fn, rule, pass, text: typeof text === 'string' ? text : text() }
    if (subject) c.subject = subject
    if (vma) c.range = [vma.start, vma.end]
    this.checks.push(c)
    return pass
  }

  /** A note in the decision record that is not a pass/fail test (always "pass"). */
  note(fn: string, rule: string, text: Text, subject?: CheckSubject, vma?: { start: number; end: number }): void {
    this.check(fn, rule, true, text, subject, vma)
  }

  fail(error: string, fn: string, text: Text, subject?: CheckSubject, vma?: { start: number; end: number }): void {
    this.report.error = error
    this.check(fn, 'errno', false, () => `${error}: ${typeof text === 'string' ? text : text()}`, subject, vma)
  }

  newAnonVmaId(): number {
    return ++this.ids.anonVma
  }

  newFile(fields: Omit<FileObject, 'id'>): FileObject {
    return { ...fields, id: ++this.ids.file }
  }

  /** A file looked up by key, made (and remembered in creation order) the first time. */
  fileFor(key: string, make: () => Omit<FileObject, 'id'>): FileObject {
    let f = this.state.files.get(key)
    if (!f) {
      f = this.newFile(make())
      this.state.files.set(key, f)
    }
    return f
  }

  /**
   * The same struct changed in place (vma_expand(), vma_shrink(), the side of a
   * split that keeps the struct, vm_flags set in place, an anon_vma attached):
   * a new record of `base`'s struct.
   */
  derive(base: Vma, changes: VmaChanges): Vma {
    return this.store.add(base, changes, base.structId)
  }

  /** vm_area_dup(): a new struct copied from `base` (the new side of __split_vma(), copy_vma(), dup_mmap()). */
  dup(base: Vma, changes: VmaChanges): Vma {
    return this.store.add(base, changes, 0, base.structId)
  }

  /** vm_area_alloc(): a new struct. */
  make(fields: VmaFields): Vma {
    return this.store.add(fields, null)
  }
}

export function newProcess(store: TraceStore, scenario: Scenario): ProcessState {
  return {
    mm: new AddressSpace(store),
    mergeAny: false,
    ksmRegistered: false,
    brkStart: scenario.brkBase ?? null,
    brk: scenario.brkBase ?? null,
    process: 'parent',
    defFlags: 0,
    files: new Map(),
    pkeys: initialPkeys(machineAssumptions(scenario).protectionKeys),
  }
}

/** "[0,2)" */
export const rangeText = (v: { start: number; end: number }): string => `[${v.start},${v.end})`
