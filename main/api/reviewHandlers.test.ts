import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiError } from '../../shared/api.ts';
import type {
  AnnotationSnapshot,
  AnnotationUpdate,
  Axis,
  ExportedLabels,
  PredictionComparisonResult,
  ProjectInfo,
  ReviewQueueEntry,
  ScanInfo,
} from '../../shared/types.ts';
import { AXES } from '../../shared/types.ts';
import { readNifti, writeNifti } from '../io/index.ts';
import { writeFileAtomic } from '../io/atomicWrite.ts';
import { encodeProbabilityFile } from '../io/probabilityFile.ts';
import { loadTrainingScan } from '../engine/jobs/jobInputs.ts';
import { makePhantom } from '../../tests/support/phantom.ts';
import { ownedArrayBuffer } from '../io/bytes.ts';
import { assertRefused } from '../../tests/support/apiAssertions.ts';
import { createAppContext, type AppContext } from './appContext.ts';
import { dispatch } from './handlers.ts';
import { COMPARISON } from './predictionComparison.ts';
import { jobScans } from './training.ts';
import { withCurrentLabels } from './trainingLabels.ts';
import { storeDatabase } from '../../tests/support/storeDatabase.ts';

const SHAPE: [number, number, number] = [4, 3, 5];
const [NI, NJ, NK] = SHAPE;
const N = NI * NJ * NK;
const at = (i: number, j: number, k: number) => i + NI * (j + NJ * k);
const phantom = makePhantom({ shape: SHAPE, seed: 5 });
const buffer = ownedArrayBuffer;
const LN3 = Math.log(3);
/** Normalised entropy of a three-class voxel with these (exactly quantisable) probabilities. */
const h = (...p: number[]) => -p.reduce((s, q) => s + (q > 0 ? q * Math.log(q) : 0), 0) / LN3;

let ctx: AppContext;
let scan: ScanInfo;
let bare: ScanInfo;
let runId: string;
const changes: ProjectInfo[] = [];

const call = (method: string, req: unknown) => dispatch(ctx.handlers, method, req);
const refused = (method: string, req: unknown, code: ApiError['code'], message: RegExp) => assertRefused(call(method, req), code, message);
const labelsOf = async (id: string) =>
  new Uint8Array(readNifti(new Uint8Array(((await call('annotations.load', { scanId: id })) as AnnotationSnapshot).labels), 'l').data);
const decisions = () =>
  storeDatabase(ctx.workspace.requireProject())
    .prepare(
      `SELECT d.axis, d.slice, d.decision, d.undone, d.edit_seq AS editSeq, p.run_id AS runId, p.scan_id AS scanId, r.method, d.decided_at AS decidedAt
              FROM review_decisions d JOIN predictions p ON p.id = d.prediction_id JOIN runs r ON r.id = p.run_id ORDER BY d.id`,
    )
    .all() as {
    axis: Axis;
    slice: number;
    decision: string;
    undone: number;
    editSeq: number;
    runId: string;
    scanId: string;
    method: string;
    decidedAt: string;
  }[];
/** The whole queue: most slices of this tiny phantom hold no predicted structure, which the queue leaves out by default. */
const queue = async (req: object) => (await call('review.queue', { runId, includeNearEmpty: true, ...req })) as ReviewQueueEntry[];
const slicesOf = (entries: ReviewQueueEntry[]) => entries.map((e) => e.slice);

/**
 * A prediction as the prediction job leaves it: label map on the scan's header, 8-bit
 * probabilities, and the predictions row. Every voxel is confident background unless `voxels`
 * says otherwise ([index, label, p0·255, p1·255, p2·255]).
 */
