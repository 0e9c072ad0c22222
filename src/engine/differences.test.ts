import { describe, expect, it } from 'vitest'
import { corpusScenarios } from '../fidelity/corpus'
import { stressGenerators } from '../scenario/stress'
import { KERNEL_IDS, type Trace } from './api'
import { differingSteps } from './differences'
import { simulate } from './simulate'

/** The definition, step by step: compare whole VMA lists. */
function naive(a: Trace, b: Trace): number[] {
  const out: number[] = []
  const same = (x: Trace, y: Trace, i: number) => {
    const p = x.vmasAt(i)
    const q = y.vmasAt(i)
    return p.length === q.length && p.every((v, k) => v.start === q[k]!.start && v.end === q[k]!.end && v.prot === q[k]!.prot && v.mergeable === q[k]!.mergeable)
  }
  for (let i = 1; i <= Math.min(a.steps.length, b.steps.length); i++) {
    const sa = a.steps[i - 1]!
    const sb = b.steps[i - 1]!
    if (sa.outcome !== sb.outcome || sa.ksm !== sb.ksm || sa.error !== sb.error || !same(a, b, i)) out.push(i)
  }
  return out
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

})
