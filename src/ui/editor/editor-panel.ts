/** Whether the scenario editor panel is open: page layout state, kept beside the explorer store, not in it. */
import { createStore } from 'zustand/vanilla'
import { useStore } from 'zustand'

export const editorPanelStore = createStore<{ open: boolean }>()(() => ({ open: false }))

export function setEditorOpen(open: boolean): void {
  editorPanelStore.setState({ open })
}

export function useEditorOpen(): boolean {
  return useStore(editorPanelStore, (s) => s.open)
}
