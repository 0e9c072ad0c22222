/**
 * Opens a scenario file or pasted scenario text through the open worker
 * (src/worker/open-api.ts): the page does not decode, parse or check it, it
 * only takes the steps back in chunks of CHUNK_ITEMS, each a short structured
 * clone, with the event loop free in between. One opening at a time, each in
 * a worker of its own that is ended afterwards (its memory goes with it);
 * Cancel ends it at once and the scenario on screen stays. While it reads,
 * `useOpening` says what is being opened and how far it is (OpeningStatus).
 */
import * as Comlink from 'comlink'
import { create } from 'zustand'
import type { OpenAnswer, OpenApi } from '../../worker/open-api'
import type { Scenario } from '../../scenario/types'
import { rememberScenarioText } from '../../scenario/known-text'
import { scenarioErrorText, type ExplorerStore } from '../../store/explorer-store'

const CHUNK_ITEMS = 5_000

export interface Opening {
  name: string
  /** Steps and VMAs taken back so far, of `total`; null while the worker still reads and checks. */
  done: number | null
  total: number | null
  cancel(): void
}

export const useOpening = create<{ opening: Opening | null }>(() => ({ opening: null }))

class Cancelled extends Error {}

export type ReadResult =
  | { ok: true; scenario: Scenario }
  | { ok: false; cancelled: false; error: { path: string; message: string } }
  | { ok: false; cancelled: true }

let current: Opening | null = null

/** Reads `input` (a file's bytes or a scenario's JSON text) in the open worker. */
export async function readScenarioInWorker(input: Uint8Array | string, name: string): Promise<ReadResult> {
  current?.cancel()
  const worker = new Worker(new URL('../../worker/open.worker.ts', import.meta.url), { type: 'module', name: 'vmascope-open' })
  const remote = Comlink.wrap<OpenApi>(worker)
  let stop: (error: Error) => void = () => undefined
  const stopped = new Promise<never>((_, reject) => (stop = reject))
  stopped.catch(() => undefined)
  worker.addEventListener('error', (event) => stop(new Error(`the reader stopped (${event.message || 'an error in the worker'})`)))
  const opening: Opening = { name, done: null, total: null, cancel: () => stop(new Cancelled()) }
  current = opening
  const show = (done: number | null, total: number | null) => useOpening.setState({ opening: { ...opening, done, total } })
  show(null, null)
  const race = <T>(promise: Promise<T>) => Promise.race([promise, stopped])
  try {
    const answer: OpenAnswer = await race<OpenAnswer>(remote.open(typeof input === 'string' ? input : Comlink.transfer(input, [input.buffer])))
    if (!answer.ok) return { ok: false, cancelled: false, error: answer.error }
    const total = answer.stepCount + answer.vmaCount
    const steps: Scenario['steps'] = new Array(answer.stepCount)
    for (let from = 0; from < answer.stepCount; from += CHUNK_ITEMS) {
      show(from, total)
      const chunk = await race(remote.steps(from, CHUNK_ITEMS))
      for (let i = 0; i < chunk.length; i++) steps[from + i] = chunk[i]!
    }
    const scenario: Scenario = { ...answer.shell, steps }
    if (answer.shell.initial) {
      const vmas = new Array(answer.vmaCount)
      for (let from = 0; from < answer.vmaCount; from += CHUNK_ITEMS) {
        show(answer.stepCount + from, total)
        const chunk = await race(remote.vmas(from, CHUNK_ITEMS))
        for (let i = 0; i < chunk.length; i++) vmas[from + i] = chunk[i]!
      }
      scenario.initial = { ...answer.shell.initial, vmas }
    }
    if (answer.json !== null) rememberScenarioText(scenario, answer.json)
    return { ok: true, scenario }
  } catch (error) {
    if (error instanceof Cancelled) return { ok: false, cancelled: true }
    return { ok: false, cancelled: false, error: { path: '', message: error instanceof Error ? error.message : String(error) } }
  } finally {
    worker.terminate()
    if (current === opening) {
      current = null
      useOpening.setState({ opening: null })
    }
  }
}

/** Opens a file's bytes or pasted text as the scenario; a broken one leaves the current one and says why. */
export async function openScenarioInWorker(store: ExplorerStore, input: Uint8Array | string, name: string): Promise<boolean> {
  const read = await readScenarioInWorker(input, name)
  if (read.ok) {
    store.getState().openScenario(read.scenario, { kind: 'file', name })
    return true
  }
  if (!read.cancelled) store.setState({ scenarioError: `${name}: ${scenarioErrorText(read.error)}` })
  return false
}
