/**
 * `loadScenario`: the one door every scenario comes in through (a file, a
 * shared link, a paste, the CLI, the gallery).
 *
 *   JSON text ──parseJsonText──▶ value ──migrateToCurrent──▶ v1 document
 *     ──scenarioSchema (zod)──▶ + cross-field rules ──▶ Scenario with defaults
 *
 * It never throws. On failure it names the first bad field, in document
 * order, by its path (`steps[3].prot`) and says why. Unknown fields are
 * dropped, and each one is named in a warning.
 */
import type { Scenario } from './types'
import { MAX_STEPS, scenarioSchema, stepSchema, backingSchema, initialStateSchema, initialVmaSchema } from './schema'
import { initialStateProblems } from './initial-rules'
import { stepProblems } from './step-rules'
import { parseJsonText } from './json-text'
import { migrateToCurrent } from './migrate'
import { comparePaths, formatPath, genericIssueMessage, type IssuePath } from './issue-text'

export interface ScenarioError {
  /** Like "steps[3].prot"; "" means the whole document. */
  path: string
  message: string
}

export type LoadResult =
  | { ok: true; scenario: Scenario; warnings: string[] }
  | { ok: false; error: ScenarioError; text: string }

/** At most this many unknown fields are named one by one in the warnings. */
const MAX_LISTED_UNKNOWN_FIELDS = 10

export function loadScenario(input: unknown): LoadResult {
  try {
    return loadUnchecked(input)
  } catch (error) {
    // A bug here must not take the caller down; report it as a load failure.
    return failure('', `could not read the scenario (${error instanceof Error ? error.message : String(error)})`)
  }
}

function loadUnchecked(input: unknown): LoadResult {
  let value = input
  if (typeof input === 'string') {
    const parsed = parseJsonText(input)
    if (!parsed.ok) return failure('', parsed.message)
    value = parsed.value
  }

  const migrated = migrateToCurrent(value)
  if (!migrated.ok) return failure(migrated.error.path, migrated.error.message)
  const document = migrated.document

  const steps = document.steps
  if (Array.isArray(steps) && steps.length > MAX_STEPS) {
    return failure('steps', `${steps.length.toLocaleString('en-US')} steps is more than the limit of ${MAX_STEPS.toLocaleString('en-US')}`)
  }

  const result = scenarioSchema.safeParse(document, { error: genericIssueMessage, reportInput: true })
  const candidates: Array<{ path: IssuePath; message: string }> = crossFieldProblems(document)
  if (!result.success) {
    const first = result.error.issues[0]
    if (first) candidates.push({ path: first.path, message: first.message })
  }
  if (candidates.length > 0) {
    candidates.sort((a, b) => comparePaths(a.path, b.path, fieldRank))
    const first = candidates[0]!
    return failure(formatPath(first.path), first.message)
  }
  if (!result.success) return failure('', 'invalid scenario') // unreachable: a failed parse has an issue

  const warnings = [...migrated.warnings, ...unknownFieldWarnings(document, result.data)]
  return { ok: true, scenario: result.data, warnings }
}

function failure(path: string, message: string): LoadResult {
  return { ok: false, error: { path, message }, text: path === '' ? message : `${path}: ${message}` }
}

/**
 * Rules that tie one field to another, which the per-field schema cannot say.
 * Read leniently from the raw document, so they can be ordered together with
 * the schema's issues.
 */
function crossFieldProblems(document: Record<string, unknown>): Array<{ path: IssuePath; message: string }> {
  const problems: Array<{ path: IssuePath; message: string }> = [...initialStateProblems(document), ...stepProblems(document)]
  const steps = document.steps
  if (!Array.isArray(steps)) return problems
  const placement = document.placement ?? 'fixed'
  const firstBrk = steps.findIndex((step) => isRecord(step) && step.op === 'brk')
  if (firstBrk >= 0 && document.brkBase === undefined) {
    problems.push({ path: ['brkBase'], message: `required, because steps[${firstBrk}] is a brk (the break starts at brkBase)` })
  }
  if (placement === 'fixed') {
    const unplaced = steps.findIndex((step) => isRecord(step) && step.op === 'mmap' && step.at === undefined)
    if (unplaced >= 0) {
      problems.push({
        path: ['steps', unplaced, 'at'],
        message: 'required when placement is "fixed" (the default); give the first page, or set "placement": "kernel"',
      })
    }
  }
  return problems
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Field order in the schema: the document order errors are reported in. */
const FIELD_ORDER: Map<string, number> = (() => {
  const order = new Map<string, number>()
  const add = (keys: string[]) => keys.forEach((key) => order.has(key) || order.set(key, order.size))
  add(Object.keys(scenarioSchema.shape))
  for (const option of stepSchema.options) add(Object.keys(option.shape))
  for (const option of backingSchema.options) add(Object.keys(option.shape))
  add(Object.keys(initialStateSchema.shape))
  add(Object.keys(initialVmaSchema.shape))
  return order
})()

function fieldRank(key: string): number {
  return FIELD_ORDER.get(key) ?? FIELD_ORDER.size
}

/** Names the fields of `raw` that the schema dropped from `parsed`. */
function unknownFieldWarnings(raw: unknown, parsed: unknown): string[] {
  const unknownPaths: string[] = []
  const walk = (rawValue: unknown, parsedValue: unknown, path: IssuePath) => {
    if (Array.isArray(rawValue) && Array.isArray(parsedValue)) {
      for (let i = 0; i < parsedValue.length; i++) walk(rawValue[i], parsedValue[i], [...path, i])
    } else if (isRecord(rawValue) && isRecord(parsedValue)) {
      for (const key of Object.keys(rawValue)) {
        if (Object.hasOwn(parsedValue, key)) walk(rawValue[key], parsedValue[key], [...path, key])
        else unknownPaths.push(formatPath([...path, key]))
      }
    }
  }
  walk(raw, parsed, [])
  if (unknownPaths.length === 0) return []
  const listed = unknownPaths.slice(0, MAX_LISTED_UNKNOWN_FIELDS)
  const more = unknownPaths.length - listed.length
  return [
    `ignored unknown field${unknownPaths.length === 1 ? '' : 's'}: ${listed.join(', ')}${more > 0 ? ` and ${more} more` : ''}`,
  ]
}
