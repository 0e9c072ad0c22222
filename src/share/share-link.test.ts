import fc from 'fast-check'
import { compressToEncodedURIComponent } from 'lz-string'
import { describe, expect, it } from 'vitest'
import { KERNEL_IDS } from '../engine/api'
import { GALLERY } from '../scenario/gallery'
import { loadScenario } from '../scenario/load'
import type { Scenario } from '../scenario/types'
import { quadraticBomb } from './lz-bomb'
import { scenarioArbitrary } from './scenario-arbitrary'
import { LINK_LENGTH_LIMIT, buildShareUrl, compactScenario, decodeShareHash, encodeShareHash } from './share-link'
import { defaultSharedView, type ShareState, type SharedView } from './share-state'

const viewFor = (scenario: Scenario): fc.Arbitrary<SharedView> =>
  fc.record({
    kernel: fc.constantFrom(...KERNEL_IDS),
    compare: fc.option(fc.constantFrom(...KERNEL_IDS), { nil: null }),
    step: fc.integer({ min: 0, max: scenario.steps.length }),
    axisMode: fc.constantFrom('linear', 'compressed'),
    baseAddress: fc.constantFrom('0x7f0000000000', '0x0', '0x1000', '0x555555554000'),
    viewport: fc.option(
      fc.tuple(fc.nat(5000), fc.integer({ min: 1, max: 5000 })).map(([start, size]) => ({ startPage: start, endPage: start + size })),
      { nil: null },
    ),
    pinnedVmaId: fc.option(fc.nat(100), { nil: null }),
  })

const stateArbitrary: fc.Arbitrary<ShareState> = scenarioArbitrary.chain((scenario) => viewFor(scenario).map((view) => ({ scenario, view })))

function gallery(id: string): Scenario {
  const entry = GALLERY.find((e) => e.id === id)
  const loaded = loadScenario(entry?.document)
  if (!loaded.ok) throw new Error(loaded.text)
  return loaded.scenario
}

const hashOf = (document: unknown) => `v1.${compressToEncodedURIComponent(JSON.stringify(document))}`
const errorOf = (hash: string) => {
  const result = decodeShareHash(hash)
  if (result.ok) throw new Error('expected an error')
  return result
}

describe('share link round trip', () => {
  it('decodes every valid state it encodes to the same state', () => {
    fc.assert(
      fc.property(stateArbitrary, (state) => {
        const result = decodeShareHash(`#${encodeShareHash(state)}`)
        expect(result).toEqual({ ok: true, state, warnings: [] })
      }),
      { numRuns: 300 },
    )
  })

  it('leaves out only values that loadScenario fills back in', () => {
    fc.assert(
      fc.property(scenarioArbitrary, (scenario) => {
        const loaded = loadScenario(compactScenario(scenario))
        expect(loaded.ok && loaded.scenario).toEqual(scenario)
      }),
    )
  })

  it('keeps every gallery scenario under the link limit', () => {
    for (const entry of GALLERY) {
      const scenario = gallery(entry.id)
      const url = buildShareUrl('https://example.org/vmascope/', { scenario, view: defaultSharedView(scenario.steps.length) })
      expect(url.length, entry.id).toBeLessThan(LINK_LENGTH_LIMIT)
    }
  })

  it('builds links on the page path, keeping only ?present and ?embed', () => {
    const scenario = gallery('seed')
    const state = { scenario, view: { ...defaultSharedView(scenario.steps.length), step: 1 } }
    const url = new URL(buildShareUrl('https://example.org/vmascope/?scenario=brk&step=2#v1.old', state, { present: true }))
    expect(url.pathname).toBe('/vmascope/')
    expect(url.search).toBe('?present=1')
    const decoded = decodeShareHash(url.hash)
    expect(decoded.ok && decoded.state.view.step).toBe(1)
  })
})

