/** The root component: hands the store and the engine session to the explorer. */
import type { ExplorerStore } from './store/explorer-store'
import { ExplorerStoreContext } from './store/use-explorer-store'
import type { EngineSession } from './ui/engine-session/engine-session'
import { EngineSessionContext } from './ui/engine-session/use-engine-session'
import { ExplorerApp } from './ui/explorer/ExplorerApp'

export function App({ store, session }: { store: ExplorerStore; session: EngineSession }) {
  return (
    <ExplorerStoreContext.Provider value={store}>
      <EngineSessionContext.Provider value={session}>
        <ExplorerApp />
      </EngineSessionContext.Provider>
    </ExplorerStoreContext.Provider>
  )
}
