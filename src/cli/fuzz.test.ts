/**
 * Hostile documents through the runner's pipeline (loadScenario, simulate, the
 * runner objects of the steps): random JSON and bytes, valid documents with
 * extreme values, tens of thousands of VMAs in `initial`, and long runs. Each
 * must end in a result or a named error (never an exception), within a time and
 * memory bound per document. The bounds catch hangs and blow-ups (a quadratic
 * walk, a copy per step), not speed: speed is `npm run bench`'s job.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { KERNEL_IDS } from '../engine/api'
import { stepToRunnerJson, takenStepToRunnerJson } from '../engine/report'
import { Simulation, simulate } from '../engine/simulate'
import { loadScenario } from '../scenario/load'

/** Per document: generous enough for a contended 2-core CI machine, far below a hang or a blow-up. */
const SECONDS_PER_DOCUMENT = 120
const HEAP_BOUND_BYTES = 1.5 * 1024 ** 3

/** Load, run on a kernel, and make the runner objects of the first, a middle and the last step. */
function runToEnd(input: unknown, kernel: (typeof KERNEL_IDS)[number] = '6.18'): 'ran' | 'refused' {
  const started = performance.now()
  const loaded = loadScenario(input)
  let outcome: 'ran' | 'refused'
  if (!loaded.ok) {
    expect(typeof loaded.text).toBe('string')
    expect(loaded.text.length).toBeGreaterThan(0)
    expect(loaded.text).not.toMatch(/\n\s+at /) // a message, not a stack trace
    outcome = 'refused'
  } else {
    const trace = simulate(loaded.scenario, kernel)
    const n = loaded.scenario.steps.length
    for (const i of new Set([1, Math.ceil(n / 2), n])) {
      if (i < 1 || i > n) continue
      const step = stepToRunnerJson(trace, i)
      expect(step.index).toBe(i)
      expect(step.error === null || typeof step.error === 'string').toBe(true)
      expect(Array.isArray(step.vmas) && Array.isArray(step.checks)).toBe(true)
      for (let k = 1; k < step.vmas.length; k++) expect(step.vmas[k]!.start).toBeGreaterThanOrEqual(step.vmas[k - 1]!.end)
    }
    outcome = 'ran'
  }
  expect((performance.now() - started) / 1000).toBeLessThan(SECONDS_PER_DOCUMENT)
  expect(process.memoryUsage().heapUsed).toBeLessThan(HEAP_BOUND_BYTES)
  return outcome
}

