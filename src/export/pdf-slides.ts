/**
 * "Export slides": a PDF of vector pages, one per step (16:9, 960 × 540 pt),
 * drawn with pdf-lib: the title and the step as real text (selectable and
 * searchable), each kernel's address space as shapes (one rectangle per VMA,
 * coloured by backing, hatched when VM_MERGEABLE, the VMAs the step made
 * outlined), and the explanation of the step wrapped at word boundaries. An
 * explanation that does not fit first gets a smaller type size; if it still
 * does not fit, whole lines move to a continuation page ("Step 3 of 5,
 * continued"), never a sentence cut off. The scenario is attached as
 * scenario.json.
 *
 * Pure layout over plain data (no DOM): the UI gathers each step's VMAs and
 * explanation (src/ui/export/export-jobs.ts). pdf-lib is loaded with a
 * dynamic import(), so it is fetched only when someone exports slides.
 */
import type { BackingKind } from '../engine/api'
import type { ExplanationLine } from './compose-svg'

/**
 * The most a slide deck holds: a page per step, so a long run would be a PDF
 * of gigabytes (and every step's VMAs held in the tab while it is written).
 * Past these, "Export slides" says so and exports nothing.
 */
export const MAX_SLIDES = 1000
export const MAX_SLIDE_VMAS = 500_000

/** Why a deck of `steps` slides is refused, or null. */
export function tooManySlides(steps: number): string | null {
  return steps > MAX_SLIDES ? `${steps.toLocaleString('en-US')} steps are too many for slides (at most ${MAX_SLIDES.toLocaleString('en-US')}, a page each); export one step as a picture, or shorten the scenario` : null
}

/** Why slides drawing `vmas` VMAs in all (reached at `step`) are refused, or null. */
export function tooManySlideVmas(vmas: number, step: number): string | null {
  return vmas > MAX_SLIDE_VMAS ? `the slides would draw more than ${MAX_SLIDE_VMAS.toLocaleString('en-US')} VMAs (passed at step ${step.toLocaleString('en-US')}); export one step as a picture, or shorten the scenario` : null
}

/** A 16:9 page of 960 × 540 points (13.33 × 7.5 in, a presentation slide). */
export const SLIDE_PAGE = { width: 960, height: 540 } as const

export interface SlideVma {
  start: number
  end: number
  backing: BackingKind
  mergeable: boolean
  /** "rw-p" */
  perms: string
  /** What the strip writes inside it: the mapping names, or the file's base name. */
  label: string
  /** The step made this VMA. */
  created: boolean
}

export interface SlideStrip {
  /** The kernel's name over the strip when comparing; null with one kernel. */
  label: string | null
  vmas: SlideVma[]
}

export interface Slide {
  /** "Step 3 of 5 · mmap B [2,4) rw- anon private" */
  stepLine: string
  strips: SlideStrip[]
  /** One column of explanation per kernel, in the strips' order. */
  explanation: ExplanationLine[][]
}

export interface SlidesDocument {
  title: string
  /** The pages every strip shows, the same on every slide, so nothing moves between steps. */
  range: [number, number]
  /** Byte address of page 0 (the axis prints hex addresses from it); 0n = page numbers only. */
  baseAddress: bigint
  slides: Slide[]
  /** The scenario JSON, attached to the PDF. */
  scenarioJson: string
}

type Rgb = [number, number, number]

const hex = (value: string): Rgb => [1, 3, 5].map((i) => Number.parseInt(value.slice(i, i + 2), 16) / 255) as Rgb

/** The light theme's colours (src/ui/theme.css): slides are printed and projected on white. */
const COLOURS = {
  fg: hex('#1c2128'),
  muted: hex('#59636e'),
  boundary: hex('#1c2128'),
  mergeable: hex('#b4236b'),
  created: hex('#0b57d0'),
  pass: hex('#1a7f37'),
  fail: hex('#c62828'),
  hole: hex('#f2f4f7'),
}
const BACKING: Record<BackingKind, Rgb> = {
  anon: hex('#8fb8e8'),
  file: hex('#9fd3a4'),
  shmem: hex('#c7a8e6'),
  device: hex('#e9b27a'),
  heap: hex('#e6d37a'),
}

const MARGIN = 36
const TITLE_SIZE = 20
const STEP_SIZE = 14
const TEXT_SIZES = [12, 11, 10, 9] as const
const LINE_GAP = 1.3
const FOOTER = 22

/**
 * Text the standard PDF fonts can write (WinAnsi). Symbols outside it become
 * their ASCII spelling; anything else a '?', so a user's title never breaks the export.
 */
