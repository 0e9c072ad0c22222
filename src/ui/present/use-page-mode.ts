/** React access to the page mode (present-mode.ts). */
import { useStore } from 'zustand'
import { pageModeStore, type PageMode } from './present-mode'

export function usePageMode(): PageMode {
  return useStore(pageModeStore, (s) => s.mode)
}
