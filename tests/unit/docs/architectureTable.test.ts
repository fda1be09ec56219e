import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requestSchemas } from '../../../shared/api.ts';
import { METHOD_NAMES } from '../../../shared/methods.ts';

const root = new URL('../../../', import.meta.url).pathname;
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface Row {
  concept: string;
  file: string;
}

/** The rows of the "Concept → file" table of docs/architecture.md. */
function conceptTable(): Row[] {
  const doc = read('docs/architecture.md');
  const start = doc.indexOf('## Concept → file');
  assert.ok(start >= 0, 'docs/architecture.md has a "Concept → file" section');
  const rows = doc
    .slice(start)
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| Concept') && !line.startsWith('| ---'))
    .map((line) => line.split(' | ').map((cell) => cell.replace(/^\| ?| ?\|$/g, '').trim()))
    .map(([concept, file]) => ({ concept, file: file.replace(/^`|`$/g, '') }));
  assert.ok(rows.length > 0, 'the table has rows');
  return rows;
}

/** The row whose concept names `name` in backticks. */
function rowNaming(rows: Row[], prefix: string, name: string): Row | undefined {
  return rows.find((r) => r.concept.startsWith(prefix) && r.concept.includes(`\`${name}\``));
}

test('every file the table names exists', () => {
  const missing = conceptTable().filter((r) => !existsSync(join(root, r.file)));
  assert.deepEqual(missing, [], 'rows naming files that do not exist');
});

test('every API method is in the table, in the row of the file that handles it', () => {
  const rows = conceptTable();
  for (const method of Object.keys(requestSchemas)) {
    const row = rowNaming(rows, 'API calls', method);
    assert.ok(row, `API method ${method} is missing from the table`);
    assert.ok(read(row.file).includes(`'${method}'`), `${row.file} does not handle ${method}`);
  }
});

test('every training method is in the table', () => {
  const rows = conceptTable();
  for (const name of METHOD_NAMES) assert.ok(rowNaming(rows, 'Training method', name), `training method ${name} is missing from the table`);
});

test('every database table (by its current name) is in the table, in the row of a file that queries it', () => {
  const rows = conceptTable();
  const migrations = read('main/store/migrations.ts');
  const renamed = new Map([...migrations.matchAll(/ALTER TABLE (\w+) RENAME TO (\w+)/g)].map((m) => [m[1], m[2]]));
  const tables = [...migrations.matchAll(/CREATE TABLE (\w+)/g)].map((m) => renamed.get(m[1]) ?? m[1]);
  assert.ok(tables.length > 0, 'migrations.ts creates tables');
  for (const table of tables) {
    const row = rowNaming(rows, 'table', table);
    assert.ok(row, `database table ${table} is missing from the table`);
    assert.match(read(row.file), new RegExp(`\\b${table}\\b`), `${row.file} does not mention table ${table}`);
  }
});

test('every CLI command is in the table', () => {
  const rows = conceptTable();
  const table = /const commands[^=]*=\s*\{([^}]*)\}/.exec(read('main/cli/main.ts'));
  assert.ok(table, 'main/cli/main.ts has its command table');
  const commands = [...table[1].matchAll(/^\s*(\w+):/gm)].map((m) => m[1]);
  assert.ok(commands.length > 0);
  for (const command of commands) assert.ok(rowNaming(rows, 'CLI command', command), `CLI command ${command} is missing from the table`);
});

test('every network, loss and metric module is in the table', () => {
  const files = new Set(conceptTable().map((r) => r.file));
  for (const dir of ['main/engine/models', 'main/engine/losses', 'main/engine/metrics']) {
    for (const name of readdirSync(join(root, dir))) {
      if (!name.endsWith('.ts') || name.endsWith('.test.ts')) continue;
      assert.ok(files.has(`${dir}/${name}`), `${dir}/${name} is missing from the table`);
    }
  }
});
