import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { KernelId } from '../../engine/api'
import { simulate } from '../../engine/simulate'
import { machineSupport, recordScenario } from '../../fidelity/kernel-recorder'
import { loadScenario } from '../../scenario/load'
import type { Scenario } from '../../scenario/types'
import { differingRecordedSteps, parseRecording, recordingMismatch, stepDifferences } from './recording'

function corpusScenario(name: string): Scenario {
  const loaded = loadScenario(readFileSync(new URL(`../../fidelity/scenarios/${name}.json`, import.meta.url), 'utf8'))
  if (!loaded.ok) throw new Error(loaded.text)
  return loaded.scenario
}

const simulated = (scenario: Scenario, kernel: KernelId) => {
  const trace = simulate(scenario, kernel)
  return { errorAt: (i: number) => trace.steps[i - 1]!.error, vmasAt: (i: number) => trace.vmasAt(i) }
}

describe('parseRecording', () => {
  it('names the first bad field', () => {
    expect(parseRecording('{')).toMatchObject({ ok: false, message: expect.stringMatching(/^not JSON/) })
    expect(parseRecording('{"kernel":"real:6.18","steps":[{"index":1,"op":"mmap","error":null,"vmas":[{"start":0,"end":2,"prot":"rwz","share":"private","mergeable":false}]}]}'))
      .toMatchObject({ ok: false, message: expect.stringMatching(/^not a recording from `npm run record`: steps\[0\]\.vmas\[0\]\.prot: /) })
    expect(parseRecording('{"steps":[]}')).toMatchObject({ ok: false, message: expect.stringMatching(/: kernel: /) })
  })

  it('refuses a recording of another scenario, saying how it differs', () => {
    const scenario = corpusScenario('K01-prctl-then-two-mappings')
    const recording = { kernel: 'real:x', steps: scenario.steps.map((s, i) => ({ index: i + 1, op: s.op, error: null, vmas: [] })) }
    expect(recordingMismatch(recording, scenario)).toBeNull()
    expect(recordingMismatch({ ...recording, steps: recording.steps.slice(1) }, scenario)).toMatch(/has 2 steps but the scenario has 3/)
    expect(recordingMismatch({ ...recording, steps: [{ ...recording.steps[0]!, op: 'munmap' }, ...recording.steps.slice(1)] }, scenario)).toBe('step 1 is munmap in the recording but prctl in the scenario')
  })

  it('says what differs at a step, and nothing for a step the recorder could not run', () => {
    const vma = { start: 0, end: 2, prot: 'rw-', share: 'private' as const, mergeable: true }
    expect(stepDifferences({ index: 1, op: 'mmap', error: null, vmas: [vma] }, { error: null, vmas: [vma] })).toEqual([])
    expect(stepDifferences({ index: 1, op: 'mmap', error: null, vmas: [vma] }, { error: 'ENOMEM', vmas: [{ ...vma, mergeable: false }] })).toEqual([
      'errno: real kernel none, simulation ENOMEM',
      'VMAs: real kernel [0,2) rw- p mg; simulation [0,2) rw- p',
    ])
    expect(stepDifferences({ index: 1, op: 'mmap', error: 'UNSUPPORTED', vmas: [], unsupported: 'overlayfs' }, { error: null, vmas: [vma] })).toEqual([])
  })
})

const support = machineSupport()
describe.skipIf(!support.ok)('a recording made on this machine', () => {
  it('agrees with the 6.18 simulation at every step, and differs from 6.16 at step 3 only', async () => {
    const scenario = corpusScenario('K01-prctl-then-two-mappings')
    const document = await recordScenario(scenario)
    if ('unsupported' in document) throw new Error(document.unsupported)
    const parsed = parseRecording(JSON.stringify(document))
    if (!parsed.ok) throw new Error(parsed.message)
    expect(recordingMismatch(parsed.recording, scenario)).toBeNull()
    // This machine runs 6.18: no difference from the 6.18 profile (the fidelity suite checks the corpus).
    expect(differingRecordedSteps(parsed.recording, simulated(scenario, '6.18'))).toEqual([])
    // Against 6.16 (VM_MERGEABLE set late, so B does not merge with A): only step 3 differs, and says how.
    const sim616 = simulated(scenario, '6.16')
    expect(differingRecordedSteps(parsed.recording, sim616)).toEqual([3])
    expect(stepDifferences(parsed.recording.steps[2]!, { error: sim616.errorAt(3), vmas: sim616.vmasAt(3) })).toEqual([
      'VMAs: real kernel [0,4) rw- p mg; simulation [0,2) rw- p mg | [2,4) rw- p mg',
    ])
  })
})
