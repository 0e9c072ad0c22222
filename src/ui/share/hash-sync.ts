/**
 * Keeps the address bar's hash in step with the store, and the store with the
 * hash:
 * - on start, a `#v1.…` hash is opened (it wins over ?scenario= and friends);
 * - every change rewrites the hash with history.replaceState, 250 ms after the
 *   last change (no new history entry per step, no flood of replaceState,
 *   which browsers throttle);
 * - a hash changed by hand (or by a pasted link in the same tab) is opened.
 * The query keeps only ?present=1 / ?embed=1 (from `extraSearch`); the older
 * ?scenario=, ?kernel=, ?compare=, ?step= are read once and then live in the hash.
 */
import type { ExplorerStore } from '../../store/explorer-store'
import { hashOfStore, restoreFromHash } from './store-share-state'

const URL_UPDATE_DELAY_MS = 250
/** Scenarios with more steps plus initial VMAs than this are not kept in the hash (see update()). */
const MAX_HASHED_ITEMS = 2000

export function followStoreInHash(store: ExplorerStore, extraSearch: () => string = () => ''): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined
  let written = window.location.hash.replace(/^#/, '')

  const update = async () => {
    // A stress scenario or a large imported process: compressing it on every change would
    // block the page for a second and more, and the link would be too long to share anyway.
    const scenario = store.getState().scenario
    if (scenario.steps.length + (scenario.initial?.vmas.length ?? 0) > MAX_HASHED_ITEMS) return
    const hash = await hashOfStore(store.getState())
    const search = extraSearch()
    if (hash === written && search === window.location.search) return
    written = hash
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${search}#${hash}`)
  }
  const schedule = () => {
    clearTimeout(timer)
    timer = setTimeout(() => void update(), URL_UPDATE_DELAY_MS)
  }
  const onHashChange = () => {
    const hash = window.location.hash.replace(/^#/, '')
    if (hash === written) return
    written = hash
    void restoreFromHash(store, hash)
  }

  const unsubscribe = store.subscribe(schedule)
  window.addEventListener('hashchange', onHashChange)
  schedule()
  return () => {
    clearTimeout(timer)
    unsubscribe()
    window.removeEventListener('hashchange', onHashChange)
  }
}

/** Rewrites the address now (for a mode change that is not in the store, like presentation mode). */
export function scheduleAddressUpdate(store: ExplorerStore): void {
  // A no-op state change makes the subscriber above run; zustand notifies even for an unchanged object.
  store.setState({})
}
