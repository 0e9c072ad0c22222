/** The root component: hands the store and the engine session to the explorer. */
import type { ExplorerStore } from './store/explorer-store'
import { ExplorerStoreContext } from './store/use-explorer-store'
import type { EngineSession } from './ui/engine-session/engine-session'
import { EngineSessionContext } from './ui/engine-session/use-engine-session'
import { ExplorerApp } from './ui/explorer/ExplorerApp'
import { Suspense, lazy } from 'react'
import { usePageMode } from './ui/present/use-page-mode'
import type { Persistence } from './persist/persistence'
import { PersistenceContext } from './persist/use-persistence'

export function App({ store, session, persistence }: { store: ExplorerStore; session: EngineSession; persistence: Persistence }) {
  return (
    <ExplorerStoreContext.Provider value={store}>
      <EngineSessionContext.Provider value={session}>
        <PersistenceContext.Provider value={persistence}>
          <PageForMode />
        </PersistenceContext.Provider>
      </EngineSessionContext.Provider>
    </ExplorerStoreContext.Provider>
  )
}

/** Presentation mode and the embed load their code when first used. */
const PresentView = lazy(() => import('./ui/present/PresentView').then((m) => ({ default: m.PresentView })))

/** The explorer, or presentation mode / the embed (?present=1, ?embed=1). */
function PageForMode() {
  const mode = usePageMode()
  if (mode === 'explore') return <ExplorerApp />
  return (
    <Suspense fallback={<p role="status" className="p-6">Loading presentation mode…</p>}>
      <PresentView mode={mode} />
    </Suspense>
  )
}
