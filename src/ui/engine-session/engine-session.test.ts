/**
 * The session against the real engine API (over a MessageChannel): whatever
 * steps the user moves to, what it hands the page to draw is the engine's own
 * trace (VMAs after and before the step, what the step created and removed,
 * its checks), and compare mode marks exactly the steps that differ.
 */
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { simulate } from '../../engine/simulate'
import { stressGenerators } from '../../scenario/stress'
import { corpusScenarios } from '../../fidelity/corpus'
import { createExplorerStore } from '../../store/explorer-store'
import { connectedClient } from '../../worker/testing/connected-client'
import { EngineSession, type SessionSnapshot } from './engine-session'

const stops: (() => void)[] = []
afterEach(() => {
  for (const stop of stops.splice(0)) stop()
})

function startSession(overrides: Parameters<typeof createExplorerStore>[0]) {
  const store = createExplorerStore(overrides)
  const { client, close } = connectedClient()
  const session = new EngineSession(store, client)
  const stop = session.start()
  stops.push(() => {
    stop()
    close()
  })
  return { store, session }
}

/** Resolves with the first snapshot that satisfies `done`. */
function until(session: EngineSession, done: (snapshot: SessionSnapshot) => boolean): Promise<SessionSnapshot> {
  return new Promise((resolve) => {
    const check = () => {
      const snapshot = session.getSnapshot()
      if (!done(snapshot)) return
      unsubscribe()
      resolve(snapshot)
    }
    const unsubscribe = session.subscribe(check)
    check()
  })
}

describe('EngineSession', () => {
  it.each([
    ['a fragmented heap', stressGenerators.fragmentedHeap(250)],
    // 6,000 VMA records: the session fetches every view ahead (prefetchViews) meanwhile.
    ['an mprotect sweep', stressGenerators.mprotectSweep(3000)],
  ])('hands the page each step of %s as the trace has it, whatever the order of moves', async (_name, scenario) => {
    const trace = simulate(scenario, '6.18')
    const last = trace.steps.length
    const { store, session } = startSession({ scenario, step: last })
    const run = (await until(session, (s) => s.primary !== null && !s.primary.partial)).primary!
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.integer({ min: 0, max: last }), fc.constantFrom(-1, 1)), { minLength: 1, maxLength: 8 }), async (moves) => {
        for (const move of moves) {
          const state = store.getState()
          if (move === -1) state.previousStep()
          else if (move === 1 && state.step < last) state.nextStep()
          else state.goToStep(move)
          const step = store.getState().step
          await session.loadStep(run, step)
          const shown = session.shownStep(run, step)!
          expect(shown.vmas).toEqual(trace.vmasAt(step))
          expect(shown.previousVmas).toEqual(trace.vmasAt(Math.max(step - 1, 0)))
          const byStart = <T extends { start: number }>(list: T[]) => [...list].sort((a, b) => a.start - b.start)
          const result = step > 0 ? trace.steps[step - 1]! : null
          expect(shown.created).toEqual(byStart((result?.created ?? []).map((id) => trace.viewOf(id)!)))
          expect(shown.removed).toEqual(byStart((result?.removed ?? []).map((id) => trace.viewOf(id)!)))
          expect(shown.result?.checks ?? null).toEqual(result ? result.checks : null)
        }
      }),
      { numRuns: 25 },
    )
    expect(session.getSnapshot().failure).toBeNull()
  })

  it('marks in compare mode exactly the steps whose results differ', async () => {
    const [name, scenario] = corpusScenarios().find(([file]) => file.startsWith('K01'))!
    const { session } = startSession({ scenario, step: scenario.steps.length, compare: true, kernel: '6.18', compareKernel: '6.16' })
    const snapshot = await until(session, (s) => s.differing !== null)
    // K01 (prctl, then A and B side by side): step 2's KSM timing differs (VM_MERGEABLE early on
    // 6.18, cf7e7a3503df; late on 6.16), and at step 3 B merges with A on 6.18 only.
    expect([...snapshot.differing!.keys()].sort((a, b) => a - b), name).toEqual([2, 3])
  })
})