/** Values at and around every limit of the format, and some that are no numbers at all. */
const extremeNumber = fc.constantFrom(
  0, 1, 2, 4095, 4096, 65530, 65531, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 35 - 1, 2 ** 35, 2 ** 36 - 1, 2 ** 36, 2 ** 36 + 1,
  2 ** 53, Number.MAX_SAFE_INTEGER, Number.MAX_VALUE, -1, -0, 0.5, 1e-300, Infinity, -Infinity, NaN,
)
const anyValue = fc.oneof(extremeNumber, fc.constantFrom('NaN', '1', '', 'rw-', null, true, [], {}, '__proto__'))
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 12, arbitrary: arb }, { weight: 1, arbitrary: anyValue })
const prot = fc.constantFrom('rw-', 'r--', '---', 'rwx', 'r-x')
const backing = fc.oneof(
  fc.constant({ kind: 'anon' }),
  fc.record({ kind: fc.constant('file'), file: fc.constantFrom('F', 'G'), pgoff: maybe(extremeNumber), fs: fc.constantFrom('ext4', 'tmpfs', 'overlayfs') }),
  fc.record({ kind: fc.constant('shmem'), file: fc.constant('S'), pgoff: maybe(extremeNumber) }),
  fc.record({ kind: fc.constant('device'), file: fc.constantFrom('/dev/zero', 'D'), pgoff: maybe(extremeNumber) }),
)
const extremeStep = fc.oneof(
  fc.record({ op: fc.constant('mmap'), at: maybe(extremeNumber), pages: maybe(extremeNumber), prot, share: fc.constantFrom('private', 'shared'), backing, mapFlags: fc.subarray(['MAP_FIXED', 'MAP_FIXED_NOREPLACE', 'MAP_NORESERVE', 'MAP_POPULATE']) }, { requiredKeys: ['op', 'at', 'pages', 'prot', 'share', 'backing'] }),
  fc.record({ op: fc.constant('munmap'), at: maybe(extremeNumber), pages: maybe(extremeNumber) }),
  fc.record({ op: fc.constant('mprotect'), at: maybe(extremeNumber), pages: maybe(extremeNumber), prot }),
  fc.record({ op: fc.constant('madvise'), at: maybe(extremeNumber), pages: maybe(extremeNumber), advice: fc.constantFrom('MADV_MERGEABLE', 'MADV_UNMERGEABLE') }),
  fc.record({ op: fc.constant('prctl'), option: fc.constant('PR_SET_MEMORY_MERGE'), value: maybe(extremeNumber) }),
  fc.record({ op: fc.constant('brk'), pages: maybe(extremeNumber) }),
  fc.record({ op: fc.constant('touch'), at: maybe(extremeNumber), pages: maybe(extremeNumber), write: fc.boolean() }),
  fc.constant({ op: 'fork' }),
  fc.record({ op: fc.constant('mremap'), at: maybe(extremeNumber), pages: maybe(extremeNumber), newPages: maybe(extremeNumber), to: maybe(extremeNumber), mayMove: fc.boolean() }, { requiredKeys: ['op', 'at', 'pages', 'newPages'] }),
)
const extremeDocument = fc.record({
  format: fc.constantFrom('vma-scenario/1', 'vma-scenario/1', 'vma-scenario/3'),
  windowPages: maybe(fc.constantFrom(1, 64, 65536, 2 ** 35)),
  placement: fc.constantFrom('fixed', 'kernel'),
  brkBase: maybe(extremeNumber),
  maxMapCount: maybe(fc.constantFrom(0, 1, 3, 65530, 2 ** 31 - 1)),
  steps: fc.array(extremeStep, { maxLength: 16 }),
}, { requiredKeys: ['format', 'steps'] })

/** `count` VMAs for `initial`, at random gaps (0–2 pages) and sizes, any prot and backing. */
const manyInitialVmas = (count: number) => fc.array(fc.tuple(fc.nat(2), fc.integer({ min: 1, max: 3 }), prot, fc.constantFrom('anon', 'heap', 'file', 'shmem')), { minLength: count, maxLength: count }).map((specs) => {
  let at = 0
  return specs.map(([gap, pages, p, kind]) => {
    const start = at + gap
    at = start + pages
    return { start, end: at, prot: p, share: 'private', backing: kind, ...(kind === 'file' || kind === 'shmem' ? { file: 'F' } : {}) }
  })
})

/** An op over a wide stretch of the address space (most of the VMAs at once). */
const wideStep = (span: number) => fc.oneof(
  fc.constant({ op: 'fork' }),
  fc.record({ op: fc.constant('munmap'), at: fc.nat(Math.floor(span / 4)), pages: fc.integer({ min: 1, max: span }) }),
  fc.record({ op: fc.constant('mprotect'), at: fc.nat(Math.floor(span / 4)), pages: fc.integer({ min: 1, max: span }), prot }),
  fc.record({ op: fc.constant('madvise'), at: fc.nat(Math.floor(span / 4)), pages: fc.integer({ min: 1, max: span }), advice: fc.constantFrom('MADV_MERGEABLE', 'MADV_UNMERGEABLE') }),
  fc.record({ op: fc.constant('touch'), at: fc.nat(Math.floor(span / 4)), pages: fc.integer({ min: 1, max: span }), write: fc.constant(true) }),
  fc.record({ op: fc.constant('mmap'), at: fc.nat(Math.floor(span / 4)), pages: fc.integer({ min: 1, max: span }), prot, share: fc.constant('private'), backing: fc.constant({ kind: 'anon' }), mapFlags: fc.constant(['MAP_FIXED']) }),
  fc.record({ op: fc.constant('mremap'), at: fc.constant(0), pages: fc.integer({ min: 1, max: span }), newPages: fc.integer({ min: 1, max: span }), to: fc.constant(span + 8), mayMove: fc.constant(true) }),
  fc.record({ op: fc.constant('prctl'), option: fc.constant('PR_SET_MEMORY_MERGE'), value: fc.nat(1) }),
)

