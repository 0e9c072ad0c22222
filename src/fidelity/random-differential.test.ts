/**
 * Random differential test: fast-check generates scenarios (every op, every
 * backing the recorder can run), and each is run on this machine's kernel and
 * through the 6.18 profile; errno and VMAs must agree at every step.
 *
 * Two distributions. The short one: a 24-page window, fixed placement, up to 14
 * steps. The long one, as real programs look: windows of 256–4,096 pages, mostly
 * kernel placement (THP-sized lengths among them), 50–200 steps with MAP_FIXED,
 * MAP_POPULATE, MAP_LOCKED, mremap, fork and touch. CI runs a fixed-seed subset of
 * each; explore with VMASCOPE_FUZZ_SEED=<n> VMASCOPE_FUZZ_RUNS=<n> (short) and
 * VMASCOPE_FUZZ_LONG_RUNS=<n> (long), e.g.
 * VMASCOPE_FUZZ_LONG_RUNS=300 npx vitest run src/fidelity/random
 * (a failure prints the shrunk scenario and the seed to replay it).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { simulate, traceToRunnerJson } from '../engine'
import { loadScenario } from '../scenario/load'
import type { Scenario } from '../scenario/types'
import { compared, describeMismatch, scenarioAsRecorded } from './compare'
import { insideWindow } from '../engine/testing/inside-window'
import { machineSupport, recordScenario } from './kernel-recorder'

const W = Number(process.env.VMASCOPE_FUZZ_WINDOW ?? 24)
const MAX_STEPS = Number(process.env.VMASCOPE_FUZZ_STEPS ?? 14)
const SEED = Number(process.env.VMASCOPE_FUZZ_SEED ?? 0x5eed)
const RUNS = Number(process.env.VMASCOPE_FUZZ_RUNS ?? 40)
const LONG_RUNS = Number(process.env.VMASCOPE_FUZZ_LONG_RUNS ?? 6)

const at = fc.nat(W - 2)
const len = fc.integer({ min: 0, max: 5 })
const prot = fc.constantFrom('rw-', 'rw-', 'r--', '---', 'r-x', 'rwx')
// One name per file system: the same name is one open file.
const backing = fc.oneof(
  { weight: 5, arbitrary: fc.constant({ kind: 'anon' }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('file'), file: fc.constantFrom('E1', 'E2'), fs: fc.constant('ext4'), pgoff: fc.nat(6) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('file'), file: fc.constant('T'), fs: fc.constant('tmpfs'), pgoff: fc.nat(6) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('file'), file: fc.constant('O'), fs: fc.constant('overlayfs'), pgoff: fc.nat(6) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('shmem'), file: fc.constant('M'), pgoff: fc.nat(6) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('device'), file: fc.constant('/dev/zero'), pgoff: fc.nat(4) }) },
)
const step = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('mmap'), name: fc.constantFrom('A', 'B', 'C'), at, pages: len, prot, share: fc.constantFrom('private', 'private', 'shared'), backing, mapFlags: fc.constantFrom([], [], ['MAP_NORESERVE'], ['MAP_POPULATE'], ['MAP_FIXED'], ['MAP_LOCKED'], ['MAP_DROPPABLE']) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('munmap'), at, pages: len }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('mprotect'), at, pages: len, prot }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('madvise'), at, pages: len, advice: fc.constantFrom('MADV_MERGEABLE', 'MADV_UNMERGEABLE') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('prctl'), option: fc.constant('PR_SET_MEMORY_MERGE'), value: fc.constantFrom(0, 1, 1) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('touch'), at, pages: len, write: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('brk'), pages: fc.nat(4) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('mremap'), at, pages: fc.integer({ min: 1, max: 3 }), newPages: fc.integer({ min: 1, max: 4 }), to: fc.nat(W - 5) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('mremap'), at, pages: fc.integer({ min: 1, max: 3 }), newPages: fc.integer({ min: 1, max: 4 }), mayMove: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ op: 'fork' }) },
)
// Every range a step names inside the window (the loader refuses one outside it).
const scenarioArb = fc.array(step, { minLength: 1, maxLength: MAX_STEPS }).map((steps) => ({ format: 'vma-scenario/1', windowPages: W, brkBase: W - 6, steps: insideWindow(steps, W) }))

const support = machineSupport([6, 17])
const describeFidelity = support.ok ? describe : describe.skip
if (!support.ok) console.warn(`random differential test skipped: ${support.reason}`)

describeFidelity(`random scenarios: simulated 6.18 vs the real kernel (seed ${SEED})`, () => {
  it(`agrees on ${RUNS} random scenarios`, async () => {
    let recorded = 0
    await fc.assert(fc.asyncProperty(scenarioArb, async (doc) => {
      const loaded = loadScenario(doc)
      if (!loaded.ok) throw new Error(loaded.text)
      const scenario: Scenario = loaded.scenario
      const real = await recordScenario(scenario)
      if ('unsupported' in real) return // e.g. MAP_FIXED past the window: the recorder cannot run it
      recorded++
      const kernel = compared(real.steps)
      const engine = compared(traceToRunnerJson(simulate(scenarioAsRecorded(scenario, real.machine), '6.18')).steps)
      for (let i = 0; i < kernel.length; i++) {
        if (JSON.stringify(kernel[i]) !== JSON.stringify(engine[i])) {
          throw new Error(`${describeMismatch(scenario, i, kernel[i]!, engine[i]!)}\nscenario: ${JSON.stringify(doc)}`)
        }
      }
    }), { seed: SEED, numRuns: RUNS, endOnFailure: false })
    // Most generated scenarios must have been runnable, or this test proves little.
    expect(recorded).toBeGreaterThan(RUNS * 0.7)
  }, 300_000)
})

// ---------------------------------------------------------------- the long distribution

const LONG_BACKINGS = fc.oneof(
  { weight: 8, arbitrary: fc.constant({ kind: 'anon' }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('file'), file: fc.constantFrom('E1', 'E2'), fs: fc.constant('ext4'), pgoff: fc.nat(64) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('shmem'), file: fc.constant('M'), pgoff: fc.nat(64) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('device'), file: fc.constant('/dev/zero'), pgoff: fc.nat(64) }) },
)
const longScenario = fc.integer({ min: 256, max: 4096 }).chain((w) => {
  const at = fc.nat(w - 1)
  const len = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 32 }) }, { weight: 1, arbitrary: fc.constantFrom(512, 1024) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 300 }) })
  const mmapFlags = fc.constantFrom([], [], [], ['MAP_FIXED'], ['MAP_POPULATE'], ['MAP_LOCKED'], ['MAP_NORESERVE'])
  const kernelPlaced = fc.record({ op: fc.constant('mmap'), pages: len, prot, share: fc.constantFrom('private', 'private', 'shared'), backing: LONG_BACKINGS, mapFlags: fc.constantFrom([], [], ['MAP_POPULATE'], ['MAP_LOCKED'], ['MAP_NORESERVE']) })
  const fixed = fc.record({ op: fc.constant('mmap'), at, pages: len, prot, share: fc.constantFrom('private', 'private', 'shared'), backing: LONG_BACKINGS, mapFlags: mmapFlags })
  const longStep = fc.oneof(
    { weight: 15, arbitrary: kernelPlaced },
    { weight: 6, arbitrary: fixed },
    { weight: 6, arbitrary: fc.record({ op: fc.constant('munmap'), at, pages: len }) },
    { weight: 9, arbitrary: fc.record({ op: fc.constant('mprotect'), at, pages: len, prot }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('madvise'), at, pages: len, advice: fc.constantFrom('MADV_MERGEABLE', 'MADV_UNMERGEABLE') }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('prctl'), option: fc.constant('PR_SET_MEMORY_MERGE'), value: fc.constantFrom(0, 1, 1) }) },
    { weight: 9, arbitrary: fc.record({ op: fc.constant('touch'), at, pages: len, write: fc.boolean() }) },
    { weight: 6, arbitrary: fc.record({ op: fc.constant('mremap'), at, pages: len, newPages: len, mayMove: fc.constant(true) }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('mremap'), at, pages: len, newPages: len, to: at }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('mremap'), at, pages: len, newPages: len }) },
    { weight: 1, arbitrary: fc.constant({ op: 'fork' }) },
  )
  // Ranges stay inside the window: one past it is a scenario error, not a kernel's answer.
  return fc.array(longStep, { minLength: 50, maxLength: 200 }).map((steps) => ({ format: 'vma-scenario/1', windowPages: w, placement: 'kernel', steps: insideWindow(steps, w) }))
})

describeFidelity(`long random scenarios (256–4,096-page windows, kernel placement, 50–200 steps): simulated 6.18 vs the real kernel (seed ${SEED})`, () => {
  it(`agrees on ${LONG_RUNS} long random scenarios`, async () => {
    let recorded = 0
    await fc.assert(fc.asyncProperty(longScenario, async (doc) => {
      const loaded = loadScenario(doc)
      if (!loaded.ok) throw new Error(loaded.text)
      const real = await recordScenario(loaded.scenario)
      if ('unsupported' in real) return
      recorded++
      const kernel = compared(real.steps)
      const engine = compared(traceToRunnerJson(simulate(scenarioAsRecorded(loaded.scenario, real.machine), '6.18')).steps)
      for (let i = 0; i < kernel.length; i++) {
        if (JSON.stringify(kernel[i]) !== JSON.stringify(engine[i])) {
          throw new Error(`${describeMismatch(loaded.scenario, i, kernel[i]!, engine[i]!)}\nscenario: ${JSON.stringify(doc)}`)
        }
      }
    }), { seed: SEED, numRuns: LONG_RUNS, endOnFailure: true })
    expect(recorded).toBeGreaterThan(LONG_RUNS * 0.7)
  }, 600_000)
})

// ---------------------------------------------------------------- random initial address spaces

const INITIAL_RUNS = Number(process.env.VMASCOPE_FUZZ_INITIAL_RUNS ?? 24)
const IW = 32

/** The VM_* set a real process has for such a VMA: the prot bits, VM_MAY*, and VM_ACCOUNT once private memory was writable. */
function initialFlagNames(p: string, share: string, faulted: boolean): string[] {
  const names = [p[0] === 'r' ? 'VM_READ' : '', p[1] === 'w' ? 'VM_WRITE' : '', p[2] === 'x' ? 'VM_EXEC' : '']
  if (share === 'shared' && p[1] === 'w') names.push('VM_SHARED')
  names.push('VM_MAYREAD', 'VM_MAYWRITE', 'VM_MAYEXEC')
  if (share === 'shared') names.push('VM_MAYSHARE')
  if (share === 'private' && (p[1] === 'w' || faulted)) names.push('VM_ACCOUNT')
  return names.filter((n) => n !== '')
}

