/**
 * The JSON view's text of a draft, as lines: `JSON.stringify(draft, null, 2)`
 * and a final newline, split at the newlines, but written a slice of steps at
 * a time with a pause between slices, so that the 65,530-step stress scenario
 * (720,840 lines) opens in the JSON view without one long main-thread task.
 * The steps' lines are each step's own JSON.stringify indented into place, so
 * the text is the same as the one-call version (json-lines.test.ts). And the
 * way back: a large document's text, as UTF-8 bytes, read without a long task.
 */

import { Text } from '@codemirror/state'

/** Steps written between two pauses (about 5 ms each in Chromium). */
const STEPS_PER_SLICE = 8_000

/** The line `"steps": [],` (or without the comma, the last key) of the top-level object. */
const STEPS_LINE = /^ {2}"steps": \[\](,?)$/

/** A turn of the event loop: the page's other tasks (input, frames) run between two slices. */
export const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

export async function jsonLines(draft: Record<string, unknown>, pause: () => Promise<void> = nextTask): Promise<string[]> {
  const steps = draft.steps
  if (!Array.isArray(steps) || steps.length === 0) return `${JSON.stringify(draft, null, 2)}\n`.split('\n')
  const shell = JSON.stringify({ ...draft, steps: [] }, null, 2).split('\n')
  const at = shell.findIndex((line) => STEPS_LINE.test(line))
  const comma = shell[at]!.endsWith(',') ? ',' : ''
  const lines = shell.slice(0, at)
  lines.push('  "steps": [')
  for (let from = 0; from < steps.length; from += STEPS_PER_SLICE) {
    if (from > 0) await pause()
    const to = Math.min(steps.length, from + STEPS_PER_SLICE)
    for (let i = from; i < to; i++) writeStep(steps[i], i < steps.length - 1 ? ',' : '', lines)
  }
  lines.push(`  ]${comma}`)
  for (let k = at + 1; k < shell.length; k++) lines.push(shell[k]!)
  lines.push('')
  return lines
}

/**
 * Writes one step as its lines in `JSON.stringify(steps, null, 2)`, indented into place. Plain
 * data (what a draft holds) is written line by line, each line one string made of shared parts:
 * the `"key": ` of each indent and key, and the text of short strings and numbers, are made once.
 * Splitting each step's own JSON.stringify made about three strings per line that were garbage
 * at once, and collecting them cost the stress scenario a 50 to 140 ms pause while the view
 * opened. Anything else (a toJSON, a bigint, a class instance) is written the old way.
 */
function writeStep(step: unknown, tail: string, lines: string[]): void {
  const mark = lines.length
  if (writeValue(step, STEP_INDENT, STEP_INDENT, tail, lines, 0)) return
  lines.length = mark
  // As in an array, a value JSON cannot write (undefined) is written as null.
  const text = (JSON.stringify(step, null, 2) ?? 'null').split('\n')
  for (let k = 0; k < text.length; k++) lines.push(`${STEP_INDENT}${text[k]}${k === text.length - 1 ? tail : ''}`)
}

const STEP_INDENT = '    '
const MAX_DEPTH = 64
const prefixes = new Map<string, Map<string, string>>()
const texts = new Map<string | number, string>()
const MAX_TEXTS = 100_000

/** `"key": ` at `indent`, made once. */
function prefixOf(indent: string, key: string): string {
  let byKey = prefixes.get(indent)
  if (!byKey) prefixes.set(indent, (byKey = new Map()))
  let prefix = byKey.get(key)
  if (prefix === undefined) {
    prefix = `${indent}${JSON.stringify(key)}: `
    if (byKey.size < MAX_TEXTS) byKey.set(key, prefix)
  }
  return prefix
}

/** JSON's text of a string or number, made once for short ones. */
function textOf(value: string | number): string {
  let text = texts.get(value)
  if (text === undefined) {
    text = JSON.stringify(value)
    if (texts.size >= MAX_TEXTS) texts.clear()
    if (typeof value === 'number' || value.length <= 32) texts.set(value, text)
  }
  return text
}

const isPlain = (value: object) => {
  const proto = Object.getPrototypeOf(value) as unknown
  return (proto === Object.prototype || proto === null || Array.isArray(value)) && typeof (value as { toJSON?: unknown }).toJSON !== 'function'
}

