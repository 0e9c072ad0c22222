/**
 * Opening a file in vmascope: a scenario .json, or an .svg / .png that
 * vmascope exported (the scenario rides inside it). The kind is decided by
 * the content, not the name: a PNG signature, an <svg> element, else JSON.
 * Whatever is found goes through loadScenario; a picture without a scenario
 * gets a message that says so.
 */
import { loadScenario, type LoadResult } from '../scenario/load'
import { SCENARIO_KEYWORD, isPng, readPngText } from './png-text'
import { extractScenarioFromSvg } from './svg-scenario'

/** Larger files are not read (a scenario file of the largest allowed scenario is far smaller). */
export const MAX_OPEN_FILE_BYTES = 64 * 1024 * 1024

export type FileKind = 'png' | 'svg' | 'json'

export type OpenFileResult = (LoadResult & { kind: FileKind }) | { ok: false; kind: FileKind | 'unknown'; text: string; error: { path: string; message: string } }

function failure(kind: FileKind | 'unknown', message: string): OpenFileResult {
  return { ok: false, kind, text: message, error: { path: '', message } }
}

/**
 * What markup `text` is: 'svg' when its first element is <svg> (after any XML
 * declaration, processing instructions, comments of any length and a DOCTYPE,
 * with or without an internal subset), 'markup' for other text that starts
 * with "<" (XML, HTML), else null. One pass over the prolog, no regular
 * expression that could backtrack on a long one.
 */
export function markupKind(text: string): 'svg' | 'markup' | null {
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0
  const skipSpace = () => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++
  }
  skipSpace()
  if (text[pos] !== '<') return null
  for (;;) {
    skipSpace()
    if (text.startsWith('<?', pos)) {
      const end = text.indexOf('?>', pos + 2)
      if (end < 0) return 'markup'
      pos = end + 2
    } else if (text.startsWith('<!--', pos)) {
      const end = text.indexOf('-->', pos + 4)
      if (end < 0) return 'markup'
      pos = end + 3
    } else if (text.slice(pos, pos + 9).toUpperCase() === '<!DOCTYPE') {
      // Up to the ">" that ends it: not one inside quotes or inside the [ internal subset ].
      let quote: string | null = null
      let subset = false
      for (pos += 9; pos < text.length; pos++) {
        const c = text[pos]!
        if (quote) {
          if (c === quote) quote = null
        } else if (c === '"' || c === "'") quote = c
        else if (c === '[') subset = true
        else if (c === ']') subset = false
        else if (c === '>' && !subset) break
      }
      if (pos >= text.length) return 'markup'
      pos++
    } else {
      return /^<svg[\s>/]/i.test(text.slice(pos, pos + 5)) ? 'svg' : 'markup'
    }
  }
}

/** Where `bytes` stop being UTF-8, in words (the first byte that cannot start or continue a character). */
function notUtf8(bytes: Uint8Array): string {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0
    let ok = length > 0 && i + length <= bytes.length
    for (let k = 1; ok && k < length; k++) ok = (bytes[i + k]! & 0xc0) === 0x80
    if (!ok) return `byte ${i.toLocaleString('en-US')} (0x${b.toString(16).padStart(2, '0')}) is not UTF-8`
    i += length
  }
  return 'it is not UTF-8'
}

export function openScenarioBytes(bytes: Uint8Array): OpenFileResult {
  if (bytes.length > MAX_OPEN_FILE_BYTES) {
    return failure('unknown', `the file is ${(bytes.length / 1048576).toFixed(1)} MB; vmascope opens files up to ${MAX_OPEN_FILE_BYTES / 1048576} MB`)
  }
  if (isPng(bytes)) {
    const found = readPngText(bytes, SCENARIO_KEYWORD)
    if (!found.ok) return failure('png', found.message)
    if (found.text === null) return failure('png', 'this PNG holds no vmascope scenario (it was not exported by vmascope, or a program removed its text chunks)')
    return { ...loadScenario(found.text), kind: 'png' }
  }
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return failure('unknown', `this is not text: ${notUtf8(bytes)}. vmascope opens a scenario (JSON text), or an SVG or PNG that vmascope exported`)
  }
  const markup = markupKind(text)
  if (markup === 'svg') {
    const json = extractScenarioFromSvg(text)
    if (json === null) return failure('svg', 'this SVG holds no vmascope scenario (it was not exported by vmascope, or an editor removed its <metadata>)')
    return { ...loadScenario(json), kind: 'svg' }
  }
  if (markup === 'markup') {
    return failure('unknown', 'this is XML or HTML, not an SVG (its first element is not <svg>) nor a scenario (JSON text); vmascope opens a scenario, or an SVG or PNG that vmascope exported')
  }
  return { ...loadScenario(text), kind: 'json' }
}
