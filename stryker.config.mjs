// Mutation testing of the pure core (npm run mutation; outside npm test: it runs the
// related Vitest files once per mutant). It mutates every non-test file of src/engine and
// src/scenario except src/engine/testing/ (the test helpers: page model, harness, strips,
// random scenarios); the gallery's JSON documents are data and are not mutated.
// The tests it runs are vitest.mutation.config.ts's (the hand-written unit tests).
// A whole run is thousands of mutants; on a shared machine run it file by file, e.g.
//   npm run mutation -- --mutate src/engine/mm/mprotect.ts
// Incremental mode keeps every result in reports/stryker-incremental.json and re-tests only
// mutants whose code or covering tests changed, so file-by-file runs add up to one report.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  mutate: ['src/engine/**/*.ts', 'src/scenario/**/*.ts', '!src/**/*.test.ts', '!src/engine/testing/**'],
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  concurrency: 1,
  timeoutMS: 10000,
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: 'node_modules/.stryker-tmp',
  // TypeScript 7 has no JavaScript API for Stryker's tsconfig rewrite; Vite resolves the sources itself.
  tsconfigFile: 'stryker-no-tsconfig.json',
}
