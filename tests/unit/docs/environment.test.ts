import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../../', import.meta.url).pathname;
const NAME = /ATRIUM_[A-Z0-9_]+/g;
const SOURCE = /\.(ts|tsx|js|mjs|cjs|cc|h|py|sh)$/;

/** Every source file under `dir`, relative to the repository root. */
function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    if (name === 'node_modules' || name === 'build') return [];
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) return sources(rel);
    return SOURCE.test(name) ? [rel] : [];
  });
}

/** The rows of docs/environment.md's table: each variable with the files its "Read by" cell names. */
function documented(): Map<string, string[]> {
  const rows = readFileSync(join(root, 'docs/environment.md'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('| `ATRIUM_'));
  return new Map(
    rows.map((line) => {
      const cells = line.split(' | ');
      const name = /`(ATRIUM_[A-Z0-9_]+)`/.exec(cells[0])![1];
      const readers = [...cells[cells.length - 1].matchAll(/`([^`]+)`/g)].map((m) => m[1]);
      return [name, readers];
    }),
  );
}

const inCode = new Set(
  ['main', 'shared', 'renderer/src', 'bin', 'scripts', 'native/src', 'tests']
    .flatMap(sources)
    .flatMap((file) => readFileSync(join(root, file), 'utf8').match(NAME) ?? []),
);

test('every ATRIUM_ variable in the code is documented in docs/environment.md', () => {
  const docs = documented();
  assert.deepEqual([...inCode].filter((name) => !docs.has(name)).sort(), []);
});

test('docs/environment.md documents no variable the code has dropped, and names files that read it', () => {
  for (const [name, readers] of documented()) {
    assert.ok(inCode.has(name), `${name} is documented but no longer in the code`);
    assert.ok(readers.length > 0, `${name} says which file reads it`);
    for (const file of readers) assert.ok(readFileSync(join(root, file), 'utf8').includes(name), `${file} does not mention ${name}`);
  }
});
