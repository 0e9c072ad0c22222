// The tests Stryker runs (npm run mutation): the unit tests of the pure core whose
// expectations are written by hand (scenario by scenario, kernel rule by kernel rule).
// Stryker's perTest coverage then runs, for each mutant, only the tests that reach its code.
//
// Left out, because each takes seconds and a run repeats them for thousands of mutants on a
// shared two-core machine: the scale tests (large-address-space, 200,000 VMAs; labels,
// 100,000 mappings) and the corpus-wide tests that compare the engine with itself or with the
// page model (take-step, replay, reference, initial-state, by-start, differences,
// never-throws, stress). The score is therefore a lower bound of what the whole suite kills.
// MUTATION_TESTS=all runs every test.
import { defineConfig } from 'vitest/config'

const slow = [
  'src/engine/large-address-space.test.ts',
  'src/engine/labels.test.ts',
  'src/engine/take-step.test.ts',
  'src/engine/replay.test.ts',
  'src/engine/reference.test.ts',
  'src/engine/initial-state.test.ts',
  'src/engine/by-start.test.ts',
  'src/engine/differences.test.ts',
  'src/engine/never-throws.test.ts',
  'src/scenario/stress.test.ts',
]

export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/engine/**/*.test.ts', 'src/scenario/**/*.test.ts'],
    exclude: process.env.MUTATION_TESTS === 'all' ? [] : slow,
    testTimeout: 60_000,
  },
})
