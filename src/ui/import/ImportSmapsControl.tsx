/**
 * The "Import smaps file" input connected to the explorer: the imported
 * process opens as the scenario (its initial state), on the gap-compressed
 * axis with page 0 at address 0, so pages and addresses read as in the file.
 */
import { memo, useCallback, type JSX } from 'react'
import { useExplorerStoreApi } from '../../store/use-explorer-store'
import { ImportSmapsInput } from './ImportSmapsInput'
import { openImportedJson } from './open-imported'

export const ImportSmapsControl = memo(function ImportSmapsControl(): JSX.Element {
  const store = useExplorerStoreApi()
  const onImport = useCallback((json: string, fileName: string) => openImportedJson(store, json, fileName), [store])
  return <ImportSmapsInput onImport={onImport} />
})
