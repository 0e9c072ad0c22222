import { describe, expect, it } from 'vitest'
import { corpusScenarios } from '../fidelity/corpus'
import { stressGenerators } from '../scenario/stress'
import { KERNEL_IDS, type Trace } from './api'
import { differingSteps, stepDifferences, type DifferenceKind } from './differences'
import { simulate } from './simulate'

/** The definition, step by step: compare whole VMA lists; what differs, the most telling first. */
function naiveKinds(a: Trace, b: Trace): [number, DifferenceKind][] {
  const out: [number, DifferenceKind][] = []
  const same = (x: Trace, y: Trace, i: number) => {
    const p = x.vmasAt(i)
    const q = y.vmasAt(i)
    return p.length === q.length && p.every((v, k) => v.start === q[k]!.start && v.end === q[k]!.end && v.prot === q[k]!.prot && v.mergeable === q[k]!.mergeable)
  }
  for (let i = 1; i <= Math.min(a.steps.length, b.steps.length); i++) {
    const sa = a.steps[i - 1]!
    const sb = b.steps[i - 1]!
    if (sa.error !== sb.error) out.push([i, 'error'])
    else if (sa.outcome !== sb.outcome) out.push([i, 'outcome'])
    else if (!same(a, b, i)) out.push([i, 'layout'])
    else if (sa.ksm !== sb.ksm) out.push([i, 'ksm'])
  }
  return out
}

/** The definition, step by step: compare whole VMA lists. */
function naive(a: Trace, b: Trace): number[] {
  return naiveKinds(a, b).map(([step]) => step)
}

describe('differingSteps', () => {
  it('finds exactly the steps a whole-list comparison finds, for every kernel pair over the corpus', () => {
    let differing = 0
    for (const [name, scenario] of [...corpusScenarios(), ['fragmented heap', stressGenerators.fragmentedHeap(300)] as const]) {
      const traces = KERNEL_IDS.map((kernel) => simulate(scenario, kernel))
      for (let x = 0; x < traces.length; x++) {
        for (let y = x + 1; y < traces.length; y++) {
          const found = differingSteps(traces[x]!, traces[y]!)
          expect(found, `${name}: ${KERNEL_IDS[x]} vs ${KERNEL_IDS[y]}`).toEqual(naive(traces[x]!, traces[y]!))
          differing += found.length
        }
      }
    }
    // The corpus is about kernels disagreeing: the comparison must have had something to find.
    expect(differing).toBeGreaterThan(50)
  })

  it('says what differs at each step, as a whole-list comparison does; every kind occurs in the corpus', () => {
    const seen = new Set<DifferenceKind>()
    for (const [name, scenario] of corpusScenarios()) {
      const traces = KERNEL_IDS.map((kernel) => simulate(scenario, kernel))
      for (let x = 0; x < traces.length; x++) {
        for (let y = x + 1; y < traces.length; y++) {
          const { steps, kinds } = stepDifferences(traces[x]!, traces[y]!)
          const pairs = steps.map((step, i) => [step, kinds[i]!] as [number, DifferenceKind])
          expect(pairs, `${name}: ${KERNEL_IDS[x]} vs ${KERNEL_IDS[y]}`).toEqual(naiveKinds(traces[x]!, traces[y]!))
          for (const kind of kinds) seen.add(kind)
        }
      }
    }
    expect([...seen].sort()).toEqual(['error', 'ksm', 'layout', 'outcome'])
  })

})
