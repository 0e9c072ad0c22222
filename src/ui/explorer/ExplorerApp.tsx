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
import { useCallback, useLayoutEffect, useState } from 'react'
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
import { RecordingPane } from '../recording/RecordingPane'
import { EditorColumn } from '../editor/EditorColumn'
import { StepControls } from '../steps/StepControls'
import { StepList } from '../steps/StepList'
import { usePlayback } from '../steps/use-playback'
import { useStepHotkeys } from '../steps/use-step-hotkeys'
import { EngineStatus } from './EngineStatus'
import { KernelPane } from './KernelPane'
import { KeyboardHelp } from './KeyboardHelp'
import { ScenarioNotes } from './ScenarioNotes'
import { MyScenarios } from '../library/MyScenarios'
import { StepAnnouncer } from './StepAnnouncer'
import { markStepShown } from './perf-marks'

export function ExplorerApp() {
  const store = useExplorerStoreApi()
  const session = useEngineSession()
  const snapshot = useSessionSnapshot()
  const step = useExplorer((s) => s.step)
  const compare = useExplorer((s) => s.compare)
  const [helpOpen, setHelpOpen] = useState(false)
  const openHelp = useCallback(() => setHelpOpen(true), [])
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

  return (
    <div className="grid h-full grid-rows-[auto_auto_minmax(0,1fr)] bg-bg text-fg">
      <AppHeader onOpenHelp={openHelp} />
      <div className="flex flex-wrap items-center gap-x-5 gap-y-1.5 border-b border-line bg-panel px-3 py-1.5">
        <ScenarioControls />
        <KernelControls />
        <ViewControls />
        <ImportSmapsControl />
        <OpenTraceControl />
        <ShareToolbar />
      </div>
      <div className="grid min-h-0 grid-cols-[minmax(17rem,22rem)_minmax(0,1fr)_auto]">
        <aside aria-label="Scenario and steps" className="flex min-h-0 flex-col border-r border-line bg-panel">
          <ScenarioNotes />
          <MyScenarios />
          <h2 className="px-3 pt-2 pb-1 text-[12px] font-semibold tracking-wide text-muted uppercase">Steps</h2>
          {comparing && (
            <p className="px-3 pb-1 text-[11.5px] text-muted">
              ≠ marks the steps whose outcome, KSM timing, error or VMAs differ between the kernels.
            </p>
          )}
          <nav aria-label="Step list" className="min-h-0 flex-1 overflow-y-auto">
            {snapshot.primary ? (
              <StepList
                steps={snapshot.primary.steps}
                compareSteps={comparing ? (snapshot.compare?.steps ?? null) : null}
                kernel={snapshot.primary.kernel}
                compareKernel={comparing ? (snapshot.compare?.kernel ?? null) : null}
                current={step}
                differing={comparing ? snapshot.differing : null}
                onSelect={selectStep}
              />
            ) : (
              <p className="px-3 text-[12.5px] text-muted">Waiting for the engine…</p>
            )}
          </nav>
        </aside>
        <main className="min-h-0 scroll-pt-24 overflow-y-auto px-3 py-2">
          <div className="sticky top-0 z-10 -mx-3 mb-2 flex flex-col gap-1.5 border-b border-line bg-bg px-3 pb-2">
            <StepControls />
            <EngineStatus snapshot={snapshot} onRetry={() => session.retry()} onCancel={() => session.cancel()} />
          </div>
          {primary ? (
            <div className={comparing ? 'grid grid-cols-2 gap-3' : ''}>
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
      <KeyboardHelp open={helpOpen} onClose={closeHelp} />
    </div>
  )
}
