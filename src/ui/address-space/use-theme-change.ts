/** Calls `onChange` when the theme changes (an attribute of <html>, or the system colour scheme), for canvases that read theme tokens. */
import { useEffect, useRef } from 'react'

export function useThemeChange(onChange: () => void): void {
  const callback = useRef(onChange)
  useEffect(() => {
    callback.current = onChange
  })
  useEffect(() => {
    const refresh = () => callback.current()
    const observer = new MutationObserver(refresh)
    observer.observe(document.documentElement, { attributes: true })
    const scheme = window.matchMedia('(prefers-color-scheme: dark)')
    scheme.addEventListener('change', refresh)
    return () => {
      observer.disconnect()
      scheme.removeEventListener('change', refresh)
    }
  }, [])
}
