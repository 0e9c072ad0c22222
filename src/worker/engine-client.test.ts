/**
 * The main-thread client against the real engine API, over a MessageChannel
 * (what the browser does with a Worker, minus the thread): whatever order and
 * overlap of requests, the VMAs the client hands out are the engine's own.
 */
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { simulate } from '../engine/simulate'
import { loadScenario } from '../scenario/load'
import { findStressScenario, stressGenerators } from '../scenario/stress'
import type { EngineClient } from './engine-client'
import type { ScenarioInput } from './engine-protocol'
import { connectedClient as connectClient } from './testing/connected-client'

const opened: { close(): void }[] = []
afterEach(() => {
  for (const connection of opened.splice(0)) connection.close()
})

/** A client wired to the real engine API over a MessageChannel (closed after each test). */
function connectedClient(options: Parameters<typeof connectClient>[0] = {}): EngineClient {
  const connection = connectClient(options)
  opened.push(connection)
  return connection.client
}

describe('EngineClient with the engine API', () => {
  it('gives the VMAs of any steps, asked in any order and any overlap, as the trace has them', async () => {
    const scenario = stressGenerators.fragmentedHeap(300)
    const trace = simulate(scenario, '6.18')
    const last = trace.steps.length
    const client = connectedClient()
    const run = await client.run(scenario, '6.18')
    expect(run.steps).toHaveLength(last)
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(fc.integer({ min: 0, max: last }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 6 }), async (batches) => {
        // All batches in flight at once: a later answer may list views an earlier one carried.
        const answers = await Promise.all(batches.map((steps) => client.stepVmas(run, steps)))
        answers.forEach((lists, b) => {
          expect(lists).toHaveLength(batches[b]!.length)
          lists.forEach((vmas, k) => {
            const step = batches[b]![k]!
            expect(vmas).toEqual(trace.vmasAt(step))
            // The VMAs the step removed came along: the client can rebuild the step before.
            const removed = step > 0 ? trace.steps[step - 1]!.removed : []
            expect(client.viewsOf(run, removed)).toEqual(removed.map((id) => trace.viewOf(id)))
          })
        })
      }),
      { numRuns: 60 },
    )
    client.dispose()
  })

  it('sends a large scenario as its JSON text in UTF-8 (written in slices, once for both kernels) and a small one as the object', async () => {
    const inputs: ScenarioInput[] = []
    const client = connectedClient({ wrapApi: (api) => ({ ...api, run: (input, ...rest) => (inputs.push(input), api.run(input, ...rest)) }) })
    const large = stressGenerators.mprotectSweep(7000) // 7,001 steps: three slices
    const small = stressGenerators.mprotectSweep(300)
    const [a, b] = await Promise.all([client.run(large, '6.18'), client.run(large, '6.16')])
    await client.run(small, '6.18')
    expect(inputs).toHaveLength(3)
    const [textA, textB, object] = inputs
    if (!textA || !('json' in textA) || !textB || !('json' in textB)) throw new Error('the large scenario was not sent as text')
    expect(textB.json).toEqual(textA.json)
    expect(JSON.parse(new TextDecoder().decode(textA.json))).toEqual(JSON.parse(JSON.stringify(large)))
    expect(object).toEqual(small)
    // The runs are those of the scenario object.
    for (const [run, kernel] of [[a, '6.18'], [b, '6.16']] as const) {
      const trace = simulate(large, kernel)
      expect(run.steps).toHaveLength(7001)
      expect(run.steps.map((s) => s.mapCount)).toEqual(trace.steps.map((s) => s.mapCount))
      expect((await client.stepVmas(run, [7001]))[0]).toEqual(trace.vmasAt(7001))
    }
    client.dispose()
  })

  it('cancels a large run aborted while its text is written, before it reaches the worker', async () => {
    let runs = 0
    const client = connectedClient({ wrapApi: (api) => ({ ...api, run: (...args) => (runs++, api.run(...args)) }) })
    const controller = new AbortController()
    const running = client.run(stressGenerators.mprotectSweep(7000), '6.18', { signal: controller.signal })
    controller.abort()
    await expect(running).rejects.toMatchObject({ name: 'EngineFailure', end: 'cancelled', message: 'the run of kernel 6.18 was cancelled' })
    expect(runs).toBe(0)
    client.dispose()
  })

  it('cancels a run whose signal was aborted before it was asked for (small or stress), asking nothing of the worker', async () => {
    let runs = 0
    const client = connectedClient({ wrapApi: (api) => ({ ...api, run: (...args) => (runs++, api.run(...args)) }) })
    const controller = new AbortController()
    controller.abort()
    for (const scenario of [stressGenerators.mprotectSweep(300), findStressScenario('stress-65530')!.build()]) {
      await expect(client.run(scenario, '6.16', { signal: controller.signal })).rejects.toMatchObject({ name: 'EngineFailure', end: 'cancelled', message: 'the run of kernel 6.16 was cancelled' })
    }
    expect(runs).toBe(0)
    // The client is not left waiting on anything: the next run works.
    const run = await client.run(stressGenerators.mprotectSweep(300), '6.16')
    expect(run.steps).toHaveLength(301)
    expect(runs).toBe(1)
    client.dispose()
  })

  it('sends each VMA view once per run: a neighbouring step costs only its new VMAs', async () => {
    const scenario = stressGenerators.mprotectSweep(400)
    const client = connectedClient()
    const run = await client.run(scenario, '6.18')
    const [middle] = await client.stepVmas(run, [200])
    const [next] = await client.stepVmas(run, [201])
    // The step's unchanged VMAs are the very objects the client already had.
    const before = new Set(middle)
    const reused = next!.filter((v) => before.has(v)).length
    expect(middle!.length).toBeGreaterThan(150)
    expect(next!.length - reused).toBeLessThanOrEqual(3)
    client.dispose()
  })

  it('fetches all of a run’s VMAs ahead, after which a far jump carries no new views', async () => {
    const scenario = stressGenerators.mprotectSweep(600)
    const trace = simulate(scenario, '6.18')
    const client = connectedClient()
    const run = await client.run(scenario, '6.18')
    expect(run.recordCount).toBe(trace.recordCount)
    const [early] = await client.stepVmas(run, [10])
    await client.prefetchViews(run, 97, () => true)
    // Every view is now on this side: a far step is made of objects the client already had.
    const [far, farPrevious] = await client.stepVmas(run, [450, 449])
    expect(far).toEqual(trace.vmasAt(450))
    expect(farPrevious).toEqual(trace.vmasAt(449))
    const [again] = await client.stepVmas(run, [10])
    expect(again!.every((v, k) => v === early![k])).toBe(true)
    client.dispose()
  })

  it('stops fetching ahead when told to', async () => {
    const scenario = stressGenerators.mprotectSweep(600)
    const client = connectedClient()
    const run = await client.run(scenario, '6.18')
    let calls = 0
    await client.prefetchViews(run, 50, () => ++calls <= 2)
    expect(calls).toBe(3)
    client.dispose()
  })

  it('compares a recording with a kept run in the worker, and reads its steps one at a time', async () => {
    // The seed-like K01 corpus scenario: recorded (here: simulated) on 6.18, compared with 6.16, differs at step 3 only.
    const loaded = loadScenario(readFileSync(new URL('../fidelity/scenarios/K01-prctl-then-two-mappings.json', import.meta.url), 'utf8'))
    if (!loaded.ok) throw new Error(loaded.text)
    const scenario = loaded.scenario
    const real = simulate(scenario, '6.18')
    const recording = {
      kernel: 'real:6.18',
      steps: real.steps.map((s) => ({ index: s.index, op: s.op, error: s.error, vmas: real.vmasAt(s.index).map(({ start, end, prot, share, mergeable }) => ({ start, end, prot, share, mergeable })) })),
    }
    const client = connectedClient()
    const run = await client.run(scenario, '6.16')
    const answer = await client.openRecording(run, JSON.stringify(recording))
    if ('problem' in answer) throw new Error(answer.problem)
    expect(Array.from(answer.differing)).toEqual([3])
    expect(Array.from(answer.differingErrno)).toEqual([0])
    expect(answer.stepCount).toBe(3)
    expect(answer.kernel).toBe('real:6.18')
    const step3 = await client.recordedStep(run, answer.recordingId, 3)
    expect(step3.vmas.map((v) => [v.start, v.end])).toEqual([[0, 4]])
    expect(step3.words).toEqual(['VMAs: real kernel [0,4) rw- p mg; simulation [0,2) rw- p mg | [2,4) rw- p mg'])
    expect((await client.recordedStep(run, answer.recordingId, 1)).words).toEqual([])
    // Refused: another scenario's recording, and one that is not a recording; then a released one is gone.
    expect(await client.openRecording(run, JSON.stringify({ ...recording, steps: recording.steps.slice(1) }))).toEqual({ problem: expect.stringMatching(/^the recording has 2 steps but the scenario has 3/) })
    expect(await client.openRecording(run, '{')).toEqual({ problem: expect.stringMatching(/^not JSON/) })
    client.releaseRecording(run, answer.recordingId)
    await expect(client.recordedStep(run, answer.recordingId, 3)).rejects.toThrow(/no longer kept/)
    client.dispose()
  })
})
