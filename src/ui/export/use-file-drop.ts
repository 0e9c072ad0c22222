/**
 * Dropping a file anywhere on the explorer opens it: a scenario .json, an
 * .svg/.png that vmascope exported, the text of /proc/PID/smaps or maps, or a
 * recording (told apart by content, src/ui/import/open-anything.ts). Pasting
 * such text anywhere outside a text field opens it the same way. Only drops
 * that carry files are taken; anything else (text dragged within the page)
 * is left alone.
 */
import { useEffect } from 'react'
import { scenarioErrorText, type ExplorerStore } from '../../store/explorer-store'
import { isTextField } from '../present/typing-target'
import { InputTooLarge, readBytesCapped } from '../import/read-capped'

export async function openScenarioFile(store: ExplorerStore, file: File): Promise<boolean> {
  // The reader (and the scenario validator behind it) is fetched on first use.
  let loaded
  try {
    loaded = await Promise.all([import('../../export/open-exported-file'), readBytesCapped(file)])
  } catch (error) {
    if (!(error instanceof InputTooLarge)) throw error
    store.setState({ scenarioError: `${file.name}: ${error.message}` })
    return false
  }
  const [{ openScenarioBytes }, bytes] = loaded
  const opened = openScenarioBytes(bytes)
  if (opened.ok) return store.getState().openScenarioText(JSON.stringify(opened.scenario), file.name)
  store.setState({ scenarioError: `${file.name}: ${scenarioErrorText(opened.error)}` })
  return false
}

const carriesFiles = (event: DragEvent) => Boolean(event.dataTransfer?.types.includes('Files'))

export function useScenarioFileDrop(store: ExplorerStore): void {
  useEffect(() => {
    const onDragOver = (event: DragEvent) => {
      if (!carriesFiles(event)) return
      event.preventDefault()
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy'
    }
    const onDrop = (event: DragEvent) => {
      if (!carriesFiles(event)) return
      event.preventDefault()
      const file = event.dataTransfer?.files[0]
      if (file) void import('../import/open-anything').then(({ openAnyFile }) => openAnyFile(store, file))
    }
    const onPaste = (event: ClipboardEvent) => {
      if (isTextField(event.target) || event.target instanceof HTMLSelectElement) return
      const text = event.clipboardData?.getData('text/plain') ?? ''
      if (text.trim() === '') return
      event.preventDefault()
      void import('../import/open-anything').then(({ openPastedText }) => openPastedText(store, text))
    }
    document.addEventListener('dragover', onDragOver)
    document.addEventListener('drop', onDrop)
    document.addEventListener('paste', onPaste)
    return () => {
      document.removeEventListener('dragover', onDragOver)
      document.removeEventListener('drop', onDrop)
      document.removeEventListener('paste', onPaste)
    }
  }, [store])
}
