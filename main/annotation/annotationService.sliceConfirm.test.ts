import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectStore } from '../store/projectStore.ts';
import { importScan } from '../api/scanImport.ts';
import { makePhantom } from '../../tests/support/phantom.ts';
import { AnnotationService } from './annotationService.ts';

// Issue 17: a stroke does not make a slice training data; "mark complete" and "all background" do.

const SHAPE: [number, number, number] = [12, 10, 6];
const [NI, NJ] = SHAPE;
const at = (i: number, j: number, k: number) => i + NI * (j + NJ * k);
const row = (k: number, j: number, i0: number, i1: number) => Uint32Array.from({ length: i1 - i0 }, (_, n) => at(i0 + n, j, k));
/** The label values of one k slice, i fastest. */
const sliceK = (labels: Uint8Array, k: number) => labels.slice(at(0, 0, k), at(0, 0, k + 1));

function setup() {
  const path = join(mkdtempSync(join(tmpdir(), 'atrium-confirm-')), 'p');
  const store = ProjectStore.create(path);
  store.addClasses([
    { value: 1, name: 'Liver', color: '#e6194b' },
    { value: 2, name: 'Tumour', color: '#3cb44b' },
  ]);
  const id = importScan(store, { scan: makePhantom({ shape: SHAPE }).scanBytes, scanFileName: 'scan.nii.gz' }).id;
  return { path, store, id, service: new AnnotationService(store, { compaction: 'inline' }) };
}

test('a stroke leaves a new slice painted, listed apart and no training target, until it is marked complete', () => {
  const { path, store, id, service } = setup();
  assert.equal(service.paint(id, 'k', 2, row(2, 3, 0, 4), 1).slices.k[2], 'painted');
  assert.deepEqual(store.annotatedSlices(id, 'k'), []);
  assert.deepEqual(
    [store.scans()[0].annotatedSlices, store.scans()[0].paintedSlices],
    [
      { i: 0, j: 0, k: 0 },
      { i: 0, j: 0, k: 1 },
    ],
  );
  // the store keeps the new state: a reopened project still has the slice painted
  store.close();
  const reopened = ProjectStore.open(path);
  const again = new AnnotationService(reopened, { compaction: 'inline' });
  assert.equal(again.sliceStates(id).k[2], 'painted');

  assert.equal(again.setSliceState(id, 'k', [2], 'annotated').slices.k[2], 'annotated');
  assert.deepEqual(reopened.annotatedSlices(id, 'k'), [2]);
  assert.deepEqual([reopened.scans()[0].annotatedSlices.k, reopened.scans()[0].paintedSlices.k], [1, 0]);
  // a correction of a confirmed slice keeps it confirmed, and undoing it too
  assert.equal(again.paint(id, 'k', 2, row(2, 4, 0, 2), 2).slices.k[2], 'annotated');
  assert.equal(again.undo(id).slices.k[2], 'annotated');
  // undoing the confirmation makes it painted again
  assert.equal(again.undo(id).slices.k[2], 'painted');
  assert.deepEqual(reopened.annotatedSlices(id, 'k'), []);
  reopened.close();
});

test('All background clears the slice and marks it annotated in ONE edit; undo brings back the voxels and the state', () => {
  const { store, id, service } = setup();
  service.paint(id, 'k', 2, row(2, 3, 0, 4), 1);
  service.paint(id, 'k', 2, row(2, 5, 2, 9), 2);
  service.paint(id, 'k', 3, row(3, 5, 2, 9), 2);
  const before = service.currentLabels(id);
  const revision = service.snapshot(id).revision;

  const u = service.markBackground(id, 'k', 2);
  assert.equal(u.revision, revision + 1, 'one edit');
  assert.equal(u.slices.k[2], 'annotated');
  assert.equal(new Uint32Array(u.indices).length, 4 + 7, 'the update names exactly the cleared voxels');
  assert.ok(new Uint8Array(u.values).every((v) => v === 0));
  const cleared = service.currentLabels(id);
  assert.ok(
    sliceK(cleared, 2).every((v) => v === 0),
    'the slice is empty',
  );
  assert.deepEqual(sliceK(cleared, 3), sliceK(before, 3), 'other slices are untouched');
  assert.deepEqual(store.annotatedSlices(id, 'k'), [2]);

  const undone = service.undo(id);
  assert.equal(undone.slices.k[2], 'painted');
  assert.deepEqual(service.currentLabels(id), before);
  assert.deepEqual(store.annotatedSlices(id, 'k'), []);
  service.redo(id);
  assert.deepEqual(service.currentLabels(id), cleared);
  assert.equal(service.sliceStates(id).k[2], 'annotated');

  // on a slice never touched it only marks it: a reviewed background slice
  const blank = service.markBackground(id, 'k', 5);
  assert.equal(blank.slices.k[5], 'annotated');
  assert.equal(new Uint32Array(blank.indices).length, 0);
  assert.throws(() => service.markBackground(id, 'k', 6), /slice 6 is outside axis k/);
  store.close();
});

test("interpolation keeps a person's unconfirmed work: painted slices are neither keys nor overwritten", () => {
  const { store, id, service } = setup();
  const square = (k: number, r: number) =>
    Uint32Array.from({ length: (2 * r + 1) ** 2 }, (_, n) => at(5 - r + (n % (2 * r + 1)), 5 - r + Math.floor(n / (2 * r + 1)), k));
  service.paint(id, 'k', 0, square(0, 1), 1);
  service.paint(id, 'k', 4, square(4, 3), 1);
  service.setSliceState(id, 'k', [0, 4], 'annotated');
  service.paint(id, 'k', 2, Uint32Array.of(at(0, 0, 2)), 2);
  // a voxel painted along another axis, on a slice the interpolation fills
  service.paint(id, 'i', 5, Uint32Array.of(at(5, 5, 1)), 2);
  const before = service.currentLabels(id);

  const u = service.interpolate(id, 'k', 0, 4);
  assert.deepEqual(u.slices.k, ['annotated', 'interpolated', 'painted', 'interpolated', 'annotated', 'unknown']);
  const labels = service.currentLabels(id);
  assert.deepEqual(sliceK(labels, 2), sliceK(before, 2), 'the painted slice keeps its voxels');
  assert.equal(labels[at(5, 5, 1)], 2, 'the voxel painted along i keeps its class');
  assert.ok(
    sliceK(labels, 3).some((v) => v === 1),
    'the slices beside it are interpolated',
  );
  store.close();
});

test('an imported label map is a confirmed annotation: its slices become annotated, not painted', () => {
  const { store, id, service } = setup();
  const values = new Uint8Array(NI * NJ * SHAPE[2]);
  values[at(1, 1, 1)] = 1;
  service.importLabels(id, values, { fileName: 'seg.nii.gz', createClasses: false, annotatedSlices: { axis: 'k', slices: [1, 3] } });
  assert.deepEqual(store.annotatedSlices(id, 'k'), [1, 3]);
  assert.equal(store.scans()[0].paintedSlices.k, 0);
  store.close();
});
