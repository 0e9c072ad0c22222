/**
 * The initial address space (`scenario.initial`): a scenario cut at any step,
 * with the VMAs of that step given as its initial state, must go on exactly as
 * the uncut run does. This checks the records, files and anon_vma identities
 * made at step 0 behave like those the steps made, without writing any
 * expected layout by hand.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Backing, InitialVma, Scenario, Step } from '../scenario/types'
import { loadScenario } from '../scenario/load'
import { MODELLED_VM_FLAGS } from '../scenario/schema'
import { KERNEL_IDS, type VmaView } from './api'
import { flagNames } from './flags'
import { simulate } from './simulate'
import { insideWindow } from './testing/inside-window'

const W = 24
const RUNS = Number(process.env.VMASCOPE_PROPERTY_RUNS ?? 150)

// Backings whose identity an initial VMA can carry: private anon, ext4 files, memfds, a driver.
// (Anonymous shared memory is one shmem file per mapping, which a name cannot say.)
const backingArb: fc.Arbitrary<Backing> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Backing>({ kind: 'anon' }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('file' as const), file: fc.constantFrom('F', 'G'), pgoff: fc.nat(6), fs: fc.constant('ext4' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('shmem' as const), file: fc.constant('M'), pgoff: fc.nat(6) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('device' as const), file: fc.constant('/dev/drv'), pgoff: fc.nat(4), hook: fc.constant('mmap' as const), setsFlags: fc.constantFrom<string[]>([], ['VM_DONTDUMP']) }) },
)
const at = fc.nat(W - 1)
const len = fc.integer({ min: 0, max: 6 })
const prot = fc.constantFrom('rw-', 'r--', 'r-x')
const mmapArb = fc.record({ op: fc.constant('mmap' as const), name: fc.constantFrom('A', 'B'), at, pages: len, prot, share: fc.constant('private' as const), backing: backingArb })
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: mmapArb },
  { weight: 1, arbitrary: mmapArb.filter((s) => s.backing.kind !== 'anon').map((s) => ({ ...s, share: 'shared' as const })) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('munmap' as const), at, pages: len }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('mprotect' as const), at, pages: len, prot }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('madvise' as const), at, pages: len, advice: fc.constantFrom('MADV_MERGEABLE' as const, 'MADV_UNMERGEABLE' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('prctl' as const), option: fc.constant('PR_SET_MEMORY_MERGE' as const), value: fc.constantFrom(0, 1) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('touch' as const), at, pages: len, write: fc.boolean() }) },
)
const scenarioArb: fc.Arbitrary<Scenario> = fc.array(stepArb, { minLength: 2, maxLength: 14 })
  .map((steps) => ({ format: 'vma-scenario/3', windowPages: W, placement: 'fixed', steps: insideWindow(steps, W) }))

function asInitial(v: VmaView): InitialVma {
  const backing = v.backing === 'heap' ? 'heap' : v.file === null ? 'anon' : v.backing === 'shmem' ? 'shmem' : v.backing === 'device' ? 'device' : 'file'
  const file = v.file === null ? undefined : backing === 'shmem' ? v.file.replace(/^memfd:/, '') : v.file
  return {
    start: v.start, end: v.end, prot: v.prot, share: v.share, backing, pgoff: v.pgoff, flags: v.flags,
    ...(file !== undefined ? { file } : {}),
    ...(v.anonVma !== null ? { anonVma: v.anonVma } : {}),
  }
}

const layout = (vs: VmaView[]) => vs.map((v) => [v.start, v.end, v.prot, v.share, v.mergeable, v.pgoff, v.flags.join(' '), v.anonVma !== null, v.backing, v.file])

describe.each(KERNEL_IDS)('a scenario cut at step k, with step k\'s VMAs as its initial state, kernel %s', (kernel) => {
  it('goes on exactly as the uncut run', () => {
    fc.assert(fc.property(scenarioArb, fc.nat(), (scenario, pick) => {
      const whole = simulate(scenario, kernel)
      const k = 1 + (pick % (scenario.steps.length - 1))
      const cut: Scenario = {
        ...scenario,
        initial: { mergeAny: whole.steps[k - 1]!.mergeAny, vmas: whole.vmasAt(k).map(asInitial) },
        steps: scenario.steps.slice(k),
      }
      const loaded = loadScenario(cut)
      expect(loaded.ok ? null : loaded.text).toBeNull()
      if (!loaded.ok) return
      const rest = simulate(loaded.scenario, kernel)
      expect(layout(rest.vmasAt(0))).toEqual(layout(whole.vmasAt(k)))
      for (let i = 1; i <= cut.steps.length; i++) {
        const a = rest.steps[i - 1]!
        const b = whole.steps[k + i - 1]!
        expect([a.error, a.outcome, a.ksm, a.mapCount, a.mergeAny]).toEqual([b.error, b.outcome, b.ksm, b.mapCount, b.mergeAny])
        expect(layout(rest.vmasAt(i))).toEqual(layout(whole.vmasAt(k + i)))
        // The decision record is rebuilt from the restored start of the step, initial VMAs included.
        expect(rest.explain(i).map((c) => [c.fn, c.rule, c.pass])).toEqual(whole.explain(k + i).map((c) => [c.fn, c.rule, c.pass]))
      }
    }), { numRuns: RUNS })
  })
})

describe('initial state', () => {
  it('is the state before step 1; an imported heap sets the break and grows like one brk() made', () => {
    const loaded = loadScenario({
      format: 'vma-scenario/3', windowPages: 64, brkBase: 10,
      initial: { vmas: [{ start: 10, end: 14, prot: 'rw-', share: 'private', backing: 'heap' }, { start: 40, end: 42, prot: 'r--', share: 'private', backing: 'file', file: '/usr/lib/libc.so.6', name: 'libc', anonVma: 3 }] },
      steps: [{ op: 'brk', pages: 4 }, { op: 'brk', pages: 6 }],
    })
    if (!loaded.ok) throw new Error(loaded.text)
    const trace = simulate(loaded.scenario, '6.18')
    expect(trace.vmasAt(0).map((v) => [v.start, v.end, v.backing, v.names.join(), v.file, v.anonVma])).toEqual([
      [10, 14, 'heap', '[heap]', null, null],
      [40, 42, 'file', 'libc', '/usr/lib/libc.so.6', 3],
    ])
    // The same heap made by brk() steps.
    const made = simulate({ format: 'vma-scenario/3', windowPages: 64, placement: 'fixed', brkBase: 10, steps: [{ op: 'brk', pages: 4 }, { op: 'brk', pages: 6 }] }, '6.18')
    expect(trace.steps[0]!.outcome).toBe('unchanged')
    expect(trace.steps[1]!.outcome).toBe(made.steps[1]!.outcome)
    expect(layout(trace.vmasAt(2)).slice(0, 1)).toEqual(layout(made.vmasAt(2)))
  })

  it('names every flag the engine models, in kernel bit order', () => {
    expect(flagNames(2 ** MODELLED_VM_FLAGS.length - 1)).toEqual([...MODELLED_VM_FLAGS])
  })
})