describe('share link errors', () => {
  it('treats an empty hash as no state', () => {
    expect(decodeShareHash('')).toEqual({ ok: false, kind: 'empty' })
    expect(decodeShareHash('#')).toEqual({ ok: false, kind: 'empty' })
  })

  it('names a newer format and an unknown one', () => {
    expect(errorOf('#v2.abc')).toMatchObject({ kind: 'newer-format', message: expect.stringContaining('newer vmascope (state format v2)') })
    expect(errorOf('#v0.abc')).toMatchObject({ kind: 'unknown-format' })
    expect(errorOf('#section-3')).toMatchObject({ kind: 'not-a-link', message: expect.stringContaining('"section-3"') })
  })

  it('says a cut-off link is cut off', () => {
    const scenario = gallery('ksm_merge')
    const hash = encodeShareHash({ scenario, view: defaultSharedView(scenario.steps.length) })
    for (const keep of [3, 10, Math.floor(hash.length / 2), hash.length - 10]) {
      const result = errorOf(hash.slice(0, keep))
      expect(['truncated', 'not-json', 'bad-shape', 'bad-scenario'], `${keep}: ${JSON.stringify(result)}`).toContain(result.kind)
    }
    expect(errorOf(hash.slice(0, hash.length - 10)).kind).toBe('truncated')
    // The last characters may be only lz-string's padding after its end-of-stream code: a link
    // missing them still holds every bit of the state. Such a cut either fails or opens the same scenario.
    for (let cut = 1; cut <= 3; cut++) {
      const result = decodeShareHash(hash.slice(0, hash.length - cut))
      if (result.ok) expect(result.state.scenario, `cut ${cut}`).toEqual(scenario)
      else expect(result.kind, `cut ${cut}`).toBe('truncated')
    }
  })

  it('names a character that cannot be in a link, escaped', () => {
    const result = errorOf('#v1.N4Ig<img src=x onerror=alert(1)>')
    expect(result).toMatchObject({ kind: 'bad-character', message: expect.stringContaining('"<"') })
  })

  it('rejects a decompression bomb without expanding it', () => {
    // 5,000 codes would expand to 12.5 million characters.
    const bomb = `v1.${quadraticBomb(5000)}`
    expect(bomb.length).toBeLessThan(12_000)
    expect(errorOf(bomb)).toMatchObject({ kind: 'too-large' })
  })

  it('rejects an over-long hash before reading it', () => {
    expect(errorOf(`v1.${'A'.repeat(2_000_001)}`)).toMatchObject({ kind: 'too-large' })
  })

  it('passes the scenario through loadScenario and names the bad field', () => {
    const scenario = { format: 'vma-scenario/1', steps: [{ op: 'mmap', at: 0, pages: 2, prot: 'rwz', share: 'private', backing: { kind: 'anon' } }] }
    expect(errorOf(hashOf({ s: scenario }))).toMatchObject({ kind: 'bad-scenario', message: expect.stringMatching(/^scenario\.steps\[0\]\.prot: /) })
    expect(errorOf(hashOf({ s: '<svg onload=alert(1)>' }))).toMatchObject({ kind: 'bad-scenario' })
    expect(errorOf(hashOf([1, 2]))).toMatchObject({ kind: 'bad-shape' })
    expect(errorOf(hashOf({ v: {} }))).toMatchObject({ kind: 'bad-shape' })
    expect(errorOf(`v1.${compressToEncodedURIComponent('{"s": ')}`)).toMatchObject({ kind: 'not-json' })
  })

  it('checks the view: kernel, step past the end, base address', () => {
    const s = { format: 'vma-scenario/1', steps: [{ op: 'fork' }] }
    expect(errorOf(hashOf({ s, v: { kernel: '9.99' } }))).toMatchObject({ kind: 'bad-view', message: expect.stringMatching(/^view\.kernel: unknown kernel "9\.99"/) })
    expect(errorOf(hashOf({ s, v: { step: 2 } }))).toMatchObject({ kind: 'bad-view', message: 'view.step: step 2 is past the end of the scenario (it has 1 step)' })
    expect(errorOf(hashOf({ s, v: { baseAddress: '0x123' } }))).toMatchObject({ kind: 'bad-view', message: expect.stringContaining('view.baseAddress') })
    expect(errorOf(hashOf({ s, v: { viewport: { startPage: 5, endPage: 5 } } }))).toMatchObject({ kind: 'bad-view' })
  })

  it('fills the defaults of a hand-written link and warns about unknown fields', () => {
    const result = decodeShareHash(hashOf({ s: { format: 'vma-scenario/1', steps: [{ op: 'fork' }] }, x: 1, __proto__: 2 }))
    expect(result.ok).toBe(true)
    if (result.ok) {
      expect(result.state.view).toEqual(defaultSharedView(1))
      expect(result.warnings.join(' ')).toContain('"x"')
    }
  })

  it('never throws, whatever the hash', () => {
    const hostile = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 400 }),
      fc.string({ maxLength: 400 }).map((s) => `v1.${s}`),
      fc.string({ unit: 'binary', maxLength: 400 }).map((s) => `v1.${compressToEncodedURIComponent(s)}`),
      fc.jsonValue({ maxDepth: 4 }).map((value) => hashOf(value)),
      fc.jsonValue({ maxDepth: 3 }).map((value) => hashOf({ s: { format: 'vma-scenario/1', steps: [] }, v: value })),
    )
    fc.assert(
      fc.property(hostile, (hash) => {
        const result = decodeShareHash(hash)
        if (!result.ok && result.kind !== 'empty') expect(result.message.length).toBeGreaterThan(0)
      }),
      { numRuns: 2000 },
    )
  })
})
