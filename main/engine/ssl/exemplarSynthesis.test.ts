import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import type { Batch } from '../data/batch.ts';
import { Rng } from '../random/rng.ts';
import { appearanceChange, concatBatches, deformBatch, pasteStructures } from './exemplarSynthesis.ts';

before(() => selectBackend());

/** Two 2D samples 24×24: a square of class 1 (image 1) and one of class 2 (image 2), known everywhere but one row. */
function squares(): Batch {
  const [h, w] = [24, 24];
  const images = new Float32Array(2 * h * w);
  const targets = new Int32Array(2 * h * w);
  const mask = new Float32Array(2 * h * w).fill(1);
  for (let b = 0; b < 2; b++) {
    for (let y = 8; y < 16; y++)
      for (let x = 6 + 4 * b; x < 14 + 4 * b; x++) {
        images[b * h * w + y * w + x] = b + 1;
        targets[b * h * w + y * w + x] = b + 1;
      }
    mask.fill(0, b * h * w, b * h * w + w);
  }
  return { images: tf.tensor4d(images, [2, h, w, 1]), targets: tf.tensor3d(targets, [2, h, w], 'int32'), mask: tf.tensor3d(mask, [2, h, w]) };
}

test('deformBatch moves image and labels together, sample by sample, and keeps unknown voxels unknown', () => {
  const batch = squares();
  const deformed = deformBatch(batch, new Rng('deform'));
  const images = deformed.images.dataSync();
  const targets = deformed.targets.dataSync();
  const mask = deformed.mask.dataSync();
  let moved = 0;
  const sums = [0, 0, 0];
  const counts = [0, 0, 0];
  for (let v = 0; v < images.length; v++) {
    if (mask[v] === 1) {
      sums[targets[v]!]! += images[v]!;
      counts[targets[v]!]!++;
    } else assert.equal(targets[v], 0, 'unknown voxels carry target 0');
    if (targets[v] !== batch.targets.dataSync()[v]) moved++;
  }
  // Bilinear image and nearest labels differ only at edges: each class keeps its intensity on average.
  for (const k of [0, 1, 2]) assert.ok(Math.abs(sums[k]! / counts[k]! - k) < 0.2, `class ${k}: mean image ${sums[k]! / counts[k]!}`);
  assert.ok(moved > 10, `the deformation moved labels (${moved} voxels changed)`);
  // The unknown first row of each sample stays unknown somewhere near the top.
  assert.ok(mask.slice(0, 24).some((m) => m === 0));
  tf.dispose([batch, deformed]);
});

test('pasteStructures: inside the region image and labels are the source, outside the target image and nothing known', () => {
  const source = squares();
  const target = tf.fill([2, 24, 24, 1], -3);
  const pasted = pasteStructures(source, target, 2);
  const images = pasted.images.dataSync();
  const targets = pasted.targets.dataSync();
  const mask = pasted.mask.dataSync();
  const at = (b: number, y: number, x: number) => b * 576 + y * 24 + x;
  // Inside the square of sample 0.
  assert.equal(images[at(0, 10, 8)], 1);
  assert.equal(targets[at(0, 10, 8)], 1);
  assert.equal(mask[at(0, 10, 8)], 1);
  // In the margin: source background, known.
  assert.equal(images[at(0, 7, 8)], 0);
  assert.equal(mask[at(0, 7, 8)], 1);
  assert.equal(targets[at(0, 7, 8)], 0);
  // Beyond the margin: the target image, unknown.
  assert.equal(images[at(0, 3, 8)], -3);
  assert.equal(mask[at(0, 3, 8)], 0);
  // Sample 1's square is elsewhere: its own region.
  assert.equal(targets[at(1, 10, 16)], 2);
  assert.equal(images[at(1, 10, 7)], -3);
  tf.dispose([source, target, pasted]);
});

test('pasteStructures works on 3D patches and refuses mismatched shapes', () => {
  const source: Batch = {
    images: tf.ones([1, 4, 6, 6, 1]),
    targets: tf.tensor4d(
      Int32Array.from({ length: 144 }, (_, v) => (v === 2 * 36 + 3 * 6 + 3 ? 1 : 0)),
      [1, 4, 6, 6],
      'int32',
    ),
    mask: tf.ones([1, 4, 6, 6]),
  };
  const pasted = pasteStructures(source, tf.zeros([1, 4, 6, 6, 1]), 1);
  // A 3×3×3 region around the one foreground voxel.
  assert.equal(tf.sum(pasted.mask).dataSync()[0], 27);
  assert.equal(tf.sum(pasted.images).dataSync()[0], 27);
  assert.throws(() => pasteStructures(source, tf.zeros([1, 4, 6, 5, 1]), 1), /cannot paste/);
  tf.dispose([source, pasted]);
});

test('appearanceChange changes intensities sample by sample, reproducibly, and keeps the shape', () => {
  const images = tf.randomNormal([3, 16, 16, 1], 0, 1, 'float32', 1);
  const a = appearanceChange(images, new Rng('look'));
  const b = appearanceChange(images, new Rng('look'));
  assert.deepEqual(a.shape, images.shape);
  assert.deepEqual(a.dataSync(), b.dataSync());
  assert.ok(tf.mean(tf.abs(tf.sub(a, images))).dataSync()[0]! > 0.01);
  tf.dispose([images, a, b]);
});

test('concatBatches stacks images, targets and masks along the batch axis', () => {
  const a = squares();
  const joined = concatBatches([a, a]);
  assert.deepEqual(joined.images.shape, [4, 24, 24, 1]);
  assert.deepEqual(joined.targets.shape, [4, 24, 24]);
  assert.equal(joined.targets.dtype, 'int32');
  tf.dispose([a, joined]);
});
