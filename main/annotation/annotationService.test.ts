import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '../../shared/api.ts';
import type { AnnotationUpdate } from '../../shared/types.ts';
import { readNifti } from '../io/index.ts';
import { ProjectStore } from '../store/projectStore.ts';
import { importScan } from '../api/scanImport.ts';
import { makePhantom } from '../../tests/support/phantom.ts';
import { AnnotationService, type AnnotationOptions } from './annotationService.ts';
import { storeDatabase } from '../../tests/support/storeDatabase.ts';

const SHAPE: [number, number, number] = [12, 10, 6];
const [NI, NJ] = SHAPE;
const at = (i: number, j: number, k: number) => i + NI * (j + NJ * k);

function setup(options: AnnotationOptions = { compaction: 'inline' }) {
  const path = join(mkdtempSync(join(tmpdir(), 'atrium-annot-')), 'p');
  const store = ProjectStore.create(path);
  store.addClasses([
    { value: 1, name: 'Liver', color: '#e6194b' },
    { value: 2, name: 'Tumour', color: '#3cb44b' },
  ]);
  const p = makePhantom({ shape: SHAPE });
  const id = importScan(store, { scan: p.scanBytes, scanFileName: 'scan.nii.gz' }).id;
  return { path, store, id, service: new AnnotationService(store, options) };
}

/** A horizontal run of voxels on slice k. */
const run = (k: number, j: number, i0: number, i1: number) => Uint32Array.from({ length: i1 - i0 }, (_, n) => at(i0 + n, j, k));
const changed = (u: AnnotationUpdate) => [...new Uint32Array(u.indices)].map((index, n) => [index, new Uint8Array(u.values)[n]]);
const nonZero = (labels: Uint8Array) => [...labels.keys()].filter((n) => labels[n] !== 0).map((n) => [n, labels[n]]);

test('paint writes the voxels, makes the slice painted (annotated once confirmed) and reports exactly what changed', () => {
  const { service, id, store } = setup();
  const u = service.paint(id, 'k', 2, run(2, 3, 1, 4), 1);
  assert.equal(u.revision, 1);
  assert.deepEqual(changed(u), [
    [at(1, 3, 2), 1],
    [at(2, 3, 2), 1],
    [at(3, 3, 2), 1],
  ]);
  assert.equal(u.slices.k[2], 'painted');
  assert.equal(u.slices.k.filter((s) => s !== 'unknown').length, 1);
  assert.deepEqual([u.canUndo, u.canRedo], [true, false]);
  assert.deepEqual(store.annotatedSlices(id, 'k'), [], 'a painted slice is no training target');
  // Painting the same voxels again changes no voxel and no state: not an edit.
  const again = service.paint(id, 'k', 2, run(2, 3, 1, 4), 1);
  assert.equal(again.revision, 1);
  assert.equal(new Uint32Array(again.indices).length, 0);
  assert.equal(service.setSliceState(id, 'k', [2], 'annotated').slices.k[2], 'annotated');
  assert.deepEqual(store.annotatedSlices(id, 'k'), [2]);
  store.close();
});

test('bad paints are refused with a message and change nothing', () => {
  const { service, id, store } = setup();
  service.paint(id, 'k', 2, run(2, 0, 0, 2), 1);
  const before = service.currentLabels(id);
  const refused: [() => unknown, RegExp][] = [
    [() => service.paint(id, 'k', 2, Uint32Array.of(at(0, 0, 3)), 1), /lies on slice 3 of axis k, not on slice 2/],
    [() => service.paint(id, 'k', 2, Uint32Array.of(NI * NJ * 6), 1), /outside the scan/],
    [() => service.paint(id, 'k', 9, Uint32Array.of(0), 1), /slice 9 is outside axis k \(0\.\.5\)/],
    [() => service.paint(id, 'k', 2, Uint32Array.of(at(0, 0, 2)), 7), /value 7 is not a label class \(classes: 1 Liver, 2 Tumour\)/],
    [() => service.paint('nope', 'k', 0, Uint32Array.of(0), 1), /no scan with id nope/],
  ];
  for (const [fn, message] of refused) assert.throws(fn, (err: ApiError) => message.test(err.message));
  assert.deepEqual(service.currentLabels(id), before);
  assert.equal(service.snapshot(id).revision, 1);
  store.close();
});

test('erasing everything on a slice leaves it painted: only confirming (or All background) makes it background', () => {
  const { service, id, store } = setup();
  service.paint(id, 'k', 1, run(1, 2, 0, 5), 2);
  const u = service.paint(id, 'k', 1, run(1, 2, 0, 5), 0);
  assert.equal(u.slices.k[1], 'painted');
  assert.deepEqual(nonZero(service.currentLabels(id)), []);
  store.close();
});

