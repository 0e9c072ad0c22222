import { describe, expect, it } from 'vitest'
import { simulate } from '../engine/simulate'
import { loadScenario } from './load'
import { STRESS_SCENARIOS, findStressScenario, stressGenerators } from './stress'

describe('stress scenarios', () => {
  it.each(STRESS_SCENARIOS.map((e) => [e.id, e] as const))('%s is exactly what loadScenario makes of it', (_id, entry) => {
    const scenario = entry.build()
    const loaded = loadScenario(scenario)
    expect(loaded.ok ? loaded.warnings : loaded.text).toEqual([])
    if (loaded.ok) expect(loaded.scenario).toEqual(scenario)
  })

  it('stress-65530 ends with vm.max_map_count VMAs, one per mapping', () => {
    const scenario = findStressScenario('stress-65530')!.build()
    const trace = simulate(scenario, '6.18')
    const last = trace.steps[trace.steps.length - 1]!
    expect(trace.steps.length).toBe(65530)
    expect(last.mapCount).toBe(65530)
    expect(trace.steps.every((s) => s.error === null)).toBe(true)
  })

  it('the mprotect sweep has 60,001 steps, splits to one VMA per page, then merges back to one', () => {
    const small = simulate(stressGenerators.mprotectSweep(10), '6.18')
    const counts = small.steps.map((s) => s.mapCount)
    expect(Math.max(...counts)).toBe(10)
    expect(counts[counts.length - 1]).toBe(1)
    expect(small.steps.every((s) => s.error === null)).toBe(true)
    expect(stressGenerators.mprotectSweep().steps.length).toBe(60_001)
  })

  it('the fragmented heap runs without errors and leaves many VMAs with holes between them', () => {
    const trace = simulate(stressGenerators.fragmentedHeap(600), '6.18')
    expect(trace.steps.filter((s) => s.error !== null)).toEqual([])
    const vmas = trace.vmasAt(trace.steps.length)
    const holes = vmas.filter((v, i) => i > 0 && vmas[i - 1]!.end < v.start).length
    expect(vmas.length).toBeGreaterThan(200)
    expect(holes).toBeGreaterThan(100)
  })
})
