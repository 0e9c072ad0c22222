/**
 * Opens an imported process (its scenario JSON, src/import/to-scenario.ts) as
 * the scenario, on the compressed axis from address 0, so pages and addresses
 * read as in the file. Shared by "Import smaps file" and a dropped or pasted
 * maps text.
 */
import type { ExplorerStore } from '../../store/explorer-store'

export async function openImportedJson(store: ExplorerStore, json: string, name: string): Promise<boolean> {
  const actions = store.getState()
  if (!(await actions.openScenarioText(json, name))) return false
  actions.setAxisMode('compressed')
  actions.setBaseAddress('0x0')
  return true
}
