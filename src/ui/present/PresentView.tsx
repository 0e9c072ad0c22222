/**
 * Presentation mode and the embed: only the address space, the step and the
 * explanation.
 *
 * - present: full screen (when the browser allows it: a button or key press
 *   is needed, so a ?present=1 link shows a "Full screen" button), large type
 *   (CSS zoom), the high-contrast palette of present.css on <html
 *   data-present>. ← → (and PageUp/PageDown/Space, which clickers send) step,
 *   Home/End jump, F toggles full screen, Escape leaves.
 * - embed (?embed=1): the same view at normal size without the explorer's
 *   chrome, for an <iframe>; a link opens the full explorer in a new tab.
 * - In both, a link that could not be opened (the store's scenarioError) is
 *   said in an alert above the view, as the explorer says it.
 */
import { useCallback, useEffect, useMemo } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { useExplorer, useExplorerStoreApi } from '../../store/use-explorer-store'
import type { ExplorerActions } from '../../store/explorer-store'
import { baseAddressValue } from '../../store/base-address'
import { useSessionSnapshot, useShownScenario, useShownStep } from '../engine-session/use-engine-session'
import type { ShownStep } from '../engine-session/engine-session'
import { AddressSpaceView } from '../address-space'
import { WhyPanel } from '../why/WhyPanel'
import { isTypingTarget } from './typing-target'
import { setPageMode, type PageMode } from './present-mode'
import './present.css'


import { enterFullscreen, exitFullscreen } from './fullscreen'
export { enterFullscreen } from './fullscreen'

export function leavePresentation(): void {
  exitFullscreen()
  setPageMode('explore')
}

type StepActions = Pick<ExplorerActions, 'nextStep' | 'previousStep' | 'firstStep' | 'lastStep'>

/** Keys of presentation mode and the embed; clickers send PageDown/PageUp. */
const PRESENT_KEYS: Record<string, { run(actions: StepActions): void; presentOnly?: boolean }> = {
  ArrowRight: { run: (a) => a.nextStep() },
  ArrowDown: { run: (a) => a.nextStep() },
  PageDown: { run: (a) => a.nextStep() },
  ' ': { run: (a) => a.nextStep() },
  ArrowLeft: { run: (a) => a.previousStep() },
  ArrowUp: { run: (a) => a.previousStep() },
  PageUp: { run: (a) => a.previousStep() },
  Home: { run: (a) => a.firstStep() },
  End: { run: (a) => a.lastStep() },
  Escape: { run: () => leavePresentation(), presentOnly: true },
  f: { run: () => toggleFullscreen(), presentOnly: true },
  F: { run: () => toggleFullscreen(), presentOnly: true },
}

function toggleFullscreen(): void {
  if (document.fullscreenElement) exitFullscreen()
  else enterFullscreen()
}

