/**
 * Page-wide keys: ← / → step, Home / End jump to the first / last step, ? opens
 * the keyboard help. Ignored while the user types (inputs, selects, text
 * areas, editable content), with a modifier held, inside an open dialog, and
 * when a focused widget already handled the key (event.defaultPrevented, as
 * the address-space view does for its own arrow-key panning).
 */
import { useEffect } from 'react'
import type { ExplorerStore } from '../../store/explorer-store'

function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  return target.closest('input, select, textarea, [contenteditable=""], [contenteditable="true"], dialog[open]') !== null
}

export function useStepHotkeys(store: ExplorerStore, openHelp: () => void): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return
      if (isTypingTarget(event.target)) return
      const actions = store.getState()
      switch (event.key) {
        case 'ArrowRight':
          actions.nextStep()
          break
        case 'ArrowLeft':
          actions.previousStep()
          break
        case 'Home':
          actions.firstStep()
          break
        case 'End':
          actions.lastStep()
          break
        case '?':
          openHelp()
          break
        default:
          return
      }
      event.preventDefault()
    }
    document.addEventListener('keydown', onKeyDown)
    return () => document.removeEventListener('keydown', onKeyDown)
  }, [store, openHelp])
}
