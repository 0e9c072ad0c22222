/** The "Present" button and the P key: presentation mode, full screen. */
import { useEffect } from 'react'
import { TOOL_BUTTON } from '../controls/control-styles'
import { isTypingTarget } from './typing-target'
import { setPageMode } from './present-mode'
import { enterFullscreen } from './PresentView'

export function startPresentation(): void {
  setPageMode('present')
  enterFullscreen()
}


export function PresentButton() {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || isTypingTarget(event.target)) return
      if (event.key !== 'p' && event.key !== 'P') return
      event.preventDefault()
      startPresentation()
    }
    document.addEventListener('keydown', onKeyDown)
    return () => document.removeEventListener('keydown', onKeyDown)
  }, [])
  return (
    <button type="button" className={TOOL_BUTTON} onClick={startPresentation} title="Presentation mode: full screen, large type (P)" aria-keyshortcuts="P">
      Present
    </button>
  )
}
