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
    'scans',
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
  assert.deepEqual(db.prepare('SELECT id, name FROM scans').all(), [{ id: 'v1', name: 'brain' }]);
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

test('a schema-7 project with rows opens as schema 8: volumes become scans, volume_id scan_id, scan_file image_file, every link kept', () => {
  const file = tempFile();
  const old = new Database(file);
  old.pragma('foreign_keys = ON');
  migrate(old, file, 7);
  old.exec(`
    INSERT INTO volumes VALUES ('v1', 'brain', 'scans/v1.nii.gz', 'labels/v1.nii.gz', '[2,2,2]', '[1,1,1]', 'int16', 'RAS', '[]', 'brain.nii.gz', 'now');
    INSERT INTO volumes VALUES ('v2', 'knee', 'scans/v2.nii.gz', NULL, '[2,2,2]', '[1,1,1]', 'int16', 'RAS', '[]', 'knee.nii.gz', 'now');
    INSERT INTO annotated_slices (volume_id, axis, slice, updated_at) VALUES ('v1', 'k', 0, 'now'), ('v2', 'i', 1, 'now');
    INSERT INTO runs (id, method, model, backend, config, status, created_at) VALUES ('r1', 'supervised', 'unet2d', 'cpu', '{}', 'finished', 'now');
    INSERT INTO predictions (id, run_id, volume_id, labels_file, created_at) VALUES ('p1', 'r1', 'v1', 'predictions/p1.nii.gz', 'now');
    INSERT INTO review_decisions (prediction_id, axis, slice, decision, decided_at) VALUES ('p1', 'k', 0, 'accepted', 'now');
    INSERT INTO annotation_heads (volume_id, revision, snapshot_seq) VALUES ('v1', 3, 1);
    INSERT INTO annotation_edits (volume_id, kind, status, diff, created_at) VALUES ('v1', 'paint', 'applied', x'00', 'now');
  `);
  old.close();

  const db = openDatabase(file, { create: false });
  assert.equal(schemaVersion(db), 8);
  assert.ok(!tables(db).includes('volumes'));
  const columns = (table: string) => (db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name);
  assert.ok(columns('scans').includes('image_file') && !columns('scans').includes('scan_file'));
  for (const table of ['annotated_slices', 'predictions', 'annotation_heads', 'annotation_edits']) {
    assert.ok(columns(table).includes('scan_id') && !columns(table).includes('volume_id'), table);
    const keys = db.pragma(`foreign_key_list(${table})`) as { table: string; from: string; to: string }[];
    assert.ok(
      keys.some((k) => k.table === 'scans' && k.from === 'scan_id' && k.to === 'id'),
      `${table}.scan_id references scans(id)`,
    );
  }
  assert.deepEqual(db.pragma('foreign_key_check'), []);
  assert.deepEqual(db.pragma('integrity_check', { simple: true }), 'ok');
  assert.deepEqual(db.prepare('SELECT id, name, image_file, labels_file FROM scans ORDER BY id').all(), [
    { id: 'v1', name: 'brain', image_file: 'scans/v1.nii.gz', labels_file: 'labels/v1.nii.gz' },
    { id: 'v2', name: 'knee', image_file: 'scans/v2.nii.gz', labels_file: null },
  ]);
  assert.deepEqual(db.prepare('SELECT scan_id, axis, slice FROM annotated_slices ORDER BY scan_id').all(), [
    { scan_id: 'v1', axis: 'k', slice: 0 },
    { scan_id: 'v2', axis: 'i', slice: 1 },
  ]);
  assert.deepEqual(db.prepare('SELECT scan_id FROM predictions').all(), [{ scan_id: 'v1' }]);
  assert.deepEqual(db.prepare('SELECT scan_id, revision FROM annotation_heads').all(), [{ scan_id: 'v1', revision: 3 }]);
  assert.deepEqual(db.prepare('SELECT scan_id FROM annotation_edits').all(), [{ scan_id: 'v1' }]);
  const indexes = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'annotation_edits' AND sql IS NOT NULL`).all();
  assert.deepEqual(indexes, [{ name: 'annotation_edits_by_scan', sql: 'CREATE INDEX annotation_edits_by_scan ON annotation_edits (scan_id, seq)' }]);

  // the links still hold and still cascade: a scan's removal takes its slices, predictions, review and journal with it
  assert.throws(() => db.prepare(`INSERT INTO annotated_slices (scan_id, axis, slice, updated_at) VALUES ('nope', 'k', 0, 'now')`).run(), /FOREIGN KEY/);
  db.prepare("DELETE FROM scans WHERE id = 'v1'").run();
  for (const table of ['annotated_slices', 'predictions', 'review_decisions', 'annotation_heads', 'annotation_edits']) {
    const left = db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number };
    assert.equal(left.n, table === 'annotated_slices' ? 1 : 0, table);
  }
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

test('foreign keys cascade from scans to their annotated slices', () => {
  const db = openDatabase(tempFile(), { create: true });
  db.prepare(`INSERT INTO scans VALUES ('v1', 'brain', 's', NULL, '[2,2,2]', '[1,1,1]', 'int16', 'RAS', '[]', 'b', 'now')`).run();
  db.prepare(`INSERT INTO annotated_slices (scan_id, axis, slice, updated_at) VALUES ('v1', 'k', 0, 'now')`).run();
  assert.throws(() => db.prepare(`INSERT INTO annotated_slices (scan_id, axis, slice, updated_at) VALUES ('nope', 'k', 0, 'now')`).run(), /FOREIGN KEY/);
  db.prepare("DELETE FROM scans WHERE id = 'v1'").run();
  assert.equal((db.prepare('SELECT COUNT(*) AS n FROM annotated_slices').get() as { n: number }).n, 0);
  db.close();
});

test('every migration is plain SQL that applies on its own', () => {
  assert.equal(SCHEMA_VERSION, migrations.length);
  for (const sql of migrations) assert.match(sql, /^\s*(CREATE|ALTER) TABLE /m);
});
