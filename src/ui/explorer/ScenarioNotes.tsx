/** The current scenario's title and notes (what to look at), beside the step list, and a broken file's error. */
import { memo } from 'react'
import { useExplorer, useExplorerStoreApi } from '../../store/use-explorer-store'
import { useShownScenario } from '../engine-session/use-engine-session'
import { machineAssumptions } from '../../engine/machine'

export const ScenarioNotes = memo(function ScenarioNotes() {
  // The shown run's scenario: title and notes always match the steps and VMAs on screen.
  const { scenario, stepCount, sameAsStore } = useShownScenario()
  const source = useExplorer((s) => s.source)
  const scenarioError = useExplorer((s) => s.scenarioError)
  const store = useExplorerStoreApi()

  return (
    <section aria-labelledby="scenario-title" className="space-y-1.5 border-b border-line px-3 py-2">
      {scenarioError && (
        <div role="alert" className="rounded border border-fail bg-raised px-2 py-1.5 text-[12.5px]">
          <p className="font-semibold text-fail">Could not open the scenario</p>
          <p className="font-mono text-[12px] break-words">{scenarioError}</p>
          <p className="text-[12px] text-muted">The current scenario stays open.</p>
          <button
            type="button"
            onClick={() => store.getState().dismissScenarioError()}
            className="mt-1 rounded border border-line px-2 text-[12px] hover:bg-selection"
          >
            Dismiss
          </button>
        </div>
      )}
      <h2 id="scenario-title" className="text-[13.5px] leading-snug font-semibold">
        {scenario.title || (sameAsStore && source.kind === 'file' ? source.name : 'Untitled scenario')}
      </h2>
      <p className="font-mono text-[11px] text-muted">
        {sameAsStore ? (source.kind === 'gallery' ? `built-in: ${source.id} · ` : `file: ${source.name} · `) : ''}
        {stepCount.toLocaleString('en-US')} steps{stepCount < scenario.steps.length ? ` of ${scenario.steps.length.toLocaleString('en-US')} so far` : ''} ·
        window {scenario.windowPages} pages
      </p>
      <RunAssumptions scenario={scenario} />
      {scenario.notes && <p className="text-[12.5px] leading-relaxed whitespace-pre-line" data-testid="scenario-notes">{scenario.notes}</p>}
    </section>
  )
})

/**
 * What the shown run assumed about the machine and the process (src/engine/machine.ts):
 * protection keys (an execute-only mapping cannot be read with them) and the window's base
 * (anonymous vm_pgoff and THP alignment use absolute addresses). "assumed" marks the
 * engine's default, where the scenario does not say.
 */
function RunAssumptions({ scenario }: { scenario: Parameters<typeof machineAssumptions>[0] }) {
  const m = machineAssumptions(scenario)
  return (
    <p className="font-mono text-[11px] text-muted" data-testid="run-assumptions">
      <span title="With protection keys (x86 pku/ospke) an execute-only mapping gets the execute-only pkey, so a data read of it faults">
        protection keys: {m.protectionKeys ? 'yes' : 'no'}{m.protectionKeysKnown ? '' : ' (assumed)'}
      </span>
      {' · '}
      <span title="Anonymous vm_pgoff and THP alignment of kernel-placed mappings use absolute addresses">
        base {m.baseText}{m.baseKnown ? '' : ' (assumed)'}
      </span>
    </p>
  )
}
