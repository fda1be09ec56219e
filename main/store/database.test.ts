import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrate, openDatabase, SchemaTooNewError, schemaVersion } from './database.ts';
import { migrations, SCHEMA_VERSION } from './migrations.ts';
import { failAbandonedRuns } from './runOwnership.ts';

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'atrium-db-')), 'atrium.sqlite');

function tables(db: Database.Database): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map(
    (r) => r.name,
  );
}

test('an empty database is migrated to the current schema with WAL and foreign keys on', () => {
  const db = openDatabase(tempFile(), { create: true });
  assert.equal(schemaVersion(db), SCHEMA_VERSION);
  assert.deepEqual(tables(db), [
    'annotated_slices',
    'annotation_edits',
    'annotation_heads',
    'events',
    'label_classes',
    'models',
    'predictions',
    'project_settings',
    'review_decisions',
    'runs',
    'volumes',
  ]);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  db.close();
});

test('an older database keeps its rows when migrated', () => {
  const file = tempFile();
  const old = new Database(file);
  migrate(old, file, 1);
  assert.equal(schemaVersion(old), 1);
  assert.ok(!tables(old).includes('runs'));
  old.prepare(`INSERT INTO volumes VALUES ('v1', 'brain', 'scans/v1.nii.gz', NULL, '[2,2,2]', '[1,1,1]', 'int16', 'RAS', '[]', 'brain.nii.gz', 'now')`).run();
  old.close();

  const db = openDatabase(file, { create: false });
  assert.equal(schemaVersion(db), SCHEMA_VERSION);
  assert.ok(tables(db).includes('runs'));
  assert.deepEqual(db.prepare('SELECT id, name FROM volumes').all(), [{ id: 'v1', name: 'brain' }]);
  db.close();
});

test('runs recorded before schema 7 have no owner, so a run left running then is taken for an abandoned one', () => {
  const file = tempFile();
  const old = new Database(file);
  migrate(old, file, 6);
  old
    .prepare(`INSERT INTO runs (id, method, model, backend, config, status, created_at) VALUES ('r1', 'supervised', 'unet2d', '', '{}', 'running', 'now')`)
    .run();
  old.close();
  const db = openDatabase(file, { create: false });
  assert.deepEqual(db.prepare('SELECT owner_pid, owner_start, owner_host, owner_since FROM runs').get(), {
    owner_pid: null,
    owner_start: null,
    owner_host: null,
    owner_since: null,
  });
  assert.deepEqual(failAbandonedRuns(db), ['r1']);
  db.close();
});

test('a database from a newer schema is refused and left untouched', () => {
  const file = tempFile();
  const newer = new Database(file);
  newer.exec('CREATE TABLE future (x)');
  newer.pragma(`user_version = ${SCHEMA_VERSION + 3}`);
  newer.close();
  assert.throws(
    () => openDatabase(file, { create: false }),
    (err: unknown) => {
      assert.ok(err instanceof SchemaTooNewError);
      assert.match(err.message, /newer Atrium/);
      assert.match(err.message, new RegExp(`schema ${SCHEMA_VERSION + 3}`));
      return true;
    },
  );
  const after = new Database(file);
  assert.equal(schemaVersion(after), SCHEMA_VERSION + 3);
  assert.deepEqual(tables(after), ['future']);
  after.close();
});

test('a migration that fails leaves the previous version intact', () => {
  const file = tempFile();
  const db = new Database(file);
  migrate(db, file, 1);
  db.exec('CREATE TABLE runs (x)'); // collides with migration 2
  assert.throws(() => migrate(db, file), /already exists/);
  assert.equal(schemaVersion(db), 1);
  assert.ok(!tables(db).includes('models'), 'the failed migration was rolled back as a whole');
  db.close();
});

test('foreign keys cascade from volumes to their annotated slices', () => {
  const db = openDatabase(tempFile(), { create: true });
  db.prepare(`INSERT INTO volumes VALUES ('v1', 'brain', 's', NULL, '[2,2,2]', '[1,1,1]', 'int16', 'RAS', '[]', 'b', 'now')`).run();
  db.prepare(`INSERT INTO annotated_slices (volume_id, axis, slice, updated_at) VALUES ('v1', 'k', 0, 'now')`).run();
  assert.throws(() => db.prepare(`INSERT INTO annotated_slices (volume_id, axis, slice, updated_at) VALUES ('nope', 'k', 0, 'now')`).run(), /FOREIGN KEY/);
  db.prepare("DELETE FROM volumes WHERE id = 'v1'").run();
  assert.equal((db.prepare('SELECT COUNT(*) AS n FROM annotated_slices').get() as { n: number }).n, 0);
  db.close();
});

test('every migration is plain SQL that applies on its own', () => {
  assert.equal(SCHEMA_VERSION, migrations.length);
  for (const sql of migrations) assert.match(sql, /^\s*(CREATE|ALTER) TABLE /m);
});
