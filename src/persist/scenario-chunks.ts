/**
 * A scenario in IndexedDB, in pieces: a header (the scenario without its steps
 * and initial VMAs) and chunks of CHUNK_ITEMS steps or VMAs. A 1,000,000-step
 * scenario is 200 puts, each a structured clone of 5,000 small objects (a few
 * milliseconds), with the event loop free in between; never one long task.
 *
 * Writes are crash-safe: the chunks of a new version go under a new
 * generation, the header that names them is written last, and only then are
 * the old generation's chunks deleted. A reader that finds the header finds
 * all of its chunks.
 */
import { SCENARIO_FORMAT, type InitialVma, type Scenario, type Step } from '../scenario/types'
import type { WorkDb } from './kv'

export const CHUNK_ITEMS = 5_000
/** Bumped when the stored shape changes; a header with another version is ignored. */
export const STORED_SCENARIO_VERSION = 1

interface ScenarioHeader {
  version: number
  generation: string
  stepChunks: number
  vmaChunks: number
  /** The scenario with `steps: []` and `initial.vmas: []`. */
  shell: Scenario
}

const headerKey = (key: string) => `${key}/header`
const chunkKey = (key: string, generation: string, kind: 'steps' | 'vmas', index: number) => `${key}/${generation}/${kind}/${index}`

function chunkKeys(key: string, header: ScenarioHeader): string[] {
  const keys: string[] = []
  for (let i = 0; i < header.stepChunks; i++) keys.push(chunkKey(key, header.generation, 'steps', i))
  for (let i = 0; i < header.vmaChunks; i++) keys.push(chunkKey(key, header.generation, 'vmas', i))
  return keys
}

let generations = 0
function newGeneration(): string {
  generations++
  return `${Date.now().toString(36)}-${generations}`
}

async function writeChunks<T>(db: WorkDb, key: string, generation: string, kind: 'steps' | 'vmas', items: readonly T[]): Promise<number> {
  let count = 0
  for (let start = 0; start < items.length; start += CHUNK_ITEMS) {
    await db.set(chunkKey(key, generation, kind, count), items.slice(start, start + CHUNK_ITEMS))
    count++
  }
  return count
}

/** One write at a time per database and key, so two writers never interleave generations. */
const queues = new WeakMap<WorkDb, Map<string, Promise<void>>>()
function serialised(db: WorkDb, key: string, write: () => Promise<void>): Promise<void> {
  let perDb = queues.get(db)
  if (!perDb) queues.set(db, (perDb = new Map()))
  const next = (perDb.get(key) ?? Promise.resolve()).then(write, write)
  perDb.set(key, next.catch(() => undefined))
  return next
}

/** Stores `scenario` under `key`, replacing what was there. */
export function writeScenario(db: WorkDb, key: string, scenario: Scenario): Promise<void> {
  return serialised(db, key, () => writeScenarioNow(db, key, scenario))
}

async function writeScenarioNow(db: WorkDb, key: string, scenario: Scenario): Promise<void> {
  const previous = await db.get<ScenarioHeader>(headerKey(key))
  const generation = newGeneration()
  const stepChunks = await writeChunks(db, key, generation, 'steps', scenario.steps)
  const vmaChunks = await writeChunks(db, key, generation, 'vmas', scenario.initial?.vmas ?? [])
  const shell: Scenario = { ...scenario, steps: [] }
  if (scenario.initial) shell.initial = { ...scenario.initial, vmas: [] }
  await db.set(headerKey(key), { version: STORED_SCENARIO_VERSION, generation, stepChunks, vmaChunks, shell } satisfies ScenarioHeader)
  if (previous?.generation) await db.delMany(chunkKeys(key, previous))
}

/** The scenario stored under `key`, or null when there is none (or it is from another version, or incomplete). */
export async function readScenario(db: WorkDb, key: string): Promise<Scenario | null> {
  const header = await db.get<ScenarioHeader>(headerKey(key))
  // A scenario saved as vma-scenario/1 or /2 is a vma-scenario/3 scenario (versions 2 and 3 only added names).
  const format: string | undefined = header?.shell?.format
  if (!header || header.version !== STORED_SCENARIO_VERSION || (format !== SCENARIO_FORMAT && format !== 'vma-scenario/1' && format !== 'vma-scenario/2')) return null
  // One chunk per request, one after another: each answer is deserialised in a task of its own.
  const steps: Step[] = []
  const vmas: InitialVma[] = []
  const keys = chunkKeys(key, header)
  for (let index = 0; index < keys.length; index++) {
    const chunk = await db.get<unknown[]>(keys[index]!)
    if (!Array.isArray(chunk)) return null
    const target: unknown[] = index < header.stepChunks ? steps : vmas
    for (const item of chunk) target.push(item)
  }
  const scenario: Scenario = { ...header.shell, format: SCENARIO_FORMAT, steps }
  if (header.shell.initial) scenario.initial = { ...header.shell.initial, vmas }
  return scenario
}

export function deleteScenario(db: WorkDb, key: string): Promise<void> {
  return serialised(db, key, () => deleteScenarioNow(db, key))
}

async function deleteScenarioNow(db: WorkDb, key: string): Promise<void> {
  const header = await db.get<ScenarioHeader>(headerKey(key))
  if (!header) return
  await db.del(headerKey(key))
  if (header.generation) await db.delMany(chunkKeys(key, header))
}
