/**
 * How the page is shown: the normal explorer, presentation mode (full screen,
 * large type, high contrast, only the address space, the step and the
 * explanation) or the chrome-less embed for an iframe.
 *
 * A tiny store of its own (the explorer store holds the scenario and the
 * view; this is the page's mode): it starts from ?present=1 / ?embed=1 and
 * is written back into the query by the hash sync (`modeSearch`).
 */
import { createStore } from 'zustand/vanilla'

export type PageMode = 'explore' | 'present' | 'embed'

export interface PageModeState {
  mode: PageMode
}

export const pageModeStore = createStore<PageModeState>()(() => ({ mode: 'explore' }))

export function modeFromSearch(search: string): PageMode {
  const params = new URLSearchParams(search)
  if (params.get('embed') === '1') return 'embed'
  if (params.get('present') === '1') return 'present'
  return 'explore'
}

/** The query string the current mode puts in the address ("" in the explorer). */
export function modeSearch(mode: PageMode = pageModeStore.getState().mode): string {
  if (mode === 'present') return '?present=1'
  if (mode === 'embed') return '?embed=1'
  return ''
}

export function setPageMode(mode: PageMode): void {
  pageModeStore.setState({ mode })
}
