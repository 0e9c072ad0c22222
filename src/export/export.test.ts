import fc from 'fast-check'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { scenarioArbitrary } from '../share/scenario-arbitrary'
import { openScenarioBytes } from './open-exported-file'
import type { ExplanationLine } from './compose-svg'
import { buildSlidesPdf, pdfPageCount, tooManySlides, tooManySlideVmas, winAnsi, type Slide, type SlideVma } from './pdf-slides'
import { PNG_SIGNATURE, SCENARIO_KEYWORD, chunkBytes, crc32, readPngChunks, readPngText, withPngText } from './png-text'
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

  it('names what a file that is neither a scenario nor an exported picture is', () => {
    let seed = 3
    const random = new Uint8Array(1_000_000).map(() => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24)
    const opened = openScenarioBytes(random)
    expect(opened).toMatchObject({ ok: false, error: { path: '' } })
    expect(opened.ok ? '' : opened.text).toMatch(/^this is not text: byte [\d,]+ \(0x[0-9a-f]{2}\) is not UTF-8\. vmascope opens a scenario/)
    const html = openScenarioBytes(encode('<!DOCTYPE html>\n<html><body>hello</body></html>'))
    expect(html.ok ? '' : html.text).toMatch(/^this is XML or HTML, not an SVG/)
    expect(html.ok ? '' : html.text).not.toMatch(/JSON …|found "<"/)
  })

  it('opens an exported SVG whatever comes before its <svg>: a DOCTYPE with an internal subset, a long comment', () => {
    const json = JSON.stringify({ format: 'vma-scenario/1', title: 'inside', steps: [] })
    const svg = embedScenarioInSvg(SVG, json)
    const prologs = [
      '<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [\n  <!ENTITY ns_svg "http://www.w3.org/2000/svg">\n  <!ATTLIST svg x CDATA "a>b">\n]>\n',
      `<!-- ${'a long comment > with brackets < '.repeat(2000)} -->\n`,
      '\ufeff<?xml version="1.0" encoding="UTF-8"?><!-- one --><!-- two --><!DOCTYPE svg>',
    ]
    for (const prolog of prologs) {
      const opened = openScenarioBytes(encode(prolog + svg))
      expect(opened, prolog.slice(0, 40)).toMatchObject({ ok: true, kind: 'svg', scenario: { title: 'inside' } })
    }
  })

  it('says what is wrong with a PNG text chunk whose keyword is 3 MB long (no stack overflow)', () => {
    const keyword = new Uint8Array(3 * 1024 * 1024 + 1).fill(0x61)
    keyword[keyword.length - 1] = 0 // the keyword ends, 3 MiB in
    const withChunk = (png: Uint8Array, chunk: Uint8Array) => {
      const chunks = readPngChunks(png)
      if (!chunks.ok) throw new Error(chunks.message)
      const iend = chunks.chunks.find((c) => c.type === 'IEND')!.offset
      const out = new Uint8Array(png.length + chunk.length)
      out.set(png.subarray(0, iend))
      out.set(chunk, iend)
      out.set(png.subarray(iend), iend + chunk.length)
      return out
    }
    // The new chunk goes where IEND was: after the 8-byte signature and the picture's chunks.
    const iendAt = (png: Uint8Array) => (readPngChunks(png) as { chunks: { type: string; offset: number }[] }).chunks.find((c) => c.type === 'IEND')!.offset
    const at = iendAt(solidPng(1, 1))
    const long = withChunk(solidPng(1, 1), chunkBytes('tEXt', new Uint8Array([...keyword, 0x7b, 0x7d])))
    expect(readPngText(long, SCENARIO_KEYWORD)).toEqual({
      ok: false,
      message: `the PNG's tEXt chunk at byte ${at} has a keyword of 3,145,728 bytes; PNG allows 1 to 79, so the file is damaged or was not written by vmascope`,
    })
    expect(openScenarioBytes(long)).toMatchObject({ ok: false, kind: 'png', text: expect.stringContaining('keyword of 3,145,728 bytes') })
    // A keyword never ended, and an empty one, are named too.
    const unended = withChunk(solidPng(1, 1), chunkBytes('iTXt', new Uint8Array(200).fill(0x62)))
    expect(readPngText(unended, SCENARIO_KEYWORD)).toMatchObject({ ok: false, message: expect.stringContaining('a keyword of 200 bytes (never ended by a zero byte)') })
    // Beside a good scenario chunk, a bad one does not matter.
    const both = withPngText(long, SCENARIO_KEYWORD, '{"a":1}')
    expect(readPngText(both, SCENARIO_KEYWORD)).toEqual({ ok: true, text: '{"a":1}' })
    expect(PNG_SIGNATURE.every((b, i) => both[i] === b)).toBe(true)
  })

  it('never throws on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => void openScenarioBytes(bytes)))
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (tail) => void openScenarioBytes(new Uint8Array([...solidPng(1, 1).subarray(0, 8), ...tail]))))
  })
})

