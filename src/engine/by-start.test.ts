import { describe, expect, it } from 'vitest'
import { stressGenerators } from '../scenario/stress'
import type { Scenario } from '../scenario/types'
import { KERNEL_IDS } from './api'
import { viewsBefore } from './by-start'
import { simulate } from './simulate'
import { corpusScenarios } from '../fidelity/corpus'

const scenarios: [string, Scenario][] = [...corpusScenarios(), ['fragmented heap (400 chunks)', stressGenerators.fragmentedHeap(400)]]

describe('a trace read by record id', () => {
  it.each(KERNEL_IDS)('viewsBefore rebuilds every step before from the step after and its created/removed lists (%s)', (kernel) => {
    let checked = 0
    for (const [name, scenario] of scenarios) {
      const trace = simulate(scenario, kernel)
      for (let i = 1; i <= trace.steps.length; i++) {
        const { created, removed } = trace.steps[i - 1]!
        const view = (id: number) => trace.viewOf(id)!
        const before = viewsBefore(trace.vmasAt(i), created.map(view), removed.map(view))
        expect(before, `${name} step ${i}`).toEqual(trace.vmasAt(i - 1))
        checked++
      }
    }
    expect(checked).toBeGreaterThan(1000)
  })

  it('idsAt lists the ids of vmasAt, and viewOf gives the very views vmasAt returns', () => {
    for (const [name, scenario] of scenarios) {
      const trace = simulate(scenario, '6.18')
      for (let i = 0; i <= trace.steps.length; i++) {
        const views = trace.vmasAt(i)
        expect(Array.from(trace.idsAt(i)), `${name} step ${i}`).toEqual(views.map((v) => v.id))
        for (const view of views) expect(trace.viewOf(view.id)).toBe(view)
      }
      expect(trace.viewOf(trace.recordCount + 1)).toBeUndefined()
    }
  })
})
