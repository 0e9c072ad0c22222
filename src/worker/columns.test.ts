import { describe, expect, it } from 'vitest'
import { simulate } from '../engine/simulate'
import { loadScenario } from '../scenario/load'
import { stressGenerators } from '../scenario/stress'
import type { VmaView } from '../engine/api'
import { asPage } from '../engine/units'
import { STEP_CODES, STEP_NUMBERS, VMA_FIELDS, decodeSteps, decodeVmas, encodeSteps, encodeVmas, plainStep } from './columns'

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

describe('the field tables drive encode and decode', () => {
  const trace = simulate(stressGenerators.fragmentedHeap(40), '6.18')
  const views = trace.vmasAt(trace.steps.length)

  it('VMA_FIELDS carries every VmaView field exactly once', () => {
    const keys = VMA_FIELDS.flatMap((field) => field.keys)
    expect(new Set(keys).size).toBe(keys.length)
    expect([...keys].sort()).toEqual(Object.keys(views[0]!).sort())
  })

  // A field encoded but not decoded (or decoded into another key) fails here.
  it('each field decodes exactly the keys it encodes, to the same values', () => {
    // Two VMAs that differ in every field, so a field decoded from the wrong slot shows.
    const a: VmaView = { ...views[0]!, id: 7, structId: 5, dupOf: 3, start: asPage(10), end: asPage(12), pgoff: 4, prot: 'r-x', share: 'shared', mergeable: true, names: ['x', 'y'], flags: ['VM_READ'], mnemonics: ['rd'], backing: 'file', file: 'lib.so', fileId: 2, anonVma: 9, forkChild: true, vmOpsClose: true }
    const b: VmaView = { ...views[0]!, id: 8, structId: 8, dupOf: null, start: asPage(20), end: asPage(30), pgoff: 0, prot: 'rw-', share: 'private', mergeable: false, names: ['z'], flags: ['VM_READ', 'VM_WRITE'], mnemonics: ['rd', 'wr'], backing: 'anon', file: null, fileId: null, anonVma: null, forkChild: false, vmOpsClose: false }
    const columns = encodeVmas([a, b])
    for (const [i, original] of [a, b].entries()) {
      for (const field of VMA_FIELDS) {
        const numbers = columns.numbers.length / 2
        const codes = columns.codes.length / 2
        const slot = VMA_FIELDS.filter((f) => f.column === field.column).indexOf(field)
        const x = field.column === 'numbers' ? columns.numbers[i * numbers + slot]! : columns.codes[i * codes + slot]!
        const out = {} as Record<string, unknown>
        field.decode(x, columns, out as unknown as VmaView)
        expect(Object.keys(out).sort(), `field ${field.keys.join('+')}`).toEqual([...field.keys].sort())
        for (const key of field.keys) expect(out[key], key).toEqual(original[key])
      }
    }
    expect(decodeVmas(columns)).toEqual([a, b])
  })

  it('every step field but the ids and summary has a slot, and decodes', () => {
    const steps = trace.steps.map(({ checks: _checks, ...rest }) => rest)
    const slotted = [...Object.keys(STEP_NUMBERS).filter((k) => !k.startsWith('range')), 'range', ...Object.keys(STEP_CODES), 'created', 'removed', 'summary'].sort()
    expect(slotted).toEqual(Object.keys(steps[0]!).sort())
    const decoded = decodeSteps(encodeSteps(steps)).map(plainStep)
    expect(Object.keys(decoded[0]!).sort()).toEqual(slotted)
    expect(decoded).toEqual(steps)
  })
})
