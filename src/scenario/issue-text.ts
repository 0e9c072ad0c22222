/**
 * Turning zod issues into what a user reads: a path in the document's own
 * notation (`steps[3].prot`) and a reason in words.
 *
 * Field-specific reasons (page numbers, prot, unknown op …) are attached in
 * ./schema.ts; `genericIssueMessage` covers the rest and is passed to
 * `safeParse` as the per-parse error map, which zod consults only when the
 * schema's own message is absent.
 */
import type { z } from 'zod'
import { describeValue } from './describe-value'

export type IssuePath = ReadonlyArray<PropertyKey>

/** ["steps", 3, "prot"] → "steps[3].prot"; [] → "". */
export function formatPath(path: IssuePath): string {
  let text = ''
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`
    else text += text === '' ? String(segment) : `.${String(segment)}`
  }
  return text
}

const TYPE_NOUNS: Record<string, string> = {
  string: 'text (a string)',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
}

export function genericIssueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  const input = issue.input
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined) return 'required'
      return `expected ${TYPE_NOUNS[issue.expected] ?? issue.expected}, got ${describeValue(input)}`
    case 'invalid_value': {
      const choices = issue.values.map((value) => JSON.stringify(value))
      const expected = choices.length === 1 ? choices[0] : `one of ${choices.join(', ')}`
      return input === undefined ? `required; expected ${expected}` : `expected ${expected}, got ${describeValue(input)}`
    }
    case 'too_big':
      return `too large: at most ${String(issue.maximum)}, got ${describeValue(input)}`
    case 'too_small':
      return `too small: at least ${String(issue.minimum)}, got ${describeValue(input)}`
    case 'invalid_union':
      return `does not match any allowed form, got ${describeValue(input)}`
    default:
      return undefined
  }
}

/**
 * Orders two paths by where they occur in the document: array items by
 * index, object fields by their order in the schema (`fieldRank`), a
 * container before its fields.
 */
export function comparePaths(a: IssuePath, b: IssuePath, fieldRank: (key: string) => number): number {
  const shared = Math.min(a.length, b.length)
  for (let i = 0; i < shared; i++) {
    const left = a[i]
    const right = b[i]
    if (left === right) continue
    if (typeof left === 'number' && typeof right === 'number') return left - right
    return fieldRank(String(left)) - fieldRank(String(right))
  }
  return a.length - b.length
}
