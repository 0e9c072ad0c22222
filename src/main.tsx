/**
 * Entry point: creates the store, applies the URL's options (?scenario=, &kernel=,
 * &compare=, &step=), then a #v1. share state and ?present=1 / ?embed=1 (src/ui/share)
 * or the saved work (src/persist),
 * starts the engine session (the worker) and renders.
 */
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import './index.css'
import { App } from './App'
import { createExplorerStore } from './store/explorer-store'
import { EngineSession } from './ui/engine-session/engine-session'
import { applyUrlOptions } from './ui/explorer/url-options'
import { startUrlState } from './ui/share/start-url-state'
import { markStepRequests } from './ui/explorer/perf-marks'
import { createPersistence } from './persist/persistence'

// No top-level await: the chunks this waits for (the link codec, the saved work) import
// from the app chunk this module is in, and an await at the top of it would wait for
// itself (an ES module cycle through top-level await never settles).
async function main(): Promise<void> {
  const store = createExplorerStore()
  const queryOpened = applyUrlOptions(store, window.location.search)
  // #v1. share state, ?present=1 / ?embed=1, the saved work (src/persist); the address follows
  // the store. A link's state is read (its codec fetched) before the first render, so it never
  // flashes the default.
  const persistence = createPersistence()
  await startUrlState(store, persistence, queryOpened)
  markStepRequests(store)
  const session = new EngineSession(store)
  session.start()

  const root = document.getElementById('root')
  if (!root) throw new Error('index.html has no #root element')
  createRoot(root).render(
    <StrictMode>
      <App store={store} session={session} persistence={persistence} />
    </StrictMode>,
  )
}

void main()
