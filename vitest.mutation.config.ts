// The tests Stryker runs (npm run mutation): those of the pure core. Stryker's perTest
// coverage then runs, for each mutant, only the tests that reach its code.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/engine/**/*.test.ts', 'src/scenario/**/*.test.ts'],
    testTimeout: 60_000,
  },
})
