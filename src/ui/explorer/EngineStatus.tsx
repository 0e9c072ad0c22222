/**
 * What the engine is doing: a run in flight (a quiet status; past its first
 * progress report a progress bar, the steps taken and a Cancel button), a
 * note (a cancelled run), or a failure (an alert that says what failed and
 * which kernel the page shows now, with a retry).
 */
import type { RunStatus, SessionSnapshot } from '../engine-session/engine-session'

const count = (n: number) => n.toLocaleString('en-US')

function runLine(run: RunStatus): string {
  const what = `“${run.title}” on kernel ${run.kernel}`
  return run.done === null ? `Running ${what}…` : `Running ${what}: ${count(run.done)} of ${count(run.total)} steps`
}

export function EngineStatus({ snapshot, onRetry, onCancel }: { snapshot: SessionSnapshot; onRetry(): void; onCancel(): void }) {
  const reported = snapshot.running.filter((run) => run.done !== null)
  const done = reported.reduce((sum, run) => sum + run.done!, 0)
  const total = reported.reduce((sum, run) => sum + run.total, 0)
  return (
    <>
      <div className="flex flex-wrap items-center gap-2 text-[12px] text-muted">
        {/* The bar and Cancel come first: the count after them changes width at every report, and a
            button that moves with it cannot be clicked. */}
        {reported.length > 0 && (
          <>
            <progress data-testid="run-progress" aria-label="Run progress" max={total} value={done} className="h-2 w-48 accent-[var(--accent)]" />
            <button type="button" onClick={onCancel} className="rounded border border-line px-2 text-fg hover:bg-selection">
              Cancel
            </button>
          </>
        )}
        <span role="status" data-testid="engine-status">
          {snapshot.running.map(runLine).join(' · ')}
          {snapshot.running.length === 0 && snapshot.notice ? snapshot.notice : ''}
        </span>
      </div>
      {snapshot.failure && (
        <div role="alert" className="flex items-start gap-2 rounded border border-fail bg-raised px-2 py-1.5 text-[12.5px]">
          <span className="font-semibold text-fail">The engine stopped.</span>
          <span className="min-w-0 flex-1" data-testid="engine-failure">
            {snapshot.failure}
          </span>
          <button type="button" onClick={onRetry} className="rounded border border-line px-2 hover:bg-selection">
            Run again
          </button>
        </div>
      )}
    </>
  )
}
