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
import { SCENARIO_FORMAT, type Scenario, type Step } from './types'
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

/** A document that loaded, and what it loaded as (for loadScenarioEdit). */
export interface LoadedDocument {
  document: { steps: readonly unknown[] }
  scenario: Scenario
}

/**
 * loadScenario for an edit of a document that loaded before (the editor's
 * drafts): the same answer, but a step that is the very object it was in
 * `previous.document` is not checked by the schema again, its loaded form is
 * reused. Drafts are changed by copying (never in place), so an unchanged
 * object is unchanged input, and a step's schema does not look outside the
 * step. The rules that tie fields together (ranges inside the window, brkBase,
 * placement) look at the changed steps only, when the fields outside the steps
 * that they read are unchanged (changedSteps); otherwise at the whole document.
 * At 65,530 steps this is about a millisecond where loadScenario takes hundreds.
 */
export function loadScenarioEdit(input: Record<string, unknown>, previous: LoadedDocument): LoadResult {
  try {
    return loadEditUnchecked(input, previous)
  } catch (error) {
    return failure('', `could not read the scenario (${error instanceof Error ? error.message : String(error)})`)
  }
}

function loadEditUnchecked(document: Record<string, unknown>, previous: LoadedDocument): LoadResult {
  const steps = document.steps
  if (document.format !== SCENARIO_FORMAT || !Array.isArray(steps) || steps.length > MAX_STEPS) return loadUnchecked(document)
  // A step at its old index is found there; one that moved (a removal, a reorder) through a map, built only then.
  const before = previous.document.steps
  let moved: Map<unknown, Step> | null = null
  const reusedAt = (raw: unknown, i: number): Step | undefined => {
    if (typeof raw !== 'object' || raw === null) return undefined
    if (before[i] === raw) return previous.scenario.steps[i]
    if (!moved) {
      moved = new Map()
      for (let k = 0; k < before.length; k++) {
        const loaded = previous.scenario.steps[k]
        if (typeof before[k] === 'object' && before[k] !== null && loaded) moved.set(before[k], loaded)
      }
    }
    return moved.get(raw)
  }

  const options = { error: genericIssueMessage, reportInput: true } as const
  // Same length (a field edited): start from the loaded steps and look only where an object changed.
  const sameLength = steps.length === before.length
  const candidates: Array<{ path: IssuePath; message: string }> = crossFieldProblems(document, sameLength ? changedSteps(document, previous.document) : undefined)
  const top = scenarioSchema.safeParse({ ...document, steps: [] }, options)
  if (!top.success) {
    const first = top.error.issues[0]
    if (first) candidates.push({ path: first.path, message: first.message })
  }
  const loadedSteps: Step[] = sameLength ? previous.scenario.steps.slice() : []
  const checked: number[] = []
  for (let i = 0; i < steps.length; i++) {
    const raw: unknown = steps[i]
    if (sameLength && raw === before[i]) continue
    // At the same length a changed object is an edited step (or one of two swapped): parsing it costs less than the map.
    const reused = sameLength ? undefined : reusedAt(raw, i)
    if (reused) {
      loadedSteps[i] = reused
      continue
    }
    checked.push(i)
    const step = stepSchema.safeParse(raw, options)
    if (step.success) loadedSteps[i] = step.data
    else {
      const first = step.error.issues[0]
      if (first) candidates.push({ path: ['steps', i, ...first.path], message: first.message })
    }
  }
  if (candidates.length > 0) {
    candidates.sort((a, b) => comparePaths(a.path, b.path, fieldRank))
    const first = candidates[0]!
    return failure(formatPath(first.path), first.message)
  }
  if (!top.success) return failure('', 'invalid scenario') // unreachable: a failed parse has an issue
  const scenario: Scenario = { ...top.data, steps: loadedSteps }
  const warnings = unknownFieldWarnings({ ...document, steps: checked.map((i) => steps[i]) }, { ...top.data, steps: checked.map((i) => loadedSteps[i]) }, checked)
  return { ok: true, scenario, warnings }
}

function failure(path: string, message: string): LoadResult {
  return { ok: false, error: { path, message }, text: path === '' ? message : `${path}: ${message}` }
}

/** Fields outside the steps that the rules tying fields together read (crossFieldProblems, ./step-rules.ts, ./initial-rules.ts). */
const CROSS_FIELD_KEYS = ['format', 'windowPages', 'placement', 'brkBase', 'initial'] as const

/**
 * The indices of the steps of `document` that are not the very objects of the document that
 * loaded before, at the same length; undefined when a field the cross-field rules read
 * changed, so that every step is to be looked at again.
 */
function changedSteps(document: Record<string, unknown>, before: LoadedDocument['document']): number[] | undefined {
  const previous = before as Record<string, unknown>
  if (CROSS_FIELD_KEYS.some((key) => document[key] !== previous[key])) return undefined
  const steps = document.steps as unknown[]
  const changed: number[] = []
  for (let i = 0; i < steps.length; i++) if (steps[i] !== before.steps[i]) changed.push(i)
  return changed
}

/**
 * Rules that tie one field to another, which the per-field schema cannot say.
 * Read leniently from the raw document, so they can be ordered together with
 * the schema's issues. With `only` (from changedSteps), the steps at `only`: the
 * document that loaded before had no such problem, and the rest of it is unchanged.
 */
function crossFieldProblems(document: Record<string, unknown>, only?: readonly number[]): Array<{ path: IssuePath; message: string }> {
  const problems: Array<{ path: IssuePath; message: string }> = only ? stepProblems(document, only) : [...initialStateProblems(document), ...stepProblems(document)]
  const steps = document.steps
  if (!Array.isArray(steps)) return problems
  const placement = document.placement ?? 'fixed'
  const first = (test: (step: Record<string, unknown>) => boolean): number => {
    for (const i of only ?? steps.keys()) if (isRecord(steps[i]) && test(steps[i])) return i
    return -1
  }
  const firstBrk = document.brkBase === undefined ? first((step) => step.op === 'brk') : -1
  if (firstBrk >= 0) {
    problems.push({ path: ['brkBase'], message: `required, because steps[${firstBrk}] is a brk (the break starts at brkBase)` })
  }
  if (placement === 'fixed') {
    const unplaced = first((step) => (step.op === 'mmap' || step.op === 'shmat') && step.at === undefined)
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

/**
 * Names the fields of `raw` that the schema dropped from `parsed`. `stepIndex`,
 * when given, is the index in the whole document of each step listed in `raw`.
 */
function unknownFieldWarnings(raw: unknown, parsed: unknown, stepIndex?: readonly number[]): string[] {
  const unknownPaths: string[] = []
  const walk = (rawValue: unknown, parsedValue: unknown, path: IssuePath) => {
    if (Array.isArray(rawValue) && Array.isArray(parsedValue)) {
      const steps = stepIndex && path.length === 1 && path[0] === 'steps'
      for (let i = 0; i < parsedValue.length; i++) walk(rawValue[i], parsedValue[i], [...path, steps ? stepIndex[i]! : i])
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
