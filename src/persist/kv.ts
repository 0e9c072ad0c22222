/**
 * The one IndexedDB database vmascope keeps work in, through idb-keyval
 * (`vmascope` / `work`). Everything else in this folder takes a `WorkDb`, so
 * tests pass a store over fake-indexeddb and the page passes the real one.
 *
 * Values go in by structured clone (no JSON.stringify on the main thread), and
 * large scenarios are written in chunks (scenario-chunks.ts), so no single
 * put clones more than CHUNK_ITEMS steps or VMAs.
 */
import { createStore, del, delMany, get, getMany, set, type UseStore } from 'idb-keyval'

export interface WorkDb {
  get<T>(key: string): Promise<T | undefined>
  getMany<T>(keys: string[]): Promise<(T | undefined)[]>
  set(key: string, value: unknown): Promise<void>
  del(key: string): Promise<void>
  delMany(keys: string[]): Promise<void>
}

export const DB_NAME = 'vmascope'
export const STORE_NAME = 'work'

export function openWorkDb(dbName = DB_NAME, storeName = STORE_NAME): WorkDb {
  const store: UseStore = createStore(dbName, storeName)
  return {
    get: (key) => get(key, store),
    getMany: (keys) => getMany(keys, store),
    set: (key, value) => set(key, value, store),
    del: (key) => del(key, store),
    delMany: (keys) => delMany(keys, store),
  }
}

/** Whether this browser gives the page IndexedDB (a private window in some browsers does not). */
export function hasIndexedDb(): boolean {
  return 'indexedDB' in globalThis
}
