/**
 * Dropping a file anywhere on the explorer opens it: a scenario .json, an
 * .svg/.png that vmascope exported, the text of /proc/PID/smaps or maps, or a
 * recording (told apart by content, src/ui/import/open-anything.ts). Pasting
 * such text anywhere outside a text field opens it the same way. Only drops
 * that carry files are taken; anything else (text dragged within the page)
 * is left alone.
 */
import { useEffect } from 'react'
import type { ExplorerStore } from '../../store/explorer-store'
import { isTextField } from '../present/typing-target'
import { InputTooLarge, readBytesCapped } from '../import/read-capped'

/** Opens a .json, or an .svg/.png vmascope exported: read and checked in the open worker, with progress and Cancel. */
export async function openScenarioFile(store: ExplorerStore, file: File): Promise<boolean> {
  let bytes: Uint8Array
  try {
    bytes = await readBytesCapped(file)
  } catch (error) {
    if (!(error instanceof InputTooLarge)) throw error
    store.setState({ scenarioError: `${file.name}: ${error.message}` })
    return false
  }
  const { openScenarioInWorker } = await import('../import/open-in-worker')
  return openScenarioInWorker(store, bytes, file.name)
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
