/** The editor as the explorer's right-hand column (nothing when closed). */
import { ScenarioEditor } from './ScenarioEditor'
import { setEditorOpen, useEditorOpen } from './editor-panel'

export function EditorColumn() {
  const open = useEditorOpen()
  if (!open) return null
  return (
    <div className="flex min-h-0 w-[min(32rem,40vw)] flex-col">
      <ScenarioEditor onClose={() => setEditorOpen(false)} />
    </div>
  )
}
