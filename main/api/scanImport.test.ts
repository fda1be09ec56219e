import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ApiError } from '../../shared/api.ts';
import { createNiftiHeader, readNifti, writeNifti } from '../io/index.ts';
import { ProjectStore } from '../store/projectStore.ts';
import { makePhantom } from '../../tests/support/phantom.ts';
import { importScan } from './scanImport.ts';
import { storeDatabase } from '../../tests/support/storeDatabase.ts';

const newStore = () => ProjectStore.create(join(mkdtempSync(join(tmpdir(), 'atrium-import-')), 'p'));

/** Everything a failed import could have touched: files on disk and rows in the database. */
function snapshot(store: ProjectStore) {
  const files = ['scans', 'labels'].flatMap((d) => readdirSync(store.file(d)).map((f) => `${d}/${f}`));
  const count = (t: string) => (storeDatabase(store).prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
  return { files, scans: count('scans'), slices: count('annotated_slices'), classes: count('label_classes'), events: count('events') };
}

test('a scan with a full label map is imported with geometry, classes and every slice annotated', () => {
  const store = newStore();
  const p = makePhantom({ shape: [20, 16, 8], spacing: [0.5, 0.5, 3] });
  const info = importScan(store, { scan: p.scanBytes, scanFileName: 'knee.nii.gz', labels: p.labelBytes, labelsFileName: 'knee-seg.nii.gz' });
  assert.equal(info.name, 'knee');
  assert.deepEqual(info.shape, [20, 16, 8]);
  assert.deepEqual(info.spacing, [0.5, 0.5, 3]);
  assert.equal(info.datatype, 'int16');
  assert.equal(info.orientation, 'RAS');
  assert.deepEqual(info.annotatedSlices, { i: 20, j: 16, k: 8 });
  assert.equal(info.hasLabels, true);
  assert.deepEqual(
    store.classes().map((c) => [c.value, c.name]),
    [
      [1, 'Label 1'],
      [2, 'Label 2'],
    ],
  );
  const files = store.scanFiles(info.id)!;
  assert.ok(readFileSync(store.file(files.imageFile)).equals(p.scanBytes), 'the scan is kept byte for byte');
  const labels = readNifti(readFileSync(store.file(files.labelsFile!)), 'labels');
  assert.deepEqual(new Uint8Array(labels.data), new Uint8Array(p.labels));
  store.close();
});

test('with annotated slices only those slices keep labels; the rest is unknown', () => {
  const store = newStore();
  const p = makePhantom({ shape: [16, 16, 10] });
  const info = importScan(store, {
    scan: p.scanBytes,
    scanFileName: 'a.nii.gz',
    labels: p.labelBytes,
    labelsFileName: 'l.nii.gz',
    annotatedSlices: { axis: 'k', slices: [6, 3, 6] },
  });
  assert.deepEqual(info.annotatedSlices, { i: 0, j: 0, k: 2 });
  assert.deepEqual(store.annotatedSlices(info.id, 'k'), [3, 6]);
  const labels = readNifti(readFileSync(store.file(store.scanFiles(info.id)!.labelsFile!)), 'labels').data;
  const plane = 16 * 16;
  for (let k = 0; k < 10; k++) {
    const slice = labels.subarray(k * plane, (k + 1) * plane);
    const expected = k === 3 || k === 6 ? p.labels.subarray(k * plane, (k + 1) * plane) : new Uint8Array(plane);
    assert.deepEqual(slice, expected, `slice k=${k}`);
  }
  store.close();
});

test('names stay unique', () => {
  const store = newStore();
  const p = makePhantom({ shape: [8, 8, 4] });
  const a = importScan(store, { scan: p.scanBytes, scanFileName: 'brain.nii.gz' });
  const b = importScan(store, { scan: p.scanBytes, scanFileName: 'brain.nii.gz' });
  assert.deepEqual([a.name, b.name], ['brain', 'brain-2']);
  store.close();
});

function badInputCases() {
  const p = makePhantom({ shape: [12, 10, 6] });
  const other = makePhantom({
    shape: [12, 10, 6],
    affine: [
      [1, 0, 0, 5],
      [0, 1, 0, 0],
      [0, 0, 2, 0],
      [0, 0, 0, 1],
    ],
  });
  const smaller = makePhantom({ shape: [12, 10, 5] });
  const raw = writeNifti(p.header, p.image);
  const nanHeader = createNiftiHeader({ shape: [4, 4, 4], spacing: [1, 1, 1], datatype: 'float32' });
  const nanData = new Float32Array(64).fill(1);
  nanData[5] = NaN;
  nanData[9] = Infinity;
  const fourD = { ...createNiftiHeader({ shape: [4, 4, 4], spacing: [1, 1, 1], datatype: 'uint8' }) };
  const fourDBytes = new Uint8Array(writeNifti(fourD, new Uint8Array(64)));
  new DataView(fourDBytes.buffer).setInt16(40, 4, true);
  new DataView(fourDBytes.buffer).setInt16(48, 2, true);
  const fourDFile = new Uint8Array(fourDBytes.length + 64);
  fourDFile.set(fourDBytes);
  const fractional = writeNifti(
    p.header,
    Float32Array.from(p.labels, (v) => v + 0.5),
  );
  const zeroDim = raw.slice();
  new DataView(zeroDim.buffer).setInt16(44, 0, true);
  const badMagic = raw.slice();
  badMagic[344] = 0x78;
  return [
    { what: 'truncated file', req: { scan: raw.subarray(0, raw.length - 100), scanFileName: 'cut.nii' }, message: /cut\.nii.*(truncated|short|bytes)/i },
    { what: 'header cut short', req: { scan: raw.subarray(0, 200), scanFileName: 'tiny.nii' }, message: /tiny\.nii/ },
    { what: 'wrong magic', req: { scan: badMagic, scanFileName: 'magic.nii' }, message: /magic\.nii.*magic/i },
    { what: 'gzip error', req: { scan: gzipSync(raw).subarray(0, 500), scanFileName: 'broken.nii.gz' }, message: /broken\.nii\.gz.*(gzip|compress)/i },
    { what: 'zero dimension', req: { scan: zeroDim, scanFileName: 'zero.nii' }, message: /zero\.nii.*dim/i },
    { what: 'NaN/Inf voxels', req: { scan: writeNifti(nanHeader, nanData), scanFileName: 'nan.nii' }, message: /nan\.nii: 2 voxel\(s\) are NaN or infinite/ },
    { what: '4D file', req: { scan: fourDFile, scanFileName: 'fmri.nii' }, message: /fmri\.nii.*4D.*2 frames/ },
    {
      what: 'label map with another affine',
      req: { scan: p.scanBytes, scanFileName: 's.nii.gz', labels: other.labelBytes, labelsFileName: 'l.nii.gz' },
      message: /l\.nii\.gz does not fit s\.nii\.gz/,
    },
    {
      what: 'label map with another shape',
      req: { scan: p.scanBytes, scanFileName: 's.nii.gz', labels: smaller.labelBytes, labelsFileName: 'l.nii.gz' },
      message: /l\.nii\.gz does not fit s\.nii\.gz: grid 12×10×6 does not match 12×10×5/,
    },
    {
      what: 'label map with fractional values',
      req: { scan: p.scanBytes, scanFileName: 's.nii.gz', labels: fractional, labelsFileName: 'l.nii' },
      message: /l\.nii: voxel \d+ has value 0\.5/,
    },
    {
      what: 'annotated slice out of range',
      req: {
        scan: p.scanBytes,
        scanFileName: 's.nii.gz',
        labels: p.labelBytes,
        labelsFileName: 'l.nii.gz',
        annotatedSlices: { axis: 'k' as const, slices: [2, 6] },
      },
      message: /annotated slices 6 are outside axis k \(0\.\.5\)/,
    },
    {
      what: 'not NIfTI at all',
      req: { scan: new TextEncoder().encode('hello, this is a text file, not a scan'.repeat(20)), scanFileName: 'notes.nii' },
      message: /notes\.nii/,
    },
  ];
}

for (const c of badInputCases()) {
  test(`bad input is refused with a clear message and leaves the project as it was: ${c.what}`, () => {
    const store = newStore();
    const ok = makePhantom({ shape: [12, 10, 6], seed: 9 });
    importScan(store, { scan: ok.scanBytes, scanFileName: 'existing.nii.gz', labels: ok.labelBytes, labelsFileName: 'existing-seg.nii.gz' });
    const before = snapshot(store);
    assert.throws(
      () => importScan(store, c.req),
      (err: unknown) => {
        assert.ok(err instanceof ApiError, `expected ApiError, got ${String(err)}`);
        assert.equal(err.code, 'bad-input');
        assert.match(err.message, c.message);
        return true;
      },
    );
    assert.deepEqual(snapshot(store), before);
    store.close();
  });
}

test('a 4D file is imported by its first frame only when asked, and stored as that 3D frame', () => {
  const store = newStore();
  const header = createNiftiHeader({ shape: [4, 3, 2], spacing: [1, 1, 1], datatype: 'int16' });
  const frames = Int16Array.from({ length: 48 }, (_, n) => n);
  const bytes = new Uint8Array(writeNifti(header, frames.subarray(0, 24)));
  const view = new DataView(bytes.buffer);
  view.setInt16(40, 4, true);
  view.setInt16(48, 2, true);
  const file = new Uint8Array(bytes.length + 48);
  file.set(bytes);
  file.set(new Uint8Array(frames.buffer, 48, 48), bytes.length);
  assert.throws(() => importScan(store, { scan: file, scanFileName: 'dyn.nii' }), /dyn\.nii: 4D file with 2 frames/);
  const info = importScan(store, { scan: file, scanFileName: 'dyn.nii', firstFrameOnly: true });
  assert.deepEqual(info.shape, [4, 3, 2]);
  const stored = readNifti(readFileSync(store.file(store.scanFiles(info.id)!.imageFile)), 'stored');
  assert.equal(stored.header.dim[0], 3);
  assert.deepEqual([...stored.data], [...frames.subarray(0, 24)]);
  store.close();
});
