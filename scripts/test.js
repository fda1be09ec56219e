#!/usr/bin/env node
// Runs every test with node's own runner (its summary lines are what CI reads).
// Unit tests live beside the module they test (*.test.ts), except those of shared/, which
// must stay free of node imports (tests/unit/shared); integration and end-to-end tests live under tests/. `node scripts/test.js unit|integration|e2e` runs one group.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const groups = {
  unit: ['main', 'renderer/src', 'tests/unit'],
  integration: ['tests/integration'],
  e2e: ['tests/e2e'],
};

function findTests(dir) {
  const out = [];
  let entries;
  try { entries = readdirSync(join(root, dir)); } catch { return out; }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'dist') continue;
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) out.push(...findTests(rel));
    else if (/\.test\.tsx?$/.test(name)) out.push(rel);
  }
  return out;
}

const wanted = process.argv[2] ? [process.argv[2]] : Object.keys(groups);
const files = wanted.flatMap((g) => {
  if (!groups[g]) { console.error(`unknown test group "${g}" (use ${Object.keys(groups).join(', ')})`); process.exit(2); }
  return groups[g].flatMap(findTests);
}).sort();
if (files.length === 0) { console.error('no test files found'); process.exit(1); }

// A full run type-checks first: a type error is a failure even where no test reaches it.
if (!process.argv[2]) {
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  for (const project of ['tsconfig.json', 'renderer/tsconfig.json']) {
    console.log(`typecheck ${project}`);
    const r = spawnSync(process.execPath, [tsc, '-p', project, '--noEmit'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}

const result = spawnSync(process.execPath, [
  '--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...files,
], { cwd: root, stdio: 'inherit', env: { ...process.env, ATRIUM_TEST: '1' } });
process.exit(result.status ?? 1);
