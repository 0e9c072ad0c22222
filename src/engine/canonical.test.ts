/**
 * The canonical KSM scenarios K1–K16 (src/fidelity/scenarios/K*.json) under every
 * profile. Group A is 6.6, 6.12, 6.15 and 6.16 (VM_MERGEABLE set late), B the posted v2,
 * C 6.17/6.18 (the fix as landed), N 6.1 (no PR_SET_MEMORY_MERGE: prctl is EINVAL, so
 * nothing is KSM-mergeable unless MADV_MERGEABLE asks, and everything merges as usual). Layouts are ASCII strips: one letter per
 * VMA from page 0, lower case when the VMA carries VM_MERGEABLE (smaps "mg").
 */
import { describe, expect, it } from 'vitest'
import type { Backing, Scenario, Step } from '../scenario/types'
import { KERNEL_IDS, type KernelId } from './api'
import { simulate } from './simulate'
import { renderStrip } from './testing/strip'
import { addPages } from './units'

const GROUP: Record<KernelId, Group> = { '6.1': 'N', '6.6': 'A', '6.12': 'A', '6.15': 'A', '6.16': 'A', v2: 'B', '6.17': 'C', '6.18': 'C' }
const anon: Backing = { kind: 'anon' }
const prctl = (value: number): Step => ({ op: 'prctl', option: 'PR_SET_MEMORY_MERGE', value })
const map = (name: string, at: number, pages: number, backing: Backing = anon, extra: Partial<Step> = {}): Step =>
  ({ op: 'mmap', name, at, pages, prot: 'rw-', share: 'private', backing, ...extra }) as Step
const scenario = (steps: Step[], extra: Partial<Scenario> = {}): Scenario => ({ format: 'vma-scenario/3', windowPages: 64, placement: 'fixed', steps, ...extra })

interface Expect {
  /** Strip after the last step (or after `at`). */
  strip: string
  /** outcome/ksm of the listed steps (1-based). */
  steps?: Record<number, [string | null, string | null]>
  at?: number
  flags?: string[]
}

function check(kernel: KernelId, sc: Scenario, want: Expect, from = 0): void {
  const trace = simulate(sc, kernel)
  const at = want.at ?? sc.steps.length
  const vmas = trace.vmasAt(at).filter((v) => v.end > from)
  expect(renderStrip(vmas.map((v) => ({ ...v, start: addPages(v.start, -from), end: addPages(v.end, -from) })), 64, true)).toBe(want.strip)
  for (const [i, [outcome, ksm]] of Object.entries(want.steps ?? {})) {
    const s = trace.steps[Number(i) - 1]!
    expect([s.outcome, s.ksm], `step ${i}`).toEqual([outcome, ksm])
  }
  if (want.flags) for (const f of want.flags) expect(vmas.some((v) => v.flags.includes(f)), f).toBe(true)
}

type Group = 'A' | 'B' | 'C' | 'N'
type Case = [name: string, sc: Scenario, want: Record<Group, Expect>, from?: number]

const file = (pgoff: number, hook?: 'mmap' | 'mmap_prepare'): Backing => ({ kind: 'file', file: 'F', pgoff, fs: 'ext4', ...(hook ? { hook } : {}) })
const device = (pgoff: number, hook: 'mmap' | 'mmap_prepare', setsFlags: string[]): Backing => ({ kind: 'device', file: 'D', pgoff, hook, setsFlags })