test('undo and redo of paint and erase restore the exact voxels and slice states', () => {
  const { service, id, store } = setup();
  const empty = service.currentLabels(id);
  service.paint(id, 'k', 2, run(2, 4, 2, 8), 1);
  const painted = service.currentLabels(id);
  service.paint(id, 'k', 2, run(2, 4, 4, 6), 0);
  const erased = service.currentLabels(id);
  assert.deepEqual(nonZero(erased), [
    [at(2, 4, 2), 1],
    [at(3, 4, 2), 1],
    [at(6, 4, 2), 1],
    [at(7, 4, 2), 1],
  ]);

  const u1 = service.undo(id);
  assert.deepEqual(changed(u1), [
    [at(4, 4, 2), 1],
    [at(5, 4, 2), 1],
  ]);
  assert.deepEqual(service.currentLabels(id), painted);
  const u2 = service.undo(id);
  assert.deepEqual(service.currentLabels(id), empty);
  assert.equal(u2.slices.k[2], 'unknown');
  assert.deepEqual([u2.canUndo, u2.canRedo, u2.revision], [false, true, 4]);
  assert.throws(() => service.undo(id), /nothing to undo/);

  service.redo(id);
  assert.deepEqual(service.currentLabels(id), painted);
  const u4 = service.redo(id);
  assert.deepEqual(service.currentLabels(id), erased);
  assert.equal(u4.slices.k[2], 'painted');
  assert.deepEqual([u4.canUndo, u4.canRedo], [true, false]);
  assert.throws(() => service.redo(id), /nothing to redo/);
  store.close();
});

test('a new edit after undo drops the redo tail', () => {
  const { service, id, store } = setup();
  service.paint(id, 'k', 0, run(0, 0, 0, 3), 1);
  service.paint(id, 'k', 0, run(0, 1, 0, 3), 1);
  service.undo(id);
  const u = service.paint(id, 'k', 0, run(0, 2, 0, 3), 2);
  assert.equal(u.canRedo, false);
  assert.throws(() => service.redo(id), /nothing to redo/);
  service.undo(id);
  service.undo(id);
  assert.deepEqual(nonZero(service.currentLabels(id)), []);
  store.close();
});

test('undo/redo of fill and of a slice-state change', () => {
  const { service, id, store } = setup();
  // A closed ring of class 1 on slice k=3: filling inside stays inside.
  const ring = [];
  for (let i = 2; i <= 6; i++) ring.push(at(i, 2, 3), at(i, 6, 3));
  for (let j = 3; j <= 5; j++) ring.push(at(2, j, 3), at(6, j, 3));
  service.paint(id, 'k', 3, Uint32Array.from(ring), 1);
  // one intensity everywhere: only the labels bound this fill
  const flat = new Float32Array(NI * NJ);
  const u = service.fill(id, 'k', 3, [4, 4, 3], 2, flat);
  assert.equal(new Uint32Array(u.indices).length, 9);
  assert.ok(new Uint8Array(u.values).every((v) => v === 2));
  service.undo(id);
  assert.equal(nonZero(service.currentLabels(id)).length, ring.length);
  service.redo(id);
  assert.equal(nonZero(service.currentLabels(id)).filter(([, v]) => v === 2).length, 9);
  assert.throws(() => service.fill(id, 'k', 3, [4, 4, 2], 2, flat), /not on slice 3 of axis k/);

  const marked = service.setSliceState(id, 'j', [0, 1], 'annotated');
  assert.deepEqual(marked.slices.j.slice(0, 3), ['annotated', 'annotated', 'unknown']);
  assert.equal(new Uint32Array(marked.indices).length, 0);
  const unknown = service.setSliceState(id, 'k', [3], 'unknown');
  assert.equal(unknown.slices.k[3], 'unknown');
  assert.equal(nonZero(service.currentLabels(id)).length, ring.length + 9, 'marking unknown keeps the voxels');
  assert.deepEqual(store.annotatedSlices(id, 'k'), [], 'but they are no training target');
  assert.equal(service.undo(id).slices.k[3], 'painted');
  assert.deepEqual(service.undo(id).slices.j.slice(0, 2), ['unknown', 'unknown']);
  store.close();
});

/** A disk of `value` with radius r (voxels) centred at (ci, cj) on slice k. */
function disk(k: number, ci: number, cj: number, r: number): Uint32Array {
  const out = [];
  for (let j = 0; j < NJ; j++) for (let i = 0; i < NI; i++) if ((i - ci) ** 2 + (j - cj) ** 2 <= r * r) out.push(at(i, j, k));
  return Uint32Array.from(out);
}

