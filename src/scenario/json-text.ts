/**
 * Reading a scenario from JSON text, with limits that keep absurd input from
 * hanging or crashing the loader: a size cap, a nesting cap, and a syntax
 * error that names its line and column.
 *
 * JSON.parse does not report where it failed in every engine (V8 often quotes
 * the whole text instead), so on failure a small scanner walks the text to find
 * the first offending character and says what it expected there.
 */

import { MAX_JSON_BYTES } from './defaults'

export { MAX_JSON_BYTES }
/** A valid scenario nests 5 levels (document, steps, step, backing, setsFlags); extra fields get some room. */
export const MAX_NESTING = 64

export type JsonTextResult = { ok: true; value: unknown } | { ok: false; message: string }

export function parseJsonText(input: string): JsonTextResult {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input // a byte-order mark some editors write
  const bytes = utf8ByteLength(text, MAX_JSON_BYTES + 1)
  if (bytes > MAX_JSON_BYTES) {
    return { ok: false, message: `the JSON text is larger than 64 MiB (${MAX_JSON_BYTES} bytes); no scenario is that big` }
  }
  const depth = maxBracketDepth(text, MAX_NESTING + 1)
  if (depth > MAX_NESTING) {
    // Brackets counted outside strings say nothing of text that is not JSON at all (random bytes):
    // the scanner tells whether the text goes wrong before it is that deep.
    const found = findJsonSyntaxError(text, MAX_NESTING)
    if (found && !found.tooDeep) {
      const { line, column } = lineAndColumn(text, found.offset)
      return { ok: false, message: `invalid JSON at line ${line}, column ${column}: ${found.reason}` }
    }
    return { ok: false, message: `the JSON text nests more than ${MAX_NESTING} levels deep; a scenario needs 5` }
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch (error) {
    const found = findJsonSyntaxError(text)
    if (found) {
      const { line, column } = lineAndColumn(text, found.offset)
      return { ok: false, message: `invalid JSON at line ${line}, column ${column}: ${found.reason}` }
    }
    return { ok: false, message: `invalid JSON: ${String(error instanceof Error ? error.message : error).slice(0, 200)}` }
  }
}

/** UTF-8 length of `text`, counting no further than `stopAt`. */
export function utf8ByteLength(text: string, stopAt: number): number {
  if (text.length * 3 < stopAt) return text.length // cannot reach the limit
  let bytes = 0
  for (let i = 0; i < text.length && bytes < stopAt; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) bytes += 1
    else if (code < 0x800) bytes += 2
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4
      i++
    } else bytes += 3
  }
  return bytes
}

/** Deepest nesting of [ and { outside strings, counting no further than `stopAt`. */
function maxBracketDepth(text: string, stopAt: number): number {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++ // backslash: skip the escaped character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x5b || c === 0x7b) {
      depth++
      if (depth > deepest) {
        deepest = depth
        if (deepest >= stopAt) return deepest
      }
    } else if (c === 0x5d || c === 0x7d) depth--
  }
  return deepest
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++
      lineStart = i + 1
    }
  }
  return { line, column: offset - lineStart + 1 }
}

interface SyntaxProblem {
  offset: number
  reason: string
  /** Set when the text is valid so far but nests deeper than the scanner's `maxDepth`. */
  tooDeep?: true
}

/** What scanning one piece of text left behind: a finished value, an opened container or key that needs a value, or a problem. */
type ScanOutcome = 'value-complete' | 'value-follows' | SyntaxProblem

/**
 * The first JSON syntax error in `text`, or null if there is none. An
 * iterative scanner (no recursion, so deep nesting cannot overflow the stack).
 * With `maxDepth`, a container opened deeper than that ends the scan (a
 * problem marked `tooDeep`).
 */
export function findJsonSyntaxError(text: string, maxDepth = Infinity): SyntaxProblem | null {
  const containers: Array<'object' | 'array'> = []
  let pos = 0
  const skipSpace = () => {
    while (pos < text.length) {
      const c = text[pos]
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') pos++
      else break
    }
  }
  const problem = (expected: string): SyntaxProblem => ({
    offset: pos,
    reason: `expected ${expected}; ${pos >= text.length ? 'the text ends' : `found ${JSON.stringify(text[pos])}`}`,
  })

  const scanString = (): ScanOutcome => {
    const start = pos
    pos++ // opening quote
    while (pos < text.length) {
      const c = text.charCodeAt(pos)
      if (c === 0x22) {
        pos++
        return 'value-complete'
      }
      if (c < 0x20) return { offset: pos, reason: 'a control character (such as a line break) inside a string; write it as \\n' }
      if (c === 0x5c) {
        const escaped = text[pos + 1]
        if (escaped === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) {
            return { offset: pos, reason: 'a \\u escape needs four hex digits' }
          }
          pos += 6
        } else if (escaped !== undefined && '"\\/bfnrt'.includes(escaped)) pos += 2
        else return { offset: pos, reason: `an unknown escape \\${escaped ?? ''} in a string` }
      } else pos++
    }
    return { offset: start, reason: 'a string that is never closed (missing ")' }
  }

  const scanNumber = (): ScanOutcome => {
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(pos, pos + 400))
    if (!match) return problem('a number')
    pos += match[0].length
    const next = text[pos]
    if (next !== undefined && /[0-9.eE]/.test(next)) return { offset: pos, reason: 'a malformed number' }
    return 'value-complete'
  }

  const scanKey = (): ScanOutcome => {
    skipSpace()
    if (text[pos] !== '"') return problem('a property name in double quotes')
    const key = scanString()
    if (key !== 'value-complete') return key
    skipSpace()
    if (text[pos] !== ':') return problem("':' after the property name")
    pos++
    return 'value-follows'
  }

  const scanValue = (): ScanOutcome => {
    skipSpace()
    const c = text[pos]
    if (c === '{' || c === '[') {
      pos++
      skipSpace()
      const close = c === '{' ? '}' : ']'
      if (text[pos] === close) {
        pos++
        return 'value-complete'
      }
      containers.push(c === '{' ? 'object' : 'array')
      if (containers.length > maxDepth) return { offset: pos, reason: `nests more than ${maxDepth} levels deep`, tooDeep: true }
      return c === '{' ? scanKey() : 'value-follows'
    }
    if (c === '"') return scanString()
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return scanNumber()
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, pos)) {
        pos += word.length
        return 'value-complete'
      }
    }
    return problem('a value (an object, list, string, number, true, false or null)')
  }

  let needValue = true
  for (;;) {
    if (needValue) {
      const outcome = scanValue()
      if (outcome === 'value-follows') continue
      if (outcome !== 'value-complete') return outcome
      needValue = false
    }
    skipSpace()
    const top = containers[containers.length - 1]
    if (top === undefined) {
      return pos < text.length ? { offset: pos, reason: 'more text after the end of the JSON value' } : null
    }
    const c = text[pos]
    if (c === ',') {
      pos++
      if (top === 'object') {
        const key = scanKey()
        if (key !== 'value-follows') return key === 'value-complete' ? problem('a value') : key
      }
      needValue = true
    } else if ((top === 'object' && c === '}') || (top === 'array' && c === ']')) {
      pos++
      containers.pop()
    } else {
      return problem(top === 'object' ? "',' or '}' after a property value" : "',' or ']' after a list item")
    }
  }
}
