import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { inferSlices } from './sliceInference.ts';
import { Rng } from '../random/rng.ts';
import type { Shape3 } from '../data/volume.ts';
import type { SliceAxis } from '../data/volumeSlice.ts';

await tf.setBackend('cpu');

const CLASSES = 3;

/** Logits -4 (x - c)²: class = intensity rounded, a per-pixel function of the input. */
const byIntensity = (x: tf.Tensor): tf.Tensor => tf.mul(tf.square(tf.sub(x, tf.tensor1d([0, 1, 2]))), -4);

function softmax(logits: number[]): number[] {
  const m = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

function noisyClasses(shape: Shape3, seed: string): { image: Float32Array; classes: Uint8Array } {
  const rng = new Rng(seed);
  const n = shape[0] * shape[1] * shape[2];
  const classes = Uint8Array.from({ length: n }, () => rng.int(CLASSES));
  return { image: Float32Array.from(classes, (c) => c + rng.uniform(-0.3, 0.3)), classes };
}

test('a per-pixel model gives exact labels and probabilities along every axis, borders included', async () => {
  const shape: Shape3 = [13, 21, 7];
  const { image, classes } = noisyClasses(shape, 'slices');
  const before = tf.memory().numTensors;
  for (const axis of ['i', 'j', 'k'] as SliceAxis[]) {
    const inputs: number[][] = [];
    const seg = await inferSlices((x) => (inputs.push(x.shape), byIntensity(x)), image, shape, { axis, batchSize: 3 });
    assert.equal(seg.classes, CLASSES);
    assert.deepEqual(seg.labels, classes, `axis ${axis}`);
    const n = image.length;
    for (let v = 0; v < n; v += 7) {
      const expected = softmax([0, 1, 2].map((c) => -4 * (image[v]! - c) ** 2));
      for (let c = 0; c < CLASSES; c++) assert.ok(Math.abs(seg.probabilities[c * n + v]! - expected[c]!) < 1e-5);
    }
    for (const s of inputs) assert.ok(s[1]! % 16 === 0 && s[2]! % 16 === 0 && s[3] === 1, `input ${s}`);
  }
  assert.equal(tf.memory().numTensors, before);
});

test('padding is centred and cropped back exactly: a position-dependent model lands on the right voxels', async () => {
  const shape: Shape3 = [5, 19, 3]; // slices along k are [19, 5], padded to [32, 16]
  const [ph, pw] = [32, 16];
  const [oy, ox] = [Math.floor((32 - 19) / 2), Math.floor((16 - 5) / 2)];
  const rng = new Rng('pattern');
  const pattern = Float32Array.from({ length: ph * pw * 2 }, () => rng.normal(0, 2));
  const model = (x: tf.Tensor): tf.Tensor => tf.add(tf.mul(x, 0), tf.tensor(pattern, [ph, pw, 2]));
  const seg = await inferSlices(model, new Float32Array(5 * 19 * 3), shape, { axis: 'k' });
  const n = 5 * 19 * 3;
  for (let k = 0; k < 3; k++)
    for (let j = 0; j < 19; j++)
      for (let i = 0; i < 5; i++) {
        const q = ((j + oy) * pw + (i + ox)) * 2;
        const expected = softmax([pattern[q]!, pattern[q + 1]!]);
        const v = i + 5 * (j + 19 * k);
        assert.ok(Math.abs(seg.probabilities[v]! - expected[0]!) < 1e-6);
        assert.ok(Math.abs(seg.probabilities[n + v]! - expected[1]!) < 1e-6);
      }
});

test('batch size does not change the result; progress reaches the slice count', async () => {
  const shape: Shape3 = [9, 6, 11];
  const { image } = noisyClasses(shape, 'batches');
  const progress: number[] = [];
  const one = await inferSlices(byIntensity, image, shape, { axis: 'k', batchSize: 1 });
  const five = await inferSlices(byIntensity, image, shape, { axis: 'k', batchSize: 5, onProgress: (done, total) => progress.push(done, total) });
  assert.deepEqual(one.probabilities, five.probabilities);
  assert.deepEqual(progress, [5, 11, 10, 11, 11, 11]);
});

test('bad inputs are refused', async () => {
  await assert.rejects(inferSlices(byIntensity, new Float32Array(5), [2, 2, 2], { axis: 'k' }), RangeError);
  await assert.rejects(inferSlices(byIntensity, new Float32Array(8), [2, 2, 2], { axis: 'k', batchSize: 0 }), RangeError);
});