function writePrediction(run: string, scanId: string, voxels: [number, number, number, number, number][]): void {
  const store = ctx.workspace.requireProject();
  const labels = new Uint8Array(N);
  const probabilities = new Float32Array(3 * N);
  probabilities.fill(1, 0, N);
  for (const [n, label, ...q] of voxels) {
    labels[n] = label;
    q.forEach((v, c) => (probabilities[c * N + n] = v / 255));
  }
  const dir = join('predictions', run);
  mkdirSync(store.file(dir), { recursive: true });
  const header = readNifti(phantom.scanBytes, 'scan').header;
  writeFileAtomic(store.file(join(dir, `${scanId}.nii.gz`)), writeNifti(header, labels, { gzip: true, intentCode: 1002 }));
  writeFileAtomic(store.file(join(dir, `${scanId}.atrium-probabilities`)), encodeProbabilityFile({ shape: SHAPE, classValues: [0, 1, 2], probabilities }));
  store.recordPrediction({
    runId: run,
    scanId,
    labelsFile: join(dir, `${scanId}.nii.gz`),
    probabilitiesFile: join(dir, `${scanId}.atrium-probabilities`),
  });
}

function newRun(method: string): string {
  const store = ctx.workspace.requireProject();
  const id = store.newId();
  store.createRun({ id, method, model: 'unet2d', config: {} });
  return id;
}

before(async () => {
  const home = mkdtempSync(join(tmpdir(), 'atrium-review-api-'));
  ctx = createAppContext({ shell: 'browser', home });
  ctx.workspace.create(join(home, 'P'));
  await call('classes.add', { name: 'Sphere', color: '#e6194b' });
  await call('classes.add', { name: 'Ellipsoid', color: '#3cb44b' });
  scan = (await call('scans.import', { scan: buffer(phantom.scanBytes), scanFileName: 'knee.nii.gz' })) as ScanInfo;
  bare = (await call('scans.import', { scan: buffer(phantom.scanBytes), scanFileName: 'other.nii.gz' })) as ScanInfo;
  runId = newRun('meanTeacher');
  writePrediction(runId, scan.id, [
    [at(0, 0, 1), 1, 0, 255, 0],
    [at(1, 1, 2), 0, 85, 85, 85],
    [at(3, 0, 3), 1, 128, 128, 0],
    [at(0, 2, 3), 2, 0, 0, 255],
    [at(2, 1, 4), 0, 204, 51, 0],
    [at(0, 0, 4), 0, 250, 5, 0],
  ]);
  ctx.hub.on('project.changed', (info) => changes.push(info));
});

after(() => ctx.workspace.close());

test('predictions.uncertainty: entropy / ln C as float32 NIfTI on the scan header; null without a prediction', async () => {
  const bytes = (await call('predictions.uncertainty', { runId, scanId: scan.id })) as ArrayBuffer;
  const image = readNifti(new Uint8Array(bytes), 'u');
  const header = readNifti(phantom.scanBytes, 's').header;
  assert.deepEqual(image.shape, SHAPE);
  assert.deepEqual([image.header.srowX, image.header.srowY, image.header.srowZ], [header.srowX, header.srowY, header.srowZ]);
  assert.deepEqual(image.header.pixdim, header.pixdim);
  assert.ok(image.data instanceof Float32Array);
  const u = image.data as Float32Array;
  assert.equal(u[at(1, 1, 2)], 1, 'three equally likely classes');
  // 128/255 twice is rescaled to 1/2 each before the entropy is taken.
  assert.ok(Math.abs(u[at(3, 0, 3)] - Math.log(2) / LN3) < 1e-6);
  assert.ok(Math.abs(u[at(2, 1, 4)] - h(0.8, 0.2)) < 1e-6);
  assert.ok(Math.abs(u[at(0, 0, 4)] - h(250 / 255, 5 / 255)) < 1e-6);
  assert.equal(u[at(0, 0, 1)], 0);
  assert.equal(u.filter((v) => v > 0).length, 4);

  assert.equal(await call('predictions.uncertainty', { runId, scanId: bare.id }), null);
  await refused('predictions.uncertainty', { runId: 'abcdef012345', scanId: scan.id }, 'not-found', /no run abcdef012345/);
  await refused('predictions.uncertainty', { runId, scanId: 'nope' }, 'not-found', /no scan with id nope/);
  await refused('predictions.uncertainty', { runId: 'x', scanId: scan.id }, 'invalid-request', /runId/);
});

