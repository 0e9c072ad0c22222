/**
 * The find keys, page-wide (not while typing in a text field, not with
 * Ctrl/Meta/Alt, not in a dialog): `/` focuses Search, `G` focuses Go to
 * step, `]` / `[` next / previous difference, `E` / Shift+E next / previous
 * failed step, `M` / Shift+M next / previous merge.
 */
import { useEffect, type RefObject } from 'react'
import type { ExplorerStore } from '../../store/explorer-store'
import { isTextField } from '../present/typing-target'
import { jump } from './StepJumps'

export function useFindKeys(store: ExplorerStore, searchBox: RefObject<HTMLInputElement | null>, stepBox: RefObject<HTMLInputElement | null>): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return
      if (isTextField(event.target) || event.target instanceof HTMLSelectElement) return
      switch (event.key) {
        case '/':
          searchBox.current?.focus()
          searchBox.current?.select()
          break
        case 'g':
        case 'G':
          stepBox.current?.focus()
          stepBox.current?.select()
          break
        case ']':
          jump(store, 'difference', 'next')
          break
        case '[':
          jump(store, 'difference', 'previous')
          break
        case 'e':
        case 'E':
          jump(store, 'failed', event.shiftKey ? 'previous' : 'next')
          break
        case 'm':
        case 'M':
          jump(store, 'merge', event.shiftKey ? 'previous' : 'next')
          break
        default:
          return
      }
      event.preventDefault()
    }
    document.addEventListener('keydown', onKeyDown)
    return () => document.removeEventListener('keydown', onKeyDown)
  }, [store, searchBox, stepBox])
}
