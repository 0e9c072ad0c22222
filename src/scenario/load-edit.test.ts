import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { GALLERY, loadGalleryScenario } from './gallery'
import { loadScenario, loadScenarioEdit } from './load'
import { STRESS_SCENARIOS } from './stress'
import type { Scenario } from './types'

const gallery: Scenario[] = GALLERY.map((entry) => {
  const loaded = loadGalleryScenario(entry.id)
  if (!loaded.ok) throw new Error(loaded.text)
  return loaded.scenario
})

type Doc = Record<string, unknown> & { steps: Array<Record<string, unknown>> }

/** Values a field may be set to: good ones, bad ones, missing. */
const anyValue = fc.constantFrom<unknown>(0, 1, 2, 3, 7, 1023, 4096, -1, 1.5, 'r-x', 'rw-', 'rwz', 'shared', 'private', 'anon', 'x', '', null, undefined, true, [], ['MAP_POPULATE'], {},
  // Values the rules that tie fields together look at: a brk (needs brkBase), an mmap (needs its at), a device named as a file.
  'brk', 'mmap', { kind: 'file', file: '/dev/zero' })
const stepKey = fc.constantFrom('at', 'pages', 'prot', 'share', 'op', 'name', 'backing', 'advice', 'newPages', 'to', 'mayMove', 'bogus')
const topKey = fc.constantFrom('windowPages', 'placement', 'brkBase', 'title', 'notes', 'maxMapCount', 'format', 'bogus')

/** One edit as the editor makes it: copies, never changes `doc` in place. */
const edit = (scenario: Scenario) =>
  fc.oneof(
    fc.record({ kind: fc.constant('step' as const), index: fc.nat(scenario.steps.length - 1), key: stepKey, value: anyValue }),
    fc.record({ kind: fc.constant('top' as const), key: topKey, value: anyValue }),
    fc.record({ kind: fc.constant('remove' as const), index: fc.nat(scenario.steps.length - 1) }),
    fc.record({ kind: fc.constant('duplicate' as const), index: fc.nat(scenario.steps.length - 1) }),
    fc.record({ kind: fc.constant('swap' as const), index: fc.nat(Math.max(0, scenario.steps.length - 2)) }),
  )

function apply(doc: Doc, change: { kind: string; index?: number; key?: string; value?: unknown }): Doc {
  const steps = doc.steps.slice()
  const i = change.index ?? 0
  switch (change.kind) {
    case 'step':
      if (steps[i]) steps[i] = { ...steps[i], [change.key!]: change.value }
      return { ...doc, steps }
    case 'top':
      return { ...doc, [change.key!]: change.value }
    case 'remove':
      steps.splice(i, 1)
      return { ...doc, steps }
    case 'duplicate':
      if (steps[i]) steps.splice(i + 1, 0, { ...steps[i] })
      return { ...doc, steps }
    default:
      if (steps[i + 1]) [steps[i], steps[i + 1]] = [steps[i + 1]!, steps[i]!]
      return { ...doc, steps }
  }
}

describe('loadScenarioEdit', () => {
  it.each(GALLERY.map((entry, i) => [entry.id, i] as const))('%s: a loaded scenario loads as itself (so the editor can start from it unchecked)', (_id, i) => {
    const scenario = gallery[i]!
    const again = loadScenario(scenario)
    expect(again.ok && again.scenario).toEqual(scenario)
  })

  it('gives loadScenario\'s answer for random edits of the gallery scenarios, from the scenario as loaded', () => {
    fc.assert(
      fc.property(
        fc.nat(gallery.length - 1).chain((g) => fc.tuple(fc.constant(g), fc.array(edit(gallery[g]!), { minLength: 1, maxLength: 3 }))),
        ([g, changes]) => {
          const scenario = gallery[g]!
          let doc = scenario as unknown as Doc
          for (const change of changes) doc = apply(doc, change)
          const full = loadScenario(doc)
          const incremental = loadScenarioEdit(doc, { document: scenario, scenario })
          expect(incremental).toEqual(full)
        },
      ),
      { numRuns: 600 },
    )
  })

  it('chained like the editor: each edit starts from the last one that loaded', () => {
    fc.assert(
      fc.property(fc.nat(gallery.length - 1).chain((g) => fc.tuple(fc.constant(g), fc.array(edit(gallery[g]!), { minLength: 2, maxLength: 8 }))), ([g, changes]) => {
        let previous = { document: gallery[g]! as unknown as Doc, scenario: gallery[g]! }
        let doc = previous.document
        for (const change of changes) {
          doc = apply(doc, change)
          const full = loadScenario(doc)
          const incremental = loadScenarioEdit(doc, previous)
          expect(incremental.ok).toBe(full.ok)
          if (full.ok && incremental.ok) {
            expect(incremental.scenario).toEqual(full.scenario)
            previous = { document: doc, scenario: incremental.scenario }
          } else expect(!incremental.ok && incremental.error).toEqual(!full.ok && full.error)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('checks the rules that tie fields together on an edited step, as loadScenario does', () => {
    const loaded = loadScenario({
      format: 'vma-scenario/3',
      windowPages: 16,
      steps: [
        { op: 'mmap', name: 'A', at: 0, pages: 2, prot: 'rw-', share: 'private', backing: { kind: 'anon' } },
        { op: 'mmap', name: 'B', at: 4, pages: 2, prot: 'rw-', share: 'private', backing: { kind: 'anon' } },
        { op: 'touch', at: 0, pages: 1, write: true },
      ],
    })
    if (!loaded.ok) throw new Error(loaded.text)
    const scenario = loaded.scenario
    const editOf = (index: number, fields: Record<string, unknown>) => {
      const steps: unknown[] = scenario.steps.slice()
      steps[index] = { ...scenario.steps[index], ...fields }
      return { ...scenario, steps } as unknown as Record<string, unknown>
    }
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [editOf(1, { at: undefined }), /^steps\[1\]\.at: required when placement is "fixed"/],
      [{ ...editOf(1, { at: 4 }), steps: [scenario.steps[0], { op: 'brk', pages: 2 }, scenario.steps[2]] }, /^brkBase: required, because steps\[1\] is a brk/],
      [editOf(1, { at: 15 }), /^steps\[1\]\.pages: the range \[15,17\) runs outside the scenario's window/],
      [editOf(2, { at: 16 }), /^steps\[2\]\.at: the range \[16,17\) runs outside/],
      [editOf(1, { backing: { kind: 'file', file: '/dev/zero' } }), /^steps\[1\]\.backing\.file: "\/dev\/zero" is a device/],
    ]
    for (const [doc, message] of cases) {
      const full = loadScenario(doc)
      expect(full.ok ? 'loaded' : full.text).toMatch(message)
      expect(loadScenarioEdit(doc, { document: scenario, scenario })).toEqual(full)
    }
  })

  it('an edit of one step of the 65,530-step stress scenario reuses the rest', () => {
    const scenario = STRESS_SCENARIOS.find((s) => s.id === 'stress-65530')!.build()
    const steps = scenario.steps.slice()
    steps[100] = { ...(steps[100] as object), pages: 'two' } as never
    const bad = loadScenarioEdit({ ...scenario, steps }, { document: scenario, scenario })
    expect(bad.ok ? 'loaded' : bad.text).toMatch(/^steps\[100\]\.pages: /)
    steps[100] = { ...(steps[100] as object), pages: 1 } as never
    const good = loadScenarioEdit({ ...scenario, steps }, { document: scenario, scenario })
    expect(good.ok && good.scenario.steps.length).toBe(65_530)
    expect(good.ok && good.scenario.steps[101]).toBe(scenario.steps[101])
  })
})