test('review.queue: unannotated slices by their gain (uncertainty, predicted structure, distance from the annotations), spread out', async () => {
  await call('annotations.paint', { scanId: scan.id, axis: 'k', slice: 1, indices: buffer(Uint32Array.of(at(0, 0, 1))), value: 1 });
  await call('annotations.setSliceState', { scanId: scan.id, axis: 'k', slices: [1], state: 'annotated' });
  const k = await queue({ scanId: scan.id, axis: 'k' });
  // Uncertainty (mean normalised entropy over predicted-foreground or ≥ 0.25 uncertain voxels):
  // k=2 the uniform voxel alone, 1; k=3 a half/half voxel and a certain class-2 one; k=4 the 0.8/0.2
  // voxel (the 250/5 one is below 0.25 and background); k=0 nothing. Predicted structure: k=3 alone
  // (two voxels). Distance from the annotated k=1: 1, 2, 3, 1. Gains (u + ½ f) · d / (d + 3):
  const u3 = Math.log(2) / LN3 / 2;
  const gains = { 2: 1 * (1 / 4), 3: (u3 + 0.5) * (2 / 5), 4: h(0.8, 0.2) * (3 / 6), 0: 0 };
  // k=3 first; its neighbours k=2 and k=4 wait for any other slice with a gain (none), then all by gain.
  assert.deepEqual(slicesOf(k), [3, 2, 4, 0]);
  for (const e of k) assert.ok(Math.abs(e.gain - gains[e.slice as 0 | 2 | 3 | 4]) < 1e-6, `k=${e.slice}: ${e.gain}`);
  assert.equal(k[1].uncertainty, 1);
  assert.ok(Math.abs(k[0].uncertainty - u3) < 1e-6);
  assert.ok(Math.abs(k[2].uncertainty - h(0.8, 0.2)) < 1e-6);
  assert.equal(k[3].uncertainty, 0);
  assert.equal(k[0].reason, "2 slices from the nearest annotated one · holds predicted structure (100 % of the scan's fullest slice) · uncertain (0.32)");
  assert.deepEqual(
    k.map((e) => [e.scanId, e.axis, e.state]),
    k.map(() => [scan.id, 'k', 'unknown']),
  );

  // Along i nothing is annotated (every slice counts as new): gains i=1 1, i=3 0.63 + ½ · ½, i=0 ½ (two
  // certain foreground voxels), i=2 0.46; i=1 first, then i=3 (i=0 and i=2 are i=1's neighbours).
  const i = await queue({ scanId: scan.id, axis: 'i', limit: 3 });
  assert.deepEqual(slicesOf(i), [1, 3, 0]);
  assert.deepEqual(slicesOf(await queue({ axis: 'k' })), [3, 2, 4, 0], 'without scanId: every predicted scan; the unpredicted one is skipped');
  // By default only slices with predicted structure (k=3; along i, i=0 with two voxels and i=3 with one).
  assert.deepEqual(slicesOf(await queue({ scanId: scan.id, axis: 'k', includeNearEmpty: false })), [3]);
  assert.deepEqual(slicesOf((await call('review.queue', { runId, scanId: scan.id, axis: 'i' })) as ReviewQueueEntry[]), [3, 0]);
  // A painted slice is the person's work in progress, not a prediction to judge: out until undone.
  await call('annotations.paint', { scanId: scan.id, axis: 'k', slice: 4, indices: buffer(Uint32Array.of(at(0, 0, 4))), value: 1 });
  assert.deepEqual(slicesOf(await queue({ scanId: scan.id, axis: 'k' })), [3, 2, 0]);
  await call('annotations.undo', { scanId: scan.id });
  assert.deepEqual(slicesOf(await queue({ scanId: scan.id, axis: 'k' })), [3, 2, 4, 0]);

  await refused('review.queue', { runId, scanId: bare.id, axis: 'k' }, 'not-found', /has no prediction for scan "other"/);
  await refused('review.queue', { runId: 'abcdef012345', axis: 'k' }, 'not-found', /no run abcdef012345/);
  await refused('review.queue', { runId, axis: 'k', limit: 0 }, 'invalid-request', /limit/);
});

