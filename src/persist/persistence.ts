/**
 * The page's persistence, in one object: the database, "My scenarios", the
 * start-up decision (restore the work, or open the link and keep the work),
 * and autosave. main.tsx creates one; components reach it through
 * use-persistence.ts.
 *
 *   const persistence = createPersistence()
 *   await persistence.restoreAtStart(store, { linkOpened })
 *   persistence.startAutosave(store)
 */
import type { ExplorerStore } from '../store/explorer-store'
import { keepEdited, startAutosave, type Autosave } from './autosave'
import { hasIndexedDb, openWorkDb, type WorkDb } from './kv'
import { ScenarioLibrary } from './library'
import { readWorkingRecord, restoredWork, scenarioOfRecord, type WorkingRecord } from './working-state'

export type StartOutcome = 'restored' | 'link-kept-work' | 'link' | 'nothing'

export interface StartOptions {
  /** The page was opened with a link's state (#v1. hash or ?scenario=), already in the store. */
  linkOpened: boolean
  /** The address now (location.hash); a reload of the address the work was saved at restores the work. */
  address: string
}

export class Persistence {
  readonly library: ScenarioLibrary
  private autosave: Autosave | null = null
  private address: () => string = () => ''

  constructor(readonly db: WorkDb) {
    this.library = new ScenarioLibrary(db)
  }

  /** The saved work, if any (the small record only). */
  readWorking(): Promise<WorkingRecord | null> {
    return readWorkingRecord(this.db).catch(() => null)
  }

  /**
   * Called once before the first render. With no link (or a reload of the
   * address the work was saved at) the saved work comes back. A link that is
   * something else wins, and the saved work, if it was edited and not kept,
   * is kept in "My scenarios" first, with a notice saying so.
   */
  async restoreAtStart(store: ExplorerStore, options: StartOptions): Promise<StartOutcome> {
    await this.library.load()
    const record = await this.readWorking()
    if (!record) return options.linkOpened ? 'link' : 'nothing'
    const sameAddress = record.address !== '' && record.address === options.address
    if (!options.linkOpened || sameAddress) {
      const scenario = await scenarioOfRecord(this.db, this.library, record).catch(() => null)
      if (!scenario) return options.linkOpened ? 'link' : 'nothing'
      store.setState({ ...restoredWork(record, scenario), scenarioError: null, playing: false, highlight: null })
      return 'restored'
    }
    if (record.edited && !record.workId) {
      const scenario = await scenarioOfRecord(this.db, this.library, record).catch(() => null)
      if (scenario) {
        await keepEdited(this.library, { ...store.getState(), scenario, source: record.source, edited: true, workId: null })
        return 'link-kept-work'
      }
    }
    return 'link'
  }

  startAutosave(store: ExplorerStore, address: () => string = this.address): Autosave {
    this.address = address
    this.autosave?.stop()
    this.autosave = startAutosave(store, this.db, this.library, { address })
    return this.autosave
  }

  /** Writes pending work now (the page calls it on pagehide). */
  flush(): Promise<void> {
    return this.autosave?.flush() ?? Promise.resolve()
  }

  /** Keeps the scenario on screen in "My scenarios" and makes edits go there; returns its id. */
  async keepCurrent(store: ExplorerStore, name?: string): Promise<string> {
    const state = store.getState()
    if (state.workId && this.library.has(state.workId)) return state.workId
    const title = name ?? (state.scenario.title || (state.source.kind === 'file' ? state.source.name : state.source.id))
    const id = await this.library.keep(state.scenario, title)
    store.setState({ workId: id, edited: false })
    this.library.setNotice(`Kept as “${this.library.nameOf(id) ?? title}”.`)
    return id
  }

  /** Opens a kept scenario; false when it is gone. */
  async openKept(store: ExplorerStore, id: string): Promise<boolean> {
    const scenario = await this.library.open(id)
    if (!scenario) {
      this.library.setNotice('That scenario could not be read back from this browser’s storage.')
      return false
    }
    store.getState().openScenario(scenario, { kind: 'file', name: this.library.nameOf(id) ?? 'kept scenario' }, id)
    return true
  }

  /** Deletes a kept scenario; the one on screen stays, no longer kept (so its edits are not lost). */
  async deleteKept(store: ExplorerStore, id: string): Promise<void> {
    if (store.getState().workId === id) store.setState({ workId: null, edited: true })
    await this.library.remove(id)
  }
}

/** A database when the browser has IndexedDB, else an in-memory one (the page works, nothing survives a reload). */
export function createPersistence(): Persistence {
  return new Persistence(hasIndexedDb() ? openWorkDb() : memoryDb())
}

export function memoryDb(): WorkDb {
  const map = new Map<string, unknown>()
  return {
    get: async <T,>(key: string) => map.get(key) as T | undefined,
    getMany: async <T,>(keys: string[]) => keys.map((k) => map.get(k) as T | undefined),
    set: async (key, value) => void map.set(key, structuredClone(value)),
    del: async (key) => void map.delete(key),
    delMany: async (keys) => keys.forEach((k) => map.delete(k)),
  }
}
