/**
 * An opened trace beside the explorer: which part of which address space is
 * shown (a program makes one per execve and fork; a part ends where the
 * simulation had to restart from the real VMAs), the VMA count over the steps
 * (real, and each kernel shown), and "What KSM costs": on every kernel, the
 * VMAs at the end and each new mapping that did not merge only because of
 * VM_MERGEABLE timing, a click away.
 *
 * The real recording of the shown part sits beside the simulation in the
 * recording section, which marks every step where they differ.
 */
import { memo, useSyncExternalStore, type JSX } from 'react'
import { useExplorer, useExplorerStoreApi } from '../../store/use-explorer-store'
import { offerRecording } from '../recording/recording-inbox'
import { choosePart, closeTrace, traceStore, type TraceState } from './trace-client'
import { openTracePart } from './open-trace'
import { VmaCountChart, type CountLine } from './VmaCountChart'

const useTrace = (): TraceState => useSyncExternalStore(traceStore.subscribe, traceStore.getState)

export const TracePane = memo(function TracePane(): JSX.Element | null {
  const state = useTrace()
  const store = useExplorerStoreApi()
  const kernel = useExplorer((s) => s.kernel)
  const compare = useExplorer((s) => s.compare)
  const compareKernel = useExplorer((s) => s.compareKernel)
  const step = useExplorer((s) => s.step)
  const { trace, part, chosen } = state
  // Before a trace is open, "Open trace" itself says why a file was refused.
  if (!trace) return null
  const shown = [kernel, ...(compare && compareKernel !== kernel ? [compareKernel] : [])]
  const lines: CountLine[] = []
  if (part?.realCounts) lines.push({ label: `real ${trace.kernel}`, counts: part.realCounts, colour: 'var(--fg)' })
  for (const [i, k] of shown.entries()) {
    const cost = part?.costs.find((c) => c.kernel === k)
    if (cost) lines.push({ label: k, counts: cost.counts, colour: i === 0 ? 'var(--accent)' : 'var(--change-modified)', dashed: i > 0 })
  }
  const goTo = (n: number) => store.getState().goToStep(n)
  const onPart = async (value: string) => {
    const [space, p] = value.split(':').map(Number)
    const opened = await choosePart(space!, p!)
    if (opened) await openTracePart(store, opened, state.name ?? 'trace')
  }
  const real = part?.realCounts ? part.realCounts[part.realCounts.length - 1] : null
  return (
    <section aria-label="Trace" className="mt-3 flex flex-col gap-2 rounded border border-line bg-panel p-2" data-testid="trace-pane">
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1 text-[12.5px]">
        <h2 className="text-[13px] font-semibold">Trace: <span className="font-mono">{trace.command.join(' ') || state.name}</span></h2>
        <span className="text-muted">
          {trace.calls.toLocaleString('en-US')} calls, {trace.source === 'ptrace' ? `recorded on ${trace.kernel}` : 'from an strace log'}
          {trace.mergeAny ? ', run with PR_SET_MEMORY_MERGE' : ''}
        </span>
        <label className="flex items-center gap-1">
          Address space
          <select aria-label="Address space and part" value={chosen ? `${chosen.space}:${chosen.part}` : ''} onChange={(e) => void onPart(e.currentTarget.value)} className="max-w-[28rem] rounded border border-line bg-bg px-1 text-[12px]">
            {trace.parts.map((p) => (
              <option key={`${p.space}:${p.part}`} value={`${p.space}:${p.part}`}>
                {p.space}. {p.exe} (pid {p.pid}){p.part > 1 ? `, part ${p.part}` : ''}: {p.steps} steps
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => { closeTrace(); offerRecording(null) }} className="rounded border border-line px-1.5 text-[12px]">Close trace</button>
      </div>
      {trace.limits.length > 0 && (
        <ul aria-label="What the trace cannot show" className="list-disc pl-5 text-[12px] text-muted">
          {trace.limits.map((l) => <li key={l}>{l}</li>)}
        </ul>
      )}
      {trace.problems.length > 0 && (
        <details className="text-[12px]"><summary>{trace.problems.length} line(s) of the log could not be read; the rest loaded</summary>
          <ul className="font-mono">{trace.problems.slice(0, 200).map((p) => <li key={p}>{p}</li>)}</ul>
        </details>
      )}
      {chosen && trace.parts.find((p) => p.space === chosen.space && p.part === chosen.part)?.reason && (
        <p className="text-[12px]">This part starts from the real VMAs because {trace.parts.find((p) => p.space === chosen.space && p.part === chosen.part)!.reason}.</p>
      )}
      {state.busy && <p className="text-[12px] text-muted">Simulating the trace on every kernel…</p>}
      {state.problem && <p role="alert" className="text-[12px] text-(--check-fail)">{state.problem}</p>}
      {part && (
        <>
          <VmaCountChart lines={lines} maxMapCount={part.maxMapCount} step={step} onSelectStep={goTo} />
          <div>
            <h3 className="text-[12.5px] font-semibold">What KSM costs</h3>
            <table aria-label="What KSM costs" className="text-[12px]">
              <thead>
                <tr><th className="pr-3 text-left">kernel</th><th className="pr-3 text-right">VMAs at the end</th><th className="text-left">new mappings that did not merge only because of VM_MERGEABLE timing</th></tr>
              </thead>
              <tbody>
                {real !== null && <tr data-kernel="real"><td className="pr-3 font-mono">real {trace.kernel}</td><td className="pr-3 text-right">{real.toLocaleString('en-US')}</td><td className="text-muted">(the real kernel)</td></tr>}
                {part.costs.map((c) => (
                  <tr key={c.kernel} data-kernel={c.kernel} data-missed={c.missed.length}>
                    <td className="pr-3 align-top font-mono">{c.kernel}</td>
                    <td className="pr-3 text-right align-top">{c.vmasAtEnd.toLocaleString('en-US')}</td>
                    <td>
                      {c.missed.length === 0 ? 'none' : (
                        <details>
                          <summary>{c.missed.length.toLocaleString('en-US')}</summary>
                          <ul>
                            {c.missed.slice(0, 500).map((m) => (
                              <li key={m.step}>
                                <button type="button" onClick={() => goTo(m.step)} className="text-left font-mono underline decoration-dotted">step {m.step}: {m.call}</button>{' '}
                                <span className="text-muted">(would have merged with its {m.neighbour} had VM_MERGEABLE been set before the merge attempt)</span>
                              </li>
                            ))}
                          </ul>
                        </details>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  )
})