test('review.accept: the prediction becomes the annotation in one undoable edit, with provenance', async () => {
  // k=3 holds earlier strokes but is no longer a training target; i=3 is a person's reviewed slice.
  await call('annotations.paint', { scanId: scan.id, axis: 'k', slice: 3, indices: buffer(Uint32Array.of(at(0, 2, 3), at(2, 2, 3))), value: 1 });
  await call('annotations.setSliceState', { scanId: scan.id, axis: 'k', slices: [3], state: 'unknown' });
  await call('annotations.setSliceState', { scanId: scan.id, axis: 'i', slices: [3], state: 'annotated' });
  const before = await labelsOf(scan.id);
  const annotatedBefore = changes.at(-1)!.scans.find((v) => v.id === scan.id)!.annotatedSlices.k;

  const accepted = (await call('review.accept', { runId, scanId: scan.id, axis: 'k', slices: [3] })) as AnnotationUpdate;
  assert.deepEqual(
    [...new Uint32Array(accepted.indices)],
    [at(2, 2, 3), at(0, 2, 3)].sort((a, b) => a - b),
  );
  assert.deepEqual([...new Uint8Array(accepted.values)], [2, 0], 'at(0,2,3) takes class 2, at(2,2,3) background');
  assert.equal(accepted.slices.k[3], 'annotated');
  assert.deepEqual([accepted.canUndo, accepted.canRedo], [true, false]);
  const after = await labelsOf(scan.id);
  assert.equal(after[at(3, 0, 3)], 0, 'a voxel on the annotated i=3 slice keeps its value, not the predicted 1');
  for (let n = 0; n < N; n++) if (n !== at(0, 2, 3) && n !== at(2, 2, 3)) assert.equal(after[n], before[n], `voxel ${n}`);
  assert.equal(changes.at(-1)!.scans.find((v) => v.id === scan.id)!.annotatedSlices.k, annotatedBefore + 1);
  const [decision] = decisions();
  assert.deepEqual(
    { ...decision, decidedAt: undefined },
    {
      axis: 'k',
      slice: 3,
      decision: 'accepted',
      undone: 0,
      editSeq: decision.editSeq,
      runId,
      scanId: scan.id,
      method: 'meanTeacher',
      decidedAt: undefined,
    },
  );
  assert.ok(Date.now() - Date.parse(decision.decidedAt) < 60_000);
  assert.ok(!slicesOf(await queue({ scanId: scan.id, axis: 'k' })).includes(3));

  const undone = (await call('annotations.undo', { scanId: scan.id })) as AnnotationUpdate;
  assert.equal(undone.slices.k[3], 'unknown');
  assert.deepEqual(await labelsOf(scan.id), before);
  assert.equal(decisions()[0].undone, 1);
  assert.deepEqual(slicesOf(await queue({ scanId: scan.id, axis: 'k' })), [3, 2, 4, 0], 'an undone accept puts the slice back in the queue');
  const redone = (await call('annotations.redo', { scanId: scan.id })) as AnnotationUpdate;
  assert.equal(redone.slices.k[3], 'annotated');
  assert.deepEqual(await labelsOf(scan.id), after);
  assert.equal(decisions()[0].undone, 0);

  await refused('review.accept', { runId, scanId: scan.id, axis: 'k', slices: [1] }, 'conflict', /slice\(s\) 1 of axis k are annotated/);
  await refused('review.accept', { runId, scanId: scan.id, axis: 'k', slices: [0, NK] }, 'bad-input', /slice 5 is outside axis k \(0\.\.4\)/);
  await refused('review.accept', { runId, scanId: bare.id, axis: 'k', slices: [0] }, 'not-found', /has no prediction for scan "other"/);
  await refused('review.accept', { runId: 'abcdef012345', scanId: scan.id, axis: 'k', slices: [0] }, 'not-found', /no run abcdef012345/);
  await refused('review.accept', { runId, scanId: 'nope', axis: 'k', slices: [0] }, 'not-found', /no scan with id nope/);
  await refused('review.accept', { runId, scanId: scan.id, axis: 'k', slices: [] }, 'invalid-request', /slices/);
  assert.equal(decisions().length, 1, 'refused decisions leave no trace');
});