const initialVma = fc.record({
  gap: fc.integer({ min: 0, max: 2 }),
  pages: fc.integer({ min: 1, max: 4 }),
  prot,
  kind: fc.constantFrom('anon', 'anon', 'anon', 'file-private', 'file-shared'),
  anonVma: fc.constantFrom(undefined, undefined, 1, 2, 3),
})
const initialScenario = fc.tuple(fc.array(initialVma, { minLength: 1, maxLength: 6 }), fc.array(step, { minLength: 1, maxLength: 8 }), fc.boolean()).map(([pieces, steps, mergeAny]) => {
  let cursor = 0
  const vmas = []
  for (const piece of pieces) {
    const start = cursor + piece.gap
    const end = start + piece.pages
    if (end > IW - 6) break
    cursor = end
    const share = piece.kind === 'file-shared' ? 'shared' : 'private'
    const faulted = share === 'private' && piece.anonVma !== undefined
    const flags = [...initialFlagNames(piece.prot, share, faulted), ...(mergeAny ? ['VM_MERGEABLE'] : [])]
    vmas.push({
      start, end, prot: piece.prot, share,
      backing: piece.kind === 'anon' ? 'anon' : 'file',
      ...(piece.kind === 'anon' ? {} : { file: 'E1', pgoff: start }),
      ...(faulted ? { anonVma: piece.anonVma } : {}),
      flags,
    })
  }
  return { format: 'vma-scenario/1', windowPages: IW, brkBase: IW - 6, initial: { mergeAny, vmas }, steps: insideWindow(steps, IW) }
})

