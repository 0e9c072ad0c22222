/**
 * The explorer page: header, toolbar, the scenario and its steps on the left,
 * and on the right the step controls and one pane per kernel (two in compare
 * mode). It reads the store for what the user asked and the engine session for
 * what the kernel answered; the panes show the last step that is ready.
 *
 * It re-renders on every step and every engine answer, so its children are
 * memoised (React.memo at their definitions): each re-renders only when its
 * own props or store slices change.
 */
import { lazy, Suspense, useCallback, useEffect, useLayoutEffect, useState, useSyncExternalStore } from 'react'
import { useExplorer, useExplorerStoreApi } from '../../store/use-explorer-store'
import { useEngineSession, useSessionSnapshot, useShownStep } from '../engine-session/use-engine-session'
import { AppHeader } from '../header/AppHeader'
import { KernelControls } from '../controls/KernelControls'
import { ScenarioControls } from '../controls/ScenarioControls'
import { ViewControls } from '../controls/ViewControls'
import { ShareToolbar } from '../share/ShareToolbar'
import { ImportSmapsControl } from '../import/ImportSmapsControl'
import { OpenTraceControl } from '../trace/OpenTraceControl'
import { TraceSlot } from '../trace/TraceSlot'
import { subscribeTraceOpen, traceCallsOf } from '../trace/trace-presence'
import { RecordingPane } from '../recording/RecordingPane'
import { EditorColumn } from '../editor/EditorColumn'
import { StepControls } from '../steps/StepControls'
import { StepList } from '../steps/StepList'
import { DifferenceKey } from '../steps/DifferenceMark'
import { usePlayback } from '../steps/use-playback'
import { useStepHotkeys } from '../steps/use-step-hotkeys'
import { EngineStatus } from './EngineStatus'
import { KernelPane } from './KernelPane'
import { ScenarioNotes } from './ScenarioNotes'
import { findTargets, useFindTargets } from '../find/find-targets'
// The overview (d3 area, its own chunk) and the saved-scenarios list come after the first view.
// The shortcuts dialog loads the first time it opens, and stays (a native <dialog> returns focus when it closes).
const KeyboardHelp = lazy(() => import('./KeyboardHelp').then((m) => ({ default: m.KeyboardHelp })))
const FindBar = lazy(() => import('../find/FindBar').then((m) => ({ default: m.FindBar })))
const StepJumps = lazy(() => import('../find/StepJumps').then((m) => ({ default: m.StepJumps })))
const MyScenarios = lazy(() => import('../library/MyScenarios').then((m) => ({ default: m.MyScenarios })))
const OverviewPanel = lazy(() => import('../overview/OverviewPanel').then((m) => ({ default: m.OverviewPanel })))
import { StepFilterSelect, useFilteredSteps } from '../find/StepFilterSelect'
import { StepAnnouncer } from './StepAnnouncer'
import { markStepShown } from './perf-marks'
import type { VmaView } from '../../engine/api'

const NO_VMAS: VmaView[] = []

