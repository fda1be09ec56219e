import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UNKNOWN } from '../data/labels.ts';
import { zscoreNormalize } from '../data/zscoreNormalize.ts';
import { toTrainingScan } from './trainingScans.ts';
import type { TrainingScan } from './trainRequest.ts';

const input = (labels: number[] | null, known: number[] | null): TrainingScan => ({
  id: 'v',
  image: Float32Array.from([0, 10, 20, 30, 40, 50]),
  labels: labels && Uint8Array.from(labels),
  known: known && Uint8Array.from(known),
  shape: [3, 2, 1],
  spacing: [1, 1, 1],
});

test('images are z-scored over non-zero voxels, as at prediction time', () => {
  const scan = toTrainingScan(input(null, null), [0, 1]);
  assert.deepEqual(scan.image, zscoreNormalize(Float32Array.from([0, 10, 20, 30, 40, 50])));
  assert.equal(scan.image[0], 0);
  assert.deepEqual(scan.shape, [3, 2, 1]);
});

test('raw class values become class indices on known voxels and UNKNOWN elsewhere', () => {
  const scan = toTrainingScan(input([0, 5, 9, 5, 9, 0], [1, 1, 1, 0, 0, 1]), [0, 9, 5]);
  assert.deepEqual([...scan.label!], [0, 2, 1, UNKNOWN, UNKNOWN, 0]);
});

test('no label map, no known mask or nothing known: an unlabelled scan', () => {
  assert.equal(toTrainingScan(input(null, null), [0, 1]).label, undefined);
  assert.equal(toTrainingScan(input([1, 1, 1, 1, 1, 1], null), [0, 1]).label, undefined);
  assert.equal(toTrainingScan(input([1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 0]), [0, 1]).label, undefined);
});