test('interpolate fills the slices between two annotated ones, marked interpolated, undoably', () => {
  const { service, id, store } = setup();
  service.paint(id, 'k', 0, disk(0, 5, 5, 1), 1);
  service.paint(id, 'k', 4, disk(4, 5, 5, 4), 1);
  assert.throws(() => service.interpolate(id, 'k', 4, 0), /slice 0 of axis k is painted but not confirmed/);
  service.setSliceState(id, 'k', [0, 4], 'annotated');
  assert.throws(() => service.interpolate(id, 'k', 0, 5), /slice 5 of axis k is not annotated/);
  const before = service.currentLabels(id);
  const u = service.interpolate(id, 'k', 4, 0);
  assert.deepEqual(u.slices.k, ['annotated', 'interpolated', 'interpolated', 'interpolated', 'annotated', 'unknown']);
  const labels = service.currentLabels(id);
  const area = (k: number) => {
    let n = 0;
    for (let j = 0; j < NJ; j++) for (let i = 0; i < NI; i++) n += labels[at(i, j, k)];
    return n;
  };
  // Radii 1 → 4 over 4 steps: the middle slice is a disk of radius 2.5 (21 voxels), growing monotonically.
  assert.equal(area(2), disk(0, 5, 5, 2.5).length);
  assert.ok(area(1) < area(2) && area(2) < area(3), `${area(1)} ${area(2)} ${area(3)}`);
  // Painting an interpolated slice makes it painted: a person's work, not yet confirmed.
  assert.equal(service.paint(id, 'k', 2, Uint32Array.of(at(0, 0, 2)), 2).slices.k[2], 'painted');
  service.undo(id);
  service.undo(id);
  assert.deepEqual(service.currentLabels(id), before);
  assert.deepEqual(service.sliceStates(id).k, ['annotated', 'unknown', 'unknown', 'unknown', 'annotated', 'unknown']);
  service.markBackground(id, 'k', 1);
  assert.throws(() => service.interpolate(id, 'k', 0, 1), /nothing to interpolate/);
  store.close();
});

test('reopening rebuilds the map, slice states, revision and undo history from the snapshot and journal', () => {
  const { service, id, store, path } = setup({ compaction: 'inline', compactAfterEdits: 3 });
  for (let j = 0; j < 5; j++) service.paint(id, 'k', 1, run(1, j, 0, j + 1), 1 + (j % 2));
  service.undo(id);
  service.undo(id);
  const labels = service.currentLabels(id);
  const states = service.sliceStates(id);
  store.close();

  const reopened = ProjectStore.open(path);
  const again = new AnnotationService(reopened, { compaction: 'inline', compactAfterEdits: 3 });
  assert.deepEqual(again.currentLabels(id), labels);
  assert.deepEqual(again.sliceStates(id), states);
  const snap = again.snapshot(id);
  assert.equal(snap.revision, 7);
  assert.deepEqual([snap.canUndo, snap.canRedo], [true, true]);
  assert.deepEqual(new Uint8Array(readNifti(new Uint8Array(snap.labels), 'l').data), labels);
  again.redo(id);
  again.redo(id);
  assert.equal(nonZero(again.currentLabels(id)).length, 1 + 2 + 3 + 4 + 5);
  for (let n = 0; n < 5; n++) again.undo(id);
  assert.deepEqual(nonZero(again.currentLabels(id)), []);
  reopened.close();
});

test('undo below the snapshot, then a new edit, then reopen: replay walks back through the dropped edits', () => {
  const { service, id, store, path } = setup({ compaction: 'inline', compactAfterEdits: 1000 });
  for (let j = 0; j < 4; j++) service.paint(id, 'k', 0, run(0, j, 0, 3), 1);
  assert.equal(service.compact(id), true);
  service.undo(id);
  service.undo(id);
  service.paint(id, 'k', 5, run(5, 9, 0, 2), 2);
  const labels = service.currentLabels(id);
  store.close();
  const reopened = ProjectStore.open(path);
  const again = new AnnotationService(reopened, { compaction: 'inline' });
  assert.deepEqual(again.currentLabels(id), labels);
  assert.equal(again.snapshot(id).canRedo, false);
  again.undo(id);
  again.undo(id);
  assert.deepEqual(nonZero(again.currentLabels(id)), [
    [at(0, 0, 0), 1],
    [at(1, 0, 0), 1],
    [at(2, 0, 0), 1],
  ]);
  assert.equal(again.undo(id).canUndo, false);
  assert.deepEqual(nonZero(again.currentLabels(id)), []);
  reopened.close();
});

