/**
 * "My scenarios": the scenarios a user keeps, in IndexedDB. An index (names,
 * sizes, dates) under `library`, each scenario in chunks under
 * `saved/<id>` (scenario-chunks.ts). The index is also a small zustand store,
 * so the list on the page re-renders when it changes.
 *
 *   const library = new ScenarioLibrary(openWorkDb())
 *   await library.load()
 *   const id = await library.keep(scenario, 'my test')
 *   await library.rename(id, 'mprotect over two VMAs')
 */
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { Scenario } from '../scenario/types'
import type { WorkDb } from './kv'
import { deleteScenario, readScenario, writeScenario } from './scenario-chunks'

export interface LibraryEntry {
  id: string
  name: string
  steps: number
  /** ms since the epoch. */
  updatedAt: number
}

export interface LibraryState {
  entries: LibraryEntry[]
  /** False until the index was read. */
  ready: boolean
  /** The last thing the library did on its own that the user should know ("Your edits to … are kept"). */
  notice: string | null
  /** Set when IndexedDB failed: the message says what will not be kept. */
  failure: string | null
}

const INDEX_KEY = 'library'
const scenarioKey = (id: string) => `saved/${id}`

let idCounter = 0
function newId(): string {
  idCounter++
  const random = typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID().slice(0, 8) : Math.random().toString(36).slice(2, 10)
  return `${Date.now().toString(36)}-${random}-${idCounter}`
}

export class ScenarioLibrary {
  readonly state: StoreApi<LibraryState> = createStore<LibraryState>()(() => ({ entries: [], ready: false, notice: null, failure: null }))
  private indexWrite: Promise<void> = Promise.resolve()

  constructor(private readonly db: WorkDb) {}

  get entries(): LibraryEntry[] {
    return this.state.getState().entries
  }

  async load(): Promise<void> {
    try {
      const entries = (await this.db.get<LibraryEntry[]>(INDEX_KEY)) ?? []
      this.state.setState({ entries: Array.isArray(entries) ? entries : [], ready: true })
    } catch (error) {
      this.fail(error)
      this.state.setState({ ready: true })
    }
  }

  /** Adds `scenario` under `name` (made unique) and returns its id. */
  async keep(scenario: Scenario, name: string): Promise<string> {
    const id = newId()
    const entry: LibraryEntry = { id, name: this.uniqueName(name), steps: scenario.steps.length, updatedAt: Date.now() }
    await this.guard(writeScenario(this.db, scenarioKey(id), scenario))
    this.setEntries([entry, ...this.entries])
    return id
  }

  /** Replaces the scenario kept as `id` (an edit of a kept scenario). */
  async save(id: string, scenario: Scenario): Promise<void> {
    if (!this.entries.some((e) => e.id === id)) return
    await this.guard(writeScenario(this.db, scenarioKey(id), scenario))
    this.setEntries(this.entries.map((e) => (e.id === id ? { ...e, steps: scenario.steps.length, updatedAt: Date.now() } : e)))
  }

  async rename(id: string, name: string): Promise<void> {
    const trimmed = name.trim()
    if (trimmed === '') return
    this.setEntries(this.entries.map((e) => (e.id === id ? { ...e, name: trimmed } : e)))
    await this.indexWrite
  }

  /** Copies a kept scenario under "<name> (copy)"; returns the copy's id, or null when `id` is not kept. */
  async duplicate(id: string): Promise<string | null> {
    const entry = this.entries.find((e) => e.id === id)
    const scenario = await this.open(id)
    if (!entry || !scenario) return null
    return this.keep(scenario, `${entry.name} (copy)`)
  }

  async remove(id: string): Promise<void> {
    this.setEntries(this.entries.filter((e) => e.id !== id))
    await this.indexWrite
    await this.guard(deleteScenario(this.db, scenarioKey(id)))
  }

  open(id: string): Promise<Scenario | null> {
    return readScenario(this.db, scenarioKey(id)).catch((error) => {
      this.fail(error)
      return null
    })
  }

  has(id: string): boolean {
    return this.entries.some((e) => e.id === id)
  }

  nameOf(id: string): string | null {
    return this.entries.find((e) => e.id === id)?.name ?? null
  }

  setNotice(notice: string | null): void {
    this.state.setState({ notice })
  }

  /** `name`, or `name (2)`, `name (3)`… when another kept scenario has it. */
  uniqueName(name: string): string {
    const base = name.trim() || 'Untitled scenario'
    const taken = new Set(this.entries.map((e) => e.name))
    if (!taken.has(base)) return base
    for (let n = 2; ; n++) if (!taken.has(`${base} (${n})`)) return `${base} (${n})`
  }

  private setEntries(entries: LibraryEntry[]): void {
    this.state.setState({ entries })
    this.indexWrite = this.indexWrite.then(() => this.guard(this.db.set(INDEX_KEY, entries)))
  }

  private async guard(write: Promise<void>): Promise<void> {
    try {
      await write
    } catch (error) {
      this.fail(error)
    }
  }

  private fail(error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error)
    this.state.setState({ failure: `This browser did not let vmascope keep scenarios (${reason}); work is not saved across reloads.` })
  }
}
