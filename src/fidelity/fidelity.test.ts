/**
 * Differential ("fidelity") test: every corpus scenario is run on this machine's
 * real kernel (./kernel-recorder.ts) and through the simulated kernel with the
 * 6.18 profile. At every step the errno and the VMAs (start, end, prot, share,
 * mergeable, and every VM_* flag) must agree. A mismatch prints the step, its op and both VMA lists,
 * with an ASCII strip of the pages when the range is small.
 *
 * Runs only where the real kernel can speak for 6.18: Linux >= 6.17 with gcc.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { simulate, traceToRunnerJson } from '../engine'
import { loadScenario } from '../scenario/load'
import { compared, describeMismatch, scenarioAsRecorded } from './compare'
import { SCENARIO_DIR, corpusFiles } from './corpus'
import { machineSupport, recordScenario } from './kernel-recorder'

const MINIMUM_KERNEL: [number, number] = [6, 17]

const support = machineSupport(MINIMUM_KERNEL)
const corpus = corpusFiles()
const describeFidelity = support.ok ? describe : describe.skip
if (!support.ok) console.warn(`fidelity tests skipped: ${support.reason}`)

describe('the fidelity corpus', () => {
  it('has at least 45 scenarios, each valid, with a title and notes', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(45)
    for (const file of corpus) {
      const loaded = loadScenario(readFileSync(join(SCENARIO_DIR, file), 'utf8'))
      if (!loaded.ok) throw new Error(`${file}: ${loaded.text}`)
      expect(loaded.warnings, file).toEqual([])
      expect(loaded.scenario.title, file).toBeTruthy()
      expect(loaded.scenario.notes, file).toBeTruthy()
    }
  })
})

/**
 * The floor for skips: on a machine that can record (Linux >= 6.17, gcc) the recorder
 * builds every corpus scenario, so none may be refused, with one exception: a scenario
 * that names `machine.protectionKeys` is refused on a CPU that differs (it asks for one
 * with or without pku). The corpus holds such scenarios for both values, so on any
 * machine one of each pair runs. Any other refusal is listed by the last test, which fails.
 */
const refused: string[] = []
const refusedForKeys: string[] = []
const KEYS_REFUSAL = /^machine\.protectionKeys: /

describeFidelity(`simulated 6.18 vs the real kernel (${support.ok ? support.kernel : 'n/a'})`, () => {
  for (const file of corpus) {
    it(file, async (context) => {
      const loaded = loadScenario(readFileSync(join(SCENARIO_DIR, file), 'utf8'))
      if (!loaded.ok) throw new Error(`${file}: ${loaded.text}`)
      const recorded = await recordScenario(loaded.scenario)
      if ('unsupported' in recorded) {
        ;(KEYS_REFUSAL.test(recorded.unsupported) && loaded.scenario.machine?.protectionKeys !== undefined ? refusedForKeys : refused).push(`${file}: ${recorded.unsupported}`)
        context.skip(`cannot record here: ${recorded.unsupported}`)
        return
      }
      const kernel = compared(recorded.steps)
      const engine = compared(traceToRunnerJson(simulate(scenarioAsRecorded(loaded.scenario, recorded.machine), '6.18')).steps)
      expect(engine.length).toBe(kernel.length)
      const mismatches: string[] = []
      kernel.forEach((k, i) => {
        const e = engine[i]!
        if (JSON.stringify(k) !== JSON.stringify(e)) mismatches.push(describeMismatch(loaded.scenario, i, k, e))
      })
      if (mismatches.length > 0) throw new Error(`${file}: the engine differs from the real kernel\n${mismatches.join('\n')}`)
    })
  }

  it('the recorder refused no corpus scenario, apart from those written for the other kind of CPU', () => {
    expect(refused, refused.join('\n')).toEqual([])
    const keysOf = (file: string) => {
      const loaded = loadScenario(readFileSync(join(SCENARIO_DIR, file), 'utf8'))
      return loaded.ok ? loaded.scenario.machine?.protectionKeys : undefined
    }
    const declaring = corpus.filter((file) => keysOf(file) !== undefined)
    expect(new Set(declaring.map(keysOf))).toEqual(new Set([true, false]))
    expect(refusedForKeys.length, refusedForKeys.join('\n')).toBeLessThan(declaring.length)
  })
})