const late = (strip: string, steps?: Expect['steps']): Expect => ({ strip, steps })
const CASES: Case[] = [
  ['K1 prctl, then two adjacent anon mappings', scenario([prctl(1), map('A', 0, 2), map('B', 2, 2)]), {
    A: late('aabb', { 3: ['new', 'late'] }), B: late('aaaa', { 3: ['merged-prev', 'early'] }), C: late('aaaa', { 3: ['merged-prev', 'early'] }),
    N: late('AAAA', { 1: ['failed', null], 3: ['merged-prev', 'none'] }),
  }],
  ['K2 prctl between the mappings', scenario([map('A', 0, 2), prctl(1), map('B', 2, 2)]), {
    A: late('aabb', { 3: ['new', 'late'] }), B: late('aaaa', { 3: ['merged-prev', 'early'] }), C: late('aaaa', { 3: ['merged-prev', 'early'] }),
    N: late('AAAA', { 3: ['merged-prev', 'none'] }),
  }],
  ['K3 brk growth under merge-any', scenario([prctl(1), { op: 'brk', pages: 1 }, { op: 'brk', pages: 2 }], { brkBase: 40 }), {
    A: late('ab', { 2: ['new', 'late'], 3: ['new', 'late'] }), B: late('aa', { 2: ['new', 'early'], 3: ['expanded', 'early'] }), C: late('aa', { 2: ['new', 'early'], 3: ['expanded', 'early'] }),
    N: late('AA', { 2: ['new', 'none'], 3: ['expanded', 'none'] }),
  }, 40],
  ['K4 file with .mmap_prepare', scenario([prctl(1), map('A', 0, 2, file(0, 'mmap_prepare')), map('B', 2, 2, file(2, 'mmap_prepare'))]), {
    A: late('aabb', { 2: ['new', 'late'], 3: ['new', 'late'] }), B: late('aaaa', { 3: ['merged-prev', 'early'] }), C: late('aaaa', { 3: ['merged-prev', 'early'] }),
    N: late('AAAA', { 3: ['merged-prev', 'none'] }),
  }],
  ['K5 file with .mmap (the residue)', scenario([prctl(1), map('A', 0, 2, file(0, 'mmap')), map('B', 2, 2, file(2, 'mmap'))]), {
    A: late('aabb', { 3: ['new', 'late'] }), B: late('aabb', { 3: ['new', 'late'] }), C: late('aabb', { 3: ['new', 'late'] }),
    N: late('AAAA', { 3: ['merged-prev', 'none'] }),
  }],
  ['K6 memfd (shmem) private', scenario([prctl(1), map('A', 0, 2, { kind: 'shmem', file: 'S', pgoff: 0 }), map('B', 2, 2, { kind: 'shmem', file: 'S', pgoff: 2 })]), {
    A: late('aabb', { 3: ['new', 'late'] }), B: late('aaaa', { 3: ['merged-prev', 'early'] }), C: late('aaaa', { 3: ['merged-prev', 'early'] }),
    N: late('AAAA', { 3: ['merged-prev', 'none'] }),
  }],
  ['K7 anon shared: a new shmem file each', scenario([prctl(1), map('A', 0, 2, anon, { share: 'shared' }), map('B', 2, 2, anon, { share: 'shared' })]), {
    A: late('AABB', { 3: ['new', 'none'] }), B: late('AABB', { 3: ['new', 'none'] }), C: late('AABB', { 3: ['new', 'none'] }),
    N: late('AABB', { 3: ['new', 'none'] }),
  }],
  ['K8 file shared (VM_SHARED: KSM-incompatible)', scenario([prctl(1), map('A', 0, 2, file(0), { share: 'shared' }), map('B', 2, 2, file(2), { share: 'shared' })]), {
    A: late('AAAA', { 3: ['merged-prev', 'none'] }), B: late('AAAA', { 3: ['merged-prev', 'none'] }), C: late('AAAA', { 3: ['merged-prev', 'none'] }),
    N: late('AAAA', { 3: ['merged-prev', 'none'] }),
  }],
  ['K9 VM_PFNMAP driver: the v2 defect', scenario([prctl(1), map('A', 0, 2, device(0, 'mmap', ['VM_PFNMAP', 'VM_IO'])), map('B', 2, 2, device(2, 'mmap', ['VM_PFNMAP', 'VM_IO']))]), {
    A: late('AABB', { 3: ['new', 'none'] }),
    B: { strip: 'aabb', steps: { 3: ['new', 'late'] }, flags: ['VM_MERGEABLE', 'VM_PFNMAP', 'VM_IO'] },
    C: late('AABB', { 3: ['new', 'none'] }),
    N: late('AABB', { 3: ['new', 'none'] }),
  }],
  ['K10 driver with .mmap_prepare', scenario([prctl(1), map('A', 0, 2, device(0, 'mmap_prepare', [])), map('B', 2, 2, device(2, 'mmap_prepare', []))]), {
    A: late('aabb', { 3: ['new', 'late'] }), B: late('aaaa', { 3: ['merged-prev', 'early'] }), C: late('aaaa', { 3: ['merged-prev', 'early'] }),
    N: late('AAAA', { 3: ['merged-prev', 'none'] }),
  }],
  ['K11 MADV_UNMERGEABLE, then a neighbour', scenario([prctl(1), map('A', 0, 2), { op: 'madvise', at: 0, pages: 2, advice: 'MADV_UNMERGEABLE' }, map('B', 2, 2)]), {
    A: late('AAAA', { 4: ['merged-prev', 'none'] }), B: late('AAbb', { 4: ['new', 'early'] }), C: late('AAbb', { 4: ['new', 'early'] }),
    N: late('AAAA', { 4: ['merged-prev', 'none'] }),
  }],
  ['K12 merged first, prctl after', scenario([map('A', 0, 2), map('B', 2, 2), prctl(1)]), {
    A: late('aaaa'), B: late('aaaa'), C: late('aaaa'),
    N: late('AAAA'),
  }],
  ['K13 MADV_MERGEABLE on both neighbours', scenario([map('A', 0, 2), { op: 'madvise', at: 0, pages: 2, advice: 'MADV_MERGEABLE' }, map('B', 2, 2), { op: 'madvise', at: 2, pages: 2, advice: 'MADV_MERGEABLE' }]), {
    A: late('aaaa', { 3: ['new', 'none'] }), B: late('aaaa', { 3: ['new', 'none'] }), C: late('aaaa', { 3: ['new', 'none'] }),
    N: late('aaaa', { 3: ['new', 'none'] }),
  }],
  ['K14 prctl on, off, then a third mapping', scenario([prctl(1), map('A', 0, 2), map('B', 2, 2), prctl(0), map('C', 4, 2)]), {
    A: late('AABBBB', { 5: ['merged-prev', 'none'] }), B: late('AAAAAA', { 5: ['merged-prev', 'none'] }), C: late('AAAAAA', { 5: ['merged-prev', 'none'] }),
    N: late('AAAAAA', { 5: ['merged-prev', 'none'] }),
  }],
  ['K15 mprotect merges even before the fix', scenario([prctl(1), map('A', 0, 2), map('B', 2, 2, anon, { prot: 'r--' }), { op: 'mprotect', at: 2, pages: 2, prot: 'rw-' }]), {
    A: late('aaaa', { 4: ['merged-prev', null] }), B: late('aaaa', { 4: ['merged-prev', null] }), C: late('aaaa', { 4: ['merged-prev', null] }),
    N: late('AAAA', { 4: ['merged-prev', null] }),
  }],
  ['K16 the child inherits merge-any', scenario([prctl(1), { op: 'fork' }, map('A', 0, 2), map('B', 2, 2)]), {
    A: late('aabb', { 4: ['new', 'late'] }), B: late('aaaa', { 4: ['merged-prev', 'early'] }), C: late('aaaa', { 4: ['merged-prev', 'early'] }),
    N: late('AAAA', { 4: ['merged-prev', 'none'] }),
  }],
]