/**
 * Pushes `value`'s lines: the first starts with `head`, the last ends with `tail`, inner lines
 * are indented from `indent`. False (and some lines pushed) for a value this does not write.
 */
function writeValue(value: unknown, indent: string, head: string, tail: string, lines: string[], depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'number':
      lines.push(head + textOf(value) + tail)
      return true
    case 'boolean':
      lines.push(head + (value ? 'true' : 'false') + tail)
      return true
    case 'object':
      break
    default:
      return false // undefined, a function or a symbol where a value is written; a bigint
  }
  if (value === null) {
    lines.push(`${head}null${tail}`)
    return true
  }
  if (depth >= MAX_DEPTH || !isPlain(value)) return false
  const inner = `${indent}  `
  if (Array.isArray(value)) {
    if (value.length === 0) {
      lines.push(`${head}[]${tail}`)
      return true
    }
    lines.push(`${head}[`)
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i]
      const comma = i < value.length - 1 ? ',' : ''
      // As JSON.stringify does in an array: a value JSON cannot write is written as null.
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') lines.push(`${inner}null${comma}`)
      else if (!writeValue(item, inner, inner, comma, lines, depth + 1)) return false
    }
    lines.push(indent + ']' + tail)
    return true
  }
  const record = value as Record<string, unknown>
  const keys = Object.keys(record).filter((key) => {
    const v = record[key]
    return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol'
  })
  if (keys.length === 0) {
    lines.push(`${head}{}${tail}`)
    return true
  }
  lines.push(`${head}{`)
  for (let i = 0; i < keys.length; i++) {
    if (!writeValue(record[keys[i]!], inner, prefixOf(inner, keys[i]!), i < keys.length - 1 ? ',' : '', lines, depth + 1)) return false
  }
  lines.push(indent + '}' + tail)
  return true
}

/** Lines of a document read between two pauses (a few milliseconds). */
const LINES_PER_SLICE = 100_000

/** Lines `from` to `to` (exclusive, 1-based) of `doc`, into `into` from index `from - base`. */
const collect = (doc: Text, from: number, to: number, into: string[], base: number) => {
  let k = from - base
  for (const line of doc.iterLines(from, to)) into[k++] = line
}

/**
 * A CodeMirror document's text as UTF-8, the bytes `new TextEncoder().encode(doc.toString())`
 * gives: LINES_PER_SLICE lines at a time, each slice joined and encoded into one growing buffer,
 * with a pause between slices. The bytes go to the open worker as a transfer, not a copy. The
 * whole text as one string cost the stress scenario (720,840 lines) a 50 ms join and a 37 ms
 * structured clone into the worker, both in one task.
 */
export async function documentBytesInSlices(doc: Text, pause: () => Promise<void> = nextTask): Promise<Uint8Array> {
  const encoder = new TextEncoder()
  // A document's length counts each line break as one character: exact for ASCII text, grown for the rest.
  let bytes = new Uint8Array(Math.max(16, doc.length))
  let used = 0
  for (let from = 1; from <= doc.lines; from += LINES_PER_SLICE) {
    if (from > 1) await pause()
    const to = Math.min(doc.lines + 1, from + LINES_PER_SLICE)
    const lines: string[] = []
    collect(doc, from, to, lines, from)
    let text = to <= doc.lines ? `${lines.join('\n')}\n` : lines.join('\n')
    for (;;) {
      const { read, written } = encoder.encodeInto(text, bytes.subarray(used))
      used += written
      if (read === text.length) break
      text = text.slice(read)
      const grown = new Uint8Array(Math.max(bytes.length * 2, used + text.length * 3))
      grown.set(bytes.subarray(0, used))
      bytes = grown
    }
  }
  return bytes.length === used ? bytes : bytes.slice(0, used)
}

/** `Text.of(lines)`, made LINES_PER_SLICE lines at a time with a pause between (appended, each slice after a line break). */
export async function documentOf(lines: readonly string[], pause: () => Promise<void> = nextTask): Promise<Text> {
  let doc = Text.of(lines.slice(0, LINES_PER_SLICE))
  for (let from = LINES_PER_SLICE; from < lines.length; from += LINES_PER_SLICE) {
    await pause()
    doc = doc.append(Text.of(['', ...lines.slice(from, from + LINES_PER_SLICE)]))
  }
  return doc
}
