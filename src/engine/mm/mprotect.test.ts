/**
 * mprotect(): do_mprotect_pkey() and mprotect_fixup() (mm/mprotect.c). The walk over the
 * VMAs of the range (ENOMEM at the first hole, what came before stays changed), VM_ACCOUNT
 * (charged when a private mapping becomes writable; dropped for an unfaulted anonymous one
 * from 6.12), the VM_MAY* test (EACCES), and the words of the decision record.
 */
import { describe, expect, it } from 'vitest'
import type { Scenario, Step } from '../../scenario/types'
import type { KernelId } from '../api'
import { simulate } from '../simulate'

const map = (name: string, at: number, pages: number, extra: Record<string, unknown> = {}): Step =>
  ({ op: 'mmap', name, at, pages, prot: 'rw-', share: 'private', backing: { kind: 'anon' }, ...extra }) as Step
const mprotect = (at: number, pages: number, prot: string): Step => ({ op: 'mprotect', at, pages, prot })
const scenario = (steps: Step[]): Scenario => ({ format: 'vma-scenario/3', windowPages: 64, placement: 'fixed', steps })
const views = (sc: Scenario, i: number, kernel: KernelId = '6.18') =>
  simulate(sc, kernel).vmasAt(i).map((v) => `[${v.start},${v.end}) ${v.prot}`).join(' ')
const result = (sc: Scenario, i: number, kernel: KernelId = '6.18') => { const s = simulate(sc, kernel).steps[i - 1]!; return [s.outcome, s.error] }
const record = (sc: Scenario, i: number, kernel: KernelId = '6.18') =>
  simulate(sc, kernel).explain(i).map((c) => `${c.fn}:${c.rule}:${c.pass ? 'pass' : 'fail'}:${c.text}`)

describe('do_mprotect_pkey: the walk', () => {
  it('of length 0 does nothing and returns 0', () => {
    const sc = scenario([map('A', 0, 2), mprotect(0, 0, 'r--')])
    expect(result(sc, 2)).toEqual(['unchanged', null])
    expect(simulate(sc, '6.18').steps[1]!.range).toEqual([0, 0])
    expect(record(sc, 2)).toEqual(['do_mprotect_pkey:zero-length:pass:length 0: nothing to do, returns 0'])
  })

  it('starting in a hole is ENOMEM and changes nothing, even when the rest is mapped', () => {
    const sc = scenario([map('A', 2, 2), mprotect(1, 3, 'r--')])
    expect(result(sc, 2)).toEqual([null, 'ENOMEM'])
    expect(views(sc, 2)).toBe('[2,4) rw-')
    expect(record(sc, 2)).toEqual(['do_mprotect_pkey:errno:fail:ENOMEM: page 1 is not mapped'])
    const beyond = scenario([map('A', 0, 2), mprotect(4, 2, 'r--')])
    expect(result(beyond, 2)).toEqual([null, 'ENOMEM'])
    expect(record(beyond, 2)).toEqual(['do_mprotect_pkey:errno:fail:ENOMEM: page 4 is not mapped'])
  })

  it('across a hole changes what comes before it, then stops with ENOMEM', () => {
    //   01234       01234
    //   AA BB  →    aa BB   (a: r--)
    const sc = scenario([map('A', 0, 2), map('B', 3, 2), mprotect(0, 5, 'r--')])
    expect(result(sc, 3)).toEqual(['modified', 'ENOMEM'])
    expect(views(sc, 3)).toBe('[0,2) r-- [3,5) rw-')
    expect(record(sc, 3).at(-1)).toBe('do_mprotect_pkey:errno:fail:ENOMEM: hole at [2,3): the part before it was changed')
  })

  it('past the last VMA changes the VMA, then says which pages are not mapped (ENOMEM)', () => {
    const sc = scenario([map('A', 0, 2), mprotect(0, 4, 'r--')])
    expect(result(sc, 2)).toEqual(['modified', 'ENOMEM'])
    expect(views(sc, 2)).toBe('[0,2) r--')
    expect(record(sc, 2).at(-1)).toBe('do_mprotect_pkey:errno:fail:ENOMEM: pages [2,4) are not mapped: the part before was changed')
  })

  it('with the flags a VMA already has does nothing to it (no merge attempt) and goes on to the next', () => {
    //   AAAABB → A (rw-) is left alone, B (r--) becomes rw- and merges into A
    const sc = scenario([map('A', 0, 4), map('B', 4, 2, { prot: 'r--' }), mprotect(0, 6, 'rw-')])
    expect(views(sc, 3)).toBe('[0,6) rw-')
    expect(result(sc, 3)).toEqual(['merged-prev', null])
    expect(record(sc, 3)[0]).toBe('mprotect_fixup:unchanged:pass:[0,4): flags unchanged, nothing to do (no merge attempt)')
    const same = scenario([map('A', 0, 4), mprotect(1, 2, 'rw-')])
    expect(result(same, 2)).toEqual(['unchanged', null])
    expect(views(same, 2)).toBe('[0,4) rw-')
  })

  it('changing two VMAs, each merging, is "modified" (one merge alone would be named)', () => {
    //   AABBCC (A r--, B rw-, C r--), mprotect [0,6) rw-: A merges with B (next), C with the
    //   result (prev): two merges, so the outcome names neither.
    const sc = scenario([map('A', 0, 2, { prot: 'r--' }), map('B', 2, 2), map('C', 4, 2, { prot: 'r--' }), mprotect(0, 6, 'rw-')])
    expect(views(sc, 4)).toBe('[0,6) rw-')
    expect(result(sc, 4)).toEqual(['modified', null])
  })
})

