/** The editor as the explorer's right-hand column (nothing when closed; its code loads on first open). */
import { memo, Suspense, lazy } from 'react'
import { setEditorOpen, useEditorOpen } from './editor-panel'

const ScenarioEditor = lazy(() => import('./ScenarioEditor').then((m) => ({ default: m.ScenarioEditor })))

export const EditorColumn = memo(function EditorColumn() {
  const open = useEditorOpen()
  if (!open) return null
  return (
    <div className="flex min-h-0 w-full min-w-0 flex-col lg:w-[min(32rem,40vw)]">
      <Suspense fallback={<p role="status" className="p-3 text-[13px] text-muted">Loading the editor…</p>}>
        <ScenarioEditor onClose={() => setEditorOpen(false)} />
      </Suspense>
    </div>
  )
})
