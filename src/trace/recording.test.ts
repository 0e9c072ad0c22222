import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { KernelId } from '../engine/api'
import { simulate } from '../engine/simulate'
import { machineSupport, recordScenario } from '../fidelity/kernel-recorder'
import { loadScenario } from '../scenario/load'
import type { Scenario } from '../scenario/types'
import { differingRecordedSteps, parseRecording, recordingMismatch, stepDifferences } from './recording'

function corpusScenario(name: string): Scenario {
  const loaded = loadScenario(readFileSync(new URL(`../fidelity/scenarios/${name}.json`, import.meta.url), 'utf8'))
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

  it('refuses VMAs no kernel could make, naming the step and the VMA', () => {
    const doc = (vmas: object[][]) =>
      JSON.stringify({ kernel: 'real:6.18', steps: vmas.map((list, i) => ({ index: i + 1, op: 'mmap', error: null, vmas: list.map((v) => ({ prot: 'rw-', share: 'private', mergeable: false, ...v })) })) })
    const good = { start: 0, end: 2 }
    expect(parseRecording(doc([[good], [good, { start: 4, end: 8 }]]))).toMatchObject({ ok: true })
    expect(parseRecording(doc([[good], [good, { start: 9, end: 5 }]]))).toEqual({
      ok: false,
      message: 'not a recording a kernel could make: step 2, VMA 2 of 2 [9, 5) ends before it starts; a VMA holds at least one page',
    })
    expect(parseRecording(doc([[{ start: 3, end: 3 }]]))).toEqual({ ok: false, message: 'not a recording a kernel could make: step 1, VMA 1 of 1 [3, 3) is empty; a VMA holds at least one page' })
    expect(parseRecording(doc([[good], [], [good, { start: 10, end: 1e15 }]]))).toEqual({
      ok: false,
      message: 'not a recording a kernel could make: step 3, VMA 2 of 2 [10, 1000000000000000) ends past page 2^36 (68719476736), beyond any address space',
    })
    expect(parseRecording(doc([[{ start: 0, end: 4 }, { start: 2, end: 6 }]]))).toEqual({
      ok: false,
      message: "not a recording a kernel could make: step 1, VMA 2 of 2 [2, 6) starts before VMA 1 [0, 4) ends; a step's VMAs are in address order and never overlap",
    })
    // The largest address space still fits: up to page 2^36.
    expect(parseRecording(doc([[{ start: 2 ** 36 - 1, end: 2 ** 36 }]]))).toMatchObject({ ok: true })
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

  it('words a long VMA list by its count and from a little before where it differs, not every VMA', () => {
    const page = (k: number) => ({ start: k, end: k + 1, prot: 'rw-', share: 'private' as const, mergeable: false })
    const simulated = Array.from({ length: 65_530 }, (_, k) => page(k))
    const recorded = simulated.slice(0, 20)
    expect(stepDifferences({ index: 1, op: 'mmap', error: null, vmas: recorded }, { error: null, vmas: simulated })).toEqual([
      'VMAs: real kernel 20 VMAs, from VMA 19: [18,19) rw- p | [19,20) rw- p; simulation 65,530 VMAs, from VMA 19: [18,19) rw- p | [19,20) rw- p | [20,21) rw- p | [21,22) rw- p | [22,23) rw- p | [23,24) rw- p | [24,25) rw- p | [25,26) rw- p | [26,27) rw- p | [27,28) rw- p | [28,29) rw- p | [29,30) rw- p | … (65,500 more)',
    ])
    expect(stepDifferences({ index: 1, op: 'munmap', error: null, vmas: [] }, { error: null, vmas: simulated })[0]).toBe(
      'VMAs: real kernel (none); simulation 65,530 VMAs: [0,1) rw- p | [1,2) rw- p | [2,3) rw- p | [3,4) rw- p | [4,5) rw- p | [5,6) rw- p | [6,7) rw- p | [7,8) rw- p | [8,9) rw- p | [9,10) rw- p | [10,11) rw- p | [11,12) rw- p | … (65,518 more)',
    )
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
