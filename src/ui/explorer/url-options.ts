/**
 * The query parameters the explorer understands, and keeping them current:
 *   ?scenario=<gallery id>  open a built-in scenario (default "seed")
 *   &kernel=<id>            the kernel (6.15, 6.16, v2, 6.17, 6.18)
 *   &compare=<id>           compare mode with that second kernel
 *   &step=<n>               the step to show (0 = initial state)
 * The URL is updated with history.replaceState as the state changes, so a
 * copied address reopens the same view (gallery scenarios only; a scenario
 * from a file is not put into the URL).
 */
import { isKernelId, type ExplorerState, type ExplorerStore } from '../../store/explorer-store'
import { DEFAULT_KERNEL } from '../../engine/api'

export function applyUrlOptions(store: ExplorerStore, search: string): void {
  const params = new URLSearchParams(search)
  const actions = store.getState()
  const scenarioId = params.get('scenario')
  if (scenarioId) actions.openGalleryScenario(scenarioId)
  const kernel = params.get('kernel')
  if (kernel && isKernelId(kernel)) actions.setKernel(kernel)
  const compare = params.get('compare')
  if (compare && isKernelId(compare)) {
    actions.setCompareKernel(compare)
    actions.setCompare(true)
  }
  const step = params.get('step')
  if (step !== null && /^\d+$/.test(step)) actions.goToStep(Number(step))
}

function urlSearchFor(state: ExplorerState): string | null {
  if (state.source.kind !== 'gallery') return null
  const params = new URLSearchParams()
  params.set('scenario', state.source.id)
  if (state.kernel !== DEFAULT_KERNEL) params.set('kernel', state.kernel)
  if (state.compare) params.set('compare', state.compareKernel)
  if (state.step !== state.scenario.steps.length) params.set('step', String(state.step))
  return `?${params.toString()}`
}

/** Wait this long after the last change before rewriting the URL (browsers throttle replaceState). */
const URL_UPDATE_DELAY_MS = 250

/** Keeps location.search in step with the store; returns the unsubscribe function. */
export function followStoreInUrl(store: ExplorerStore): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined
  const update = () => {
    const search = urlSearchFor(store.getState())
    if (search === null || search === window.location.search) return
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${search}${window.location.hash}`)
  }
  const unsubscribe = store.subscribe(() => {
    clearTimeout(timer)
    timer = setTimeout(update, URL_UPDATE_DELAY_MS)
  })
  return () => {
    clearTimeout(timer)
    unsubscribe()
  }
}
