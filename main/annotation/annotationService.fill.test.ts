import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNiftiHeader, writeNifti } from '../io/index.ts';
import { ProjectStore } from '../store/projectStore.ts';
import { importScan } from '../api/scanImport.ts';
import { AnnotationService } from './annotationService.ts';
import { sliceIntensities } from './scanIntensity.ts';
import { nextSliceState } from './sliceStates.ts';

const SHAPE: [number, number, number] = [12, 10, 4];
const [NI, NJ] = SHAPE;
const at = (i: number, j: number, k: number) => i + NI * (j + NJ * k);
/** Stored intensity: 100 inside the square i 3..7, j 2..6 on every slice, 20 outside; stored × 2 + 10 in real-world values. */
const inSquare = (i: number, j: number) => i >= 3 && i <= 7 && j >= 2 && j <= 6;

/** An int16 scan of 0.5 × 0.8 × 2 mm voxels whose header scales stored values by 2 and adds 10. */
function scaledScan(): Uint8Array {
  const header = createNiftiHeader({ shape: SHAPE, spacing: [0.5, 0.8, 2], datatype: 'int16' });
  const data = Int16Array.from({ length: NI * NJ * SHAPE[2] }, (_, n) => (inSquare(n % NI, Math.floor(n / NI) % NJ) ? 100 : 20));
  const bytes = writeNifti(header, data, { gzip: false });
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  view.setFloat32(112, 2, true); // scl_slope
  view.setFloat32(116, 10, true); // scl_inter
  return bytes;
}

function setup() {
  const store = ProjectStore.create(join(mkdtempSync(join(tmpdir(), 'atrium-fill-')), 'p'));
  store.addClasses([
    { value: 1, name: 'Liver', color: '#e6194b' },
    { value: 2, name: 'Tumour', color: '#3cb44b' },
  ]);
  const id = importScan(store, { scan: scaledScan(), scanFileName: 'scan.nii' }).id;
  return { store, id, service: new AnnotationService(store, { compaction: 'inline' }) };
}

const squareOn = (k: number, keep: (i: number, j: number) => boolean = () => true) => {
  const out: number[] = [];
  for (let j = 2; j <= 6; j++) for (let i = 3; i <= 7; i++) if (keep(i, j)) out.push(at(i, j, k));
  return out;
};

test('the slice intensities are read from the scan file in real-world values', async () => {
  const { store, id } = setup();
  const plane = await sliceIntensities(store, id, 'k', 1);
  assert.equal(plane.length, NI * NJ);
  assert.equal(plane[4 + NI * 4], 210, 'inside: 100 × 2 + 10');
  assert.equal(plane[0], 50, 'outside: 20 × 2 + 10');
  const onI = await sliceIntensities(store, id, 'i', 5);
  assert.equal(onI.length, NJ * SHAPE[2]);
  assert.equal(onI[3 + NJ * 2], 210, 'i-slice (u = j, v = k)');
  await assert.rejects(sliceIntensities(store, id, 'k', 4), /slice 4 is outside axis k \(0\.\.3\)/);
  store.close();
});

test('a preview changes nothing; the fill then commits exactly the previewed voxels, as one undoable edit', async () => {
  const { store, id, service } = setup();
  const intensity = await sliceIntensities(store, id, 'k', 2);
  const before = service.currentLabels(id);
  const preview = service.fillRegion(id, 'k', 2, [5, 4, 2], 1, intensity);
  assert.equal(preview.revision, 0);
  assert.deepEqual([...new Uint32Array(preview.indices)], squareOn(2), 'the bright square, not the slice');
  assert.equal(preview.voxels, 25);
  assert.ok(Math.abs(preview.areaMm2 - 25 * 0.5 * 0.8) < 1e-5, `area ${preview.areaMm2} mm² (the header stores 0.8 as float32)`);
  assert.equal(preview.seedIntensity, 210);
  // the slice holds 50 and 210: its robust range is 160, the default a tenth of it
  assert.equal(preview.defaultTolerance, 16);
  assert.equal(preview.tolerance, 16);
  assert.deepEqual([preview.low, preview.high], [194, 226]);
  assert.equal(preview.maxTolerance, 160);
  assert.deepEqual(service.currentLabels(id), before, 'nothing written');
  assert.equal(service.snapshot(id).canUndo, false);

  const u = service.fill(id, 'k', 2, [5, 4, 2], 1, intensity, { revision: preview.revision });
  assert.deepEqual([...new Uint32Array(u.indices)], squareOn(2));
  assert.ok(new Uint8Array(u.values).every((v) => v === 1));
  // the slice's state changes as a brush stroke's would
  assert.equal(u.slices.k[2], nextSliceState('unknown', 'paint'));
  service.undo(id);
  assert.deepEqual(service.currentLabels(id), before, 'one undo takes the whole fill back');
  assert.equal(service.snapshot(id).canUndo, false);
  store.close();
});

test('a wide tolerance lets the fill past the edge; the labels still bound it', async () => {
  const { store, id, service } = setup();
  const intensity = await sliceIntensities(store, id, 'k', 1);
  // class 2 on column i = 9 splits the slice
  const wall = Array.from({ length: NJ }, (_, j) => at(9, j, 1));
  service.paint(id, 'k', 1, Uint32Array.from(wall), 2);
  const wide = service.fillRegion(id, 'k', 1, [0, 0, 1], 1, intensity, 160);
  assert.equal(wide.voxels, 9 * NJ, 'columns 0..8: the square too, not past the wall');
  const narrow = service.fillRegion(id, 'k', 1, [0, 0, 1], 1, intensity, 0);
  assert.equal(narrow.voxels, 9 * NJ - 25, 'tolerance 0: the dark voxels only');
  assert.throws(() => service.fillRegion(id, 'k', 1, [9, 3, 1], 1, intensity), /class 2 "Tumour": a fill never overwrites another class/);
  // erasing (value 0) from a class voxel clears that class's region
  assert.equal(service.fillRegion(id, 'k', 1, [9, 3, 1], 0, intensity, 160).voxels, NJ);
  store.close();
});

test('a fill whose labels changed since the preview is refused and writes nothing', async () => {
  const { store, id, service } = setup();
  const intensity = await sliceIntensities(store, id, 'k', 0);
  const preview = service.fillRegion(id, 'k', 0, [5, 4, 0], 1, intensity);
  service.paint(id, 'k', 0, Uint32Array.of(at(5, 5, 0)), 2);
  const after = service.currentLabels(id);
  assert.throws(() => service.fill(id, 'k', 0, [5, 4, 0], 1, intensity, { revision: preview.revision }), /changed since the fill was previewed/);
  assert.deepEqual(service.currentLabels(id), after);
  // previewed again, the region goes round the painted voxel
  const again = service.fillRegion(id, 'k', 0, [5, 4, 0], 1, intensity);
  assert.deepEqual(
    [...new Uint32Array(again.indices)],
    squareOn(0, (i, j) => !(i === 5 && j === 5)),
  );
  assert.throws(() => service.fillRegion(id, 'k', 0, [5, 4, 1], 1, intensity), /not on slice 0 of axis k/);
  assert.throws(() => service.fillRegion(id, 'k', 0, [5, 4, 0], 7, intensity), /value 7 is not a label class/);
  store.close();
});
