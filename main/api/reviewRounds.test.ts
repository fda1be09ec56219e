import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReviewRound, ScanInfo } from '../../shared/types.ts';
import { readNifti, writeNifti } from '../io/index.ts';
import { writeFileAtomic } from '../io/atomicWrite.ts';
import { makePhantom } from '../../tests/support/phantom.ts';
import { ownedArrayBuffer } from '../io/bytes.ts';
import { createAppContext, type AppContext } from './appContext.ts';
import { dispatch } from './handlers.ts';
import { annotatedSlicesNow } from './reviewRounds.ts';
import { storeDatabase } from '../../tests/support/storeDatabase.ts';

const SHAPE: [number, number, number] = [4, 4, 6];
const [NI, NJ] = SHAPE;
const at = (i: number, j: number, k: number) => i + NI * (j + NJ * k);
const phantom = makePhantom({ shape: SHAPE, seed: 6 });
let ctx: AppContext;
let scan: ScanInfo;

const call = (method: string, req: unknown) => dispatch(ctx.handlers, method, req);
/** Paints class 1 on the voxels given (the rest of the slice background) and marks the slice complete: it becomes annotated. */
async function annotate(k: number, voxels: number[]): Promise<void> {
  const slice = Array.from({ length: NI * NJ }, (_, p) => at(p % NI, Math.floor(p / NI), k));
  await call('annotations.paint', { scanId: scan.id, axis: 'k', slice: k, indices: ownedArrayBuffer(Uint32Array.from(slice)), value: 0 });
  if (voxels.length) await call('annotations.paint', { scanId: scan.id, axis: 'k', slice: k, indices: ownedArrayBuffer(Uint32Array.from(voxels)), value: 1 });
  await call('annotations.setSliceState', { scanId: scan.id, axis: 'k', slices: [k], state: 'annotated' });
}

/** A finished run with a model, recording what is annotated now, whose prediction is class 1 on `predicted`. */
function finishedRun(predicted: number[], minutesAgo: number): string {
  const store = ctx.workspace.requireProject();
  const id = store.newId();
  store.createRun({ id, method: 'supervised', model: 'unet2d', config: { annotatedAtStart: annotatedSlicesNow(store) } });
  storeDatabase(store)
    .prepare('UPDATE runs SET created_at = ? WHERE id = ?')
    .run(new Date(Date.now() - minutesAgo * 60_000).toISOString(), id);
  store.finishRun(id, { status: 'finished', summary: {}, model: { file: join('models', id, 'model.atrium-model'), iteration: 1 } });
  const labels = new Uint8Array(SHAPE[0] * SHAPE[1] * SHAPE[2]);
  for (const v of predicted) labels[v] = 1;
  const dir = join('predictions', id);
  mkdirSync(store.file(dir), { recursive: true });
  writeFileAtomic(store.file(join(dir, `${scan.id}.nii.gz`)), writeNifti(readNifti(phantom.scanBytes, 's').header, labels, { gzip: true, intentCode: 1002 }));
  store.recordPrediction({ runId: id, scanId: scan.id, labelsFile: join(dir, `${scan.id}.nii.gz`), probabilitiesFile: join(dir, `${scan.id}.nii.gz`) });
  return id;
}

before(async () => {
  const home = mkdtempSync(join(tmpdir(), 'atrium-rounds-'));
  ctx = createAppContext({ shell: 'browser', home });
  ctx.workspace.create(join(home, 'P'));
  await call('classes.add', { name: 'A', color: '#e6194b' });
  scan = (await call('scans.import', { scan: ownedArrayBuffer(phantom.scanBytes), scanFileName: 'scan.nii.gz' })) as ScanInfo;
});

after(() => ctx.workspace.close());

test('each model is judged on the slices annotated after it, which it never saw', async () => {
  await annotate(0, [at(1, 1, 0)]);
  // Round 1's model predicts class 1 on (1,1) and (2,1) of every slice.
  const first = finishedRun(
    [0, 1, 2, 3, 4, 5].flatMap((k) => [at(1, 1, k), at(2, 1, k)]),
    10,
  );
  // The person then annotates k=2 and k=3: class 1 on (1,1) and (1,2) of each.
  await annotate(2, [at(1, 1, 2), at(1, 2, 2)]);
  await annotate(3, [at(1, 1, 3), at(1, 2, 3)]);
  // Round 2's model predicts exactly that.
  const second = finishedRun(
    [2, 3, 4].flatMap((k) => [at(1, 1, k), at(1, 2, k)]),
    5,
  );
  // Then k=4 is annotated as the second model predicted.
  await annotate(4, [at(1, 1, 4), at(1, 2, 4)]);

  const rounds = (await call('review.rounds', {})) as ReviewRound[];
  assert.deepEqual(
    rounds.map((r) => [r.runId, r.annotatedSlices, r.laterSlices]),
    [
      [first, 1, 2],
      [second, 3, 1],
    ],
  );
  // First model on k=2, 3: predicted 4 voxels, labelled 4, 2 in common → 2·2/8.
  assert.equal(rounds[0]!.diceOnLater, 0.5);
  assert.equal(rounds[1]!.diceOnLater, 1);
});

test('a model with nothing annotated after it has no figure yet; runs without a record are left out', async () => {
  const third = finishedRun([], 1);
  const store = ctx.workspace.requireProject();
  const old = store.newId();
  store.createRun({ id: old, method: 'supervised', model: 'unet2d', config: {} });
  store.finishRun(old, { status: 'finished', summary: {}, model: { file: 'x', iteration: 1 } });
  const rounds = (await call('review.rounds', {})) as ReviewRound[];
  assert.deepEqual(rounds.at(-1), { ...rounds.at(-1)!, runId: third, laterSlices: 0, diceOnLater: null });
  assert.ok(!rounds.some((r) => r.runId === old));
});
