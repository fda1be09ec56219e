import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiError } from '../../shared/api.ts';
import type { AnnotationSnapshot, AnnotationUpdate, ExportedLabels, FillPreview, LabelClass, ProjectInfo, ScanInfo } from '../../shared/types.ts';
import { readNifti, writeNifti } from '../io/index.ts';
import { makePhantom } from '../../tests/support/phantom.ts';
import { ownedArrayBuffer } from '../io/bytes.ts';
import { assertRefused } from '../../tests/support/apiAssertions.ts';
import { createAppContext, type AppContext } from './appContext.ts';
import { dispatch } from './handlers.ts';

const SHAPE: [number, number, number] = [10, 8, 6];
const [NI, NJ] = SHAPE;
const at = (i: number, j: number, k: number) => i + NI * (j + NJ * k);
const phantom = makePhantom({ shape: SHAPE, seed: 3 });
const buffer = ownedArrayBuffer;

let ctx: AppContext;
let scan: ScanInfo;
const changes: ProjectInfo[] = [];

const call = (method: string, req: unknown) => dispatch(ctx.handlers, method, req);
const refused = (method: string, req: unknown, code: ApiError['code'], message: RegExp) => assertRefused(call(method, req), code, message);
const labelsOf = async (id: string) =>
  new Uint8Array(readNifti(new Uint8Array(((await call('annotations.load', { scanId: id })) as AnnotationSnapshot).labels), 'l').data);

before(async () => {
  const home = mkdtempSync(join(tmpdir(), 'atrium-annot-api-'));
  ctx = createAppContext({ shell: 'browser', home });
  ctx.workspace.create(join(home, 'P'));
  scan = (await call('scans.import', { scan: buffer(phantom.scanBytes), scanFileName: 'knee.nii.gz' })) as ScanInfo;
  ctx.hub.on('project.changed', (info) => changes.push(info));
});

after(() => ctx.workspace.close());

test('classes: add with the next free value or a given one, rename, recolour; clashes refused', async () => {
  let classes = (await call('classes.add', { name: 'Cartilage', color: '#E6194B' })) as LabelClass[];
  assert.deepEqual(classes, [{ value: 1, name: 'Cartilage', color: '#e6194b' }]);
  classes = (await call('classes.add', { name: 'Bone', color: '#3cb44b', value: 5 })) as LabelClass[];
  classes = (await call('classes.add', { name: 'Meniscus', color: '#4363d8' })) as LabelClass[];
  assert.deepEqual(
    classes.map((c) => c.value),
    [1, 2, 5],
  );
  await refused('classes.add', { name: 'bone', color: '#000000' }, 'conflict', /a class named "Bone" already exists \(value 5\)/);
  await refused('classes.add', { name: 'Other', color: '#000000', value: 5 }, 'conflict', /value 5 already belongs to class "Bone"/);
  await refused('classes.add', { name: 'Other', color: '#000000', value: 255 }, 'invalid-request', /value/);
  classes = (await call('classes.update', { value: 2, name: 'Menisci', color: '#ffe119' })) as LabelClass[];
  assert.deepEqual(
    classes.find((c) => c.value === 2),
    { value: 2, name: 'Menisci', color: '#ffe119' },
  );
  await refused('classes.update', { value: 2, name: 'CARTILAGE' }, 'conflict', /already exists/);
  await refused('classes.update', { value: 9, name: 'X' }, 'not-found', /no label class with value 9/);
  assert.ok(
    changes.at(-1)!.classes.some((c) => c.name === 'Menisci'),
    'project.changed carries the classes',
  );
});