test('compaction writes a new snapshot, removes the old file and keeps the history bounded: 150 strokes, 100 undos', () => {
  const { service, id, store } = setup({ compaction: 'inline', compactAfterEdits: 20 });
  const states: Uint8Array[] = [service.currentLabels(id)];
  // Each stroke paints a whole 12-voxel row with a class it does not hold yet, so every diff has 12 voxels.
  for (let n = 0; n < 150; n++) {
    service.paint(id, 'k', n % 6, run(n % 6, Math.floor(n / 6) % NJ, 0, NI), 1 + (Math.floor(n / 60) % 2));
    states.push(service.currentLabels(id));
  }
  const files = readdirSync(store.file('labels')).filter((f) => f.startsWith(id));
  assert.equal(files.length, 1, `one snapshot file, got ${files.join(', ')}`);
  // 12 voxels × 6 bytes + header ≈ 90 bytes a stroke; at most 100 kept + 20 not yet folded.
  const perStroke = 2 + 12 + 6 * 12 + 8;
  assert.ok(service.journalBytes(id) <= 120 * perStroke, `journal holds ${service.journalBytes(id)} bytes`);
  for (let n = 1; n <= 100; n++) {
    service.undo(id);
    assert.deepEqual(service.currentLabels(id), states[150 - n], `after ${n} undos`);
  }
  store.close();
});

test('an edit that fails to persist (disk full) is not applied in memory either', () => {
  const { service, id, store, path } = setup();
  service.paint(id, 'k', 0, run(0, 0, 0, 2), 1);
  const pages = storeDatabase(store).pragma('page_count', { simple: true }) as number;
  storeDatabase(store).pragma(`max_page_count = ${pages + 2}`);
  let failure: Error | undefined;
  let before = service.currentLabels(id);
  let revision = 1;
  for (let n = 0; n < 10_000 && !failure; n++) {
    before = service.currentLabels(id);
    revision = service.snapshot(id).revision;
    try {
      service.paint(id, 'k', n % 6, run(n % 6, Math.floor(n / 6) % NJ, 0, NI), 1 + (Math.floor(n / 60) % 2));
    } catch (err) {
      failure = err as Error;
    }
  }
  assert.match(String(failure), /full/);
  assert.deepEqual(service.currentLabels(id), before);
  assert.equal(service.snapshot(id).revision, revision);
  store.close();
  const reopened = ProjectStore.open(path);
  const again = new AnnotationService(reopened);
  assert.deepEqual(again.currentLabels(id), before, 'what memory holds is what the disk holds');
  assert.equal(again.snapshot(id).revision, revision);
  reopened.close();
});

test('deferred compaction runs after the edit has returned, not inside it', async () => {
  const { service, id, store } = setup({ compaction: 'deferred', compactAfterEdits: 2 });
  service.paint(id, 'k', 0, run(0, 0, 0, 2), 1);
  const first = store.scanFiles(id)!.labelsFile;
  service.paint(id, 'k', 0, run(0, 1, 0, 2), 1);
  assert.equal(store.scanFiles(id)!.labelsFile, first, 'the stroke returned before any snapshot was written');
  await new Promise((resolve) => setImmediate(resolve));
  assert.notEqual(store.scanFiles(id)!.labelsFile, first);
  assert.equal(service.lastCompactionError, null);
  const reopened = new AnnotationService(store);
  assert.deepEqual(reopened.currentLabels(id), service.currentLabels(id));
  store.close();
});

test('a compaction that cannot write its snapshot loses nothing: the edits stay in the journal', () => {
  const { service, id, store, path } = setup({ compaction: 'inline', compactAfterEdits: 2 });
  service.paint(id, 'k', 0, run(0, 0, 0, 2), 1);
  // The labels folder turns into a file: every snapshot write fails (as on a full disk).
  renameSync(store.file('labels'), store.file('labels-away'));
  writeFileSync(store.file('labels'), 'not a folder');
  const u = service.paint(id, 'k', 0, run(0, 1, 0, 2), 2);
  assert.equal(u.revision, 2, 'the stroke itself was saved');
  assert.match(String(service.lastCompactionError), /ENOTDIR|EEXIST|not a directory/i);
  const labels = service.currentLabels(id);
  store.close();
  renameSync(join(path + '.atrium', 'labels'), join(path + '.atrium', 'labels-broken'));
  renameSync(join(path + '.atrium', 'labels-away'), join(path + '.atrium', 'labels'));
  const reopened = ProjectStore.open(path);
  assert.deepEqual(new AnnotationService(reopened).currentLabels(id), labels);
  reopened.close();
});