/** A small step anywhere in a window of `window` pages (fixed placement). */
const smallStep = (window: number) => fc.oneof(
  fc.record({ op: fc.constant('mmap'), at: fc.nat(window - 4), pages: fc.integer({ min: 1, max: 4 }), prot, share: fc.constantFrom('private', 'shared'), backing: fc.constant({ kind: 'anon' }) }),
  fc.record({ op: fc.constant('munmap'), at: fc.nat(window - 4), pages: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ op: fc.constant('mprotect'), at: fc.nat(window - 4), pages: fc.integer({ min: 1, max: 4 }), prot }),
  fc.record({ op: fc.constant('touch'), at: fc.nat(window - 4), pages: fc.integer({ min: 1, max: 4 }), write: fc.boolean() }),
)

describe('hostile documents end in a result or a named error, in bounded time and memory', { timeout: 600_000 }, () => {
  it('random JSON text and random bytes', () => {
    fc.assert(fc.property(fc.oneof(fc.json({ maxDepth: 6 }), fc.string({ unit: 'binary', maxLength: 300 }), fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify({ format: 'vma-scenario/1', steps: v }))), (text) => {
      runToEnd(text)
    }), { numRuns: 400 })
  })

  it('random JSON values where a document is expected', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
      runToEnd(value)
    }), { numRuns: 300 })
  })

  it('documents with extreme values, on every kernel', () => {
    let ran = 0
    fc.assert(fc.property(extremeDocument, fc.constantFrom(...KERNEL_IDS), (document, kernel) => {
      if (runToEnd(document, kernel) === 'ran') ran++
    }), { numRuns: 400 })
    expect(ran).toBeGreaterThan(10) // some of them are valid and really run
  })

  it('documents with extreme values through the runner\'s streaming run (history: false, takeStep), on every kernel', () => {
    fc.assert(fc.property(extremeDocument, fc.constantFrom(...KERNEL_IDS), (document, kernel) => {
      const started = performance.now()
      const loaded = loadScenario(document)
      if (!loaded.ok) return
      const run = new Simulation(loaded.scenario, kernel, { history: false })
      let taken = 0
      for (let step = run.takeStep(); step; step = run.takeStep()) {
        const json = takenStepToRunnerJson(step)
        expect(json.index).toBe(++taken)
        for (let k = 1; k < json.vmas.length; k++) expect(json.vmas[k]!.start).toBeGreaterThanOrEqual(json.vmas[k - 1]!.end)
      }
      expect(taken).toBe(loaded.scenario.steps.length)
      expect((performance.now() - started) / 1000).toBeLessThan(SECONDS_PER_DOCUMENT)
      expect(process.memoryUsage().heapUsed).toBeLessThan(HEAP_BOUND_BYTES)
    }), { numRuns: 300 })
  })

  it('65,530–70,000 VMAs in initial, then calls over most of them', () => {
    fc.assert(fc.property(fc.integer({ min: 65530, max: 70000 }).chain((n) => fc.tuple(manyInitialVmas(n), fc.array(wideStep(3 * n), { minLength: 1, maxLength: 4 }))), ([vmas, steps]) => {
      const span = vmas[vmas.length - 1]!.end
      expect(runToEnd({ format: 'vma-scenario/1', windowPages: 4 * span, maxMapCount: 200000, initial: { vmas }, steps })).toBe('ran')
    }), { numRuns: 3 })
  })

  it('long runs: 20,000 random steps in a small window', () => {
    fc.assert(fc.property(fc.array(smallStep(2048), { minLength: 20000, maxLength: 20000 }), (steps) => {
      expect(runToEnd({ format: 'vma-scenario/1', windowPages: 2048, steps })).toBe('ran')
    }), { numRuns: 2 })
  })
})
