import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectStore } from './projectStore.ts';
import { salvageDatabase } from './databaseSalvage.ts';
import { inspectDatabase } from './databaseCheck.ts';
import { LEFTOVER_MIN_AGE_MS } from './projectLeftovers.ts';
import Database from 'better-sqlite3';
import { corruptFreelist, corruptHeader, corruptLeafOf, databaseOf, EVENTS, populatedProject, sha256 } from '../../tests/support/damagedProject.ts';
import { storeDatabase } from '../../tests/support/storeDatabase.ts';

const tempDir = () => mkdtempSync(join(tmpdir(), 'atrium-salvage-'));

test('a database damaged in the middle is salvaged into a new one that opens with every readable row', () => {
  const folder = populatedProject(tempDir());
  const file = databaseOf(folder);
  corruptLeafOf(file, 'events');
  const damagedHash = sha256(file);

  const report = salvageDatabase(folder, new Date('2026-12-06T23:15:00Z'));
  assert.equal(report.method, 'row-by-row');
  assert.equal(report.damagedCopy, 'atrium.sqlite.damaged-20261206T231500Z');
  assert.equal(sha256(join(folder, report.damagedCopy)), damagedHash, 'the original is kept as it was');
  assert.deepEqual(inspectDatabase(file, 'full'), { state: 'ok', problems: [] });

  const events = report.tables.find((t) => t.table === 'events')!;
  assert.ok(events.lostAtMost > 0 && events.lostAtMost < EVENTS / 2, `events lost: ${events.lostAtMost}`);
  assert.equal(report.tables.find((t) => t.table === 'scans')!.recovered, 2);
  assert.equal(report.tables.find((t) => t.table === 'scans')!.lostAtMost, 0);

  const store = ProjectStore.open(folder);
  try {
    assert.deepEqual(
      store
        .scans()
        .map((v) => v.name)
        .sort(),
      ['a', 'b'],
    );
    assert.deepEqual(store.scans().find((v) => v.name === 'a')!.annotatedSlices, { i: 12, j: 10, k: 6 });
    const n = (storeDatabase(store).prepare(`SELECT COUNT(*) AS n FROM events WHERE kind = 'test.padding'`).get() as { n: number }).n;
    assert.equal(n, events.recovered - 2, 'every recovered padding event is there (the other two are the imports)');
    assert.ok(n > EVENTS / 2);
  } finally {
    store.close();
  }
});

test('a damaged index loses no row: the tables are copied and the index rebuilt', () => {
  const folder = populatedProject(tempDir());
  const db = new Database(databaseOf(folder));
  const scan = db.prepare('SELECT id FROM scans LIMIT 1').pluck().get();
  const insert = db.prepare(`INSERT INTO annotation_edits (scan_id, kind, status, diff, created_at) VALUES (?, 'paint', 'applied', x'00', 'now')`);
  db.transaction(() => {
    for (let i = 0; i < 3000; i++) insert.run(scan);
  })();
  db.close();
  corruptLeafOf(databaseOf(folder), 'annotation_edits_by_scan');

  const report = salvageDatabase(folder);
  assert.equal(report.method, 'row-by-row', 'VACUUM INTO copies indexes as they are, so it fails on a damaged one');
  assert.ok(report.tables.every((t) => t.lostAtMost === 0));
  assert.equal(report.tables.find((t) => t.table === 'annotation_edits')!.recovered, 3000);
  assert.deepEqual(inspectDatabase(databaseOf(folder), 'full'), { state: 'ok', problems: [] });
});

test('damage outside every table and index (the freelist) is repaired by VACUUM INTO, losing nothing', () => {
  const folder = populatedProject(tempDir());
  corruptFreelist(databaseOf(folder));
  assert.equal(inspectDatabase(databaseOf(folder), 'full').state, 'damaged');
  const report = salvageDatabase(folder);
  assert.equal(report.method, 'vacuum-into');
  assert.equal(report.tables.find((t) => t.table === 'events')!.recovered, 100, 'the two imports and the padding events up to id 100');
  const store = ProjectStore.open(folder);
  assert.equal(store.scans().length, 2);
  store.close();
});

test('a database with a damaged header is replaced by an empty one, and its scans go to lost+found when the project opens', () => {
  const folder = populatedProject(tempDir());
  corruptHeader(databaseOf(folder));
  const report = salvageDatabase(folder);
  assert.equal(report.method, 'fresh');
  assert.ok(report.tables.every((t) => t.recovered === 0));

  const old = (Date.now() - LEFTOVER_MIN_AGE_MS - 60_000) / 1000;
  for (const sub of ['scans', 'labels']) for (const name of readdirSync(join(folder, sub))) utimesSync(join(folder, sub, name), old, old);
  const store = ProjectStore.open(folder);
  try {
    assert.deepEqual(store.scans(), []);
    assert.equal(store.cleaned.movedToLostAndFound.filter((f) => f.startsWith('scans')).length, 2);
    assert.equal(readdirSync(join(folder, 'lost+found', 'scans')).length, 2);
  } finally {
    store.close();
  }
});