export function PresentView({ mode }: { mode: Exclude<PageMode, 'explore'> }) {
  const store = useExplorerStoreApi()
  const snapshot = useSessionSnapshot()
  const storeStep = useExplorer((s) => s.step)
  const shownScenario = useShownScenario()
  const stepCount = shownScenario.stepCount
  const title = shownScenario.scenario.title
  const step = Math.min(storeStep, stepCount)
  const compare = useExplorer((s) => s.compare)
  const scenarioError = useExplorer((s) => s.scenarioError)
  const primary = useShownStep(snapshot.primary, step)
  const second = useShownStep(compare ? snapshot.compare : null, step)
  const presenting = mode === 'present'

  useEffect(() => {
    if (!presenting) return
    document.documentElement.setAttribute('data-present', '')
    return () => document.documentElement.removeAttribute('data-present')
  }, [presenting])

  // Leaving full screen with the browser's own Escape leaves presentation mode too.
  useEffect(() => {
    if (!presenting) return
    let wasFullscreen = Boolean(document.fullscreenElement)
    const onChange = () => {
      const now = Boolean(document.fullscreenElement)
      if (wasFullscreen && !now) setPageMode('explore')
      wasFullscreen = now
    }
    document.addEventListener('fullscreenchange', onChange)
    return () => document.removeEventListener('fullscreenchange', onChange)
  }, [presenting])

  const onKeyDown = useCallback(
    (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || isTypingTarget(event.target)) return
      const action = PRESENT_KEYS[event.key]
      if (!action || (action.presentOnly && !presenting)) return
      action.run(store.getState())
      event.preventDefault()
    },
    [store, presenting],
  )
  useEffect(() => {
    document.addEventListener('keydown', onKeyDown)
    return () => document.removeEventListener('keydown', onKeyDown)
  }, [onKeyDown])

  const comparing = compare && second !== null
  const result = primary?.result ?? null
  const explorerHref = useMemo(() => {
    const url = new URL(window.location.href)
    url.search = ''
    return url.toString()
  }, [])

  return (
    <div
      className="flex h-full flex-col bg-bg text-fg"
      data-testid={presenting ? 'presentation' : 'embed'}
      data-page-mode={mode}
      style={{ zoom: presenting ? 1.5 : 1 }}
    >
      {/*
        Fixed rows, so nothing below moves from one step to the next: the title and the
        controls share the first row; the step line always has room for two lines.
      */}
      <header className="grid grid-cols-[minmax(0,1fr)_auto] items-baseline gap-x-4 gap-y-1 px-4 pt-3 pb-2">
        <h1 className="col-start-1 row-start-1 text-[16px] font-semibold">{title}</h1>
        <span className="col-start-2 row-start-1 flex items-center gap-2 text-[11px] text-muted">
          {presenting ? (
            <>
              <span>← → step · F full screen · Esc leaves</span>
              <button type="button" className="rounded border border-line px-1.5 py-0.5 text-fg hover:bg-selection" onClick={enterFullscreen}>
                Full screen
              </button>
              <button type="button" className="rounded border border-line px-1.5 py-0.5 text-fg hover:bg-selection" onClick={leavePresentation}>
                Leave presentation
              </button>
            </>
          ) : (
            <>
              <button type="button" aria-label="Previous step" className="rounded border border-line px-1.5 text-fg" onClick={() => store.getState().previousStep()}>
                ←
              </button>
              <button type="button" aria-label="Next step" className="rounded border border-line px-1.5 text-fg" onClick={() => store.getState().nextStep()}>
                →
              </button>
              <a href={explorerHref} target="_blank" rel="noopener noreferrer" className="text-accent underline">
                Open in vmascope
              </a>
            </>
          )}
        </span>
        <p className="col-span-2 row-start-2 min-h-[2.8em] font-mono text-[14px] leading-[1.4]" data-testid="present-step" aria-live="polite">
          {step === 0 ? `Step 0 of ${stepCount} · initial state` : `Step ${step} of ${stepCount}${result ? ` · ${result.summary}` : ''}`}
        </p>
      </header>
      {scenarioError && (
        <div role="alert" className="mx-4 mb-2 flex items-start gap-2 rounded border border-fail bg-raised px-2 py-1.5 text-[12.5px]">
          <span className="min-w-0 flex-1 break-words" data-testid="present-error">
            {scenarioError}
          </span>
          <button type="button" className="rounded border border-line px-2 hover:bg-selection" onClick={() => store.getState().dismissScenarioError()}>
            Dismiss
          </button>
        </div>
      )}
      <main className={`min-h-0 flex-1 overflow-auto px-4 pb-3 ${comparing ? 'grid grid-cols-2 gap-4' : ''}`}>
        {primary ? (
          <>
            <PresentPane shown={primary} label={comparing ? primary.run.kernel : null} id="present-primary" />
            {comparing && second && <PresentPane shown={second} label={second.run.kernel} id="present-compare" />}
          </>
        ) : (
          <p className="text-muted">Running the scenario in the engine…</p>
        )}
      </main>
    </div>
  )
}

function PresentPane({ shown, label, id }: { shown: ShownStep; label: string | null; id: string }) {
  const store = useExplorerStoreApi()
  const view = useViewState()
  const { setViewport, pinVma, setHighlight } = store.getState()
  return (
    <section className="flex min-w-0 flex-col gap-3" data-kernel={shown.run.kernel} data-pane={id}>
      <AddressSpaceView {...view} {...stepViewProps(shown)} onViewportChange={setViewport} onPinVma={pinVma} label={label ?? shown.run.kernel} />
      <WhyPanel shown={shown} kernel={shown.run.kernel} onHighlight={setHighlight} headingId={`${id}-why`} baseAddress={view.baseAddress} />
    </section>
  )
}

/** What the address-space view draws for one step. */
function stepViewProps(shown: ShownStep) {
  return {
    vmas: shown.vmas,
    previousVmas: shown.previousVmas,
    changes: { created: shown.created, removed: shown.removed },
    step: shown.result,
    windowPages: shown.run.scenario.windowPages,
  }
}

/** The view options the address-space view reads from the store. */
function useViewState() {
  const options = useExplorer(
    useShallow((s) => ({ axisMode: s.axisMode, baseAddressText: s.baseAddress, viewport: s.viewport, highlight: s.highlight, pinnedVmaId: s.pinnedVmaId })),
  )
  const { baseAddressText, ...rest } = options
  const baseAddress = useMemo(() => baseAddressValue(baseAddressText), [baseAddressText])
  return { ...rest, baseAddress }
}