test('load, paint, fill, state change, undo, redo through dispatch', async () => {
  const snap = (await call('annotations.load', { scanId: scan.id })) as AnnotationSnapshot;
  assert.deepEqual([snap.revision, snap.canUndo, snap.canRedo], [0, false, false]);
  assert.deepEqual(snap.slices.k, new Array(6).fill('unknown'));
  const empty = readNifti(new Uint8Array(snap.labels), 'l');
  assert.deepEqual(empty.shape, SHAPE);
  assert.ok(empty.data.every((v) => v === 0));

  const stroke = Uint32Array.of(at(1, 1, 2), at(2, 1, 2), at(3, 1, 2));
  const painted = (await call('annotations.paint', { scanId: scan.id, axis: 'k', slice: 2, indices: buffer(stroke), value: 1 })) as AnnotationUpdate;
  assert.deepEqual([...new Uint32Array(painted.indices)], [...stroke]);
  assert.deepEqual([...new Uint8Array(painted.values)], [1, 1, 1]);
  assert.equal(painted.slices.k[2], 'painted');
  assert.deepEqual(
    [changes.at(-1)!.scans[0].annotatedSlices.k, changes.at(-1)!.scans[0].paintedSlices.k],
    [0, 1],
    'the project lists the newly painted slice, not as training data',
  );
  assert.equal(changes.at(-1)!.scans[0].hasLabels, true);
  const confirmed = (await call('annotations.setSliceState', { scanId: scan.id, axis: 'k', slices: [2], state: 'annotated' })) as AnnotationUpdate;
  assert.equal(confirmed.slices.k[2], 'annotated');
  assert.deepEqual([changes.at(-1)!.scans[0].annotatedSlices.k, changes.at(-1)!.scans[0].paintedSlices.k], [1, 0], 'confirmed: training data');

  await refused(
    'annotations.paint',
    { scanId: scan.id, axis: 'k', slice: 3, indices: buffer(stroke), value: 1 },
    'bad-input',
    /lies on slice 2 of axis k, not on slice 3/,
  );
  await refused('annotations.paint', { scanId: scan.id, axis: 'k', slice: 2, indices: buffer(stroke), value: 7 }, 'bad-input', /value 7 is not a label class/);
  await refused('annotations.paint', { scanId: scan.id, axis: 'k', slice: 2, indices: new ArrayBuffer(6), value: 1 }, 'bad-input', /multiple of 4/);
  await refused(
    'annotations.paint',
    { scanId: scan.id, axis: 'k', slice: 2, indices: buffer(Uint32Array.of(NI * NJ * 6)), value: 1 },
    'bad-input',
    /outside the scan/,
  );
  await refused('annotations.paint', { scanId: 'missing', axis: 'k', slice: 2, indices: buffer(stroke), value: 1 }, 'not-found', /no scan with id missing/);
  await refused('annotations.paint', { scanId: scan.id, axis: 'x', slice: 2, indices: buffer(stroke), value: 1 }, 'invalid-request', /axis/);

  // A preview changes nothing; with a tolerance wide enough for every intensity, the fill takes
  // the rest of the background on slice k=2: everything but the stroke, exactly as previewed.
  const fillAt = { scanId: scan.id, axis: 'k', slice: 2, seed: [0, 0, 2], value: 2, tolerance: 1e9 };
  const preview = (await call('annotations.fillPreview', fillAt)) as FillPreview;
  assert.equal(preview.voxels, NI * NJ - 3);
  assert.equal(((await call('annotations.load', { scanId: scan.id })) as AnnotationSnapshot).revision, preview.revision, 'nothing written');
  await refused('annotations.fill', { ...fillAt, revision: preview.revision - 1 }, 'conflict', /changed since the fill was previewed/);
  await refused('annotations.fillPreview', { ...fillAt, seed: [1, 1, 2] }, 'bad-input', /class 1 .*never overwrites another class/);
  const filled = (await call('annotations.fill', { ...fillAt, revision: preview.revision })) as AnnotationUpdate;
  assert.deepEqual([...new Uint32Array(filled.indices)], [...new Uint32Array(preview.indices)]);
  await refused('annotations.fill', { scanId: scan.id, axis: 'k', slice: 2, seed: [0, 0, 1], value: 2 }, 'bad-input', /not on slice 2/);

  const marked = (await call('annotations.setSliceState', { scanId: scan.id, axis: 'i', slices: [0, 9], state: 'annotated' })) as AnnotationUpdate;
  assert.equal(marked.slices.i[0], 'annotated');
  await refused(
    'annotations.setSliceState',
    { scanId: scan.id, axis: 'i', slices: [10], state: 'annotated' },
    'bad-input',
    /slice 10 is outside axis i \(0\.\.9\)/,
  );

  const undone = (await call('annotations.undo', { scanId: scan.id })) as AnnotationUpdate;
  assert.equal(undone.slices.i[0], 'unknown');
  const unfilled = (await call('annotations.undo', { scanId: scan.id })) as AnnotationUpdate;
  assert.ok(new Uint8Array(unfilled.values).every((v) => v === 0));
  const refilled = (await call('annotations.redo', { scanId: scan.id })) as AnnotationUpdate;
  assert.deepEqual([refilled.revision, refilled.canUndo, refilled.canRedo], [7, true, true]);
  const labels = await labelsOf(scan.id);
  assert.equal(labels.filter((v) => v === 2).length, NI * NJ - 3);
  assert.equal(labels.filter((v) => v === 1).length, 3);
});

