/**
 * Between the explorer store and a share link's state: what goes into a link
 * (`shareStateOf`) and how an opened link becomes the store's state
 * (`applyShareState`). The store is plain zustand, so this needs no new
 * store action: it sets the same fields the store's own actions set.
 */
import { encodeShareHash, decodeShareHash } from '../../share/share-link'
import type { ShareState } from '../../share/share-state'
import type { ExplorerState, ExplorerStore } from '../../store/explorer-store'
import { GALLERY } from '../../scenario/gallery'
import { loadScenario } from '../../scenario/load'
import type { Scenario } from '../../scenario/types'

export function shareStateOf(state: ExplorerState): ShareState {
  return {
    scenario: state.scenario,
    view: {
      kernel: state.kernel,
      compare: state.compare ? state.compareKernel : null,
      step: state.step,
      axisMode: state.axisMode,
      baseAddress: state.baseAddress,
      viewport: state.viewport,
      pinnedVmaId: state.pinnedVmaId,
    },
  }
}

/** The gallery id whose scenario equals `scenario`, so a shared gallery scenario shows its own name. */
function galleryIdOf(scenario: Scenario): string | null {
  const text = JSON.stringify(scenario)
  for (const entry of GALLERY) {
    const loaded = loadScenario(entry.document)
    if (loaded.ok && JSON.stringify(loaded.scenario) === text) return entry.id
  }
  return null
}

export function applyShareState(store: ExplorerStore, shared: ShareState): void {
  const { scenario, view } = shared
  const galleryId = galleryIdOf(scenario)
  store.setState({
    scenario,
    source: galleryId ? { kind: 'gallery', id: galleryId } : { kind: 'file', name: scenario.title ? `link: ${scenario.title}` : 'shared link' },
    scenarioError: null,
    kernel: view.kernel,
    compare: view.compare !== null,
    ...(view.compare !== null ? { compareKernel: view.compare } : {}),
    step: view.step,
    playing: false,
    axisMode: view.axisMode,
    baseAddress: view.baseAddress,
    viewport: view.viewport,
    pinnedVmaId: view.pinnedVmaId,
    highlight: null,
  })
}

/**
 * Opens the state in `hash` (location.hash). An empty hash changes nothing;
 * a link that cannot be read leaves the current (default) scenario and says
 * why in the store's scenarioError, which the page shows as text.
 */
export function restoreFromHash(store: ExplorerStore, hash: string): 'restored' | 'empty' | 'rejected' {
  const decoded = decodeShareHash(hash)
  if (decoded.ok) {
    applyShareState(store, decoded.state)
    return 'restored'
  }
  if (decoded.kind === 'empty') return 'empty'
  store.setState({ scenarioError: `This link could not be opened, so the default scenario is shown: ${decoded.message.replace(/\.$/, '')}.` })
  return 'rejected'
}

export function hashOfStore(state: ExplorerState): string {
  return encodeShareHash(shareStateOf(state))
}
