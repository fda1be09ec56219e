import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectStore } from './projectStore.ts';
import { openDatabase } from './database.ts';
import { inspectDatabase } from './databaseCheck.ts';
import { toApiError } from '../api/handlers.ts';
import { corruptHeader, corruptLeafOf, databaseOf, populatedProject, sha256 } from '../../tests/support/damagedProject.ts';

const tempDir = () => mkdtempSync(join(tmpdir(), 'atrium-check-'));

/** The refusal names the file, says it was left alone, and says what to do. */
function assertRefusal(err: unknown, file: string, problem: RegExp): true {
  assert.ok(err instanceof Error);
  assert.ok(err.message.includes(file), err.message);
  assert.match(err.message, problem);
  assert.match(err.message, /atrium check .+ --repair/);
  assert.match(err.message, /copy/);
  return true;
}

test('a project whose database is damaged in the middle is refused at open, and the file is left unchanged', () => {
  const folder = populatedProject(tempDir());
  const file = databaseOf(folder);
  corruptLeafOf(file, 'events');
  const before = sha256(file);
  assert.throws(
    () => ProjectStore.open(folder),
    (err) => assertRefusal(err, file, /damaged/),
  );
  assert.equal(sha256(file), before);
});

test('the API reports a damaged database as bad input with the same message, not an internal error', () => {
  const folder = populatedProject(tempDir());
  corruptHeader(databaseOf(folder));
  assert.throws(
    () => ProjectStore.open(folder),
    (err) => {
      const api = toApiError(err);
      assert.equal(api.code, 'bad-input');
      assert.equal(api.message, (err as Error).message);
      return true;
    },
  );
});

test('a damaged header is refused with the same advice, not a bare "file is not a database"', () => {
  const folder = populatedProject(tempDir());
  const file = databaseOf(folder);
  corruptHeader(file);
  const before = sha256(file);
  assert.throws(
    () => ProjectStore.open(folder),
    (err) => assertRefusal(err, file, /not an SQLite database/),
  );
  assert.equal(sha256(file), before);
});

test('an empty (0-byte) database is refused and not re-created as an empty project', () => {
  const folder = populatedProject(tempDir());
  const file = databaseOf(folder);
  writeFileSync(file, '');
  assert.throws(
    () => ProjectStore.open(folder),
    (err) => assertRefusal(err, file, /empty \(0 bytes\).*2 scan files/),
  );
  assert.throws(() => openDatabase(file, { create: false }), /empty \(0 bytes\)/);
  assert.equal(statSync(file).size, 0);
});

test('a missing database in a folder that holds scans is refused with what to do', () => {
  const folder = populatedProject(tempDir());
  rmSync(databaseOf(folder));
  assert.throws(
    () => ProjectStore.open(folder),
    (err) => assertRefusal(err, databaseOf(folder), /missing.*2 scan files/),
  );
});

test('inspectDatabase tells a healthy database from a damaged one, reading the whole file when asked', () => {
  const folder = populatedProject(tempDir());
  const file = databaseOf(folder);
  assert.deepEqual(inspectDatabase(file, 'full'), { state: 'ok', problems: [] });
  corruptLeafOf(file, 'events');
  const found = inspectDatabase(file, 'full');
  assert.equal(found.state, 'damaged');
  assert.ok(found.problems.length > 0);
});
