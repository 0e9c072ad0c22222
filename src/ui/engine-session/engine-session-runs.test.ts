/**
 * One run at a time, against the real engine API over a MessageChannel: a new
 * request cancels the run in flight (kernel-switch spam ends in one finished
 * run, and each superseded run ends within 2 slices of the switch; stepping
 * works); Cancel (also one that comes as the run ends) and any failure bring back the last good
 * run, with the store set back to it (scenario, kernel, step) and a message
 * that names the kernel; a defect of the simulated kernel is one line naming
 * the step; a worker that falls silent is replaced and the last good run is
 * run again in the new one.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Simulation, simulate } from '../../engine/simulate'
import { KERNEL_IDS, type KernelId } from '../../engine/api'
import { stressGenerators } from '../../scenario/stress'
import type { Scenario } from '../../scenario/types'
import { createExplorerStore } from '../../store/explorer-store'
import { connectedClient } from '../../worker/testing/connected-client'
import type { EngineWorkerApi } from '../../worker/engine-protocol'
import { EngineSession, SUPERSEDE_SETTLE_MS, type SessionSnapshot } from './engine-session'

const stops: (() => void)[] = []
afterEach(() => {
  vi.restoreAllMocks()
  for (const stop of stops.splice(0)) stop()
})

function startSession(scenario: Scenario, options: Parameters<typeof connectedClient>[0] = {}) {
  const store = createExplorerStore({ scenario, step: scenario.steps.length })
  const { client, close } = connectedClient(options)
  const session = new EngineSession(store, client)
  const stop = session.start()
  stops.push(() => {
    stop()
    close()
  })
  return { store, session, client }
}

function until(session: EngineSession, done: (snapshot: SessionSnapshot) => boolean, what = 'the session'): Promise<SessionSnapshot> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}: ${JSON.stringify({ ...session.getSnapshot(), primary: session.getSnapshot().primary?.kernel })}`)), 20_000)
    const check = () => {
      const snapshot = session.getSnapshot()
      if (!done(snapshot)) return
      clearTimeout(timer)
      unsubscribe()
      resolve(snapshot)
    }
    const unsubscribe = session.subscribe(check)
    check()
  })
}

const settled = (kernel: KernelId) => (s: SessionSnapshot) => s.primary?.kernel === kernel && !s.primary.partial && !s.busy

/**
 * Gives the runs of scenarios with as many steps as `scenario` a floor of `msPerStep` per step
 * (a busy wait in Simulation.advance), so a test that acts while such a run is in progress
 * (a progress report, a Cancel) does not depend on how fast the machine is.
 */
function slowRunsOf(scenario: Scenario, msPerStep: number): void {
  const advance = Simulation.prototype.advance
  vi.spyOn(Simulation.prototype, 'advance').mockImplementation(function (this: Simulation, max: number) {
    const before = this.done
    const done = advance.call(this, max)
    if (this.scenario.steps.length === scenario.steps.length) {
      const until = performance.now() + msPerStep * (done - before)
      while (performance.now() < until) {
        // a slower kernel
      }
    }
    return done
  })
}

/** Steps to `step` and checks that the page gets the engine's own VMAs there. */
async function expectStepping(session: EngineSession, scenario: Scenario, kernel: KernelId, step: number) {
  const run = session.getSnapshot().primary!
  await session.loadStep(run, step)
  expect(session.shownStep(run, step)!.vmas).toEqual(simulate(scenario, kernel).vmasAt(step))
}

