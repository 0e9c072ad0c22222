/**
 * Applies the theme choice to <html data-theme>. "system" removes the
 * attribute, so theme.css follows prefers-color-scheme; the returned flag
 * says whether the page is dark right now (choice or system).
 */
import { useEffect, useSyncExternalStore } from 'react'
import type { ThemeChoice } from '../../store/explorer-store'

const DARK_QUERY = '(prefers-color-scheme: dark)'

function subscribeToSystemTheme(onChange: () => void): () => void {
  const query = window.matchMedia(DARK_QUERY)
  query.addEventListener('change', onChange)
  return () => query.removeEventListener('change', onChange)
}

function systemPrefersDark(): boolean {
  return window.matchMedia(DARK_QUERY).matches
}

export function useTheme(choice: ThemeChoice): { dark: boolean } {
  const systemDark = useSyncExternalStore(subscribeToSystemTheme, systemPrefersDark)
  useEffect(() => {
    const root = document.documentElement
    if (choice === 'system') delete root.dataset.theme
    else root.dataset.theme = choice
  }, [choice])
  return { dark: choice === 'dark' || (choice === 'system' && systemDark) }
}
