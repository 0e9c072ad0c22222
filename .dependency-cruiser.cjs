/**
 * The layers of src/, checked whole by dependency-cruiser (`npm run layers`,
 * part of `npm test`): which folder may use which, directly or through any
 * chain of imports, and which packages and Node built-ins each may reach.
 *
 * The engine and the scenario loader are pure: they reach nothing but each
 * other and zod, so they run alike in the browser's worker, in Node and in
 * tests. That they use no DOM global is checked by tsconfig.pure.json (no DOM
 * lib, no Node types), which `tsc -b` builds.
 *
 * Test files and test support (testing/ folders, test-*.ts, the fast-check
 * arbitraries) are left out of the layers: tests run in Node and may read the
 * fidelity corpus from disk. Production code may not import test support.
 */

/** Folder → the folders it may use (directly). The closure is computed below. */
const LAYERS = {
  scenario: [],
  engine: ['scenario'],
  import: ['engine', 'scenario'],
  export: ['engine', 'scenario'],
  persist: ['scenario'],
  store: ['engine', 'scenario'],
  share: ['engine', 'scenario', 'store'],
  worker: ['engine', 'scenario', 'import', 'trace', 'export'], // export: the reader of opened files (open-api.ts)
  trace: ['engine', 'import', 'scenario'],
  reproducer: ['engine', 'scenario'],
  'kernel-source': ['engine', 'scenario'],
  fidelity: ['engine', 'scenario', 'reproducer'],
  cli: ['engine', 'scenario', 'fidelity', 'import', 'export', 'trace', 'reproducer'],
  ui: ['engine', 'scenario', 'import', 'export', 'persist', 'store', 'share', 'worker', 'reproducer', 'trace', 'kernel-source'],
}

/** Folder → the npm packages it may reach. */
const PACKAGES = {
  scenario: ['zod'],
  engine: [],
  import: [],
  export: ['pdf-lib'],
  persist: ['idb-keyval', 'react', 'zustand'],
  store: ['react', 'zustand'],
  share: ['lz-string'],
  worker: ['comlink'],
  trace: ['zod'],
  reproducer: [],
  'kernel-source': [],
  fidelity: [],
  cli: ['esbuild'], // bench.ts bundles itself to time each workload in a plain-node process
  ui: ['d3', 'd3-zoom', 'd3-selection', 'react', 'react-dom', 'zod', 'zustand', 'comlink', 'pdf-lib', 'lz-string', 'idb-keyval', '@tanstack/react-virtual', '@tanstack/virtual-core', '@codemirror/state', '@codemirror/view', '@codemirror/commands', '@codemirror/language', '@codemirror/lang-json', '@lezer/highlight'],
}

/**
 * Pure modules that sit in a browser-side folder but that lower layers use too
 * (each reaches only src/engine and src/scenario, which the rule
 * shared-modules-pure checks). They belong beside what they are built from;
 * until they move, any folder may use them.
 */
const SHARED = [
  'src/ui/why/ksm-explanation.ts', // the KSM timing sentence: the Why panel, the text and picture exports, the CLI
  'src/ui/why/format-range.ts', // "[start,end)": the VMA table, the KSM sentence
  'src/store/base-address.ts', // the scenario's base address parsed: the axis, the CLI's --base
]

const SHARED_PATHS = SHARED.map((m) => `^${m.replace(/[.]/g, '\\.')}$`)

/** The pure core. */
const PURE = ['engine', 'scenario']

/** Folders that run in Node only and may use its built-ins. */
const NODE = ['fidelity', 'cli']

const TEST_SUPPORT = '(\\.test\\.tsx?$|/testing/|/test-[^/]+\\.ts$|scenario-arbitrary\\.ts$|scenario-arb\\.ts$)'

function closure(folder, seen = new Set()) {
  for (const dep of LAYERS[folder]) {
    if (!seen.has(dep)) {
      seen.add(dep)
      closure(dep, seen)
    }
  }
  return seen
}

const FOLDERS = Object.keys(LAYERS)
const alternatives = (list) => list.map((s) => s.replace(/[.+]/g, '\\$&')).join('|')

const layerRules = FOLDERS.flatMap((folder) => {
  const allowed = [folder, ...closure(folder)]
  const from = { path: `^src/${folder}/`, pathNot: TEST_SUPPORT }
  const packages = [...new Set(allowed.flatMap((f) => PACKAGES[f]))]
  const rules = [
    {
      name: `${folder}-layers`,
      comment: `src/${folder} may reach only ${allowed.map((f) => `src/${f}`).join(', ')}, through any chain of imports`,
      severity: 'error',
      from,
      // The engine and the scenario loader get no exception: they reach no module of another folder at all.
      to: { path: '^src/', pathNot: [`^src/(${alternatives(allowed)})/`, ...(PURE.includes(folder) ? [] : SHARED_PATHS)], reachable: true },
    },
    {
      name: `${folder}-packages`,
      comment: `src/${folder} may import only the packages ${packages.join(', ') || '(none)'}`,
      severity: 'error',
      from,
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'], pathNot: packages.length ? `^node_modules/(${alternatives(packages)})/` : undefined },
    },
  ]
  if (!NODE.includes(folder)) {
    rules.push({
      name: `${folder}-no-node`,
      comment: `src/${folder} runs in the browser: no Node built-ins, directly or through another module`,
      severity: 'error',
      from,
      to: { dependencyTypes: ['core'] },
    })
  }
  return rules
})

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'shared-modules-pure',
      comment: 'a module every folder may use reaches only src/engine, src/scenario and the other shared modules (checked alike)',
      severity: 'error',
      from: { path: SHARED_PATHS },
      to: { path: '^src/', pathNot: ['^src/(engine|scenario)/', ...SHARED_PATHS], reachable: true },
    },
    {
      name: 'shared-modules-no-packages',
      comment: 'a module every folder may use imports no package and no Node built-in',
      severity: 'error',
      from: { path: SHARED_PATHS },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown', 'core'] },
    },
    {
      name: 'folders-known',
      comment: 'every folder of src/ has its place in the layers (add a new one to LAYERS)',
      severity: 'error',
      from: { path: `^src/(?!(${alternatives(FOLDERS)})/)[^/]+/`, pathNot: TEST_SUPPORT },
      to: {},
    },
    {
      name: 'no-test-support-in-production',
      comment: 'test support (testing/, test-*.ts, fast-check arbitraries) is for tests only',
      severity: 'error',
      from: { path: '^src/', pathNot: TEST_SUPPORT },
      to: { path: TEST_SUPPORT },
    },
    {
      name: 'no-unresolvable',
      comment: 'an import that does not resolve cannot be checked',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // TypeScript 7 has no JavaScript compiler API for dependency-cruiser; Babel parses the sources.
    babelConfig: { fileName: 'babel.depcruise.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.tsx?$' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] },
  },
}
