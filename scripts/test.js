#!/usr/bin/env node
// Runs every test with node's own runner (its summary lines are what CI reads).
// Unit tests live beside the module they test (*.test.ts), except those of shared/, which
// must stay free of node imports (tests/unit/shared); integration and end-to-end tests live under tests/. `node scripts/test.js unit|slow|integration|e2e` runs one group.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { availableParallelism } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
const groups = {
  unit: ['main', 'renderer/src', 'tests/unit'],
  slow: ['main', 'renderer/src', 'tests/unit'],
  integration: ['tests/integration'],
  e2e: ['tests/e2e'],
};
// A test beside its module that trains, forks or spawns processes or builds big volumes is named
// `x.slow.test.ts`: it stays beside `x.ts` but runs in the `slow` group, so `unit` stays fast.
const SLOW = /\.slow\.test\.tsx?$/;
const inGroup = { unit: (file) => !SLOW.test(file), slow: (file) => SLOW.test(file) };

function findTests(dir) {
  const out = [];
  let entries;
  try {
    entries = readdirSync(join(root, dir));
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'dist') continue;
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) out.push(...findTests(rel));
    else if (/\.test\.tsx?$/.test(name)) out.push(rel);
  }
  return out;
}

const wanted = process.argv[2] ? [process.argv[2]] : Object.keys(groups);
const files = wanted
  .flatMap((g) => {
    if (!groups[g]) {
      console.error(`unknown test group "${g}" (use ${Object.keys(groups).join(', ')})`);
      process.exit(2);
    }
    return groups[g].flatMap(findTests).filter(inGroup[g] ?? (() => true));
  })
  .sort();
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}

// A full run type-checks and lints first: a type error, a lint error, a formatting difference,
// a layer violation or an import cycle is a failure even where no test reaches it.
if (!process.argv[2]) {
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  for (const project of ['tsconfig.json', 'renderer/tsconfig.json']) {
    console.log(`typecheck ${project}`);
    const r = spawnSync(process.execPath, [tsc, '-p', project, '--noEmit'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  // package.json's `lint` script, run as npm would run it (a shell, node_modules/.bin first on the path).
  const lint = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.lint;
  console.log(`lint: ${lint}`);
  const PATH = [join(root, 'node_modules/.bin'), process.env.PATH].join(delimiter);
  const r = spawnSync(lint, { cwd: root, stdio: 'inherit', shell: true, env: { ...process.env, PATH } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// The unit group alone runs a file per core: its tests are short and time nothing. Every other
// run goes one file at a time, as tests that measure a pace or a time budget need the machine.
const concurrency = wanted.length === 1 && wanted[0] === 'unit' ? availableParallelism() : 1;
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${concurrency}`, ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, ATRIUM_TEST: '1' },
});
process.exit(result.status ?? 1);
