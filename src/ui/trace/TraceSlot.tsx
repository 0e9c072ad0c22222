/** Where an opened trace's pane goes: loaded on first use, so the explorer's first view does not carry it. */
import { lazy, memo, Suspense, useSyncExternalStore, type JSX } from 'react'
import { traceStore } from './trace-client'

const TracePane = lazy(() => import('./TracePane').then((m) => ({ default: m.TracePane })))

export const TraceSlot = memo(function TraceSlot(): JSX.Element | null {
  const open = useSyncExternalStore(traceStore.subscribe, () => traceStore.getState().trace !== null)
  return open ? (
    <Suspense fallback={<p className="text-[12px] text-muted">Loading the trace view…</p>}>
      <TracePane />
    </Suspense>
  ) : null
})
