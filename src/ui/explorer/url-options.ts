/**
 * The query parameters the explorer understands when it opens (short, readable
 * links to built-in scenarios; the full state travels in the #v1. hash, see
 * src/share):
 *   ?scenario=<gallery id>  open a built-in scenario (default "seed")
 *   &kernel=<id>            the kernel (6.1, 6.6, 6.12, 6.15, 6.16, v2, 6.17, 6.18)
 *   &compare=<id>           compare mode with that second kernel
 *   &step=<n>               the step to show (0 = initial state)
 */
import { isKernelId, type ExplorerStore } from '../../store/explorer-store'

/** Returns whether the query chose a scenario (a link, which wins over the saved work). */
export function applyUrlOptions(store: ExplorerStore, search: string): boolean {
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
  return Boolean(scenarioId)
}
