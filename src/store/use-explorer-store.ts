/**
 * React access to the explorer store. The store itself is plain zustand
 * (explorer-store.ts); this file only hands it to components through context.
 */
import { createContext, useContext } from 'react'
import { useStore } from 'zustand'
import type { ExplorerStore, ExplorerStoreState } from './explorer-store'

export const ExplorerStoreContext = createContext<ExplorerStore | null>(null)

export function useExplorerStoreApi(): ExplorerStore {
  const store = useContext(ExplorerStoreContext)
  if (!store) throw new Error('useExplorer* must be used inside <ExplorerStoreContext.Provider>')
  return store
}

/** Subscribes to one slice of the store; the component re-renders when that slice changes (Object.is). */
export function useExplorer<T>(selector: (state: ExplorerStoreState) => T): T {
  return useStore(useExplorerStoreApi(), selector)
}
