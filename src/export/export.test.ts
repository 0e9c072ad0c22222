import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { scenarioArbitrary } from '../share/scenario-arbitrary'
import { openScenarioBytes } from './open-exported-file'
import { buildSlidesPdf, pdfPageCount } from './pdf-slides'
import { SCENARIO_KEYWORD, crc32, readPngChunks, readPngText, withPngText } from './png-text'
import { embedScenarioInSvg, extractScenarioFromSvg, inlineThemeTokens } from './svg-scenario'
import { solidPng } from './test-png'

const encode = (text: string) => new TextEncoder().encode(text)
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect style="fill: var(--vma-anon)" stroke="var(--border, #000)"/></svg>'

describe('PNG text chunks', () => {
  it('computes the CRC-32 PNG uses', () => {
    expect(crc32(encode('IEND'))).toBe(0xae426082)
    expect(crc32(encode('123456789'))).toBe(0xcbf43926)
  })

  it('writes an iTXt chunk before IEND and reads it back, in UTF-8', () => {
    const png = withPngText(solidPng(3, 2), SCENARIO_KEYWORD, '{"title":"mg → merged ✓"}')
    const chunks = readPngChunks(png)
    expect(chunks.ok && chunks.chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'iTXt', 'IEND'])
    expect(chunks.ok && chunks.chunks.every((c) => c.crcOk)).toBe(true)
    expect(readPngText(png, SCENARIO_KEYWORD)).toEqual({ ok: true, text: '{"title":"mg → merged ✓"}' })
    expect(readPngText(png, 'other')).toEqual({ ok: true, text: null })
  })

  it('replaces an earlier scenario instead of adding a second one', () => {
    const twice = withPngText(withPngText(solidPng(1, 1), SCENARIO_KEYWORD, 'old'), SCENARIO_KEYWORD, 'new')
    const chunks = readPngChunks(twice)
    expect(chunks.ok && chunks.chunks.filter((c) => c.type === 'iTXt')).toHaveLength(1)
    expect(readPngText(twice, SCENARIO_KEYWORD)).toEqual({ ok: true, text: 'new' })
  })

  it('says when a PNG is cut short or its chunk is damaged', () => {
    const png = withPngText(solidPng(2, 2), SCENARIO_KEYWORD, 'hello')
    expect(readPngText(png.subarray(0, png.length - 20), SCENARIO_KEYWORD)).toMatchObject({ ok: false, message: expect.stringContaining('cut short') })
    const damaged = png.slice()
    damaged[damaged.length - 20] ^= 0xff // inside the iTXt text
    expect(readPngText(damaged, SCENARIO_KEYWORD)).toMatchObject({ ok: false, message: expect.stringContaining('CRC') })
  })
})

describe('SVG export text', () => {
  it('inlines the theme tokens, with fallbacks for unknown ones', () => {
    const out = inlineThemeTokens(SVG, { '--vma-anon': ' #8fb8e8 ' })
    expect(out).toContain('fill: #8fb8e8')
    expect(out).toContain('stroke="#000"')
    expect(out).not.toContain('var(')
  })

  it('embeds the scenario in <metadata> and extracts it unchanged', () => {
    fc.assert(
      fc.property(scenarioArbitrary, (scenario) => {
        const json = JSON.stringify(scenario)
        const svg = embedScenarioInSvg(SVG, json)
        expect(extractScenarioFromSvg(svg)).toBe(json)
        const opened = openScenarioBytes(encode(svg))
        expect(opened).toMatchObject({ ok: true, kind: 'svg', scenario })
      }),
      { numRuns: 100 },
    )
  })
})

describe('opening exported files', () => {
  it('restores the scenario from a PNG, an SVG and a JSON file', () => {
    fc.assert(
      fc.property(scenarioArbitrary, (scenario) => {
        const json = JSON.stringify(scenario)
        expect(openScenarioBytes(withPngText(solidPng(1, 1), SCENARIO_KEYWORD, json))).toMatchObject({ ok: true, kind: 'png', scenario })
        expect(openScenarioBytes(encode(json))).toMatchObject({ ok: true, kind: 'json', scenario })
      }),
      { numRuns: 50 },
    )
  })

  it('says when a picture holds no scenario, and passes bad scenarios to loadScenario', () => {
    expect(openScenarioBytes(solidPng(1, 1))).toMatchObject({ ok: false, kind: 'png', text: expect.stringContaining('holds no vmascope scenario') })
    expect(openScenarioBytes(encode(SVG))).toMatchObject({ ok: false, kind: 'svg', text: expect.stringContaining('holds no vmascope scenario') })
    const bad = embedScenarioInSvg(SVG, '{"format":"vma-scenario/1","steps":[{"op":"nope"}]}')
    expect(openScenarioBytes(encode(bad))).toMatchObject({ ok: false, kind: 'svg', error: { path: 'steps[0].op' } })
  })

  it('never throws on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => void openScenarioBytes(bytes)))
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (tail) => void openScenarioBytes(new Uint8Array([...solidPng(1, 1).subarray(0, 8), ...tail]))))
  })
})

describe('PDF slides', () => {
  it('has one page per slide and carries the scenario', async () => {
    const slides = [solidPng(32, 18), solidPng(32, 18, [200, 40, 40]), solidPng(64, 36)].map((png) => ({ png }))
    const bytes = await buildSlidesPdf(slides, { title: 'test', scenarioJson: '{"format":"vma-scenario/1","steps":[]}' })
    expect(new TextDecoder().decode(bytes.subarray(0, 5))).toBe('%PDF-')
    expect(await pdfPageCount(bytes)).toBe(3)
  })
})
