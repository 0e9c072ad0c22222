/**
 * A run without history (`history: false`, read step by step with
 * `Simulation.takeStep`, as the command-line runner streams it) prints exactly
 * the document of the run that keeps its trace: the expected document comes
 * from `simulate()` and `traceToRunnerJson`, which rebuild each step from the
 * trace and write its checks by re-running it (independent code), and the two
 * are compared byte for byte as JSON, over the fidelity corpus, the gallery,
 * stress scenarios and random scenarios, under every profile.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { corpusScenarios } from '../fidelity/corpus'
import { stressGenerators } from '../scenario/stress'
import type { Scenario } from '../scenario/types'
import { KERNEL_IDS, type KernelId } from './api'
import { takenStepToRunnerJson, traceToRunnerJson, type RunnerStep } from './report'
import { EngineStepError, Simulation, simulate } from './simulate'
import { galleryScenarios } from './testing/gallery-scenarios'
import { scenarioArb } from './testing/scenario-arb'

const RUNS = Number(process.env.VMASCOPE_PROPERTY_RUNS ?? 100)

const NAMED: [string, Scenario][] = [
  ...corpusScenarios(),
  ...galleryScenarios(),
  ['fragmented heap (200 chunks)', stressGenerators.fragmentedHeap(200)],
  ['mprotect sweep (60)', stressGenerators.mprotectSweep(60)],
]

/** The document of a run without history, taken step by step. */
function streamed(scenario: Scenario, kernel: KernelId): { kernel: string; machine: unknown; steps: RunnerStep[] } {
  const run = new Simulation(scenario, kernel, { history: false })
  const steps: RunnerStep[] = []
  for (let taken = run.takeStep(); taken; taken = run.takeStep()) steps.push(takenStepToRunnerJson(taken))
  return { kernel, machine: run.assumptions, steps }
}

describe('a run without history', () => {
  it.each(KERNEL_IDS)('gives the very document of the run with a trace, step by step (corpus, gallery, stress; %s)', (kernel) => {
    let steps = 0
    for (const [name, scenario] of NAMED) {
      const expected = JSON.stringify(traceToRunnerJson(simulate(scenario, kernel)), null, 2)
      const got = streamed(scenario, kernel)
      expect(JSON.stringify(got, null, 2), name).toBe(expected)
      steps += got.steps.length
    }
    expect(steps).toBeGreaterThan(500)
  })

  it('gives the very document of the run with a trace for random scenarios, every profile', () => {
    fc.assert(
      fc.property(scenarioArb(24, { all: true, maxMapCount: fc.option(fc.integer({ min: 2, max: 8 }), { nil: undefined }) }), fc.constantFrom(...KERNEL_IDS), (scenario, kernel) => {
        expect(JSON.stringify(streamed(scenario, kernel))).toBe(JSON.stringify(traceToRunnerJson(simulate(scenario, kernel))))
      }),
      { numRuns: RUNS },
    )
  })

  it('keeps no trace: its trace cannot be read, and it ends with null', () => {
    const scenario = stressGenerators.mprotectSweep(10)
    const run = new Simulation(scenario, '6.18', { history: false })
    expect(() => run.trace).toThrow('keeps no trace')
    run.advance(scenario.steps.length - 1)
    expect(run.takeStep()?.result.index).toBe(scenario.steps.length)
    expect(run.takeStep()).toBeNull()
  })

  it('names the step that throws (EngineStepError)', () => {
    // A step the loader would refuse (no backing), handed to the engine directly.
    const broken = { format: 'vma-scenario/1', windowPages: 16, placement: 'fixed', steps: [{ op: 'fork' }, { op: 'mmap', at: 4, pages: 1, prot: 'rw-', share: 'private' }] } as unknown as Scenario
    const run = new Simulation(broken, '6.18', { history: false })
    expect(run.takeStep()?.result.op).toBe('fork')
    let thrown: unknown
    try {
      run.takeStep()
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(EngineStepError)
    expect((thrown as EngineStepError).stepIndex).toBe(2)
  })
})
