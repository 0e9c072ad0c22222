/**
 * Entry point: creates the store, applies the URL's options (?scenario=, &kernel=,
 * &compare=, &step=), starts the engine session (the worker) and renders.
 */
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import './index.css'
import { App } from './App'
import { createExplorerStore } from './store/explorer-store'
import { EngineSession } from './ui/engine-session/engine-session'
import { applyUrlOptions, followStoreInUrl } from './ui/explorer/url-options'
import { markStepRequests } from './ui/explorer/perf-marks'

const store = createExplorerStore()
applyUrlOptions(store, window.location.search)
followStoreInUrl(store)
markStepRequests(store)
const session = new EngineSession(store)
session.start()

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root element')
createRoot(root).render(
  <StrictMode>
    <App store={store} session={session} />
  </StrictMode>,
)
