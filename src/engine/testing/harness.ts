/**
 * A userland harness for the merge functions, in the spirit of the kernel's
 * tools/testing/vma/: build an address space VMA by VMA (with anon_vmas and
 * vm_ops->close where a test needs them), then call mergeNewRange or
 * vmaModifyFlags (6.12+), or vmaMerge (6.1 – 6.11), directly and look at the result.
 */
import type { KernelId } from '../api'
import { VM_MAYREAD, VM_MAYWRITE, VM_READ, VM_WRITE, type VmFlags } from '../flags'
import { mergeNewRange, vmaModifyFlags, type MergeKind } from '../mm/vma'
import { StepContext, newProcess } from '../process'
import { profileFor, type KernelProfile } from '../profiles'
import { TraceStore } from '../trace'
import { vmaMerge, vmaMergeModifyFlags, type VmaMergeResult } from '../mm/mmap-vma-merge'
import { asPage } from '../units'
import type { FileObject, Vma } from '../mm-types'

/** The flags tools/testing/vma uses: VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE. */
export const RW = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE

export interface VmaSpec {
  pgoff?: number
  flags?: VmFlags
  pkey?: number
  anonVma?: number
  close?: boolean
  forkChild?: boolean
  /** The struct file the VMA maps (the new range's, in mergeNew); none by default. */
  file?: FileObject | null
}

export class Harness {
  readonly store = new TraceStore()
  readonly ctx: StepContext

  constructor(kernel: KernelId | KernelProfile = '6.18', opts: { maxMapCount?: number } = {}) {
    const scenario = { format: 'vma-scenario/3' as const, windowPages: 4096, placement: 'fixed' as const, steps: [] }
    this.store.beginStep(1)
    this.ctx = new StepContext(typeof kernel === 'string' ? profileFor(kernel) : kernel, newProcess(this.store, scenario), this.store, scenario, opts.maxMapCount ?? 65530, { anonVma: 100, file: 0 }, true)
  }

  get vmas(): readonly Vma[] {
    return this.ctx.mm.vmas
  }

  get mapCount(): number {
    return this.ctx.mm.count
  }

  /** Add a VMA [start, end), pgoff = start unless given (as vma.c's alloc_and_link_vma). */
  add(start: number, end: number, spec: VmaSpec = {}): Vma {
    const v = this.ctx.make({
      start: asPage(start), end: asPage(end), pgoff: spec.pgoff ?? start, flags: spec.flags ?? RW, pkey: spec.pkey ?? 0, file: spec.file ?? null,
      anonVma: spec.anonVma ?? 0, forkChild: spec.forkChild ?? false, vmOpsClose: spec.close ?? false,
      anonymous: true, hook: null, labels: [],
    })
    this.ctx.mm.insert(v)
    return v
  }

  at(page: number): Vma | undefined {
    return this.ctx.mm.lookup(page)
  }

  /** vma_merge_new_range() for [start, end) with prev/next looked up. */
  mergeNew(start: number, end: number, spec: VmaSpec & { justExpand?: boolean } = {}): MergeKind | null {
    const mm = this.ctx.mm
    const r = mergeNewRange(this.ctx, {
      start, end, pgoff: spec.pgoff ?? start, flags: spec.flags ?? RW, pkey: spec.pkey ?? 0, file: spec.file ?? null, anonVma: spec.anonVma ?? 0,
      anonForkChild: false, middle: null, prev: mm.prevOf(start), next: spec.justExpand ? null : mm.nextFrom(end),
      justExpand: spec.justExpand ?? false, labels: [],
    })
    return r ? r.kind : null
  }

  /** vma_modify_flags() of [start, end) inside `middle`; returns whether it merged. */
  modify(middle: Vma, start: number, end: number, flags: VmFlags = RW): MergeKind | null | 'error' {
    const i = this.ctx.mm.indexOf(middle)
    const r = vmaModifyFlags(this.ctx, i > 0 ? this.ctx.mm.vmas[i - 1]! : null, middle, start, end, flags)
    if ('error' in r) return 'error'
    return r.merged
  }

  /** vma_merge() (≤ 6.11) of a new range [start, end), prev looked up: the case number, or null. */
  vmaMerge(start: number, end: number, spec: VmaSpec = {}): VmaMergeResult | null {
    return vmaMerge(this.ctx, {
      prev: this.ctx.mm.prevOf(start), start, end, flags: spec.flags ?? RW, pkey: spec.pkey ?? 0, anonVma: spec.anonVma ?? 0, anonForkChild: false,
      file: null, pgoff: spec.pgoff ?? start, labels: [],
    })
  }

  /** mprotect_fixup() up to 6.11 on [start, end) ⊆ middle: vma_merge() with *pprev, else split. */
  vmaMergeModify(middle: Vma, start: number, end: number, flags: VmFlags = RW): MergeKind | null | 'error' {
    const i = this.ctx.mm.indexOf(middle)
    const prev = start > middle.start ? middle : i > 0 ? this.ctx.mm.vmas[i - 1]! : null
    const r = vmaMergeModifyFlags(this.ctx, prev, middle, start, end, flags)
    if ('error' in r) return 'error'
    return r.merged
  }

  /** The kernel functions the decision record names, in order (the last step's checks). */
  get checkFns(): string[] {
    return this.ctx.checks.map((c) => `${c.fn}:${c.rule}`)
  }

  /** "[0,3) p0 [5,9) p5" */
  layout(): string {
    return this.vmas.map((v) => `[${v.start},${v.end}) p${v.pgoff}`).join(' ')
  }
}
