// The layer rules of Atrium (docs/architecture.md), checked by `npm run lint` and the full `npm test`.
// They constrain product code: a test file (*.test.ts, anything under tests/) may reach across
// layers to test from outside, but no product module may depend on a test.
// Cycles count every import, `import type` included: none exists, and a circle of types is as
// much a sign of two modules that are one as a circle of runtime imports.
const TEST = '\\.test\\.tsx?$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'shared-is-self-contained',
      comment:
        'shared/ holds the types and the API contract, read by the main process and the renderer alike: it imports only shared/ and zod (no node modules).',
      severity: 'error',
      from: { path: '^shared/' },
      to: { pathNot: ['^shared/', '^node_modules/zod/'] },
    },
    {
      name: 'io-and-store-only-shared',
      comment: 'main/io (NIfTI) and main/store (the project database) are the bottom of the main process: they import only shared/ and themselves.',
      severity: 'error',
      from: { path: '^main/(io|store)/', pathNot: TEST },
      to: { path: '^(main|renderer|bin|scripts)/', pathNot: '^main/$1/' },
    },
    {
      name: 'engine-below-the-app',
      comment: 'The training engine knows nothing of projects, the API or the shells that drive it: it takes plain data (trainRequest.ts, jobSpec.ts).',
      severity: 'error',
      from: { path: '^main/engine/', pathNot: TEST },
      to: { path: '^main/(store|api|annotation|electron|server|cli|bench)/' },
    },
    {
      name: 'renderer-only-shared',
      comment: 'The renderer talks to the main process only through the API contract of shared/ (IPC or the loopback bridge).',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^(main|bin|scripts)/' },
    },
    {
      name: 'no-product-code-imports-tests',
      comment: 'Test helpers live in tests/support/ for tests only; what product code needs (a benchmark phantom) lives beside that code.',
      severity: 'error',
      from: { path: '^(main|shared|renderer|bin|scripts)/', pathNot: TEST },
      to: { path: '^tests/' },
    },
    {
      name: 'only-store-touches-sqlite',
      comment: 'SQL lives in main/store; everything else asks ProjectStore.',
      severity: 'error',
      from: { path: '^(main|shared|renderer|bin)/', pathNot: ['^main/store/', TEST] },
      to: { path: '^node_modules/better-sqlite3/' },
    },
    {
      name: 'no-cycles',
      comment: 'Modules load in one order: a circle of runtime imports means two modules that are one, or a missing seam.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing: a typo, a moved file or a package missing from package.json.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules'] },
    exclude: { path: ['^dist/', '^out/', '^native/build/'] },
    // `import type` is kept in the graph (as type-only) so that the layer rules and the cycle check cover types too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