test('interpolate through dispatch, and its errors', async () => {
  const square = (k: number, r: number) => {
    const out = [];
    for (let j = 4 - r; j <= 4 + r; j++) for (let i = 4 - r; i <= 4 + r; i++) out.push(at(i, j, k));
    return buffer(Uint32Array.from(out));
  };
  const confirm = (axis: 'j' | 'k', slices: number[]) => call('annotations.setSliceState', { scanId: scan.id, axis, slices, state: 'annotated' });
  await call('annotations.paint', { scanId: scan.id, axis: 'k', slice: 0, indices: square(0, 1), value: 5 });
  await refused('annotations.interpolate', { scanId: scan.id, axis: 'k', from: 0, to: 4 }, 'bad-input', /slice 0 of axis k is painted but not confirmed/);
  await confirm('k', [0]);
  await refused('annotations.interpolate', { scanId: scan.id, axis: 'k', from: 0, to: 4 }, 'bad-input', /slice 4 of axis k is not annotated/);
  await call('annotations.paint', { scanId: scan.id, axis: 'k', slice: 4, indices: square(4, 3), value: 5 });
  await confirm('k', [4]);
  const u = (await call('annotations.interpolate', { scanId: scan.id, axis: 'k', from: 4, to: 0 })) as AnnotationUpdate;
  assert.deepEqual(u.slices.k, ['annotated', 'interpolated', 'annotated', 'interpolated', 'annotated', 'unknown']);
  // Slice 2 (annotated, without class 5) is a key too, so class 5 is carried into neither gap.
  let labels = await labelsOf(scan.id);
  for (const k of [1, 3]) for (let n = 0; n < NI * NJ; n++) assert.equal(labels[k * NI * NJ + n], 0);
  // Along j on row k=5: a 3-voxel segment at j=0 and a 7-voxel one at j=6 give 5 voxels at j=3.
  const row = (j: number, i0: number, i1: number) => buffer(Uint32Array.from({ length: i1 - i0 + 1 }, (_, n) => at(i0 + n, j, 5)));
  await call('annotations.paint', { scanId: scan.id, axis: 'j', slice: 0, indices: row(0, 3, 5), value: 5 });
  await call('annotations.paint', { scanId: scan.id, axis: 'j', slice: 6, indices: row(6, 1, 7), value: 5 });
  await confirm('j', [0, 6]);
  const along = (await call('annotations.interpolate', { scanId: scan.id, axis: 'j', from: 0, to: 6 })) as AnnotationUpdate;
  assert.deepEqual(along.slices.j, ['annotated', 'interpolated', 'interpolated', 'interpolated', 'interpolated', 'interpolated', 'annotated', 'unknown']);
  labels = await labelsOf(scan.id);
  assert.deepEqual(
    Array.from({ length: NI }, (_, i) => labels[at(i, 3, 5)]),
    [0, 0, 5, 5, 5, 5, 5, 0, 0, 0],
  );
  // Voxels of k=2 (annotated along k) are a person's work: the j interpolation leaves them alone.
  assert.deepEqual([labels[at(1, 1, 2)], labels[at(0, 1, 2)]], [1, 2]);
  await refused('annotations.interpolate', { scanId: scan.id, axis: 'k', from: 0, to: 1 }, 'bad-input', /slice 1 of axis k is not annotated/);
});

test('export gives the current map in the scan geometry with a sidecar; scans.labels agrees', async () => {
  const exported = (await call('annotations.export', { scanId: scan.id })) as ExportedLabels;
  assert.equal(exported.fileName, 'knee_labels.nii.gz');
  const image = readNifti(new Uint8Array(exported.nifti), 'x');
  assert.deepEqual(image.header.srowX, phantom.header.srowX);
  assert.deepEqual(image.header.pixdim, readNifti(phantom.scanBytes, 's').header.pixdim);
  assert.deepEqual(new Uint8Array(image.data), await labelsOf(scan.id));
  const sidecar = JSON.parse(exported.sidecar!);
  assert.equal(sidecar.scan.name, 'knee');
  assert.equal(sidecar.sourceFile, 'knee.nii.gz');
  assert.deepEqual(sidecar.slices.k, { annotated: [0, 2, 4], painted: [], interpolated: [1, 3], predicted: [] });
  assert.deepEqual(sidecar.slices.j, { annotated: [0, 6], painted: [], interpolated: [1, 2, 3, 4, 5], predicted: [] });
  assert.deepEqual(
    sidecar.classes.map((c: LabelClass) => c.value),
    [1, 2, 5],
  );
  assert.match(sidecar.exportedAt, /^\d{4}-\d\d-\d\dT/);
  const plain = (await call('annotations.export', { scanId: scan.id, sidecar: false })) as ExportedLabels;
  assert.equal(plain.sidecar, null);
  const labels = (await call('scans.labels', { id: scan.id })) as ArrayBuffer;
  assert.deepEqual(new Uint8Array(readNifti(new Uint8Array(labels), 'l').data), new Uint8Array(image.data));
});

