/** The "Present" button and the P key: presentation mode, full screen. */
import { useEffect, useRef } from 'react'
import { TOOL_BUTTON } from '../controls/control-styles'
import { isTypingTarget } from './typing-target'
import { setPageMode } from './present-mode'
import { enterFullscreen } from './PresentView'

/**
 * Set while presentation mode runs after being opened from the explorer: the
 * explorer is unmounted meanwhile, so focus comes back to the Present button
 * (the control that opened it, or stands for the P key) when it mounts again.
 */
let focusOnReturn = false

export function startPresentation(): void {
  focusOnReturn = true
  setPageMode('present')
  enterFullscreen()
}


export function PresentButton() {
  const button = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    if (!focusOnReturn) return
    focusOnReturn = false
    button.current?.focus()
  }, [])
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
    <button ref={button} type="button" className={TOOL_BUTTON} onClick={startPresentation} title="Presentation mode: full screen, large type (P)" aria-keyshortcuts="P">
      Present
    </button>
  )
}
