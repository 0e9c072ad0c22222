/**
 * Model-based property tests: random scenarios run through the engine under
 * every kernel profile, compared page by page with the simple reference model
 * (./testing/page-model.ts) after every step, plus the engine's invariants.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { KERNEL_IDS, type VmaView } from './api'
import { simulate } from './simulate'
import { runPageModel, type PageState } from './testing/page-model'
import { scenarioArb as scenariosIn } from './testing/scenario-arb'

const W = 24
/** More runs locally with VMASCOPE_PROPERTY_RUNS=5000. */
const RUNS = Number(process.env.VMASCOPE_PROPERTY_RUNS ?? 300)

const scenarioArb = scenariosIn(W)

function pagesOf(vmas: readonly VmaView[], fileKey: (v: VmaView) => string): (PageState | null)[] {
  const out: (PageState | null)[] = new Array(W).fill(null)
  for (const v of vmas) {
    for (let p = v.start; p < v.end; p++) {
      out[p] = { prot: v.prot, share: v.share, backing: fileKey(v), pgoff: v.pgoff + (p - v.start), mergeable: v.mergeable, ksmIncompatible: false }
    }
  }
  return out
}

/** The model names backings by scenario identity; the engine by struct file. Compare what both know. */
const comparable = (p: PageState | null) => p && { prot: p.prot, share: p.share, mergeable: p.mergeable, anon: p.backing === 'anon', pgoff: p.backing.startsWith('anon-shared') ? null : p.pgoff }

describe.each(KERNEL_IDS)('engine vs the page model, kernel %s', (kernel) => {
  it('agrees page by page after every step, and keeps its invariants', () => {
    fc.assert(fc.property(scenarioArb, (scenario) => {
      const trace = simulate(scenario, kernel)
      const model = runPageModel(scenario, { v2Defect: kernel === 'v2', noMemoryMerge: kernel === '6.1' })
      for (let i = 1; i <= scenario.steps.length; i++) {
        const vmas = trace.vmasAt(i)
        // Invariants: sorted, non-empty, non-overlapping, inside the window, map_count.
        for (let k = 0; k < vmas.length; k++) {
          const v = vmas[k]!
          expect(v.start).toBeLessThan(v.end)
          expect(v.end).toBeLessThanOrEqual(W)
          if (k > 0) expect(vmas[k - 1]!.end).toBeLessThanOrEqual(v.start)
        }
        expect(trace.steps[i - 1]!.mapCount).toBe(vmas.length)
        expect(trace.steps[i - 1]!.error).toBe(model[i - 1]!.error)
        const engine = pagesOf(vmas, (v) => (v.file === null ? 'anon' : v.backing === 'anon' && v.share === 'shared' ? 'anon-shared' : `f${v.fileId}`))
        expect(engine.map(comparable)).toEqual(model[i - 1]!.pages.map(comparable))
      }
    }), { numRuns: RUNS })
  })

  it('rebuilds any step from the trace exactly as a fresh run of the prefix', () => {
    fc.assert(fc.property(scenarioArb, fc.nat(), (scenario, pick) => {
      const trace = simulate(scenario, kernel)
      const i = 1 + (pick % scenario.steps.length)
      const prefix = simulate({ ...scenario, steps: scenario.steps.slice(0, i) }, kernel)
      const strip = (vs: VmaView[]) => vs.map((v) => [v.start, v.end, v.prot, v.mergeable, v.pgoff, v.names.join('+')])
      expect(strip(trace.vmasAt(i))).toEqual(strip(prefix.vmasAt(i)))
      expect(trace.steps.slice(0, i)).toEqual(prefix.steps)
    }), { numRuns: Math.ceil(RUNS / 2) })
  })
})

it('gives the same VMAs for a step however the steps are visited (rebuilt, derived from a neighbour, cached)', () => {
  fc.assert(fc.property(scenarioArb, fc.array(fc.integer({ min: -2, max: 2 }), { maxLength: 30 }), fc.nat(), (scenario, walk, start) => {
    const n = scenario.steps.length
    const visited = simulate(scenario, '6.18')
    const fresh = (i: number) => simulate(scenario, '6.18').vmasAt(i).map((v) => [v.start, v.end, v.prot, v.mergeable, v.pgoff])
    let i = start % (n + 1)
    for (const move of walk) {
      i = Math.max(0, Math.min(n, i + move))
      expect(visited.vmasAt(i).map((v) => [v.start, v.end, v.prot, v.mergeable, v.pgoff])).toEqual(fresh(i))
    }
  }), { numRuns: Math.ceil(RUNS / 3) })
})

it('is deterministic', () => {
  fc.assert(fc.property(scenarioArb, (scenario) => {
    expect(JSON.stringify(simulate(scenario, '6.18').steps)).toBe(JSON.stringify(simulate(scenario, '6.18').steps))
  }), { numRuns: 50 })
})
