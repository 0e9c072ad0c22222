/** React access to the EngineSession: its snapshot, and the step of a run that is ready to draw. */
import { createContext, useContext, useEffect, useState, useSyncExternalStore } from 'react'
import type { Scenario } from '../../scenario/types'
import { useExplorer } from '../../store/use-explorer-store'
import type { EngineSession, SessionSnapshot, ShownStep, SideRun } from './engine-session'

export const EngineSessionContext = createContext<EngineSession | null>(null)

export function useEngineSession(): EngineSession {
  const session = useContext(EngineSessionContext)
  if (!session) throw new Error('useEngineSession must be used inside <EngineSessionContext.Provider>')
  return session
}

export function useSessionSnapshot(): SessionSnapshot {
  const session = useEngineSession()
  return useSyncExternalStore(session.subscribe, session.getSnapshot)
}

/**
 * The step to draw for one run. When the requested step's VMAs are not cached
 * yet, it returns the step shown last (so the screen never goes blank) and
 * fetches them; once they arrive, the component re-renders with the new step.
 */
export function useShownStep(run: SideRun | null, step: number): ShownStep | null {
  const session = useEngineSession()
  useSessionSnapshot() // re-render when more VMAs are cached
  const [lastShown, setLastShown] = useState<ShownStep | null>(null)
  const clampedStep = run ? Math.min(step, run.steps.length) : 0
  const ready = run ? session.shownStep(run, clampedStep) : undefined

  useEffect(() => {
    if (!run) return
    if (!ready) void session.loadStep(run, clampedStep)
    else session.prefetchAround(run, clampedStep)
  }, [session, run, clampedStep, ready])

  // Remember the last step that was ready (React's "information from previous renders" pattern:
  // the update re-runs this component before anything is committed).
  if (ready && ready !== lastShown) setLastShown(ready)

  if (!run) return null
  return ready ?? lastShown
}

/**
 * The scenario the page shows: the primary run's (so title, notes, the step
 * count and the slider come from the same run as the steps and VMAs), or the
 * store's before any run is ready. `stepCount` is the run's steps (those
 * taken so far while a new scenario's run is in progress).
 */
export function useShownScenario(): { scenario: Scenario; stepCount: number; sameAsStore: boolean } {
  const storeScenario = useExplorer((s) => s.scenario)
  const { primary } = useSessionSnapshot()
  const scenario = primary?.scenario ?? storeScenario
  return { scenario, stepCount: primary ? primary.steps.length : storeScenario.steps.length, sameAsStore: scenario === storeScenario }
}