test('an accepted slice is labelled data for the next training', async () => {
  const store = ctx.workspace.requireProject();
  assert.ok(store.annotatedSlices(scan.id, 'k').includes(3));
  const files = store.scanFiles(scan.id)!;
  const jobScans = withCurrentLabels(
    store,
    [
      {
        id: scan.id,
        scanPath: store.file(files.imageFile),
        labelsPath: store.file(files.labelsFile!),
        annotated: Object.fromEntries(AXES.map((a) => [a, store.annotatedSlices(scan.id, a)])) as Record<Axis, number[]>,
      },
    ],
    join('models', 'next'),
  );
  const loaded = await loadTrainingScan(jobScans[0]);
  assert.deepEqual(
    Array.from({ length: NK }, (_, k) => loaded.known![at(1, 1, k)]),
    [0, 1, 0, 1, 0],
    'k=1 painted, k=3 accepted',
  );
  assert.equal(loaded.labels![at(0, 2, 3)], 2, 'the accepted prediction is the target');
});

test('review.reject records the decision, keeps voxels and state, leaves the queue; undoable', async () => {
  const before = await labelsOf(scan.id);
  const rejected = (await call('review.reject', { runId, scanId: scan.id, axis: 'k', slices: [0, 0] })) as AnnotationUpdate;
  assert.equal(rejected.slices.k[0], 'unknown');
  assert.equal(new Uint32Array(rejected.indices).length, 0);
  assert.deepEqual(await labelsOf(scan.id), before);
  assert.deepEqual(
    decisions()
      .slice(1)
      .map((d) => [d.axis, d.slice, d.decision, d.undone]),
    [['k', 0, 'rejected', 0]],
  );
  assert.deepEqual(slicesOf(await queue({ scanId: scan.id, axis: 'k' })), [2, 4]);
  const job = jobScans(ctx.workspace.requireProject()).find((v) => v.id === scan.id)!;
  assert.deepEqual(job.rejected, { i: [], j: [], k: [0] }, 'the next training does not draw the rejected slice as unlabelled data');
  assert.deepEqual((await loadTrainingScan(job)).rejected, { i: [], j: [], k: [0] });

  const undone = (await call('annotations.undo', { scanId: scan.id })) as AnnotationUpdate;
  assert.equal(undone.slices.k[3], 'annotated', 'undo took back the reject, not the earlier accept');
  assert.deepEqual(jobScans(ctx.workspace.requireProject()).find((v) => v.id === scan.id)!.rejected!.k, []);
  assert.equal(decisions()[1].undone, 1);
  assert.deepEqual(slicesOf(await queue({ scanId: scan.id, axis: 'k' })), [2, 4, 0]);
  await call('annotations.redo', { scanId: scan.id });
  assert.deepEqual(slicesOf(await queue({ scanId: scan.id, axis: 'k' })), [2, 4]);

  await refused('review.reject', { runId, scanId: scan.id, axis: 'k', slices: [3] }, 'conflict', /slice\(s\) 3 of axis k are annotated/);
  await refused('review.reject', { runId, scanId: bare.id, axis: 'k', slices: [0] }, 'not-found', /has no prediction/);
});

