/** The fidelity corpus (./scenarios): its file names, and its scenarios loaded, for tests that walk many real scenarios. */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadScenario } from '../scenario/load'
import type { Scenario } from '../scenario/types'

export const SCENARIO_DIR = join(import.meta.dirname, 'scenarios')

export const corpusFiles = (): string[] => readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.json')).sort()

export function corpusScenarios(): [string, Scenario][] {
  return corpusFiles().map((file) => {
    const loaded = loadScenario(readFileSync(join(SCENARIO_DIR, file), 'utf8'))
    if (!loaded.ok) throw new Error(`${file}: ${loaded.text}`)
    return [file, loaded.scenario]
  })
}
