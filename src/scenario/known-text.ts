/**
 * The JSON text of a large scenario object, as UTF-8 bytes, for the page to
 * hand to the engine worker instead of the object: bytes cross to a worker as
 * one memory copy, where a structured clone of 1,000,000 step objects holds
 * the main thread for a second or more, and a 46.7 MiB string ~55 ms. The text
 * is `JSON.stringify` of the scenario as loaded (the open worker writes it,
 * src/worker/open-api.ts), so `JSON.parse` of it gives the same scenario back. Kept per object, like the
 * stress scenarios' ids (./stress.ts): an edited scenario is a new object and
 * has none.
 */
import type { Scenario } from './types'

const texts = new WeakMap<Scenario, Uint8Array>()

export function rememberScenarioText(scenario: Scenario, json: Uint8Array): void {
  texts.set(scenario, json)
}

/** The JSON text (UTF-8) `scenario` was read from, if it is known (and the object unchanged since). */
export function scenarioTextOf(scenario: Scenario): Uint8Array | undefined {
  return texts.get(scenario)
}
