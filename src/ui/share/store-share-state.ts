/**
 * Between the explorer store and a share link's state: what goes into a link
 * (`shareStateOf`) and how an opened link becomes the store's state
 * (`applyShareState`). The store is plain zustand, so this needs no new
 * store action: it sets the same fields the store's own actions set.
 */
import type { ShareState } from '../../share/share-state'
import type { ExplorerState, ExplorerStore } from '../../store/explorer-store'
import { GALLERY } from '../../scenario/gallery'
import type { Scenario } from '../../scenario/types'

/** The link codec (lz-string and the scenario validator), fetched on first use. */
const shareLink = () => import('../../share/share-link')

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
  // Gallery documents are stored in the loader's normal form (see scenario/gallery.ts).
  for (const entry of GALLERY) if (JSON.stringify(entry.document) === text) return entry.id
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
    edited: false,
    workId: null,
  })
}

/**
 * Opens the state in `hash` (location.hash). An empty hash changes nothing;
 * a link that cannot be read leaves the current scenario (the default one
 * when the page opens) and says why, and which scenario stays, in the store's
 * scenarioError, which the page shows as text (presentation mode and the
 * embed too).
 */
export async function restoreFromHash(store: ExplorerStore, hash: string): Promise<'restored' | 'empty' | 'rejected'> {
  if (hash === '' || hash === '#') return 'empty'
  const decoded = (await shareLink()).decodeShareHash(hash)
  if (decoded.ok) {
    applyShareState(store, decoded.state)
    return 'restored'
  }
  if (decoded.kind === 'empty') return 'empty'
  // Whatever was shown stays (the default scenario when the page opens, an edited one later in the tab): name it.
  const title = store.getState().scenario.title
  store.setState({
    scenarioError: `This link could not be opened: ${decoded.message.replace(/\.$/, '')}. The explorer still shows ${title ? `“${title}”` : 'the scenario it showed before'}.`,
  })
  return 'rejected'
}

export async function hashOfStore(state: ExplorerState): Promise<string> {
  return (await shareLink()).encodeShareHash(shareStateOf(state))
}
