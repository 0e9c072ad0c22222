// Mutation testing of the pure core (npm run mutation; outside npm test: it runs the
// related Vitest files once per mutant). Scope it on a shared machine, e.g.
//   npm run mutation -- --mutate src/engine/changes.ts
// Incremental mode keeps the results of unchanged code in reports/stryker-incremental.json.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  mutate: ['src/engine/**/*.ts', 'src/scenario/**/*.ts', '!src/**/*.test.ts', '!src/engine/testing/**'],
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  concurrency: 1,
  timeoutMS: 10000,
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: 'node_modules/.stryker-tmp',
  // TypeScript 7 has no JavaScript API for Stryker's tsconfig rewrite; Vite resolves the sources itself.
  tsconfigFile: 'stryker-no-tsconfig.json',
}
