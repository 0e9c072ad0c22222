/**
 * Reading an opened file or pasted text, in a worker of its own
 * (open.worker.ts): the decoding, the JSON parse and loadScenario's checks of
 * a 1,000,000-step file take seconds, which the page must not spend. The
 * answer is the scenario without its steps and initial VMAs (the shell); the
 * page then takes those in chunks (`steps`, `vmas`), each a short structured
 * clone, with the event loop free in between. One file at a time: `open`
 * drops what the last one held.
 */
import { openScenarioBytes, type OpenFileResult } from '../export/open-exported-file'
import { loadScenario } from '../scenario/load'
import type { InitialVma, Scenario, Step } from '../scenario/types'

/** From this many steps and VMAs on, the answer carries the scenario's JSON text, as UTF-8 bytes. */
const KNOWN_TEXT_FROM_ITEMS = 20_000

export type OpenAnswer =
  | { ok: true; kind: OpenFileResult['kind']; shell: Scenario; stepCount: number; vmaCount: number; warnings: string[]; json: Uint8Array | null }
  | { ok: false; kind: OpenFileResult['kind']; error: { path: string; message: string } }

export interface OpenApi {
  /** Reads a file's bytes (a .json, or an .svg/.png vmascope exported) or a scenario's JSON text. */
  open(input: Uint8Array | string): OpenAnswer
  steps(from: number, count: number): Step[]
  vmas(from: number, count: number): InitialVma[]
  release(): void
}

export function createOpenApi(): OpenApi {
  let held: Scenario | null = null
  return {
    open(input) {
      held = null
      const result: OpenFileResult = typeof input === 'string' ? { ...loadScenario(input), kind: 'json' } : openScenarioBytes(input)
      if (!result.ok) return { ok: false, kind: result.kind, error: result.error }
      const scenario = result.scenario
      held = scenario
      const shell: Scenario = { ...scenario, steps: [] }
      if (scenario.initial) shell.initial = { ...scenario.initial, vmas: [] }
      const stepCount = scenario.steps.length
      const vmaCount = scenario.initial?.vmas.length ?? 0
      // A large scenario's text goes to the page too, for the engine worker (src/scenario/known-text.ts):
      // as bytes, which open.worker.ts transfers, so the page neither copies nor deserialises 46.7 MiB of string.
      const json = stepCount + vmaCount >= KNOWN_TEXT_FROM_ITEMS ? new TextEncoder().encode(JSON.stringify(scenario)) : null
      return { ok: true, kind: result.kind, shell, stepCount, vmaCount, warnings: result.warnings, json }
    },
    steps: (from, count) => held?.steps.slice(from, from + count) ?? [],
    vmas: (from, count) => held?.initial?.vmas.slice(from, from + count) ?? [],
    release() {
      held = null
    },
  }
}
