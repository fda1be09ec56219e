import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { batch2d, batch3d } from './batch.ts';
import { UNKNOWN } from './labels.ts';

await tf.setBackend('cpu');

test('2D: images [B,H,W,1], targets int32 with UNKNOWN → 0, mask 1 known / 0 unknown', () => {
  const a = { image: Float32Array.from([1, 2, 3, 4, 5, 6]), label: Uint8Array.from([0, 1, UNKNOWN, 2, UNKNOWN, 3]), shape: [2, 3] as const };
  const b = { image: Float32Array.from([7, 8, 9, 10, 11, 12]), shape: [2, 3] as const };
  const before = tf.memory().numTensors;
  const batch = batch2d([a, b]);
  assert.deepEqual(batch.images.shape, [2, 2, 3, 1]);
  assert.deepEqual(batch.targets.shape, [2, 2, 3]);
  assert.equal(batch.targets.dtype, 'int32');
  assert.equal(batch.mask.dtype, 'float32');
  assert.deepEqual([...batch.images.dataSync()], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  assert.deepEqual([...batch.targets.dataSync()], [0, 1, 0, 2, 0, 3, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual([...batch.mask.dataSync()], [1, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0]);
  tf.dispose(batch);
  assert.equal(tf.memory().numTensors, before);
});

test('2D samples of different shapes are padded, centred, to a common multiple', () => {
  const tall = { image: new Float32Array(5 * 3).fill(1), label: new Uint8Array(15).fill(2), shape: [5, 3] as const };
  const wide = { image: new Float32Array(3 * 5).fill(1), label: new Uint8Array(15).fill(2), shape: [3, 5] as const };
  const batch = batch2d([tall, wide], { multiple: 4 });
  assert.deepEqual(batch.images.shape, [2, 8, 8, 1]);
  const mask = batch.mask.arraySync() as number[][][];
  const images = [...batch.images.dataSync()];
  assert.equal(
    [...batch.mask.dataSync()].reduce((s, x) => s + x, 0),
    30,
  );
  assert.equal(mask[0]![1]![2], 1); // tall: rows 1..5, columns 2..4
  assert.equal(mask[0]![0]![2], 0);
  assert.equal(mask[0]![1]![1], 0);
  assert.equal(mask[1]![2]![1], 1); // wide: rows 2..4, columns 1..5
  assert.equal(
    images.reduce((s, x) => s + x, 0),
    30,
  );
  tf.dispose(batch);
});

test('3D: a NIfTI patch [pi, pj, pk] becomes [B, pk, pj, pi, 1]', () => {
  const image = Float32Array.from({ length: 4 * 3 * 2 }, (_, v) => v);
  const label = Uint8Array.from({ length: 24 }, (_, v) => (v === 5 ? UNKNOWN : v % 3));
  const batch = batch3d([{ image, label, shape: [4, 3, 2] }]);
  assert.deepEqual(batch.images.shape, [1, 2, 3, 4, 1]);
  assert.deepEqual(batch.targets.shape, [1, 2, 3, 4]);
  const images = batch.images.arraySync() as number[][][][][];
  assert.equal(images[0]![1]![2]![3]![0], 3 + 4 * (2 + 3 * 1)); // (i, j, k) = (3, 2, 1)
  const targets = batch.targets.dataSync();
  assert.equal(targets[5], 0);
  assert.equal(batch.mask.dataSync()[5], 0);
  assert.equal(targets[7], 1);
  tf.dispose(batch);
});

test('an empty batch is refused', () => {
  assert.throws(() => batch2d([]), RangeError);
});
