/**
 * Golden tests for the real-kernel corners of issue 9, one describe per rule,
 * each named after the kernel function that makes the decision. Layouts are
 * written as [start,end) lists; the same scenarios (src/fidelity/scenarios/i9-*)
 * are checked against this machine's kernel by the fidelity test.
 */
import { describe, expect, it } from 'vitest'
import type { Backing, Scenario, Step } from '../scenario/types'
import { PROFILES } from './profiles'
import { simulate } from './simulate'
import type { KernelId, VmaView } from './api'

const anon: Backing = { kind: 'anon' }
const map = (name: string, at: number | undefined, pages: number, extra: Record<string, unknown> = {}): Step =>
  ({ op: 'mmap', name, ...(at === undefined ? {} : { at }), pages, prot: 'rw-', share: 'private', backing: anon, ...extra }) as Step
const scenario = (steps: Step[], extra: Partial<Scenario> = {}): Scenario => ({ format: 'vma-scenario/3', windowPages: 64, placement: 'fixed', steps, ...extra })
const layout = (vs: VmaView[]) => vs.map((v) => `[${v.start},${v.end})`).join(' ')
const run = (sc: Scenario, kernel: KernelId = '6.18') => simulate(sc, kernel)
const last = (sc: Scenario, kernel: KernelId = '6.18') => { const t = run(sc, kernel); return t.vmasAt(t.steps.length) }
const errors = (sc: Scenario, kernel: KernelId = '6.18') => run(sc, kernel).steps.map((s) => s.error)
const fns = (sc: Scenario, i: number) => run(sc).steps[i - 1]!.checks.map((c) => c.fn)

describe('check_prep_vma / unmap_source_vma: mremap with old_len 0', () => {
  const shared = map('S', 0, 4, { share: 'shared' })
  it('duplicates a shared mapping: the original stays, a second VMA maps the same file', () => {
    const sc = scenario([shared, { op: 'mremap', at: 1, pages: 0, newPages: 2, to: 20 }])
    const vs = last(sc)
    expect(layout(vs)).toBe('[0,4) [20,22)')
    expect(vs[1]!.pgoff).toBe(1)
    expect(vs[0]!.fileId).toBe(vs[1]!.fileId)
    expect(fns(sc, 2)).toContain('unmap_source_vma')
  })
  it('is EINVAL on a private mapping (check_prep_vma) and ENOMEM without MREMAP_MAYMOVE (expand_vma)', () => {
    expect(errors(scenario([map('P', 0, 4), { op: 'mremap', at: 0, pages: 0, newPages: 2, to: 20 }]))).toEqual([null, 'EINVAL'])
    expect(errors(scenario([shared, { op: 'mremap', at: 0, pages: 0, newPages: 4 }]))).toEqual([null, 'ENOMEM'])
    const placed = last(scenario([shared, { op: 'mremap', at: 0, pages: 0, newPages: 4, mayMove: true }]))
    expect(layout(placed)).toBe('[0,4) [60,64)')
  })
})

describe('populate_vma_page_range: pages the kernel faults in by itself', () => {
  it('mprotect_fixup populates a private VM_LOCKED mapping made writable: it gets an anon_vma', () => {
    const sc = scenario([map('A', 0, 4, { prot: 'r--', mapFlags: ['MAP_LOCKED'] }), { op: 'mprotect', at: 0, pages: 4, prot: 'rw-' }])
    const t = run(sc)
    expect(t.vmasAt(1)[0]!.anonVma).toBeNull() // read-populated at mmap: no anon_vma
    expect(t.vmasAt(2)[0]!.anonVma).not.toBeNull()
    expect(t.steps[1]!.checks.map((c) => c.fn)).toContain('populate_vma_page_range')
    // …so after fork the neighbour mapped next to it is refused (it would merge with an unfaulted A).
    const forked = scenario([...sc.steps, { op: 'fork' }, map('B', 4, 4)])
    expect(layout(last(forked))).toBe('[0,4) [4,8)')
    const unlocked = scenario([map('A', 0, 4, { prot: 'r--' }), { op: 'mprotect', at: 0, pages: 4, prot: 'rw-' }, { op: 'fork' }, map('B', 4, 4)])
    expect(layout(last(unlocked))).toBe('[0,8)')
  })
  it('do_mremap populates the part a locked VMA grew by; a hook-set VM_LOCKED does not populate at mmap (vm_mmap_pgoff)', () => {
    const dev: Backing = { kind: 'device', file: '/dev/locked', pgoff: 0, hook: 'mmap', setsFlags: ['VM_LOCKED'] }
    const sc = scenario([map('D', 0, 2, { backing: dev }), { op: 'mremap', at: 0, pages: 2, newPages: 4 }])
    const t = run(sc)
    expect(t.vmasAt(1)[0]!.anonVma).toBeNull()
    expect(t.vmasAt(2)[0]!.anonVma).not.toBeNull()
    expect(t.steps[1]!.checks.map((c) => c.fn)).toContain('do_mremap')
  })
  it('__mm_populate skips VM_IO/VM_PFNMAP', () => {
    const dev: Backing = { kind: 'device', file: '/dev/io', pgoff: 0, hook: 'mmap', setsFlags: ['VM_IO'] }
    const t = run(scenario([map('D', 0, 2, { backing: dev, mapFlags: ['MAP_POPULATE'] })]))
    expect(t.vmasAt(1)[0]!.anonVma).toBeNull()
    expect(t.steps[0]!.checks.map((c) => c.rule)).toContain('skip-io-pfnmap')
  })
})

