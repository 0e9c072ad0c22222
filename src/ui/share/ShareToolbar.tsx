/** The toolbar group of this feature: Edit scenario, Share, Present, the export buttons, Copy as text. */
import { memo, Suspense, lazy, useState } from 'react'
import { TOOL_BUTTON } from '../controls/control-styles'
import { setEditorOpen, useEditorOpen } from '../editor/editor-panel'
import { ExportButtons } from '../export/ExportButtons'
import { CopyTextButtons } from '../export/CopyTextButtons'
import { PresentButton } from '../present/PresentButton'
import { useScenarioFileDrop } from '../export/use-file-drop'
import { useExplorerStoreApi } from '../../store/use-explorer-store'

/** The dialog's code (link encoding, lz-string) loads when it is first opened. */
const ShareDialog = lazy(() => import('./ShareDialog').then((m) => ({ default: m.ShareDialog })))

export const ShareToolbar = memo(function ShareToolbar() {
  const editorOpen = useEditorOpen()
  const [shareOpen, setShareOpen] = useState(false)
  useScenarioFileDrop(useExplorerStoreApi())
  return (
    <div className="flex flex-wrap items-center gap-1.5" role="group" aria-label="Edit, share and present">
      <button type="button" className={`${TOOL_BUTTON} aria-pressed:border-accent aria-pressed:bg-selection`} aria-pressed={editorOpen} onClick={() => setEditorOpen(!editorOpen)}>
        Edit scenario
      </button>
      <button type="button" className={TOOL_BUTTON} onClick={() => setShareOpen(true)}>
        Share
      </button>
      <PresentButton />
      <ExportButtons />
      <CopyTextButtons />
      {shareOpen && (
        <Suspense fallback={null}>
          <ShareDialog open onClose={() => setShareOpen(false)} />
        </Suspense>
      )}
    </div>
  )
})
