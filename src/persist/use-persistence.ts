/** React access to the page's Persistence (persistence.ts) and the "My scenarios" list. */
import { createContext, useContext } from 'react'
import { useStore } from 'zustand'
import type { Persistence } from './persistence'
import type { LibraryState } from './library'

export const PersistenceContext = createContext<Persistence | null>(null)

export function usePersistence(): Persistence {
  const persistence = useContext(PersistenceContext)
  if (!persistence) throw new Error('usePersistence must be used inside <PersistenceContext.Provider>')
  return persistence
}

export function useLibrary<T>(selector: (state: LibraryState) => T): T {
  return useStore(usePersistence().library.state, selector)
}
