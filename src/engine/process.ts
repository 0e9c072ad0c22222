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
import type { FileObject, Vma } from './vma'

export const DEFAULT_MAX_MAP_COUNT = 65530

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
  /** Files by "kind:name": one struct file each. */
  files: Map<string, FileObject>
}

/** What a step reports, filled in by the op. */
export interface StepReport {
  error: string | null
  outcome: Outcome | null
  ksm: KsmTiming | null
  range: [number, number] | null
}

export class StepContext {
  readonly checks: Check[] = []
  readonly report: StepReport = { error: null, outcome: null, ksm: null, range: null }

  constructor(
    readonly profile: KernelProfile,
    readonly state: ProcessState,
    readonly store: TraceStore,
    readonly scenario: Scenario,
    readonly maxMapCount: number,
    private readonly ids: { anonVma: number; file: number },
  ) {}

  get mm(): AddressSpace {
    return this.state.mm
  }

  get windowPages(): number {
    return this.scenario.windowPages
  }

  check(fn: string, rule: string, pass: boolean, text: string, subject?: CheckSubject, vma?: { start: number; end: number }): boolean {
    const c: Check = { fn, rule, pass, text }
    if (subject) c.subject = subject
    if (vma) c.range = [vma.start, vma.end]
    this.checks.push(c)
    return pass
  }

  /** A note in the decision record that is not a pass/fail test (always "pass"). */
  note(fn: string, rule: string, text: string, subject?: CheckSubject, vma?: { start: number; end: number }): void {
    this.check(fn, rule, true, text, subject, vma)
  }

  fail(error: string, fn: string, text: string, subject?: CheckSubject, vma?: { start: number; end: number }): void {
    this.report.error = error
    this.check(fn, 'errno', false, `${error}: ${text}`, subject, vma)
  }

  newAnonVmaId(): number {
    return ++this.ids.anonVma
  }

  newFile(fields: Omit<FileObject, 'id'>): FileObject {
    return { ...fields, id: ++this.ids.file }
  }

  /** Make a record derived from `base` with `changes`. */
  derive(base: Vma, changes: Partial<Omit<Vma, 'id' | 'born' | 'died'>>): Vma {
    const { id: _id, born: _born, died: _died, ...fields } = base
    return this.store.add({ ...fields, ...changes })
  }

  make(fields: Omit<Vma, 'id' | 'born' | 'died'>): Vma {
    return this.store.add(fields)
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
    files: new Map(),
  }
}

/** "[0,2)" */
export const rangeText = (v: { start: number; end: number }): string => `[${v.start},${v.end})`