describeFidelity(`random initial address spaces, built for real by the recorder: simulated 6.18 vs the real kernel (seed ${SEED})`, () => {
  it(`agrees on every one of ${INITIAL_RUNS} random initial states the kernel can hold`, async () => {
    let recorded = 0
    const refusals = new Map<string, number>()
    await fc.assert(fc.asyncProperty(initialScenario, async (doc) => {
      const loaded = loadScenario(doc)
      if (!loaded.ok) throw new Error(loaded.text)
      const real = await recordScenario(loaded.scenario)
      if ('unsupported' in real) {
        // Only the initial state may be refused here (every step kind is one the short test runs).
        const kind = real.unsupported.replace(/:.*/, '')
        refusals.set(kind, (refusals.get(kind) ?? 0) + 1)
        return
      }
      recorded++
      const kernel = compared(real.steps)
      const engine = compared(traceToRunnerJson(simulate(scenarioAsRecorded(loaded.scenario, real.machine), '6.18')).steps)
      for (let i = 0; i < kernel.length; i++) {
        if (JSON.stringify(kernel[i]) !== JSON.stringify(engine[i]))
          throw new Error(`${describeMismatch(loaded.scenario, i, kernel[i]!, engine[i]!)}\nscenario: ${JSON.stringify(doc)}`)
      }
    }), { seed: SEED, numRuns: INITIAL_RUNS, endOnFailure: true })
    console.log(`random initial states: ${recorded} of ${INITIAL_RUNS} built and compared; refused: ${JSON.stringify(Object.fromEntries(refusals))}`)
    expect(recorded).toBeGreaterThan(INITIAL_RUNS * 0.4)
  }, 300_000)
})