test('every edit answers with the reviews in effect; Correct, and painting over an accepted slice, make it corrected until undone', async () => {
  const reviewsK = (r: { reviews: Record<Axis, { slice: number; decision: string; runId: string }[]> }) =>
    r.reviews.k.map((x) => [x.slice, x.decision, x.runId]);
  const loaded = (await call('annotations.load', { scanId: scan.id })) as AnnotationSnapshot;
  assert.deepEqual(reviewsK(loaded), [
    [0, 'rejected', runId],
    [3, 'accepted', runId],
  ]);
  assert.deepEqual([loaded.reviews.i, loaded.reviews.j], [[], []]);

  const paint = (n: number, value: number) =>
    call('annotations.paint', { scanId: scan.id, axis: 'k', slice: 3, indices: buffer(Uint32Array.of(n)), value }) as Promise<AnnotationUpdate>;
  const painted = await paint(at(1, 0, 3), 2);
  assert.deepEqual(reviewsK(painted), [
    [0, 'rejected', runId],
    [3, 'corrected', runId],
  ]);
  assert.deepEqual(decisions().at(-1)!.decision, 'corrected');
  const undone = (await call('annotations.undo', { scanId: scan.id })) as AnnotationUpdate;
  assert.deepEqual(
    reviewsK(undone),
    [
      [0, 'rejected', runId],
      [3, 'accepted', runId],
    ],
    'undoing the stroke takes the correction back',
  );
  const unchanged = await paint(at(1, 0, 3), (await labelsOf(scan.id))[at(1, 0, 3)]);
  assert.deepEqual(
    reviewsK(unchanged),
    [
      [0, 'rejected', runId],
      [3, 'accepted', runId],
    ],
    'a stroke that changes no voxel corrects nothing',
  );
  await call('annotations.paint', { scanId: scan.id, axis: 'i', slice: 1, indices: buffer(Uint32Array.of(at(1, 0, 3))), value: 2 });
  assert.equal(
    ((await call('annotations.load', { scanId: scan.id })) as AnnotationSnapshot).reviews.k[1].decision,
    'accepted',
    'a stroke along another axis is not a correction of the k slice',
  );
  await call('annotations.undo', { scanId: scan.id });

  const corrected = (await call('review.correct', { runId, scanId: scan.id, axis: 'k', slices: [2] })) as AnnotationUpdate;
  assert.equal(corrected.slices.k[2], 'annotated');
  assert.deepEqual(reviewsK(corrected), [
    [0, 'rejected', runId],
    [2, 'corrected', runId],
    [3, 'accepted', runId],
  ]);
  assert.equal((await labelsOf(scan.id))[at(1, 1, 2)], 0, 'the prediction became the annotation, as with accept');
  await refused('review.correct', { runId, scanId: scan.id, axis: 'k', slices: [2] }, 'conflict', /slice\(s\) 2 of axis k are annotated/);
  const back = (await call('annotations.undo', { scanId: scan.id })) as AnnotationUpdate;
  assert.deepEqual([back.slices.k[2], reviewsK(back).length], ['unknown', 2]);
});

test('a prediction holding a value that is not a label class is not accepted', async () => {
  const other = newRun('supervised');
  writePrediction(other, scan.id, [[at(1, 1, 2), 7, 0, 255, 0]]);
  await refused('review.accept', { runId: other, scanId: scan.id, axis: 'k', slices: [2] }, 'conflict', /value\(s\) 7 that are not label classes/);
  const accepted = (await call('review.accept', { runId: other, scanId: scan.id, axis: 'k', slices: [4] })) as AnnotationUpdate;
  assert.equal(accepted.slices.k[4], 'annotated');
  assert.deepEqual(
    decisions()
      .filter((d) => d.runId === other)
      .map((d) => [d.slice, d.method]),
    [[4, 'supervised']],
  );
});

