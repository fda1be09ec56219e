import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateSegmentation } from './evaluateSegmentation.ts';
import type { Shape3 } from '../data/volume.ts';

const shape: Shape3 = [24, 22, 20];

function paint(labels: Uint8Array, value: number, lo: Shape3, hi: Shape3): Uint8Array {
  const [ni, nj] = shape;
  for (let k = lo[2]; k < hi[2]; k++) for (let j = lo[1]; j < hi[1]; j++) for (let i = lo[0]; i < hi[0]; i++) labels[i + ni * (j + nj * k)] = value;
  return labels;
}

const blank = (): Uint8Array => new Uint8Array(shape[0] * shape[1] * shape[2]);
const close = (actual: number | null, expected: number, what: string): void => {
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-12, `${what}: ${actual} ≠ ${expected}`);
};

test('cube vs the same cube shifted 2 voxels along i with 2.5 mm spacing', () => {
  const truth = paint(blank(), 1, [5, 6, 4], [15, 16, 14]);
  const pred = paint(blank(), 1, [7, 6, 4], [17, 16, 14]);
  const { classes, mean } = evaluateSegmentation(pred, truth, shape, [2.5, 1, 1], [1]);
  const c = classes[0]!;
  assert.equal(c.status, 'ok');
  assert.equal(c.label, 1);
  assert.equal(c.predictedVoxels, 1000);
  assert.equal(c.referenceVoxels, 1000);
  close(c.dice, (2 * 800) / 2000, 'dice'); // overlap 8 × 10 × 10
  close(c.jaccard, 800 / 1200, 'jaccard');
  // Hand counts in surfaceDistance.test.ts: per direction, voxels 288×0 + 64×1 + 136×2 = 336
  // over 488 surface voxels; mm 36×2.5 + 100×5 + (28·1 + 20·2 + 12·3 + 4·4) = 710.
  close(c.hd95_vox, 2, 'hd95_vox');
  close(c.asd_vox, 336 / 488, 'asd_vox');
  close(c.assd_vox, 336 / 488, 'assd_vox');
  close(c.hd95_mm, 5, 'hd95_mm');
  close(c.asd_mm, 710 / 488, 'asd_mm');
  close(c.assd_mm, 710 / 488, 'assd_mm');
  assert.equal(mean.classes, 1);
  close(mean.dice, 0.8, 'mean dice');
  close(mean.hd95_mm, 5, 'mean hd95_mm');
});

test('directed ASD differs from ASSD when the prediction is inside the reference', () => {
  const truth = paint(blank(), 1, [4, 4, 4], [16, 16, 16]);
  const pred = paint(blank(), 1, [8, 8, 8], [12, 12, 12]);
  const c = evaluateSegmentation(pred, truth, shape, [1, 1, 1], [1]).classes[0]!;
  // Every voxel of the 4³ prediction's surface is exactly 4 voxels from the 12³ box's faces
  // along the nearest axis.
  close(c.asd_vox, 4, 'asd');
  assert.ok(c.assd_vox! > 4);
  close(c.dice, (2 * 64) / (64 + 1728), 'dice');
});

test('empty prediction, empty reference and both empty are reported with null distances', () => {
  const truth = paint(blank(), 1, [2, 2, 2], [6, 6, 6]);
  const pred = paint(blank(), 2, [2, 2, 2], [6, 6, 6]);
  const { classes, mean } = evaluateSegmentation(pred, truth, shape, [1, 1, 1], [1, 2, 3]);
  const [one, two, three] = classes;
  assert.equal(one!.status, 'empty-prediction');
  assert.equal(one!.dice, 0);
  assert.equal(one!.jaccard, 0);
  assert.equal(two!.status, 'empty-reference');
  assert.equal(two!.dice, 0);
  assert.equal(three!.status, 'both-empty');
  assert.equal(three!.dice, 1);
  assert.equal(three!.jaccard, 1);
  for (const c of classes) {
    for (const key of ['hd95_vox', 'asd_vox', 'assd_vox', 'hd95_mm', 'asd_mm', 'assd_mm'] as const) {
      assert.equal(c[key], null, `${c.label} ${key}`);
    }
  }
  assert.equal(mean.classes, 0);
  assert.equal(mean.dice, null);
  assert.equal(mean.hd95_mm, null);
});

test('multi-class label map with raw label values: per class, mean over ok classes only', () => {
  const truth = blank();
  paint(truth, 1, [2, 2, 2], [8, 8, 8]);
  paint(truth, 4, [10, 6, 4], [20, 16, 14]);
  paint(truth, 7, [1, 15, 15], [4, 19, 19]);
  const pred = blank();
  paint(pred, 1, [2, 2, 2], [8, 8, 8]);
  paint(pred, 4, [12, 6, 4], [22, 16, 14]);
  const { classes, mean } = evaluateSegmentation(pred, truth, shape, [1, 1, 1], [1, 4, 7]);
  assert.deepEqual(
    classes.map((c) => [c.label, c.status]),
    [
      [1, 'ok'],
      [4, 'ok'],
      [7, 'empty-prediction'],
    ],
  );
  assert.equal(classes[0]!.dice, 1);
  assert.equal(classes[0]!.hd95_vox, 0);
  assert.equal(classes[0]!.asd_mm, 0);
  close(classes[1]!.dice, 0.8, 'class 4 dice');
  close(classes[1]!.hd95_vox, 2, 'class 4 hd95');
  assert.equal(mean.classes, 2);
  close(mean.dice, 0.9, 'mean dice');
  close(mean.jaccard, (1 + 2 / 3) / 2, 'mean jaccard');
  close(mean.hd95_vox, 1, 'mean hd95');
  close(mean.asd_vox, 336 / 488 / 2, 'mean asd');
});

test('a label map that does not match the shape is refused', () => {
  assert.throws(() => evaluateSegmentation(new Uint8Array(5), blank(), shape, [1, 1, 1], [1]), RangeError);
});
