/**
 * The main-thread client against the real engine API, over a MessageChannel
 * (what the browser does with a Worker, minus the thread): whatever order and
 * overlap of requests, the VMAs the client hands out are the engine's own.
 */
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { simulate } from '../engine/simulate'
import { stressGenerators } from '../scenario/stress'
import type { EngineClient } from './engine-client'
import { connectedClient as connectClient } from './testing/connected-client'

const opened: { close(): void }[] = []
afterEach(() => {
  for (const connection of opened.splice(0)) connection.close()
})

/** A client wired to the real engine API over a MessageChannel (closed after each test). */
function connectedClient(): EngineClient {
  const connection = connectClient()
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
})
