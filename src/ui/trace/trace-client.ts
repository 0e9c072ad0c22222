/**
 * The page's side of the trace worker (src/worker/trace.worker.ts): one
 * worker, made on first use, and the opened trace's state for the pane, as a
 * small store of its own (the explorer store holds only the scenario it runs;
 * a trace is tens of megabytes and stays in the worker).
 */
import * as Comlink from 'comlink'
import { createStore } from 'zustand/vanilla'
import type { OpenedTrace, TraceApi, TracePart } from '../../trace/trace-api'

let worker: Comlink.Remote<TraceApi> | null = null
function api(): Comlink.Remote<TraceApi> {
  worker ??= Comlink.wrap<TraceApi>(new Worker(new URL('../../worker/trace.worker.ts', import.meta.url), { type: 'module', name: 'vmascope-trace' }))
  return worker
}

export interface TraceState {
  name: string | null
  trace: OpenedTrace | null
  chosen: { space: number; part: number } | null
  part: TracePart | null
  busy: boolean
  problem: string | null
}

export const traceStore = createStore<TraceState>(() => ({ name: null, trace: null, chosen: null, part: null, busy: false, problem: null }))

/** Read a trace file (or an strace log) in the worker; the main part opens. */
export async function openTraceText(text: string, name: string): Promise<TracePart | null> {
  traceStore.setState({ busy: true, problem: null })
  try {
    const opened = await api().open(text, name)
    if (!opened.ok) {
      traceStore.setState({ busy: false, problem: opened.message })
      return null
    }
    traceStore.setState({ name, trace: opened.trace })
    return await choosePart(opened.trace.main.space, opened.trace.main.part)
  } catch (e) {
    traceStore.setState({ busy: false, problem: `${name}: ${e instanceof Error ? e.message : String(e)}` })
    return null
  }
}

export async function choosePart(space: number, part: number): Promise<TracePart | null> {
  traceStore.setState({ busy: true, problem: null })
  const answer = await api().part(space, part)
  if (!answer.ok) {
    traceStore.setState({ busy: false, problem: answer.message })
    return null
  }
  traceStore.setState({ busy: false, chosen: { space, part }, part: answer.part })
  return answer.part
}

export function closeTrace(): void {
  traceStore.setState({ name: null, trace: null, chosen: null, part: null, busy: false, problem: null })
}
