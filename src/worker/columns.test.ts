import { describe, expect, it } from 'vitest'
import { simulate } from '../engine/simulate'
import { loadScenario } from '../scenario/load'
import { stressGenerators } from '../scenario/stress'
import { decodeSteps, decodeVmas, encodeSteps, encodeVmas, plainStep } from './columns'

const readFixture = async (name: string) => {
  const { readFileSync } = await import('node:fs')
  const loaded = loadScenario(readFileSync(new URL(`../fidelity/scenarios/${name}.json`, import.meta.url), 'utf8'))
  if (!loaded.ok) throw new Error(loaded.text)
  return loaded.scenario
}

describe('column transfer', () => {
  it.each(['K16-fork-child-inherits-merge-any', 'file-overlayfs-mprotect-merge', 'mremap-move-with-holes', 'devzero-shared-adjacent'])('round-trips every step and VMA list of %s', async (name) => {
    const trace = simulate(await readFixture(name), '6.18')
    const steps = trace.steps.map(({ checks: _checks, ...rest }) => rest)
    expect(decodeSteps(encodeSteps(steps)).map(plainStep)).toEqual(steps)
    for (let i = 0; i <= trace.steps.length; i++) expect(decodeVmas(encodeVmas(trace.vmasAt(i)))).toEqual(trace.vmasAt(i))
  })

  it('shares equal lists between VMAs (a few distinct values for thousands of VMAs)', () => {
    const trace = simulate(stressGenerators.alternatingMappings(5000), '6.18')
    const columns = encodeVmas(trace.vmasAt(5000))
    expect(columns.count).toBe(5000)
    expect(columns.flagLists.length).toBe(2)
    expect(columns.prots).toEqual(['rw-', 'r--'])
  })
})
