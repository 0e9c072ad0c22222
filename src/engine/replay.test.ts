/**
 * The explanation is the result: re-running a step with the decision record
 * on (what the Why panel shows, Trace.explain) comes to exactly the recorded
 * outcome, KSM timing, errno, range, map_count, MMF_VM_MERGE_ANY, process and
 * VMAs (ids and struct identities included), at every step of the fidelity
 * corpus, the gallery and random scenarios, under every profile. And a re-run
 * from a wrongly restored state is caught.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { corpusScenarios } from '../fidelity/corpus'
import { stressGenerators } from '../scenario/stress'
import type { Scenario } from '../scenario/types'
import { KERNEL_IDS, type Trace } from './api'
import type { ProcessState } from './process'
import { replayStep, simulate } from './simulate'
import { galleryScenarios } from './testing/gallery-scenarios'
import { scenarioArb } from './testing/scenario-arb'

const RUNS = Number(process.env.VMASCOPE_PROPERTY_RUNS ?? 150)

const NAMED: [string, Scenario][] = [
  ...corpusScenarios(),
  ...galleryScenarios(),
  ['fragmented heap (60 chunks)', stressGenerators.fragmentedHeap(60)],
  ['mprotect sweep (40)', stressGenerators.mprotectSweep(40)],
  // mremap with old_len 0 onto the start of the VMA it duplicates: once made the engine split at a VMA's own start and throw.
  ['mremap old_len 0 into its own VMA', {
    format: 'vma-scenario/3', windowPages: 12, placement: 'fixed', steps: [
      { op: 'mmap', name: 'A', at: 0, pages: 3, prot: 'rw-', share: 'shared', backing: { kind: 'device', file: '/dev/zero', pgoff: 0, hook: 'mmap', setsFlags: [] } },
      { op: 'mremap', at: 2, pages: 0, newPages: 1, to: 0 },
      { op: 'mprotect', at: 0, pages: 0, prot: 'rw-' },
    ],
  }],
]

/** The steps of `trace` whose explained re-run does not give the recorded step, with what differs. */
function disagreements(trace: Trace, tamper?: (state: ProcessState) => void): string[] {
  const out: string[] = []
  for (let i = 1; i <= trace.steps.length; i++) {
    const s = trace.steps[i - 1]!
    const r = replayStep(trace, i, tamper)!
    const recorded = { outcome: s.outcome, ksm: s.ksm, error: s.error, range: s.range, mapCount: s.mapCount, mergeAny: s.mergeAny, process: s.process, vmas: trace.vmasAt(i) }
    const replayed = { outcome: r.outcome, ksm: r.ksm, error: r.error, range: r.range, mapCount: r.mapCount, mergeAny: r.mergeAny, process: r.process, vmas: r.vmas }
    for (const key of Object.keys(recorded) as (keyof typeof recorded)[]) {
      if (JSON.stringify(recorded[key]) !== JSON.stringify(replayed[key])) out.push(`step ${i} ${key}: recorded ${JSON.stringify(recorded[key])}, explained re-run ${JSON.stringify(replayed[key])}`)
    }
    // The Why panel reads the same re-run.
    if (!tamper) expect(trace.explain(i)).toEqual(r.checks)
  }
  return out
}

describe.each(KERNEL_IDS)('the explained re-run is the recorded step (%s)', (kernel) => {
  it('at every step of the corpus, the gallery and two stress scenarios', () => {
    let steps = 0
    for (const [name, scenario] of NAMED) {
      const trace = simulate(scenario, kernel)
      expect(disagreements(trace), name).toEqual([])
      steps += trace.steps.length
    }
    expect(steps).toBeGreaterThan(600)
  })

  it('at every step of random scenarios (all ops, some at a low max_map_count)', () => {
    fc.assert(fc.property(scenarioArb(24, { all: true, maxMapCount: fc.option(fc.integer({ min: 2, max: 8 }), { nil: undefined }) }), (scenario) => {
      expect(disagreements(simulate(scenario, kernel))).toEqual([])
    }), { numRuns: RUNS })
  })
})

describe('a wrongly restored starting state is caught', () => {
  // K1: prctl(PR_SET_MEMORY_MERGE, 1), then A [0,2), then B [2,4): on 6.17+ B merges into A.
  const k1 = corpusScenarios().find(([name]) => name.startsWith('K01'))![1]

  it('MMF_VM_MERGE_ANY off in the re-run: B no longer merges, and the check says so', () => {
    const trace = simulate(k1, '6.18')
    expect(trace.steps[2]!.outcome).toBe('merged-prev')
    const found = disagreements(trace, (state) => { state.mergeAny = false })
    expect(found.some((d) => d.startsWith('step 3 outcome: recorded "merged-prev", explained re-run "new"'))).toBe(true)
    expect(found.some((d) => d.startsWith('step 3 ksm:'))).toBe(true)
  })

  it('one VMA missing from the restored address space is caught', () => {
    const trace = simulate(k1, '6.18')
    const found = disagreements(trace, (state) => { state.mm.vmas = state.mm.vmas.slice(1) })
    expect(found.some((d) => d.startsWith('step 3 '))).toBe(true)
  })
})
