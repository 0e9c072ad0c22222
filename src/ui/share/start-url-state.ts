/**
 * Called once by main.tsx after the store exists: the page mode from
 * ?present=1 / ?embed=1, the state from a #v1. hash (it wins over the older
 * ?scenario= options), then the saved work (src/persist: restored when no
 * link was opened, or kept in "My scenarios" when a link replaces it), and
 * from then on the address follows the store and the mode.
 */
import type { ExplorerStore } from '../../store/explorer-store'
import type { Persistence } from '../../persist/persistence'
import { modeFromSearch, modeSearch, pageModeStore, setPageMode } from '../present/present-mode'
import { followStoreInHash, scheduleAddressUpdate } from './hash-sync'
import { restoreFromHash } from './store-share-state'

/**
 * Resolves once a #v1. hash (or the saved work) has been opened (at once when
 * there is none), so that main.tsx can wait for it before the first render (no
 * flash of the default scenario) and the address is only rewritten after the
 * link was read.
 */
export async function startUrlState(store: ExplorerStore, persistence?: Persistence, queryOpened = false): Promise<void> {
  setPageMode(modeFromSearch(window.location.search))
  const address = window.location.hash
  const fromHash = await restoreFromHash(store, address)
  if (persistence) {
    await persistence.restoreAtStart(store, { linkOpened: queryOpened || fromHash !== 'empty', address })
    persistence.startAutosave(store, () => window.location.hash)
    window.addEventListener('pagehide', () => void persistence.flush())
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') void persistence.flush()
    })
  }
  const openKept = persistence ? (id: string) => persistence.openKept(store, id) : undefined
  followStoreInHash(store, () => modeSearch(), openKept)
  pageModeStore.subscribe(() => scheduleAddressUpdate(store))
}