test("annotations.export: annotations only, with accepted predictions, or a run's raw prediction; the sidecar names the runs", async () => {
  const exported = async (req: object) => {
    const out = (await call('annotations.export', { scanId: scan.id, ...req })) as ExportedLabels;
    return { ...out, data: new Uint8Array(readNifti(new Uint8Array(out.nifti), out.fileName).data), json: JSON.parse(out.sidecar ?? 'null') };
  };
  const current = await labelsOf(scan.id);
  const withAccepted = await exported({});
  assert.equal(withAccepted.fileName, 'knee_labels.nii.gz');
  assert.deepEqual(withAccepted.data, current);
  assert.equal(withAccepted.json.content, 'with-accepted');
  assert.deepEqual(
    withAccepted.json.reviews.k.map((r: { slice: number; decision: string }) => [r.slice, r.decision]),
    [
      [0, 'rejected'],
      [3, 'accepted'],
      [4, 'accepted'],
    ],
  );
  assert.deepEqual(withAccepted.json.runs.map((r: { method: string }) => r.method).sort(), ['meanTeacher', 'supervised']);

  // k=3 and k=4 were accepted: zeroed, except on the annotated i=3 slice that crosses them
  const only = await exported({ content: 'annotations' });
  assert.equal(only.fileName, 'knee_annotations.nii.gz');
  let differing = 0;
  for (let n = 0; n < N; n++) {
    const i = n % NI;
    const k = Math.floor(n / (NI * NJ));
    const expected = (k === 3 || k === 4) && i !== 3 ? 0 : current[n];
    assert.equal(only.data[n], expected, `voxel ${n}`);
    if (expected !== current[n]) differing++;
  }
  assert.ok(differing > 0, 'the accepted slices held predicted voxels');

  const raw = await exported({ content: 'prediction', runId, sidecar: false });
  assert.equal(raw.fileName, `knee_prediction_${runId}.nii.gz`);
  assert.deepEqual(
    raw.data,
    new Uint8Array(readNifti(new Uint8Array((await call('predictions.labels', { runId, scanId: scan.id })) as ArrayBuffer), 'p').data),
  );
  assert.equal(raw.json, null);
  assert.deepEqual(readNifti(new Uint8Array(raw.nifti), 'p').header.srowX, readNifti(phantom.scanBytes, 's').header.srowX);

  await refused('annotations.export', { scanId: scan.id, content: 'prediction' }, 'invalid-request', /runId is needed/);
  await refused('annotations.export', { scanId: scan.id, content: 'annotations', runId }, 'invalid-request', /runId is needed/);
  await refused('annotations.export', { scanId: bare.id, content: 'prediction', runId }, 'not-found', /has no prediction for scan "other"/);
});

test('predictions.compare: where two runs agree and differ, voxel by voxel, with Dice per slice', async () => {
  const other = ctx.workspace
    .requireProject()
    .runs()
    .find((r) => r.method === 'supervised')!.id;
  const result = (await call('predictions.compare', { runId, otherRunId: other, scanId: scan.id })) as PredictionComparisonResult;
  const map = readNifti(new Uint8Array(result.map), 'compare.nii.gz');
  assert.deepEqual(map.shape, SHAPE);
  assert.deepEqual(map.header.srowX, readNifti(phantom.scanBytes, 's').header.srowX);
  const codes = new Uint8Array(map.data);
  // run: class 1 at (0,0,1) and (3,0,3), class 2 at (0,2,3); the other run: class 7 at (1,1,2)
  const expected = new Uint8Array(N);
  for (const n of [at(0, 0, 1), at(3, 0, 3), at(0, 2, 3)]) expected[n] = COMPARISON.onlyA;
  expected[at(1, 1, 2)] = COMPARISON.onlyB;
  assert.deepEqual(codes, expected);
  assert.equal(result.dice, 0);
  assert.deepEqual(result.sliceDice.k, [null, 0, 0, 0, null]);
  const same = (await call('predictions.compare', { runId, otherRunId: runId, scanId: scan.id })) as PredictionComparisonResult;
  assert.equal(same.dice, 1);
  await refused('predictions.compare', { runId, otherRunId: other, scanId: bare.id }, 'not-found', /has no prediction for scan "other"/);
  await refused('predictions.compare', { runId, otherRunId: 'abcdef012345', scanId: scan.id }, 'not-found', /no run abcdef012345/);
});

test('decisions, states and the queue survive reopening the project', async () => {
  const path = ctx.workspace.requireProject().folder;
  const labels = await labelsOf(scan.id);
  const queued = await queue({ scanId: scan.id, axis: 'k' });
  const recorded = decisions();
  ctx.workspace.open(path);
  assert.deepEqual(await labelsOf(scan.id), labels);
  assert.deepEqual(await queue({ scanId: scan.id, axis: 'k' }), queued);
  assert.deepEqual(decisions(), recorded);
  const undone = (await call('annotations.undo', { scanId: scan.id })) as AnnotationUpdate;
  assert.equal(undone.slices.k[4], 'unknown', 'the last accept is still undoable after reopening');
});