describe.each(KERNEL_IDS)('kernel %s', (kernel) => {
  it.each(CASES)('%s', (_name, sc, want, from) => check(kernel, sc, want[GROUP[kernel]], from ?? 0))
})

it('K13 stays two VMAs until the second madvise merges them', () => {
  const [, sc] = CASES.find(([n]) => n.startsWith('K13'))!
  expect(renderStrip(simulate(sc, '6.18').vmasAt(3), 64, true)).toBe('aaBB')
})

it('K14 on 6.16: prctl 0 clears mg but never re-merges', () => {
  const [, sc] = CASES.find(([n]) => n.startsWith('K14'))!
  expect(renderStrip(simulate(sc, '6.16').vmasAt(4), 64, true)).toBe('AABB')
})

it('6.1: prctl(PR_SET_MEMORY_MERGE) is EINVAL, MADV_MERGEABLE still marks and merges', () => {
  const [, k1] = CASES.find(([n]) => n.startsWith('K1 '))!
  const t = simulate(k1, '6.1')
  expect(t.steps[0]!.error).toBe('EINVAL')
  expect(t.steps[0]!.mergeAny).toBe(false)
  expect(t.explain(1).map((c) => c.fn)).toContain('sys_prctl')
  const [, k13] = CASES.find(([n]) => n.startsWith('K13'))!
  expect(renderStrip(simulate(k13, '6.1').vmasAt(3), 64, true)).toBe('aaBB')
  expect(renderStrip(simulate(k13, '6.1').vmasAt(4), 64, true)).toBe('aaaa')
})