export function ExplorerApp() {
  const store = useExplorerStoreApi()
  const session = useEngineSession()
  const snapshot = useSessionSnapshot()
  const step = useExplorer((s) => s.step)
  const compare = useExplorer((s) => s.compare)
  const [helpOpen, setHelpOpen] = useState(false)
  const [helpLoaded, setHelpLoaded] = useState(false)
  const openHelp = useCallback(() => {
    setHelpLoaded(true)
    setHelpOpen(true)
  }, [])
  const closeHelp = useCallback(() => setHelpOpen(false), [])
  const selectStep = useCallback((n: number) => store.getState().goToStep(n), [store])
  useStepHotkeys(store, openHelp)
  usePlayback(store)

  const primary = useShownStep(snapshot.primary, step)
  const second = useShownStep(compare ? snapshot.compare : null, step)
  const comparing = compare && second !== null

  useLayoutEffect(() => {
    if (primary) markStepShown(primary.step)
  }, [primary])
  const kernelDifferences = comparing ? snapshot.differing : null
  const primarySteps = snapshot.primary?.steps
  useEffect(() => {
    findTargets.setState({ kernelDifferences, ...(primarySteps ? { steps: primarySteps } : {}) })
  }, [kernelDifferences, primarySteps])
  // A traced program's steps read as the calls they came from (strace's words, hex addresses).
  const shownScenario = snapshot.primary?.scenario ?? null
  const callTexts = useSyncExternalStore(subscribeTraceOpen, () => (shownScenario ? traceCallsOf(shownScenario) : null))
  const filter = useFindTargets((s) => s.filter)
  const only = useFilteredSteps(filter, primarySteps ?? null)

  return (
    // Wide (≥ 1024 px): three columns, each scrolling on its own. Narrow: one column, the page
    // scrolls down (never sideways), the step list gets a bounded height of its own.
    <div className="grid min-h-full grid-cols-[minmax(0,1fr)] grid-rows-[auto_auto_auto] bg-bg text-fg lg:h-full lg:grid-rows-[auto_auto_minmax(0,1fr)]">
      <AppHeader onOpenHelp={openHelp} />
      <div className="flex min-w-0 flex-wrap items-center gap-x-5 gap-y-1.5 border-b border-line bg-panel px-3 py-1.5 [&>*]:max-w-full [&>*]:min-w-0">
        <ScenarioControls />
        <KernelControls />
        <ViewControls />
        <ImportSmapsControl />
        <OpenTraceControl />
        <ShareToolbar />
      </div>
      <div className="grid min-h-0 min-w-0 grid-cols-1 lg:grid-cols-[minmax(17rem,22rem)_minmax(0,1fr)_auto]">
        <aside aria-label="Scenario and steps" className="flex min-h-0 min-w-0 flex-col border-b border-line bg-panel lg:border-r lg:border-b-0">
          {/* The notes and the kept scenarios share at most a third of the column (scrolling on
              their own when longer), so the step list keeps most of it at any height. */}
          <div className="shrink-0 lg:max-h-[33%] lg:overflow-y-auto">
            <ScenarioNotes />
            <Suspense fallback={null}>
              <MyScenarios />
            </Suspense>
          </div>
          <div className="flex items-center justify-between gap-2 px-3 pt-2 pb-1">
            <h2 className="text-[12px] font-semibold tracking-wide text-muted uppercase">Steps</h2>
            <StepFilterSelect />
          </div>
          {comparing && <DifferenceKey />}
          {snapshot.primary && (
            <Suspense fallback={null}>
              <OverviewPanel
                primary={snapshot.primary}
                compare={comparing && snapshot.compare ? snapshot.compare : null}
              />
            </Suspense>
          )}
          <nav aria-label="Step list" className="max-h-[45vh] min-h-0 flex-1 overflow-y-auto lg:max-h-none">
            {snapshot.primary ? (
              <StepList
                steps={snapshot.primary.steps}
                compareSteps={comparing ? (snapshot.compare?.steps ?? null) : null}
                kernel={snapshot.primary.kernel}
                compareKernel={comparing ? (snapshot.compare?.kernel ?? null) : null}
                current={step}
                differing={comparing ? snapshot.differing : null}
                only={only}
                callTexts={callTexts}
                onSelect={selectStep}
              />
            ) : (
              <p className="px-3 text-[12.5px] text-muted">Waiting for the engine…</p>
            )}
          </nav>
        </aside>
        <main className="@container min-h-0 min-w-0 scroll-pt-24 px-3 py-2 lg:overflow-y-auto">
          <div className="top-0 z-10 -mx-3 mb-2 flex flex-col gap-1.5 border-b border-line bg-bg px-3 pb-2 lg:sticky">
            <StepControls />
            <Suspense fallback={null}>
              <StepJumps />
            </Suspense>
            <Suspense fallback={null}>
              <FindBar vmas={primary?.vmas ?? NO_VMAS} />
            </Suspense>
            <EngineStatus snapshot={snapshot} onRetry={() => session.retry()} onCancel={() => session.cancel()} />
          </div>
          {primary ? (
            <div className={comparing ? 'grid grid-cols-1 gap-3 @3xl:grid-cols-2' : ''}>
              <KernelPane shown={primary} kernel={primary.run.kernel} tableName="VMAs" label={comparing ? primary.run.kernel : null} id="primary" />
              {comparing && second && (
                <KernelPane
                  shown={second}
                  kernel={second.run.kernel}
                  tableName={`Compared kernel ${second.run.kernel}: mappings`}
                  label={second.run.kernel}
                  id="compare"
                />
              )}
            </div>
          ) : (
            !snapshot.failure && <p className="text-muted">Running the scenario in the engine…</p>
          )}
          <div className="mt-3">
            <RecordingPane />
          </div>
          <TraceSlot />
        </main>
        <EditorColumn />
      </div>
      <StepAnnouncer shown={primary} />
      {helpLoaded && (
        <Suspense fallback={null}>
          <KeyboardHelp open={helpOpen} onClose={closeHelp} />
        </Suspense>
      )}
    </div>
  )
}
