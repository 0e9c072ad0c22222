/**
 * The JSON text of a large scenario object, for the page to hand to the
 * engine worker instead of the object: a string crosses to a worker as one
 * copy, where a structured clone of 1,000,000 step objects holds the main
 * thread for a second or more. The text is `JSON.stringify` of the scenario
 * as loaded (the open worker writes it, src/worker/open-api.ts), so
 * `JSON.parse` of it gives the same scenario back. Kept per object, like the
 * stress scenarios' ids (./stress.ts): an edited scenario is a new object and
 * has none.
 */
import type { Scenario } from './types'

const texts = new WeakMap<Scenario, string>()

export function rememberScenarioText(scenario: Scenario, json: string): void {
  texts.set(scenario, json)
}

/** The JSON text `scenario` was read from, if it is known (and the object unchanged since). */
export function scenarioTextOf(scenario: Scenario): string | undefined {
  return texts.get(scenario)
}
