/**
 * Called once by main.tsx after the store exists: the page mode from
 * ?present=1 / ?embed=1, the state from a #v1. hash (it wins over the older
 * ?scenario= options), and from then on the address follows the store and
 * the mode.
 */
import type { ExplorerStore } from '../../store/explorer-store'
import { modeFromSearch, modeSearch, pageModeStore, setPageMode } from '../present/present-mode'
import { followStoreInHash, scheduleAddressUpdate } from './hash-sync'
import { restoreFromHash } from './store-share-state'

/**
 * Resolves once a #v1. hash has been opened (at once when there is none), so
 * that main.tsx can wait for it before the first render (no flash of the
 * default scenario) and the address is only rewritten after the link was read.
 */
export async function startUrlState(store: ExplorerStore): Promise<void> {
  setPageMode(modeFromSearch(window.location.search))
  await restoreFromHash(store, window.location.hash)
  followStoreInHash(store, () => modeSearch())
  pageModeStore.subscribe(() => scheduleAddressUpdate(store))
}
