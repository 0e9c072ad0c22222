/**
 * The sliced comparison the worker runs, against the simple one
 * (recording.ts: every step's VMAs listed and compared), and at the size of
 * the stress scenario, with the differing steps stated, not computed.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { KernelId, Trace } from '../engine/api'
import { simulate } from '../engine/simulate'
import { loadScenario } from '../scenario/load'
import { stressGenerators } from '../scenario/stress'
import type { Scenario } from '../scenario/types'
import { recordedDifferenceKinds, type Recording } from './recording'
import { compareRecordingInSlices, recordedStepColumns, type SimulatedSteps } from './recording-compare'

const CORPUS = new URL('../fidelity/scenarios/', import.meta.url)

function corpus(): Scenario[] {
  const out: Scenario[] = []
  for (const name of readdirSync(CORPUS).filter((f) => f.endsWith('.json')).sort()) {
    const loaded = loadScenario(readFileSync(new URL(name, CORPUS), 'utf8'))
    if (loaded.ok) out.push(loaded.scenario)
  }
  return out
}

const stepsOf = (trace: Trace): SimulatedSteps => ({
  errorAt: (s) => trace.steps[s - 1]!.error,
  countAt: (s) => trace.steps[s - 1]!.mapCount,
  vmasAt: (s) => trace.vmasAt(s),
})

/** A run written as the recorder writes a real kernel's: errno and the VMAs after each step. */
function asRecording(trace: Trace): Recording {
  return {
    kernel: `real:${trace.kernel}`,
    steps: trace.steps.map((s) => ({ index: s.index, op: s.op, error: s.error, vmas: trace.vmasAt(s.index).map(({ start, end, prot, share, mergeable }) => ({ start, end, prot, share, mergeable })) })),
  }
}

function compareAll(recording: Recording, simulated: SimulatedSteps) {
  const slices = compareRecordingInSlices(recording, simulated, 7)
  let next = slices.next()
  let yields = 0
  while (!next.done) {
    yields++
    next = slices.next()
  }
  return { yields, differing: new Map(Array.from(next.value.steps, (step, i) => [step, next.value.errno[i] ? 'error' : 'layout'] as const)) }
}

describe('compareRecordingInSlices', () => {
  it('finds the same differing steps, with the same kinds, as the simple comparison, over the corpus', () => {
    const pairs: [KernelId, KernelId][] = [['6.18', '6.16'], ['6.16', '6.1'], ['6.12', 'v2']]
    let differing = 0
    for (const scenario of corpus()) {
      for (const [recorded, simulated] of pairs) {
        const recording = asRecording(simulate(scenario, recorded))
        const trace = simulate(scenario, simulated)
        const reference = recordedDifferenceKinds(recording, { errorAt: (s) => trace.steps[s - 1]!.error, vmasAt: (s) => trace.vmasAt(s) })
        expect(compareAll(recording, stepsOf(trace)).differing).toEqual(reference)
        differing += reference.size
      }
    }
    // The corpus is not all alike: many steps differ between these kernels.
    expect(differing).toBeGreaterThan(20)
  })

  it('compares the 65,530-step stress scenario, yielding as it goes, without listing the VMAs of steps whose counts differ', () => {
    const scenario = stressGenerators.alternatingMappings()
    const trace = simulate(scenario, '6.18')
    // A recording with the right VMAs at steps 1-3 only, none after, and ENOMEM at step 10.
    const recording: Recording = {
      kernel: 'real:6.18',
      steps: scenario.steps.map((s, i) => ({
        index: i + 1,
        op: s.op,
        error: i === 9 ? 'ENOMEM' : null,
        vmas: i < 3 ? Array.from({ length: i + 1 }, (_, k) => ({ start: k, end: k + 1, prot: k % 2 === 0 ? 'rw-' : 'r--', share: 'private' as const, mergeable: false })) : [],
      })),
    }
    let listed = 0
    const simulated = { ...stepsOf(trace), vmasAt: (s: number) => (listed++, trace.vmasAt(s)) }
    const { yields, differing } = compareAll(recording, simulated)
    expect(differing.size).toBe(65_527)
    expect([1, 2, 3].map((s) => differing.get(s))).toEqual([undefined, undefined, undefined])
    expect(differing.get(4)).toBe('layout')
    expect(differing.get(10)).toBe('error')
    expect(differing.get(65_530)).toBe('layout')
    expect(listed).toBe(3)
    expect(yields).toBe(Math.floor((65_530 - 1) / 7))

    const columns = recordedStepColumns(recording, 0)
    expect(columns.ops).toEqual(['mmap'])
    expect(columns.errors).toEqual(['ENOMEM'])
    expect(Array.from(columns.errorIndex.slice(8, 11))).toEqual([-1, 0, -1])
    expect(Array.from(columns.counts.slice(0, 6))).toEqual([0, 1, 2, 3, 0, 0])
  })
})