describe('PDF slides', () => {
  it('refuses a deck past 1,000 pages or 500,000 VMAs drawn, saying what to do instead', () => {
    expect(tooManySlides(1000)).toBeNull()
    expect(tooManySlides(1001)).toBe('1,001 steps are too many for slides (at most 1,000, a page each); export one step as a picture, or shorten the scenario')
    expect(tooManySlideVmas(500_000, 7)).toBeNull()
    expect(tooManySlideVmas(500_001, 8)).toBe('the slides would draw more than 500,000 VMAs (passed at step 8); export one step as a picture, or shorten the scenario')
  })


  const vma = (start: number, end: number, label: string, extra: Partial<SlideVma> = {}): SlideVma => ({
    start, end, backing: 'anon', mergeable: false, perms: 'rw-p', label, created: false, ...extra,
  })
  const slide = (n: number, explanation: ExplanationLine[]): Slide => ({
    stepLine: `Step ${n} of 3 · mmap B [2,4) rw- anon private · kernel 6.18`,
    strips: [{ label: null, vmas: [vma(0, 2, 'A', { mergeable: true }), vma(2, 4, 'B', { created: true, mergeable: true })] }],
    explanation: [[{ text: 'Why · 6.18', tone: 'heading' }, ...explanation]],
  })
  const doc = (slides: Slide[]) => ({ title: 'PR_SET_MEMORY_MERGE → two mappings', range: [0, 8] as [number, number], baseAddress: 0n, slides, scenarioJson: '{"format":"vma-scenario/1","steps":[]}' })

  async function pagesOf(bytes: Uint8Array) {
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs')
    const standardFontDataUrl = `${join(import.meta.dirname, '../../node_modules/pdfjs-dist/standard_fonts')}/`
    const pdf = await pdfjs.getDocument({ data: bytes.slice(), standardFontDataUrl }).promise
    const pages = []
    for (let i = 1; i <= pdf.numPages; i++) {
      const page = await pdf.getPage(i)
      const content = await page.getTextContent()
      const ops = await page.getOperatorList()
      const [, , w, h] = page.view
      pages.push({
        text: content.items.map((item) => ('str' in item ? `${item.str}${item.hasEOL ? '\n' : ''}` : '')).join(''),
        size: [w, h],
        images: ops.fnArray.filter((fn) => fn === pdfjs.OPS.paintImageXObject || fn === pdfjs.OPS.paintInlineImageXObject).length,
        paths: ops.fnArray.filter((fn) => fn === pdfjs.OPS.constructPath).length,
      })
    }
    return pages
  }

  it("draws one 16:9 vector page per step: the step's call as text, the VMAs as shapes, no picture", async () => {
    const checks: ExplanationLine[] = [
      { text: '✓ vma_merge_new_range: prev [0,2) ends where the new range starts', tone: 'pass' },
      { text: '✗ can_vma_merge_after: flags differ in VM_MERGEABLE', tone: 'fail' },
    ]
    const bytes = await buildSlidesPdf(doc([slide(1, checks), slide(2, checks), slide(3, checks)]))
    expect(new TextDecoder().decode(bytes.subarray(0, 5))).toBe('%PDF-')
    expect(await pdfPageCount(bytes)).toBe(3)
    const pages = await pagesOf(bytes)
    pages.forEach((page, k) => {
      expect(page.size[0] / page.size[1]).toBeCloseTo(16 / 9, 3)
      expect(page.text).toContain(`Step ${k + 1} of 3 · mmap B [2,4) rw- anon private`)
      expect(page.text).toContain('PR_SET_MEMORY_MERGE -> two mappings')
      expect(page.text).toContain('can_vma_merge_after: flags differ in VM_MERGEABLE')
      expect(page.images).toBe(0)
      expect(page.paths).toBeGreaterThan(5)
    })
  })

  it('wraps a long explanation at words and moves what does not fit to a continuation page, losing nothing', async () => {
    const sentence = (k: number) => `check ${k}: the new range [${k},${k + 2}) cannot merge with its neighbour because the neighbour's anon_vma differs and the flags differ in VM_MERGEABLE, which the kernel compares first.`
    const long: ExplanationLine[] = Array.from({ length: 60 }, (_, k) => ({ text: `✗ ${sentence(k)}`, tone: 'fail' }))
    const pages = await pagesOf(await buildSlidesPdf(doc([slide(1, long)])))
    expect(pages.length).toBeGreaterThan(1)
    expect(pages[1]!.text).toContain('Step 1 of 3 · mmap B [2,4) rw- anon private · kernel 6.18 (continued)')
    const all = pages.map((p) => p.text).join('\n').replace(/\s+/g, ' ')
    for (let k = 0; k < 60; k++) expect(all).toContain(sentence(k))
    // Each sentence sits on one page: none starts on one page and ends on the next.
    for (let k = 0; k < 60; k++) expect(pages.filter((p) => p.text.replace(/\s+/g, ' ').includes(sentence(k))).length).toBe(1)
  })

  it('writes any text the standard fonts cannot hold in their own spelling', () => {
    expect(winAnsi('a → b ≤ c ✓ 漢')).toBe('a -> b <= c + ?')
  })
})