describe('mprotect_fixup: VM_ACCOUNT and the VM_MAY* bits', () => {
  const flags = (sc: Scenario, i: number, kernel: KernelId = '6.18') => simulate(sc, kernel).vmasAt(i)[0]!.flags

  it('charges VM_ACCOUNT when a private mapping becomes writable, and says so', () => {
    const sc = scenario([map('A', 0, 2, { prot: 'r--' }), mprotect(0, 2, 'rw-')])
    expect(flags(sc, 1)).not.toContain('VM_ACCOUNT')
    expect(flags(sc, 2)).toContain('VM_ACCOUNT')
    expect(record(sc, 2).slice(0, 2)).toEqual([
      'mprotect_fixup:account:pass:[0,2) becomes private writable: VM_ACCOUNT is charged',
      'mprotect_fixup:new-flags:pass:[0,2): new flags rd wr mr mw me ac',
    ])
  })

  it('charges nothing for a shared mapping or a MAP_NORESERVE one', () => {
    const shared = scenario([map('A', 0, 2, { prot: 'r--', share: 'shared' }), mprotect(0, 2, 'rw-')])
    expect(flags(shared, 2)).not.toContain('VM_ACCOUNT')
    expect(record(shared, 2).some((c) => c.includes(':account:'))).toBe(false)
    const noreserve = scenario([map('A', 0, 2, { prot: 'r--', mapFlags: ['MAP_NORESERVE'] }), mprotect(0, 2, 'rw-')])
    expect(flags(noreserve, 2)).not.toContain('VM_ACCOUNT')
  })

  it('drops VM_ACCOUNT of an unfaulted anonymous mapping made read-only from 6.12, never before', () => {
    const sc = scenario([map('A', 0, 2), mprotect(0, 2, 'r--')])
    expect(flags(sc, 1)).toContain('VM_ACCOUNT')
    expect(flags(sc, 2, '6.18')).not.toContain('VM_ACCOUNT')
    expect(flags(sc, 2, '6.12')).not.toContain('VM_ACCOUNT')
    expect(record(sc, 2, '6.18').slice(0, 2)).toEqual([
      'mprotect_fixup:account:pass:[0,2) is anonymous, unfaulted and no longer writable: VM_ACCOUNT is dropped',
      'mprotect_fixup:new-flags:pass:[0,2): new flags rd mr mw me',
    ])
    expect(flags(sc, 2, '6.6')).toContain('VM_ACCOUNT')
    expect(flags(sc, 2, '6.1')).toContain('VM_ACCOUNT')
    // Faulted, it keeps its charge on every kernel.
    const faulted = scenario([map('A', 0, 2), { op: 'touch', at: 0, pages: 2, write: true }, mprotect(0, 2, 'r--')])
    expect(flags(faulted, 3, '6.18')).toContain('VM_ACCOUNT')
    // A file mapping is not anonymous: it keeps it too.
    const file = scenario([map('F', 0, 2, { backing: { kind: 'file', file: 'f', pgoff: 0, fs: 'ext4' } }), mprotect(0, 2, 'r--')])
    expect(flags(file, 1)).toContain('VM_ACCOUNT')
    expect(flags(file, 2, '6.18')).toContain('VM_ACCOUNT')
  })

  it('refuses a protection whose VM_MAY* bit the VMA lacks (EACCES), naming the VMA and the protection', () => {
    // secretmem lives on a noexec mount: VM_MAYEXEC is never set.
    const sc = scenario([map('S', 0, 2, { share: 'shared', backing: { kind: 'secretmem', file: 's', pgoff: 0 } }), mprotect(0, 2, 'rwx')])
    expect(result(sc, 2)).toEqual(['unchanged', 'EACCES'])
    expect(views(sc, 2)).toBe('[0,2) rw-')
    expect(record(sc, 2)).toEqual(['do_mprotect_pkey:errno:fail:EACCES: [0,2) lacks the VM_MAY* bit for rwx'])
  })
})

describe('the decision record names the VMA each check is about', () => {
  const about = (sc: Scenario, i: number) =>
    simulate(sc, '6.18').explain(i).map((c) => `${c.rule} ${c.subject ?? '-'} ${c.range ? `[${c.range[0]},${c.range[1]})` : '-'}`)

  it('flags unchanged, VM_ACCOUNT charged, the new flags and the populate of a locked VMA: the VMA changed', () => {
    const sc = scenario([map('A', 0, 2), map('B', 2, 2, { prot: 'r--', mapFlags: ['MAP_LOCKED'] }), mprotect(0, 4, 'rw-')])
    const rules = about(sc, 3)
    expect(rules[0]).toBe('unchanged middle [0,2)')
    expect(rules[1]).toBe('account middle [2,4)')
    expect(rules[2]).toBe('new-flags middle [2,4)')
    expect(rules).toContain('populate middle [2,4)') // B keeps VM_LOCKED, so it does not merge with A
  })

  it('VM_ACCOUNT dropped and EACCES: the VMA refused or changed; ENOMEM for a hole names none', () => {
    expect(about(scenario([map('A', 0, 2), mprotect(0, 2, 'r--')]), 2).slice(0, 2)).toEqual(['account middle [0,2)', 'new-flags middle [0,2)'])
    const secret = scenario([map('S', 0, 2, { share: 'shared', backing: { kind: 'secretmem', file: 's', pgoff: 0 } }), mprotect(0, 2, 'rwx')])
    expect(about(secret, 2)).toEqual(['errno middle [0,2)'])
    expect(about(scenario([map('A', 2, 2), mprotect(1, 3, 'r--')]), 2)).toEqual(['errno - -'])
  })
})