test('classes.usage and classes.remove: refused while in use unless forced; undo brings the class back', async () => {
  const usage = (await call('classes.usage', { value: 2 })) as { voxels: number; scans: { scanId: string; voxels: number }[] };
  assert.equal(usage.voxels, NI * NJ - 3);
  assert.deepEqual(usage.scans, [{ scanId: scan.id, voxels: NI * NJ - 3 }]);
  await refused('classes.remove', { value: 2 }, 'conflict', new RegExp(`class 2 "Menisci" is painted on ${NI * NJ - 3} voxel\\(s\\) in 1 scan`));
  const before = await labelsOf(scan.id);
  const classes = (await call('classes.remove', { value: 2, force: true })) as LabelClass[];
  assert.deepEqual(
    classes.map((c) => c.value),
    [1, 5],
  );
  assert.equal((await labelsOf(scan.id)).filter((v) => v === 2).length, 0);
  const undone = (await call('annotations.undo', { scanId: scan.id })) as AnnotationUpdate;
  assert.equal(new Uint32Array(undone.indices).length, NI * NJ - 3);
  assert.deepEqual(await labelsOf(scan.id), before);
  assert.deepEqual(
    ctx.workspace.describe()!.classes.find((c) => c.value === 2),
    { value: 2, name: 'Menisci', color: '#ffe119' },
  );
  await call('annotations.redo', { scanId: scan.id });
  assert.equal(
    ctx.workspace.describe()!.classes.some((c) => c.value === 2),
    false,
    'redo deletes the class again',
  );
  await call('annotations.undo', { scanId: scan.id });
  // An unused class goes without asking and without an undo step.
  await call('classes.add', { name: 'Spare', color: '#000000' });
  const spare = ctx.workspace.describe()!.classes.find((c) => c.name === 'Spare')!;
  assert.deepEqual(((await call('classes.usage', { value: spare.value })) as { voxels: number }).voxels, 0);
  await call('classes.remove', { value: spare.value });
  await refused('classes.remove', { value: 77 }, 'not-found', /no label class with value 77/);
});

test('scans.importLabels: geometry and unknown values refused, createClasses adds them, undoable', async () => {
  const other = makePhantom({ shape: [10, 8, 5] });
  await refused(
    'scans.importLabels',
    { id: scan.id, labels: buffer(other.labelBytes), labelsFileName: 'small.nii.gz' },
    'bad-input',
    /small\.nii\.gz does not fit scan "knee": grid 10×8×6 does not match 10×8×5/,
  );
  const values = Uint8Array.from(phantom.labels, (v) => (v === 2 ? 9 : v === 1 ? 1 : 0));
  const file = writeNifti(readNifti(phantom.scanBytes, 's').header, values, { gzip: true });
  await refused(
    'scans.importLabels',
    { id: scan.id, labels: buffer(file), labelsFileName: 'seg.nii.gz' },
    'bad-input',
    /seg\.nii\.gz holds value\(s\) 9 that are not label classes/,
  );
  const before = await labelsOf(scan.id);
  const float = writeNifti(
    readNifti(phantom.scanBytes, 's').header,
    Float32Array.from(values, (v, n) => (n === 7 ? 0.5 : v)),
    { gzip: true },
  );
  await refused(
    'scans.importLabels',
    { id: scan.id, labels: buffer(float), labelsFileName: 'f.nii.gz', createClasses: true },
    'bad-input',
    /voxel 7 has value 0\.5/,
  );

  const info = (await call('scans.importLabels', { id: scan.id, labels: buffer(file), labelsFileName: 'seg.nii.gz', createClasses: true })) as ScanInfo;
  assert.deepEqual(info.annotatedSlices, { i: NI, j: NJ, k: 6 });
  assert.deepEqual(ctx.workspace.describe()!.classes.find((c) => c.value === 9)?.name, 'Label 9');
  assert.deepEqual(await labelsOf(scan.id), values);
  await call('annotations.undo', { scanId: scan.id });
  assert.deepEqual(await labelsOf(scan.id), before);

  const sparse = (await call('scans.importLabels', {
    id: scan.id,
    labels: buffer(file),
    labelsFileName: 'seg.nii.gz',
    annotatedSlices: { axis: 'j', slices: [3] },
  })) as ScanInfo;
  assert.equal(sparse.annotatedSlices.j, 3, 'j=3 joins the annotated j=0 and j=6');
  const merged = await labelsOf(scan.id);
  for (let n = 0; n < merged.length; n++) assert.equal(merged[n], Math.floor(n / NI) % NJ === 3 ? values[n] : before[n], `voxel ${n}`);
  await refused(
    'scans.importLabels',
    { id: scan.id, labels: buffer(file), labelsFileName: 'seg.nii.gz', annotatedSlices: { axis: 'j', slices: [8] } },
    'bad-input',
    /annotated slices 8 are outside axis j/,
  );
});
