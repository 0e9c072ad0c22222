/** What the engine is doing: running (a quiet status) or failed (an alert that says what failed, with a retry). */
import type { SessionSnapshot } from '../engine-session/engine-session'

export function EngineStatus({ snapshot, onRetry }: { snapshot: SessionSnapshot; onRetry(): void }) {
  return (
    <>
      <span role="status" data-testid="engine-status" className="text-[12px] text-muted">
        {snapshot.busy ? 'Running the scenario…' : ''}
      </span>
      {snapshot.failure && (
        <div role="alert" className="flex items-start gap-2 rounded border border-fail bg-raised px-2 py-1.5 text-[12.5px]">
          <span className="font-semibold text-fail">The engine failed.</span>
          <span className="min-w-0 flex-1">
            {snapshot.failure}. {snapshot.primary ? 'The last good result stays on screen.' : ''}
          </span>
          <button type="button" onClick={onRetry} className="rounded border border-line px-2 hover:bg-selection">
            Run again
          </button>
        </div>
      )}
    </>
  )
}
