/**
 * Keeps the address bar's hash in step with the store, and the store with the
 * hash:
 * - on start, a `#v1.…` hash is opened (it wins over ?scenario= and friends);
 * - every change rewrites the hash with history.replaceState, 250 ms after the
 *   last change (no new history entry per step, no flood of replaceState,
 *   which browsers throttle);
 * - opening another scenario (not an edit) is a new history entry
 *   (pushState), so Back returns to the previous scenario; an entry carries
 *   the scenario's reference in history.state, so a scenario too large for
 *   the hash (a stress scenario, a kept one) comes back on Back too;
 * - a hash changed by hand (or by a pasted link in the same tab), or Back and
 *   Forward, open the entry's state.
 * The query keeps only ?present=1 / ?embed=1 (from `extraSearch`); the older
 * ?scenario=, ?kernel=, ?compare=, ?step= are read once and then live in the hash.
 */
import type { ExplorerState, ExplorerStore } from '../../store/explorer-store'
import type { Scenario } from '../../scenario/types'
import { loadGalleryScenario } from '../../scenario/gallery'
import { hashOfStore, restoreFromHash } from './store-share-state'

/** What a history entry remembers besides its hash: enough to reopen a scenario the hash cannot carry. */
export interface EntryState {
  vmascope: { gallery?: string; workId?: string | null; edited?: boolean }
}

/** Opens a kept scenario by id (src/persist), for Back to an entry whose scenario is not in the hash. */
export type OpenKept = (id: string) => Promise<boolean>

function entryStateOf(state: ExplorerState): EntryState {
  const gallery = state.source.kind === 'gallery' && !state.edited ? state.source.id : undefined
  return { vmascope: { ...(gallery ? { gallery } : {}), workId: state.workId, edited: state.edited } }
}

function isEntryState(value: unknown): value is EntryState {
  return typeof value === 'object' && value !== null && typeof (value as EntryState).vmascope === 'object'
}

const URL_UPDATE_DELAY_MS = 250
/** Scenarios with more steps plus initial VMAs than this are not kept in the hash (see update()). */
const MAX_HASHED_ITEMS = 2000
/** Nor scenarios whose JSON is longer than this (3 MB of notes took 2.2–2.7 s to compress, on every step). */
const MAX_HASHED_JSON_CHARS = 256 * 1024

const jsonLengths = new WeakMap<Scenario, number>()

/**
 * Whether the address bar follows this scenario: false for one too large to
 * compress again on every change (a stress scenario, a large import, megabytes
 * of notes). Its state is then not in the address at all (never an older
 * one's), a reload restores it from this browser's storage (src/persist), and
 * the Share dialog says so. The JSON length is measured once per scenario.
 */
export function followsInAddressBar(scenario: Scenario): boolean {
  if (scenario.steps.length + (scenario.initial?.vmas.length ?? 0) > MAX_HASHED_ITEMS) return false
  let length = jsonLengths.get(scenario)
  if (length === undefined) {
    length = JSON.stringify(scenario).length
    jsonLengths.set(scenario, length)
  }
  return length <= MAX_HASHED_JSON_CHARS
}

export function followStoreInHash(store: ExplorerStore, extraSearch: () => string = () => '', openKept?: OpenKept): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined
  let written = window.location.hash.replace(/^#/, '')
  /** The scenario of the current history entry: another one (not an edit) means a new entry. */
  let entryScenario = store.getState().scenario

  const update = async () => {
    const state = store.getState()
    const scenario = state.scenario
    const newEntry = scenario !== entryScenario && !state.edited
    entryScenario = scenario
    const search = extraSearch()
    // A stress scenario, a large imported process, megabytes of notes: compressing it on every
    // change would block the page for a second and more. The address then holds no state, so that
    // it never shows an older one (an edit that made the scenario large).
    if (!followsInAddressBar(scenario)) {
      if (newEntry) {
        written = ''
        window.history.pushState(entryStateOf(state), '', `${window.location.pathname}${search}`)
      } else if (window.location.hash !== '' || search !== window.location.search) {
        written = ''
        window.history.replaceState(entryStateOf(state), '', `${window.location.pathname}${search}`)
      }
      return
    }
    const hash = await hashOfStore(state)
    if (store.getState().scenario !== scenario) return // changed again while encoding; the next update writes it
    if (!newEntry && hash === written && search === window.location.search) return
    written = hash
    const url = `${window.location.pathname}${search}#${hash}`
    if (newEntry) window.history.pushState(entryStateOf(state), '', url)
    else window.history.replaceState(entryStateOf(state), '', url)
  }
  const schedule = () => {
    clearTimeout(timer)
    timer = setTimeout(() => void update(), URL_UPDATE_DELAY_MS)
  }
  /** Back, Forward, or a hash typed by hand: open what the entry holds. */
  const onNavigate = async () => {
    const hash = window.location.hash.replace(/^#/, '')
    const entry = isEntryState(window.history.state) ? window.history.state.vmascope : null
    if (hash === written && hash !== '') return
    written = hash
    clearTimeout(timer)
    if (hash !== '') {
      await restoreFromHash(store, hash)
      if (entry?.workId) store.setState({ workId: entry.workId, edited: entry.edited ?? false })
    } else if (entry?.workId && openKept) {
      await openKept(entry.workId)
    } else if (entry?.gallery && loadGalleryScenario(entry.gallery).ok) {
      store.getState().openGalleryScenario(entry.gallery)
    } else return
    entryScenario = store.getState().scenario
  }
  const onPopState = () => void onNavigate()

  const unsubscribe = store.subscribe(schedule)
  window.addEventListener('popstate', onPopState)
  window.addEventListener('hashchange', onPopState)
  schedule()
  return () => {
    clearTimeout(timer)
    unsubscribe()
    window.removeEventListener('popstate', onPopState)
    window.removeEventListener('hashchange', onPopState)
  }
}

/** Rewrites the address now (for a mode change that is not in the store, like presentation mode). */
export function scheduleAddressUpdate(store: ExplorerStore): void {
  // A no-op state change makes the subscriber above run; zustand notifies even for an unchanged object.
  store.setState({})
}