describe('copy_vma: an unfaulted anonymous VMA moved takes pgoff = addr >> PAGE_SHIFT (absolute)', () => {
  const dz = (name: string, at: number, pages: number, pgoff: number): Step => map(name, at, pages, { backing: { kind: 'device', file: '/dev/zero', pgoff, hook: 'mmap', setsFlags: [] } })
  const moved = [dz('A', 0, 4, 0), dz('B', 10, 4, 4), { op: 'mremap', at: 10, pages: 4, newPages: 4, to: 4 } as Step]
  it('so a /dev/zero piece linear in window pages does not merge (the base is far from 0)', () => {
    expect(layout(last(scenario(moved)))).toBe('[0,4) [4,8)')
    expect(last(scenario(moved))[1]!.pgoff).toBe(0x7f0000000000 / 4096 + 4)
  })
  it('and merges when the file offset is the absolute page of the window base', () => {
    const base = scenario([dz('A', 0, 4, 0x500000000), dz('B', 10, 4, 0), { op: 'mremap', at: 10, pages: 4, newPages: 4, to: 4 }], { base: '0x500000000000' })
    expect(layout(last(base))).toBe('[0,8)')
  })
  it('do_mmap gives anonymous memory pgoff = the absolute page', () => {
    expect(last(scenario([map('A', 3, 1)], { base: '0x10000' }))[0]!.pgoff).toBe(0x10 + 3)
  })
})

describe('is_mergeable_anon_vma: vmg->copied_from of a fork child (6.18.8 stable, e96ecd36c329)', () => {
  const steps: Step[] = [map('A', 0, 4), { op: 'touch', at: 0, pages: 4, write: true }, { op: 'fork' }, map('N', 4, 4),
    { op: 'mremap', at: 0, pages: 4, newPages: 4, to: 20 }, { op: 'mremap', at: 20, pages: 4, newPages: 4, to: 0 }]
  it('6.18 refuses to merge a moved fork child into an unfaulted neighbour; 6.17 merges it', () => {
    expect(layout(last(scenario(steps), '6.18'))).toBe('[0,4) [4,8)')
    expect(layout(last(scenario(steps), '6.17'))).toBe('[0,8)')
    const checks = run(scenario(steps)).steps[5]!.checks
    expect(checks.find((c) => c.fn === 'is_mergeable_anon_vma' && !c.pass)?.text).toMatch(/copied from .* fork child/)
  })
  it('is the one profile switch: copiedFromForkCheck, on only for 6.18', () => {
    expect(Object.values(PROFILES).filter((p) => p.copiedFromForkCheck).map((p) => p.id)).toEqual(['6.18'])
  })
})

describe('do_mmap path_noexec: secretmem, perf and io_uring', () => {
  const special = (kind: 'secretmem' | 'perf' | 'io_uring', name: string, at: number | undefined, pages: number, extra: Record<string, unknown> = {}) =>
    map(name, at, pages, { share: 'shared', backing: { kind, file: kind, pgoff: 0 }, ...extra })
  it('clears VM_MAYEXEC; PROT_EXEC is EPERM at mmap and EACCES at mprotect', () => {
    const sc = scenario([special('secretmem', 'S', 0, 2), special('secretmem', 'X', 4, 2, { prot: 'r-x' }), { op: 'mprotect', at: 0, pages: 2, prot: 'rwx' }])
    const t = run(sc)
    expect(t.vmasAt(1)[0]!.mnemonics).toEqual(['rd', 'wr', 'sh', 'mr', 'mw', 'ms', 'lo', 'dd'])
    expect(t.steps.map((s) => s.error)).toEqual([null, 'EPERM', 'EACCES'])
  })
  it('secretmem_mmap_prepare refuses a private mapping; perf_mmap wants 1 + 2^n shared pages', () => {
    expect(errors(scenario([special('secretmem', 'P', 0, 2, { share: 'private' })]))).toEqual(['EINVAL'])
    expect(errors(scenario([special('perf', 'R', 0, 3), special('perf', 'Q', 10, 4), special('perf', 'Pv', 20, 3, { share: 'private' })]))).toEqual([null, 'EINVAL', 'EINVAL'])
    expect(last(scenario([special('perf', 'R', 0, 3)]))[0]!.mnemonics).toEqual(['rd', 'wr', 'sh', 'mr', 'mw', 'ms', 'pf', 'io', 'dc', 'de', 'dd'])
  })
  it('io_uring_get_unmapped_area refuses any address; kernel-placed it is de mm without me', () => {
    expect(errors(scenario([special('io_uring', 'U', 0, 1)]))).toEqual(['EINVAL'])
    const placed = last(scenario([special('io_uring', 'U', undefined, 1)], { placement: 'kernel' }))
    expect(placed[0]!.mnemonics).toEqual(['rd', 'wr', 'sh', 'mr', 'mw', 'ms', 'de', 'mm'])
  })
})