export function winAnsi(text: string): string {
  return text
    .replace(/→/g, '->')
    .replace(/←/g, '<-')
    .replace(/≤/g, '<=')
    .replace(/≥/g, '>=')
    .replace(/≠/g, '!=')
    .replace(/✓/g, '+')
    .replace(/✗/g, 'x')
    .replace(/[^\x20-\x7e\xa0-\xff–—‘’“”•…€]/g, '?')
}

interface Measure {
  widthOf(text: string, size: number): number
}

/** Lines of at most `width` points, broken at spaces (a word longer than a line is broken where it must). */
export function wrapToWidth(text: string, width: number, size: number, font: Measure): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word
    if (font.widthOf(candidate, size) <= width) {
      line = candidate
      continue
    }
    if (line) lines.push(line)
    let rest = word
    while (font.widthOf(rest, size) > width && rest.length > 1) {
      let cut = rest.length - 1
      while (cut > 1 && font.widthOf(rest.slice(0, cut), size) > width) cut--
      lines.push(rest.slice(0, cut))
      rest = rest.slice(cut)
    }
    line = rest
  }
  if (line) lines.push(line)
  return lines
}

/** An explanation line laid out: its pieces, in one type size. */
interface LaidLine {
  tone: ExplanationLine['tone']
  pieces: string[]
}

const MARKER_WIDTH = 14

function layColumn(lines: ExplanationLine[], width: number, size: number, font: Measure): LaidLine[] {
  return lines.map((line) => {
    const marked = line.tone === 'pass' || line.tone === 'fail'
    const text = marked ? line.text.replace(/^[✓✗]\s*/, '') : line.text
    return { tone: line.tone, pieces: wrapToWidth(winAnsi(text), width - (marked ? MARKER_WIDTH : 0), size, font) }
  })
}

const heightOf = (lines: LaidLine[], size: number) => lines.reduce((sum, l) => sum + l.pieces.length, 0) * size * LINE_GAP

/** Whole lines that fit in `height`, from the front; the rest go to the next page. */
function takeFitting(lines: LaidLine[], height: number, size: number): [LaidLine[], LaidLine[]] {
  let used = 0
  let k = 0
  while (k < lines.length) {
    const h = lines[k]!.pieces.length * size * LINE_GAP
    if (used + h > height && k > 0) break
    used += h
    k++
  }
  return [lines.slice(0, k), lines.slice(k)]
}

/** The addresses under the strip: hex from the base when there is one, else page numbers. */
function axisLabel(page: number, baseAddress: bigint): string {
  return baseAddress === 0n ? String(page) : `0x${(baseAddress + BigInt(page) * 4096n).toString(16)}`
}

