import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { defaultStride, slidingWindow3d, windowStarts } from './slidingWindow3d.ts';
import { Rng } from '../random/rng.ts';
import type { Shape3 } from '../data/volume.ts';

await tf.setBackend('cpu');

/** Logits -4 (x - c)² for c = 0, 1, 2: class = intensity rounded, a per-voxel function. */
const byIntensity = (x: tf.Tensor): tf.Tensor => tf.mul(tf.square(tf.sub(x, tf.tensor1d([0, 1, 2]))), -4);

function softmax(logits: ArrayLike<number>): number[] {
  const l = Array.from(logits);
  const m = Math.max(...l);
  const e = l.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

test('reference stride and window placement', () => {
  assert.deepEqual(defaultStride([112, 112, 80]), [18, 18, 4]);
  assert.deepEqual(defaultStride([4, 5, 16]), [1, 1, 1]);
  assert.deepEqual(windowStarts(10, 4, 3), [0, 3, 6]);
  assert.deepEqual(windowStarts(11, 4, 3), [0, 3, 6, 7]);
  assert.deepEqual(windowStarts(4, 4, 1), [0]);
  assert.deepEqual(windowStarts(3, 8, 2), [-2]);
  assert.throws(() => windowStarts(10, 4, 0), RangeError);
  assert.throws(() => windowStarts(10, 4, 5), RangeError, 'a stride above the patch would leave gaps');
});

test('a per-voxel model gives exact labels everywhere, also where the volume is smaller than the patch', async () => {
  const rng = new Rng('sw-intensity');
  const before = tf.memory().numTensors;
  for (const shape of [
    [23, 19, 11],
    [10, 20, 5],
    [7, 7, 7],
  ] as Shape3[]) {
    const n = shape[0] * shape[1] * shape[2];
    const classes = Uint8Array.from({ length: n }, () => rng.int(3));
    const image = Float32Array.from(classes, (c) => c + rng.uniform(-0.3, 0.3));
    const seg = await slidingWindow3d(byIntensity, image, shape, { patchSize: [16, 16, 8], batchSize: 4 });
    assert.deepEqual(seg.labels, classes, `shape ${shape}`);
    for (let v = 0; v < n; v++) {
      const expected = softmax([0, 1, 2].map((c) => -4 * (image[v]! - c) ** 2));
      for (let c = 0; c < 3; c++) assert.ok(Math.abs(seg.probabilities[c * n + v]! - expected[c]!) < 1e-5);
    }
  }
  assert.equal(tf.memory().numTensors, before);
});

test('overlap averaging equals the exact mean over covering windows of a position-dependent model', async () => {
  const rng = new Rng('sw-position');
  const patch: Shape3 = [8, 6, 4];
  const [pi, pj, pk] = patch;
  const C = 3;
  const pattern = Float32Array.from({ length: pi * pj * pk * C }, () => rng.normal(0, 2));
  const model = (x: tf.Tensor): tf.Tensor => tf.add(tf.mul(x, 0), tf.tensor(pattern, [pk, pj, pi, C]));
  for (const [shape, stride] of [
    [
      [17, 13, 9],
      [3, 2, 2],
    ],
    [
      [8, 20, 3],
      [5, 6, 1],
    ],
  ] as [Shape3, Shape3][]) {
    const [ni, nj, nk] = shape;
    const n = ni * nj * nk;
    // Window starts by the reference formula, written out independently of the module.
    const starts = (len: number, p: number, s: number): number[] => {
      if (len < p) return [-Math.floor((p - len) / 2)];
      const out: number[] = [];
      for (let x = 0; x <= Math.ceil((len - p) / s); x++) out.push(Math.min(x * s, len - p));
      return out;
    };
    const [si, sj, sk] = [starts(ni, pi, stride[0]), starts(nj, pj, stride[1]), starts(nk, pk, stride[2])];
    const seg = await slidingWindow3d(model, new Float32Array(n), shape, { patchSize: patch, stride, batchSize: 3 });
    for (let k = 0; k < nk; k++)
      for (let j = 0; j < nj; j++)
        for (let i = 0; i < ni; i++) {
          const sum = [0, 0, 0];
          let count = 0;
          for (const ok of sk)
            for (const oj of sj)
              for (const oi of si) {
                const [a, b, c] = [i - oi, j - oj, k - ok];
                if (a < 0 || a >= pi || b < 0 || b >= pj || c < 0 || c >= pk) continue;
                const q = (a + pi * (b + pj * c)) * C;
                softmax(pattern.subarray(q, q + C)).forEach((p, cls) => (sum[cls]! += p));
                count++;
              }
          const v = i + ni * (j + nj * k);
          for (let cls = 0; cls < C; cls++) {
            assert.ok(Math.abs(seg.probabilities[cls * n + v]! - sum[cls]! / count) < 1e-5, `shape ${shape} voxel (${i}, ${j}, ${k})`);
          }
          const best = sum.indexOf(Math.max(...sum));
          assert.equal(seg.labels[v], best);
        }
  }
});

test('batch size does not change the result; progress reaches the window count', async () => {
  const shape: Shape3 = [20, 18, 10];
  const rng = new Rng('sw-batch');
  const image = Float32Array.from({ length: 20 * 18 * 10 }, () => rng.uniform(0, 2));
  const progress: number[] = [];
  const one = await slidingWindow3d(byIntensity, image, shape, { patchSize: [16, 16, 8], stride: [4, 4, 2] });
  const seven = await slidingWindow3d(byIntensity, image, shape, {
    patchSize: [16, 16, 8],
    stride: [4, 4, 2],
    batchSize: 7,
    onProgress: (done, total) => progress.push(done, total),
  });
  for (let v = 0; v < one.probabilities.length; v++) assert.ok(Math.abs(one.probabilities[v]! - seven.probabilities[v]!) < 1e-6);
  const windows = 2 * 2 * 2; // starts [0, 4] along i and j, [0, 2] along k
  assert.deepEqual(progress, [7, windows, windows, windows]);
});

test('bad options are refused', async () => {
  await assert.rejects(slidingWindow3d(byIntensity, new Float32Array(8), [2, 2, 2], { patchSize: [2, 2, 2], stride: [0, 1, 1] }), RangeError);
  await assert.rejects(slidingWindow3d(byIntensity, new Float32Array(8), [2, 2, 2], { patchSize: [2, 0, 2] }), RangeError);
  await assert.rejects(slidingWindow3d(byIntensity, new Float32Array(7), [2, 2, 2], { patchSize: [2, 2, 2] }), RangeError);
});