describe('EngineSession runs', () => {
  it('ends kernel-switch spam with one finished run of the last kernel: a switch with nothing in flight runs at once and is cancelled within 2 slices by the next, a burst runs only its last; stepping works', async () => {
    const scenario = stressGenerators.mprotectSweep(6000)
    // What happened, in order: the test's switches, the engine's slices (a run goes ~20 ms between
    // two turns of the event loop), the runs the engine was asked for and how each ended.
    type Event = { kind: 'switch'; kernel: KernelId; time: number } | { kind: 'slice' } | { kind: 'run'; ticket: number } | { kind: 'end'; ticket: number; how: string }
    const log: Event[] = []
    // A slice is a synchronous loop of advance() calls: the first call after a turn of the loop starts one.
    let inSlice = false
    const advance = Simulation.prototype.advance
    vi.spyOn(Simulation.prototype, 'advance').mockImplementation(function (this: Simulation, max: number) {
      if (!inSlice) {
        inSlice = true
        log.push({ kind: 'slice' })
        queueMicrotask(() => (inSlice = false))
      }
      return advance.call(this, max)
    })
    const watchRuns = (api: EngineWorkerApi): EngineWorkerApi => ({
      ...api,
      run: (input, kernel, ticket, onProgress) => {
        log.push({ kind: 'run', ticket })
        const answer = api.run(input, kernel, ticket, onProgress)
        answer.then(
          () => log.push({ kind: 'end', ticket, how: 'done' }),
          (error: Error) => log.push({ kind: 'end', ticket, how: error.name }),
        )
        return answer
      },
    })
    const { store, session } = startSession(scenario, { wrapApi: watchRuns })
    await until(session, settled('6.18'))
    log.length = 0
    let kernel: KernelId = '6.18'
    for (let i = 0; i < 30; i++) {
      kernel = KERNEL_IDS[i % KERNEL_IDS.length]!
      log.push({ kind: 'switch', kernel, time: performance.now() })
      store.getState().setKernel(kernel)
      await new Promise((resolve) => setTimeout(resolve, 15))
    }
    await until(session, settled(kernel), `kernel ${kernel}`)
    expect(session.getSnapshot().failure).toBeNull()

    const switches = log.flatMap((event, at) => (event.kind === 'switch' ? [{ at, kernel: event.kernel, time: event.time }] : []))
    const runs = log.flatMap((event) => (event.kind === 'run' ? [event.ticket] : []))
    const ends = new Map(log.flatMap((event, at) => (event.kind === 'end' ? [[event.ticket, { at, how: event.how }] as const] : [])))
    // A lone switch (nothing in flight, none in the last SUPERSEDE_SETTLE_MS) runs at once: its run
    // starts before the next switch. One in a burst waits SUPERSEDE_SETTLE_MS, so a burst runs only its
    // first and its last; back to the kernel on screen (6.18) runs nothing: its run is the last good one.
    const starting: number[] = []
    let inFlight = false
    switches.forEach((s, k) => {
      const burst = inFlight || (k > 0 && s.time - switches[k - 1]!.time < SUPERSEDE_SETTLE_MS)
      if (s.kernel === '6.18') {
        inFlight = false
        return
      }
      if (!burst || k === switches.length - 1) starting.push(k)
      inFlight = true
    })
    expect(starting.length).toBeGreaterThanOrEqual(2)
    expect(runs).toHaveLength(starting.length)
    let cancelledRuns = 0
    runs.forEach((ticket, r) => {
      const k = starting[r]!
      const started = log.findIndex((event) => event.kind === 'run' && event.ticket === ticket)
      expect(started, `run ${r + 1} (kernel ${switches[k]!.kernel})`).toBeGreaterThan(switches[k]!.at)
      const end = ends.get(ticket)!
      const next = switches[k + 1]
      if (!next) {
        // The last kernel's run finishes.
        expect(end.how).toBe('done')
        return
      }
      expect(started, `run ${r + 1} (kernel ${switches[k]!.kernel}) started before the next switch`).toBeLessThan(next.at)
      // The next switch sent a cancel: the run ended (cancelled, or done if it was just finishing) within 2 slices of it.
      expect(['done', 'cancelled']).toContain(end.how)
      if (end.how === 'cancelled') cancelledRuns++
      const slicesAfter = log.slice(next.at, Math.max(next.at, end.at)).filter((event) => event.kind === 'slice').length
      expect(slicesAfter, `run ${r + 1} (kernel ${switches[k]!.kernel}) after the switch to ${next.kernel}`).toBeLessThanOrEqual(2)
    })
    // A 6,000-step run takes longer than 15 ms: most runs were cancelled, not finished.
    expect(cancelledRuns).toBeGreaterThan((runs.length - 1) / 2)
    store.getState().goToStep(4321)
    await expectStepping(session, scenario, kernel, 4321)
  })

  it('Cancel of a long run (200,000 steps) of a new scenario stops it in the engine and brings back the previous one, in the store too', async () => {
    const small = stressGenerators.fragmentedHeap(50)
    const large = stressGenerators.mprotectSweep(200_000)
    const ends: string[] = []
    const watchLarge = (api: EngineWorkerApi): EngineWorkerApi => ({
      ...api,
      run: (input, ...rest) => {
        const answer = api.run(input, ...rest)
        // The large scenario goes as its JSON text (engine-client.ts), the small one as the object.
        if ('json' in input || ('steps' in input && input.steps.length === large.steps.length)) {
          answer.then(
            () => ends.push('done'),
            (error: Error) => ends.push(error.name),
          )
        }
        return answer
      },
    })
    // At least 200,000 × 0.01 ms = 2 s, so the Cancel after the first progress report (250 ms)
    // always reaches the run before it ends, however fast the machine.
    slowRunsOf(large, 0.01)
    const { store, session } = startSession(small, { wrapApi: watchLarge })
    await until(session, settled('6.18'))
    store.getState().goToStep(7)
    store.setState({ scenario: large, source: { kind: 'file', name: 'large.json' }, step: large.steps.length })
    const running = await until(session, (s) => s.running.some((run) => run.done !== null), 'a progress report')
    expect(running.running[0]).toMatchObject({ side: 'primary', kernel: '6.18', total: large.steps.length })
    expect(running.running[0]!.done).toBeLessThan(large.steps.length)
    session.cancel()
    const after = await until(session, (s) => s.notice !== null && !s.busy, 'the cancellation')
    // The engine stopped the run: it did not go on to the end.
    expect(ends).toEqual(['cancelled'])
    expect(after.notice).toMatch(/^Cancelled the run on kernel 6\.18\. The explorer shows kernel 6\.18 on “A fragmented heap” again; stepping works\.$/)
    expect(after.failure).toBeNull()
    expect(after.running).toEqual([])
    expect(after.primary!.scenario).toBe(small)
    expect(store.getState().scenario).toBe(small)
    expect(store.getState().step).toBe(7)
    expect(store.getState().source).toEqual({ kind: 'gallery', id: 'seed' })
    await expectStepping(session, small, '6.18', 3)
  })

  it('a Cancel that comes as the run ends (while its step is fetched) still ends it as cancelled, and the page is not left busy', async () => {
    const small = stressGenerators.fragmentedHeap(50)
    const other = stressGenerators.mprotectSweep(300)
    let holdOther: () => void = () => undefined
    const fetched = new Promise<void>((resolve) => (holdOther = resolve))
    let releaseFetch: () => void = () => undefined
    const held = new Promise<void>((resolve) => (releaseFetch = resolve))
    const holdStep = (api: EngineWorkerApi): EngineWorkerApi => {
      let otherRun = -1
      return {
        ...api,
        run: async (...args: Parameters<EngineWorkerApi['run']>) => {
          const [input] = args
          const answer = await api.run(...args)
          if ('steps' in input && input.steps.length === other.steps.length) otherRun = answer.runId
          return answer
        },
        // The run has ended in the engine; the page's fetch of its current step is held back.
        stepVmas: async (...args: Parameters<EngineWorkerApi['stepVmas']>) => {
          if (args[0] === otherRun) {
            holdOther()
            await held
          }
          return api.stepVmas(...args)
        },
        // (comlink answers a promise as it answers a value)
      } as unknown as EngineWorkerApi
    }
    const { store, session } = startSession(small, { wrapApi: holdStep })
    await until(session, settled('6.18'))
    store.getState().goToStep(9)
    store.setState({ scenario: other, step: other.steps.length })
    await fetched
    expect(session.getSnapshot().busy).toBe(true)
    session.cancel()
    releaseFetch()
    const after = await until(session, (s) => s.notice !== null && !s.busy, 'the cancellation')
    expect(after.notice).toBe('Cancelled the run on kernel 6.18. The explorer shows kernel 6.18 on “A fragmented heap” again; stepping works.')
    expect(after.running).toEqual([])
    expect(after.primary!.scenario).toBe(small)
    expect(store.getState().scenario).toBe(small)
    expect(store.getState().step).toBe(9)
    await expectStepping(session, small, '6.18', 4)
  })

  it('a step of the run in progress that arrives after the run ended does not cover the finished run (title, steps, VMAs stay one run)', async () => {
    const small = stressGenerators.fragmentedHeap(50)
    const large = stressGenerators.mprotectSweep(30_000)
    let releaseEarly: () => void = () => undefined
    const early = new Promise<void>((resolve) => (releaseEarly = resolve))
    let heldEarly = 0
    let smallRunId: number | null = null
    // The steps the large run in progress is shown at (those taken so far: fewer than it has; the
    // finished run is shown at its last step) are answered only after the run ended. Told apart
    // by run, not by step number: how many steps a progress report has taken depends on the load.
    const holdPartialSteps = (api: EngineWorkerApi): EngineWorkerApi =>
      ({
        ...api,
        stepVmas: async (...args: Parameters<EngineWorkerApi['stepVmas']>) => {
          if (smallRunId !== null && args[0] !== smallRunId && args[1].some((step) => step < large.steps.length)) {
            heldEarly++
            await early
          }
          return api.stepVmas(...args)
        },
        // (comlink answers a promise as it answers a value)
      }) as unknown as EngineWorkerApi
    // At least 30,000 × 0.03 ms = 0.9 s on any machine, so the worker reports its progress (every
    // 250 ms) while the run goes on: a fast machine could otherwise finish before the first report.
    slowRunsOf(large, 0.03)
    const { store, session } = startSession(small, { wrapApi: holdPartialSteps })
    smallRunId = (await until(session, settled('6.18'))).primary!.runId
    store.setState({ scenario: large, source: { kind: 'file', name: 'large.json' }, step: large.steps.length })
    const done = await until(session, (s) => s.primary?.scenario === large && !s.primary.partial && !s.busy, 'the finished run')
    expect(heldEarly).toBeGreaterThan(0)
    releaseEarly()
    await new Promise((resolve) => setTimeout(resolve, 300))
    const after = session.getSnapshot()
    expect(after.primary).toBe(done.primary)
    expect(after.primary!.steps).toHaveLength(large.steps.length)
    expect(after.primary!.partial).toBeUndefined()
    await expectStepping(session, large, '6.18', 100)
  })

  it('a defect of the simulated kernel is one line naming the step; the previous scenario and kernel stay', async () => {
    const good = stressGenerators.fragmentedHeap(40)
    const { store, session } = startSession(good)
    await until(session, settled('6.18'))
    const broken = stressGenerators.mprotectSweep(500)
    const advance = Simulation.prototype.advance
    vi.spyOn(Simulation.prototype, 'advance').mockImplementation(function (this: Simulation, max: number) {
      if (this.scenario === broken || this.scenario.steps.length === broken.steps.length) {
        const done = advance.call(this, Math.min(max, 99 - this.done))
        if (done === 99) throw new RangeError('Maximum call stack size exceeded')
        return done
      }
      return advance.call(this, max)
    })
    store.setState({ scenario: broken, kernel: '6.16', step: broken.steps.length })
    const failed = await until(session, (s) => s.failure !== null, 'the failure')
    expect(failed.failure).toBe(
      'Failed: kernel 6.16: step 100 (mprotect) made the simulated kernel fail (RangeError: Maximum call stack size exceeded). This is a vmascope defect, not kernel behaviour: please report it with the scenario (Download scenario). The explorer shows kernel 6.18 on “A fragmented heap” again; stepping works.',
    )
    expect(failed.failure).not.toContain('\n')
    expect(store.getState().scenario).toBe(good)
    expect(store.getState().kernel).toBe('6.18')
    expect(failed.primary!.scenario).toBe(good)
    await expectStepping(session, good, '6.18', 10)
  })

  it('a run that does not fit is stopped with a message; the worker lives on', async () => {
    const good = stressGenerators.fragmentedHeap(40)
    const { store, session, client } = startSession(good, { runByteBudget: 2_000_000 })
    await until(session, settled('6.18'))
    const generation = client.generation
    const large = stressGenerators.alternatingMappings(20_000)
    store.setState({ scenario: large, step: large.steps.length })
    const failed = await until(session, (s) => s.failure !== null, 'the failure')
    expect(failed.failure).toMatch(/^Does not fit: kernel 6\.18: this scenario does not fit in the explorer's memory: after [\d,]+ of 20,000 steps on kernel 6\.18 it holds [\d,]+ VMA records \(about \d+ MB; one run may hold 2 MB\)\./)
    expect(client.generation).toBe(generation)
    expect(store.getState().scenario).toBe(good)
    await expectStepping(session, good, '6.18', 12)
  })

  it('replaces a worker that falls silent and runs the last good run again in the new one', async () => {
    const good = stressGenerators.fragmentedHeap(40)
    const hang = stressGenerators.mprotectSweep(200)
    const hangOn = (api: EngineWorkerApi): EngineWorkerApi => ({
      ...api,
      run: (scenario, ...rest) => ('steps' in scenario && scenario.steps.length === hang.steps.length ? new Promise(() => undefined) : api.run(scenario, ...rest)),
    })
    const { store, session, client } = startSession(good, { wrapApi: hangOn, timeoutMs: 400 })
    await until(session, settled('6.18'))
    store.setState({ scenario: hang, kernel: '6.15', step: hang.steps.length })
    const failed = await until(session, (s) => s.failure !== null, 'the failure')
    expect(failed.failure).toMatch(/^Failed: kernel 6\.15: the engine did not answer for 0 s while simulating on kernel 6\.15; it was stopped\. The explorer shows kernel 6\.18 on “A fragmented heap” again \(run again in a fresh engine\); stepping works\.$/)
    expect(store.getState().scenario).toBe(good)
    expect(store.getState().kernel).toBe('6.18')
    const recovered = await until(session, (s) => s.primary?.generation === client.generation && !s.busy, 'the run again')
    expect(recovered.primary!.scenario).toBe(good)
    await expectStepping(session, good, '6.18', 20)
  })
})
