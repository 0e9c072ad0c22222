/**
 * Page-wide keys: ← / → step, Home / End jump to the first / last step, ? opens
 * the keyboard help. They work whatever control has focus (a checkbox just
 * ticked, a select, a button, the scrubber) except a text field (text inputs,
 * text areas, editable content), with a modifier held, inside an open dialog, and
 * when a focused widget already handled the key (event.defaultPrevented, as
 * the address-space view does for its own arrow-key panning).
 */
import { useEffect } from 'react'
import type { ExplorerStore } from '../../store/explorer-store'
import { isTextField } from '../present/typing-target'

export function useStepHotkeys(store: ExplorerStore, openHelp: () => void): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return
      if (isTextField(event.target)) return
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
