/**
 * The JSON view's text of a draft, as lines: `JSON.stringify(draft, null, 2)`
 * and a final newline, split at the newlines, but written a slice of steps at
 * a time with a pause between slices, so that the 65,530-step stress scenario
 * (720,840 lines) opens in the JSON view without one long main-thread task.
 * The steps' lines are each step's own JSON.stringify indented into place, so
 * the text is the same as the one-call version (json-lines.test.ts). And the
 * way back: a large document's text, read without a long task.
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
    for (let i = from; i < to; i++) {
      // As in an array, a value JSON cannot write (undefined) is written as null.
      const step = (JSON.stringify(steps[i], null, 2) ?? 'null').split('\n')
      for (let k = 0; k < step.length; k++) lines.push(`    ${step[k]}${k === step.length - 1 && i < steps.length - 1 ? ',' : ''}`)
    }
  }
  lines.push(`  ]${comma}`)
  for (let k = at + 1; k < shell.length; k++) lines.push(shell[k]!)
  lines.push('')
  return lines
}

/** Lines of a document read between two pauses (a few milliseconds). */
const LINES_PER_SLICE = 100_000

const collect = (doc: Text, from: number, to: number, into: string[]) => {
  let k = from - 1
  for (const line of doc.iterLines(from, to)) into[k++] = line
}

/**
 * A CodeMirror document's text, as `doc.toString()` gives it: its lines collected
 * LINES_PER_SLICE at a time with a pause between, and joined once. `toString` builds the text
 * a line at a time, which for 720,840 lines costs the main thread about three times as much,
 * most of it in the garbage collector, and all in one task.
 */
export async function documentTextInSlices(doc: Text, pause: () => Promise<void> = nextTask): Promise<string> {
  const lines: string[] = new Array(doc.lines)
  for (let from = 1; from <= doc.lines; from += LINES_PER_SLICE) {
    if (from > 1) await pause()
    collect(doc, from, Math.min(doc.lines + 1, from + LINES_PER_SLICE), lines)
  }
  return lines.join('\n')
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
