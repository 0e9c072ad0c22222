/**
 * Performance marks for tools/measure-ui.ts (User Timing API):
 *   vmascope:step-requested  the store's step changed (a key, a button, the scrubber)
 *   vmascope:step-shown      React committed the new step to the DOM
 *   vmascope:step-frame      the frame after that commit has done its main-thread
 *                            work (style, layout, paint): the step is on screen
 *   vmascope:first-view      the first step of the first run is on screen
 * Each mark's `detail` is the step number.
 */
import type { ExplorerStore } from '../../store/explorer-store'

export const MARK_STEP_REQUESTED = 'vmascope:step-requested'
export const MARK_STEP_SHOWN = 'vmascope:step-shown'
export const MARK_STEP_FRAME = 'vmascope:step-frame'
export const MARK_FIRST_VIEW = 'vmascope:first-view'

export function markStepRequests(store: ExplorerStore): () => void {
  return store.subscribe((state, previous) => {
    if (state.step !== previous.step) performance.mark(MARK_STEP_REQUESTED, { detail: state.step })
  })
}

let firstViewMarked = false

export function markStepShown(step: number): void {
  if (!firstViewMarked) {
    firstViewMarked = true
    performance.mark(MARK_FIRST_VIEW, { detail: step })
  }
  performance.mark(MARK_STEP_SHOWN, { detail: step })
  // A message posted from the frame's animation callback is handled after that frame's
  // style, layout and paint.
  requestAnimationFrame(() => {
    const channel = new MessageChannel()
    channel.port1.onmessage = () => {
      performance.mark(MARK_STEP_FRAME, { detail: step })
      channel.port1.close()
    }
    channel.port2.postMessage(null)
  })
}