describe('perf_mmap_may_split and vma_multi_allowed', () => {
  const perf = map('R', 2, 3, { share: 'shared', backing: { kind: 'perf', file: 'P', pgoff: 0 } })
  const sc = scenario([map('L', 0, 2), perf, map('H', 5, 2, { prot: 'r--' }),
    { op: 'mremap', at: 3, pages: 1, newPages: 1, to: 20 }, { op: 'munmap', at: 4, pages: 1 }, { op: 'mprotect', at: 2, pages: 1, prot: 'r--' },
    { op: 'mremap', at: 0, pages: 7, newPages: 7, to: 40 }])
  it('a partial move (prep_move_vma), munmap or mprotect (__split_vma) is EINVAL; a whole multi-VMA move is allowed', () => {
    expect(errors(sc)).toEqual([null, null, null, 'EINVAL', 'EINVAL', 'EINVAL', null])
    expect(layout(last(sc))).toBe('[40,42) [42,45) [45,47)')
  })
})

describe('vms_abort_munmap_vmas: a failed hook under MAP_FIXED leaves a hole', () => {
  it('secretmem .mmap_prepare and perf .mmap refusals unmap the old range and return the errno', () => {
    const sc = scenario([map('A', 0, 8), map('S', 2, 2, { share: 'private', mapFlags: ['MAP_FIXED'], backing: { kind: 'secretmem', file: 'S', pgoff: 0 } })])
    expect(errors(sc)).toEqual([null, 'EINVAL'])
    expect(layout(last(sc))).toBe('[0,2) [4,8)')
    expect(fns(sc, 2)).toContain('vms_abort_munmap_vmas')
    const noFixed = scenario([map('A', 0, 8), map('S', 2, 2, { share: 'private', backing: { kind: 'secretmem', file: 'S', pgoff: 0 } })])
    expect(errors(noFixed)).toEqual([null, 'EEXIST'])
  })
})

describe('arch_vma_access_permitted: an execute-only mapping and protection keys', () => {
  const steps: Step[] = [map('X', 0, 2, { prot: '--x' }), { op: 'touch', at: 0, pages: 2, write: false }]
  it('faults on a read with protection keys (the default), reads without', () => {
    expect(errors(scenario(steps))).toEqual([null, 'EFAULT'])
    expect(errors(scenario(steps, { machine: { protectionKeys: false } }))).toEqual([null, null])
    expect(run(scenario(steps)).assumptions).toMatchObject({ protectionKeys: true, protectionKeysKnown: false })
  })
})

describe('thp_get_unmapped_area: kernel-placed mappings of 2 MiB multiples are THP-aligned', () => {
  const w = { windowPages: 2560, placement: 'kernel' as const }
  it('anonymous: aligned to the absolute 2 MiB boundary; an aligned start moves up by 2 MiB (top-down)', () => {
    const sc = scenario([map('a', undefined, 3), map('H1', undefined, 512), map('H2', undefined, 512), map('odd', undefined, 511)], { ...w, base: '0x500000000000' })
    const t = run(sc)
    expect(t.steps.map((s) => s.range?.[0])).toEqual([2557, 1536, 1024, 1024 - 511])
    expect(t.steps.every((s) => s.unpredictable === undefined)).toBe(true)
    const shifted = run(scenario([map('H1', undefined, 512)], { ...w, base: '0x500000001000' }))
    expect(shifted.steps[0]!.range?.[0]).toBe(2047) // ≡ 511 (mod 512): the absolute address is 2 MiB-aligned
  })
  it('says the real address cannot be predicted when the scenario gives no base', () => {
    const t = run(scenario([map('H1', undefined, 512)], w))
    expect(t.steps[0]!.unpredictable).toMatch(/cannot|differ from run to run/)
    expect(t.assumptions.baseKnown).toBe(false)
  })
})
