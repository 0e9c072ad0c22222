import { describe, expect, it } from 'vitest'
import { GALLERY, loadGalleryScenario } from '../../scenario/gallery'
import { STRESS_SCENARIOS } from '../../scenario/stress'
import { Text } from '@codemirror/state'
import fc from 'fast-check'
import { documentBytesInSlices, documentOf, jsonLines } from './json-lines'

const oneCall = (draft: unknown) => `${JSON.stringify(draft, null, 2)}\n`
let pauses = 0
const pause = async () => {
  pauses++
}

describe('jsonLines', () => {
  it('writes each gallery scenario as JSON.stringify(…, null, 2) does', async () => {
    for (const entry of GALLERY) {
      const loaded = loadGalleryScenario(entry.id)
      if (!loaded.ok) throw new Error(loaded.text)
      expect((await jsonLines(loaded.scenario as unknown as Record<string, unknown>, pause)).join('\n')).toBe(oneCall(loaded.scenario))
    }
  })

  it('writes the stress scenarios the same, pausing between slices of steps', async () => {
    for (const entry of STRESS_SCENARIOS) {
      const scenario = entry.build()
      pauses = 0
      const lines = await jsonLines(scenario as unknown as Record<string, unknown>, pause)
      expect(lines.join('\n')).toBe(oneCall(scenario))
      expect(pauses).toBe(Math.ceil(scenario.steps.length / 8000) - 1)
    }
    expect(STRESS_SCENARIOS.find((s) => s.id === 'stress-65530')).toBeDefined()
  })

  it('writes drafts as typed: steps in the middle or last, empty, missing fields, values JSON cannot write', async () => {
    const drafts: Array<Record<string, unknown>> = [
      { format: 'vma-scenario/3', steps: [{ op: 'mmap', at: undefined, pages: 'two', backing: {} }, { op: 'touch' }], windowPages: 8, initial: { vmas: [] } },
      { format: 'vma-scenario/3', title: 'last', steps: [undefined, null, 3, 'x', [], {}, { flags: [] }] },
      { format: 'vma-scenario/3', steps: [] },
      { format: 'vma-scenario/3', title: 'a "steps": [] in a title,\n and a newline', steps: [{ op: 'brk', pages: 1 }], notes: '  "steps": [],' },
      { steps: [{ op: 'mmap' }] },
    ]
    for (const draft of drafts) expect((await jsonLines(draft, pause)).join('\n')).toBe(oneCall(draft))
  })

  it('writes any steps as JSON.stringify does (or fails as it does): nesting, -0, NaN, null prototypes, boxed values, dates, maps, sparse arrays', async () => {
    const value = fc.anything({ maxDepth: 4, withBoxedValues: true, withMap: true, withSet: true, withNullPrototype: true, withDate: true, withSparseArray: true, withObjectString: true, withBigInt: true, withTypedArray: true })
    await fc.assert(
      fc.asyncProperty(fc.array(value, { minLength: 1, maxLength: 6 }), async (steps) => {
        const draft = { format: 'vma-scenario/3', steps }
        let expected: string
        try {
          expected = oneCall(draft)
        } catch (error) {
          await expect(jsonLines(draft, pause)).rejects.toThrow((error as Error).constructor as ErrorConstructor)
          return
        }
        expect((await jsonLines(draft, pause)).join('\n')).toBe(expected)
      }),
      { numRuns: 400 },
    )
  })
})

describe('documentBytesInSlices', () => {
  it('reads a document as UTF-8 bytes of its toString, in slices, whatever its characters', async () => {
    const stress = STRESS_SCENARIOS.find((s) => s.id === 'stress-65530')!.build()
    const big = Text.of(oneCall(stress).split('\n')).replace(20, 21, Text.of(['x', 'y']))
    // Characters of 2, 3 and 4 bytes (a surrogate pair), on both sides of a slice's end (line 100,000).
    const wide = Array.from({ length: 250_000 }, (_, i) => (i % 3 === 0 ? `é${i}` : i % 3 === 1 ? `名前 ${i}` : `🦀${i}🦀`))
    const cases = [Text.empty, Text.of(['']), Text.of(['one line']), Text.of(['a', '', 'b', '']), Text.of(['🦀']), big, Text.of(wide)]
    for (const doc of cases) {
      pauses = 0
      const bytes = await documentBytesInSlices(doc, pause)
      expect(new TextDecoder().decode(bytes)).toBe(doc.toString())
      expect(bytes.length).toBe(new TextEncoder().encode(doc.toString()).length)
      expect(pauses).toBe(Math.max(0, Math.ceil(doc.lines / 100_000) - 1))
    }
    expect(big.lines).toBe(720_841)
  })
})

describe('documentOf', () => {
  it('makes a document from lines as Text.of does, in slices', async () => {
    const stress = STRESS_SCENARIOS.find((s) => s.id === 'stress-65530')!.build()
    for (const lines of [[''], ['a'], ['a', '', 'b', ''], oneCall(stress).split('\n')]) {
      pauses = 0
      const doc = await documentOf(lines, pause)
      expect(doc.eq(Text.of(lines))).toBe(true)
      expect(doc.lines).toBe(lines.length)
      expect(pauses).toBe(Math.max(0, Math.ceil(lines.length / 100_000) - 1))
    }
  })
})
