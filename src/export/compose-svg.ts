/**
 * Lays out an exported picture as one SVG document: the scenario title, the
 * step, the address-space view of each kernel (already serialised SVG), a
 * legend and the explanation lines. Used for "Export SVG", "Export PNG" and
 * every page of "Export slides".
 *
 * Pure string building. Colours stay `var(--token)` here; the caller inlines
 * the theme's values (svg-scenario.ts) so the file looks like the screen.
 * Text is escaped; nothing from the scenario becomes markup.
 */
import { escapeXmlText } from './svg-scenario'

export type LineTone = 'plain' | 'pass' | 'fail' | 'note' | 'heading'

export interface ExplanationLine {
  text: string
  tone: LineTone
}

export interface ExportPane {
  /** The kernel's name over the view in compare mode; null for one kernel. */
  label: string | null
  /** A serialised <svg> element (the address-space view). */
  svgMarkup: string
  height: number
}

export interface ExportLayoutInput {
  width: number
  /** Pad the picture to at least this height (slides are 16:9). */
  minHeight?: number
  title: string
  stepLine: string
  panes: ExportPane[]
  /** One column of lines per kernel. */
  explanation: ExplanationLine[][]
  /** Largest number of explanation lines per column before "…". */
  maxLines?: number
}

const MARGIN = 24
const TITLE_SIZE = 20
const STEP_SIZE = 15
const TEXT_SIZE = 13
const LINE_HEIGHT = 1.35
const LEGEND = [
  ['anon', '--vma-anon'],
  ['file', '--vma-file'],
  ['shmem', '--vma-shmem'],
  ['device', '--vma-device'],
  ['heap', '--vma-heap'],
] as const

const TONE_FILL: Record<LineTone, string> = {
  plain: 'var(--fg)',
  pass: 'var(--check-pass)',
  fail: 'var(--check-fail)',
  note: 'var(--fg-muted)',
  heading: 'var(--fg)',
}

/** Splits text into lines of at most `maxChars` characters, at spaces where it can. */
export function wrapText(text: string, maxChars: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let rest = word
    while (rest.length > maxChars) {
      if (line) {
        lines.push(line)
        line = ''
      }
      lines.push(rest.slice(0, maxChars))
      rest = rest.slice(maxChars)
    }
    if (!line) line = rest
    else if (line.length + 1 + rest.length <= maxChars) line += ` ${rest}`
    else {
      lines.push(line)
      line = rest
    }
  }
  if (line) lines.push(line)
  return lines
}

function textElement(x: number, y: number, size: number, fill: string, text: string, weight = 400): string {
  return `<text x="${x}" y="${y}" font-size="${size}" font-weight="${weight}" style="fill: ${fill}">${escapeXmlText(text)}</text>`
}

export function composeExportSvg(input: ExportLayoutInput): { svg: string; width: number; height: number } {
  const { width } = input
  const parts: string[] = []
  let y = MARGIN
  const titleLines = wrapText(input.title, Math.floor((width - 2 * MARGIN) / (TITLE_SIZE * 0.55)))
  for (const line of titleLines.slice(0, 2)) {
    y += TITLE_SIZE
    parts.push(textElement(MARGIN, y, TITLE_SIZE, 'var(--fg)', line, 600))
    y += 4
  }
  for (const line of wrapText(input.stepLine, Math.floor((width - 2 * MARGIN) / (STEP_SIZE * 0.6))).slice(0, 2)) {
    y += STEP_SIZE + 4
    parts.push(`<g font-family="ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace">${textElement(MARGIN, y, STEP_SIZE, 'var(--fg)', line)}</g>`)
  }
  y += 14

  // Legend: backing fills and the VM_MERGEABLE band.
  let x = MARGIN
  for (const [name, token] of LEGEND) {
    parts.push(`<rect x="${x}" y="${y}" width="16" height="11" rx="2" style="fill: var(${token}); stroke: var(--vma-boundary); stroke-width: 0.75"/>`)
    parts.push(textElement(x + 21, y + 10, 12, 'var(--fg-muted)', name))
    x += 21 + name.length * 7.5 + 14
  }
  parts.push(`<rect x="${x}" y="${y}" width="16" height="4" style="fill: var(--vma-mergeable)"/>`)
  parts.push(textElement(x + 21, y + 10, 12, 'var(--fg-muted)', 'VM_MERGEABLE (smaps “mg”)'))
  y += 24

  for (const pane of input.panes) {
    if (pane.label) {
      y += 14
      parts.push(textElement(MARGIN, y, 13, 'var(--fg)', pane.label, 600))
      y += 4
    }
    parts.push(`<g transform="translate(${MARGIN} ${y})">${pane.svgMarkup}</g>`)
    y += pane.height + 8
  }

  const columns = Math.max(1, input.explanation.length)
  const columnWidth = (width - 2 * MARGIN - (columns - 1) * 24) / columns
  const maxChars = Math.max(20, Math.floor(columnWidth / (TEXT_SIZE * 0.6)))
  const maxLines = input.maxLines ?? Number.POSITIVE_INFINITY
  let bottom = y
  input.explanation.forEach((lines, column) => {
    let lineY = y + 6
    let count = 0
    const columnX = MARGIN + column * (columnWidth + 24)
    outer: for (const line of lines) {
      for (const piece of wrapText(line.text, maxChars)) {
        if (count >= maxLines) {
          lineY += TEXT_SIZE * LINE_HEIGHT
          parts.push(textElement(columnX, lineY, TEXT_SIZE, 'var(--fg-muted)', '…'))
          break outer
        }
        lineY += TEXT_SIZE * LINE_HEIGHT
        parts.push(textElement(columnX, lineY, TEXT_SIZE, TONE_FILL[line.tone], piece, line.tone === 'heading' ? 600 : 400))
        count++
      }
    }
    bottom = Math.max(bottom, lineY)
  })

  const height = Math.ceil(Math.max(bottom + MARGIN, input.minHeight ?? 0))
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="system-ui, 'Segoe UI', 'Noto Sans', 'DejaVu Sans', sans-serif">` +
    `<rect width="100%" height="100%" style="fill: var(--bg)"/>${parts.join('')}</svg>`
  return { svg, width, height }
}