export async function buildSlidesPdf(doc: SlidesDocument): Promise<Uint8Array> {
  const { PDFDocument, StandardFonts, rgb, LineCapStyle } = await import('pdf-lib')
  const pdf = await PDFDocument.create()
  pdf.setTitle(winAnsi(doc.title))
  pdf.setCreator('vmascope')
  pdf.setProducer('vmascope (pdf-lib)')
  pdf.setSubject('VMA scenario, one step per page')
  const regular = await pdf.embedFont(StandardFonts.Helvetica)
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold)
  const mono = await pdf.embedFont(StandardFonts.Courier)
  const measure = (font: typeof regular): Measure => ({ widthOf: (text, size) => font.widthOfTextAtSize(text, size) })
  const colour = (c: Rgb) => rgb(c[0], c[1], c[2])
  const { width: W, height: H } = SLIDE_PAGE
  const [from, to] = doc.range
  const span = Math.max(1, to - from)
  const title = winAnsi(doc.title)

  for (const slide of doc.slides) {
    const columns = Math.max(1, slide.explanation.length)
    const columnWidth = (W - 2 * MARGIN - (columns - 1) * 24) / columns
    let page = pdf.addPage([W, H])
    let y = H - MARGIN

    const header = (stepLine: string) => {
      for (const line of wrapToWidth(title, W - 2 * MARGIN, TITLE_SIZE, measure(bold)).slice(0, 2)) {
        y -= TITLE_SIZE
        page.drawText(line, { x: MARGIN, y, size: TITLE_SIZE, font: bold, color: colour(COLOURS.fg) })
        y -= 4
      }
      for (const line of wrapToWidth(winAnsi(stepLine), W - 2 * MARGIN, STEP_SIZE, measure(mono))) {
        y -= STEP_SIZE + 2
        page.drawText(line, { x: MARGIN, y, size: STEP_SIZE, font: mono, color: colour(COLOURS.fg) })
      }
      y -= 10
    }
    header(slide.stepLine)

    // The strips: one band per kernel, every slide the same pages.
    const bandHeight = slide.strips.length > 1 ? 56 : 84
    const left = MARGIN
    const right = W - MARGIN
    const xOf = (p: number) => left + ((Math.min(Math.max(p, from), to) - from) / span) * (right - left)
    for (const strip of slide.strips) {
      if (strip.label) {
        y -= 12
        page.drawText(winAnsi(strip.label), { x: left, y, size: 11, font: bold, color: colour(COLOURS.fg) })
        y -= 4
      }
      const top = y
      const bottom = y - bandHeight
      page.drawRectangle({ x: left, y: bottom, width: right - left, height: bandHeight, color: colour(COLOURS.hole) })
      for (const v of strip.vmas) {
        if (v.end <= from || v.start >= to) continue
        const x0 = xOf(v.start)
        const x1 = xOf(v.end)
        const w = Math.max(0.75, x1 - x0)
        page.drawRectangle({ x: x0, y: bottom, width: w, height: bandHeight, color: colour(BACKING[v.backing]) })
        if (v.mergeable) {
          // Hatching: diagonal strokes clipped to the rectangle by hand (pdf-lib has no clip paths).
          for (let s = x0 - bandHeight; s < x1; s += 7) {
            const ax = Math.max(x0, s)
            const ay = bottom + (ax - s)
            const bx = Math.min(x1, s + bandHeight)
            const by = bottom + (bx - s)
            if (bx > ax) page.drawLine({ start: { x: ax, y: ay }, end: { x: bx, y: by }, thickness: 0.8, color: colour(COLOURS.mergeable), opacity: 0.6, lineCap: LineCapStyle.Butt })
          }
          page.drawRectangle({ x: x0, y: top - 4, width: w, height: 4, color: colour(COLOURS.mergeable) })
        }
        page.drawLine({ start: { x: x0, y: bottom }, end: { x: x0, y: top }, thickness: 1.2, color: colour(COLOURS.boundary) })
        page.drawLine({ start: { x: x1, y: bottom }, end: { x: x1, y: top }, thickness: 1.2, color: colour(COLOURS.boundary) })
        if (v.created) page.drawRectangle({ x: x0 + 1, y: bottom + 1, width: Math.max(0.5, w - 2), height: bandHeight - 2, borderColor: colour(COLOURS.created), borderWidth: 2 })
        // Labels on a light plate, so the hatching never runs through the letters.
        const label = winAnsi(v.label)
        const detail = `${v.perms}${v.mergeable ? ' mg' : ''}`
        const plate = (text: string, x: number, baseline: number, size: number, font: typeof bold) => {
          const tw = font.widthOfTextAtSize(text, size)
          page.drawRectangle({ x: x - 2, y: baseline - size * 0.25, width: tw + 4, height: size * 1.1, color: rgb(1, 1, 1), opacity: 0.85 })
          page.drawText(text, { x, y: baseline, size, font, color: colour(COLOURS.fg) })
        }
        if (label && bold.widthOfTextAtSize(label, 12) < w - 10) plate(label, x0 + 5, bottom + bandHeight / 2 + 2, 12, bold)
        if (mono.widthOfTextAtSize(detail, 10) < w - 10) plate(detail, x0 + 5, bottom + 7, 10, mono)
      }
      // Axis: the window's edges and each VMA's boundaries, where there is room for the number.
      const ticks = [...new Set([from, to, ...strip.vmas.flatMap((v) => [v.start, v.end])])].filter((p) => p >= from && p <= to).sort((a, b) => a - b)
      // Page numbers, and under them the addresses when the scenario has a base.
      const rows = doc.baseAddress === 0n ? [(p: number) => String(p)] : [(p: number) => String(p), (p: number) => axisLabel(p, doc.baseAddress)]
      rows.forEach((textOf, row) => {
        let lastRight = -Infinity
        for (const p of ticks) {
          const text = textOf(p)
          const tw = mono.widthOfTextAtSize(text, 8)
          const x = Math.min(Math.max(xOf(p) - tw / 2, left), right - tw)
          if (x < lastRight + 4) continue
          page.drawText(text, { x, y: bottom - 10 - row * 10, size: 8, font: mono, color: colour(COLOURS.muted) })
          lastRight = x + tw
        }
      })
      y = bottom - 14 - rows.length * 10
    }
    const legend = ['anon', 'file', 'shmem', 'device', 'heap'] as const
    let lx = left
    for (const kind of legend) {
      page.drawRectangle({ x: lx, y: y - 1, width: 12, height: 8, color: colour(BACKING[kind]), borderColor: colour(COLOURS.boundary), borderWidth: 0.5 })
      page.drawText(kind, { x: lx + 15, y, size: 8, font: regular, color: colour(COLOURS.muted) })
      lx += 15 + regular.widthOfTextAtSize(kind, 8) + 12
    }
    page.drawRectangle({ x: lx, y: y + 2, width: 12, height: 3, color: colour(COLOURS.mergeable) })
    page.drawText('VM_MERGEABLE (smaps "mg")', { x: lx + 15, y, size: 8, font: regular, color: colour(COLOURS.muted) })
    lx += 15 + regular.widthOfTextAtSize('VM_MERGEABLE (smaps "mg")', 8) + 12
    page.drawRectangle({ x: lx, y: y - 1, width: 12, height: 8, borderColor: colour(COLOURS.created), borderWidth: 1.5 })
    page.drawText('made by this step', { x: lx + 15, y, size: 8, font: regular, color: colour(COLOURS.muted) })
    y -= 16

    // The explanation: the largest type size at which every column fits, else continuation pages.
    const available = y - MARGIN - FOOTER
    let size: number = TEXT_SIZES[TEXT_SIZES.length - 1]
    for (const candidate of TEXT_SIZES) {
      if (slide.explanation.every((col) => heightOf(layColumn(col, columnWidth, candidate, measure(regular)), candidate) <= available)) {
        size = candidate
        break
      }
    }
    let pending = slide.explanation.map((col) => layColumn(col, columnWidth, size, measure(regular)))
    let continued = 0
    for (;;) {
      const room = y - MARGIN - FOOTER
      const split = pending.map((col) => takeFitting(col, room, size))
      split.forEach(([fitting], c) => {
        let ly = y
        const x = MARGIN + c * (columnWidth + 24)
        for (const line of fitting) {
          const font = line.tone === 'heading' ? bold : regular
          const fill = line.tone === 'fail' ? COLOURS.fail : line.tone === 'pass' ? COLOURS.fg : line.tone === 'note' ? COLOURS.muted : COLOURS.fg
          const marked = line.tone === 'pass' || line.tone === 'fail'
          line.pieces.forEach((piece, k) => {
            ly -= size * LINE_GAP
            if (marked && k === 0) drawMarker(line.tone === 'pass', x, ly, size)
            page.drawText(piece, { x: x + (marked ? MARKER_WIDTH : 0), y: ly, size, font, color: colour(fill) })
          })
        }
      })
      pending = split.map(([, rest]) => rest)
      if (pending.every((col) => col.length === 0)) break
      continued++
      page.drawText('continued on the next page', { x: W - MARGIN - regular.widthOfTextAtSize('continued on the next page', 9), y: MARGIN, size: 9, font: regular, color: colour(COLOURS.muted) })
      page = pdf.addPage([W, H])
      y = H - MARGIN
      header(`${slide.stepLine} (continued${continued > 1 ? `, ${continued}` : ''})`)
    }

    function drawMarker(pass: boolean, x: number, baseline: number, textSize: number) {
      const s = textSize * 0.7
      const c = colour(pass ? COLOURS.pass : COLOURS.fail)
      if (pass) {
        page.drawLine({ start: { x, y: baseline + s * 0.5 }, end: { x: x + s * 0.35, y: baseline + s * 0.1 }, thickness: 1.6, color: c })
        page.drawLine({ start: { x: x + s * 0.35, y: baseline + s * 0.1 }, end: { x: x + s, y: baseline + s }, thickness: 1.6, color: c })
      } else {
        page.drawLine({ start: { x, y: baseline }, end: { x: x + s, y: baseline + s }, thickness: 1.6, color: c })
        page.drawLine({ start: { x, y: baseline + s }, end: { x: x + s, y: baseline }, thickness: 1.6, color: c })
      }
    }
  }

  const total = pdf.getPageCount()
  pdf.getPages().forEach((p, k) => {
    const text = `${k + 1} / ${total} · vmascope`
    p.drawText(text, { x: MARGIN, y: MARGIN - 14, size: 8, font: regular, color: colour(COLOURS.muted) })
  })
  await pdf.attach(new TextEncoder().encode(doc.scenarioJson), 'scenario.json', {
    mimeType: 'application/json',
    description: 'The vmascope scenario these slides show; open it in vmascope.',
  })
  return pdf.save()
}

/** The number of pages of a PDF (for tests and the export's own check). */
export async function pdfPageCount(bytes: Uint8Array): Promise<number> {
  const { PDFDocument } = await import('pdf-lib')
  const pdf = await PDFDocument.load(bytes)
  return pdf.getPageCount()
}
