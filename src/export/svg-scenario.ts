/**
 * SVG text helpers for exports (pure string work, no DOM):
 *
 * - `inlineThemeTokens`: an exported SVG must look the same outside the page,
 *   where the theme's custom properties do not exist, so every
 *   `var(--token)` / `var(--token, fallback)` is replaced by the colour the
 *   token had on screen (the current theme, light or dark or presentation).
 * - `embedScenarioInSvg` / `extractScenarioFromSvg`: the scenario JSON goes
 *   into `<metadata><vmascope:scenario>…</vmascope:scenario></metadata>`,
 *   XML-escaped, so opening the image in vmascope restores it. Extraction
 *   only reads text and un-escapes the five XML entities and numeric
 *   references; the result goes through loadScenario like any input.
 */

export const VMASCOPE_XML_NAMESPACE = 'https://github.com/vmascope/vmascope/scenario'

/** The theme tokens an export reads (src/ui/theme.css, contracts.md). */
export const THEME_TOKENS = [
  '--bg', '--bg-panel', '--bg-raised', '--fg', '--fg-muted', '--border', '--accent', '--focus', '--selection',
  '--vma-anon', '--vma-file', '--vma-shmem', '--vma-device', '--vma-heap', '--vma-boundary', '--vma-mergeable',
  '--change-new', '--change-merged', '--change-split', '--change-modified', '--change-removed',
  '--check-pass', '--check-fail', '--prev-highlight', '--next-highlight',
] as const

const VAR_REFERENCE = /var\(\s*(--[A-Za-z0-9_-]+)\s*(?:,\s*([^()]*(?:\([^()]*\)[^()]*)*))?\)/g

/** Replaces each var(--token) with its value from `tokens` (else its fallback, else "currentColor"). */
export function inlineThemeTokens(svg: string, tokens: Readonly<Record<string, string>>): string {
  // Nested var() in a fallback resolves from the inside out.
  let current = svg
  for (let pass = 0; pass < 4 && current.includes('var('); pass++) {
    current = current.replace(VAR_REFERENCE, (_match, name: string, fallback: string | undefined) => {
      const value = tokens[name]
      if (value !== undefined && value.trim() !== '') return value.trim()
      return fallback !== undefined ? fallback.trim() : 'currentColor'
    })
  }
  return current
}

export function escapeXmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

export function unescapeXmlText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-z]{2,4});/g, (match, body: string) => {
    if (body.startsWith('#')) {
      const code = body[1] === 'x' ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10)
      return code <= 0x10ffff ? String.fromCodePoint(code) : match
    }
    return NAMED_ENTITIES[body] ?? match
  })
}

/** `svg` with a <metadata> element holding the scenario JSON, right after the opening <svg> tag. */
export function embedScenarioInSvg(svg: string, scenarioJson: string): string {
  const open = /<svg\b[^>]*>/.exec(svg)
  if (!open) throw new Error('not an SVG document: no <svg> element')
  const metadata =
    `<metadata><vmascope:scenario xmlns:vmascope="${VMASCOPE_XML_NAMESPACE}">` +
    `${escapeXmlText(scenarioJson)}</vmascope:scenario></metadata>`
  const at = open.index + open[0].length
  return `${svg.slice(0, at)}${metadata}${svg.slice(at)}`
}

/** The scenario JSON inside an exported SVG, or null when there is none. */
export function extractScenarioFromSvg(svg: string): string | null {
  const match = /<vmascope:scenario\b[^>]*>([\s\S]*?)<\/vmascope:scenario>/.exec(svg)
  if (!match) return null
  const body = match[1]!
  const cdata = /^\s*<!\[CDATA\[([\s\S]*)\]\]>\s*$/.exec(body)
  return cdata ? cdata[1]! : unescapeXmlText(body)
}
