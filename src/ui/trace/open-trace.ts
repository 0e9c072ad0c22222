/**
 * Opening a part of a trace in the explorer: its scenario becomes the one the
 * explorer runs (on the gap-compressed axis, page 0 at address 0, as for an
 * imported smaps), its real recording goes beside it, and the step list reads
 * each step as the traced call it came from.
 */
import type { ExplorerStore } from '../../store/explorer-store'
import { offerRecording } from '../recording/recording-inbox'
import type { TracePart } from '../../trace/trace-api'
import { setShownTraceCalls } from './trace-presence'

export async function openTracePart(store: ExplorerStore, part: TracePart, name: string): Promise<boolean> {
  const actions = store.getState()
  if (!(await actions.openScenarioText(part.scenarioText, name))) return false
  // The step list reads each step as the call it came from (strace's words, hex addresses).
  setShownTraceCalls(store.getState().scenario, part.calls)
  actions.setAxisMode('compressed')
  actions.setBaseAddress('0x0')
  offerRecording({ name: `${name} (real kernel)`, text: part.recordingText })
  return true
}
