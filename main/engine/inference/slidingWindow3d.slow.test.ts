import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { slidingWindow3d } from './slidingWindow3d.ts';
import type { Shape3 } from '../data/volume.ts';

await tf.setBackend('cpu');

test('a 512×512×300 volume never has more than one batch of patches as tensors', async () => {
  const shape: Shape3 = [512, 512, 300];
  const patch: Shape3 = [128, 128, 64];
  const batchSize = 2;
  const image = new Float32Array(512 * 512 * 300);
  for (let v = 0; v < image.length; v += 3) image[v] = 1;
  const batchBytes = batchSize * 128 * 128 * 64 * 4;
  const baseline = tf.memory();
  let calls = 0;
  let largestInput = 0;
  let mostBytesAtCall = 0;
  let mostTensorsAtCall = 0;
  const model = (x: tf.Tensor): tf.Tensor => {
    calls++;
    largestInput = Math.max(largestInput, x.size);
    assert.deepEqual(x.shape.slice(1), [64, 128, 128, 1]);
    const m = tf.memory();
    mostBytesAtCall = Math.max(mostBytesAtCall, m.numBytes - baseline.numBytes);
    mostTensorsAtCall = Math.max(mostTensorsAtCall, m.numTensors - baseline.numTensors);
    return tf.concat([x, tf.zerosLike(x)], 4);
  };
  // Stride = patch: 4 × 4 windows in-plane and 5 across slices (the last flush with the end).
  const seg = await slidingWindow3d(model, image, shape, { patchSize: patch, stride: patch, batchSize });
  assert.equal(calls, (4 * 4 * 5) / batchSize);
  assert.equal(largestInput, batchSize * 128 * 128 * 64);
  assert.equal(mostTensorsAtCall, 1, 'only the batch input is alive when the model is called');
  assert.ok(mostBytesAtCall <= batchBytes, `${mostBytesAtCall} bytes of tensors at a call`);
  assert.equal(tf.memory().numTensors, baseline.numTensors);
  assert.equal(seg.probabilities.length, 2 * image.length);
  // Intensity 1 → logits (1, 0) → class 0 with p = e/(1+e); intensity 0 → a tie → class 0, p = ½.
  const last = image.length - 1;
  assert.equal(seg.labels[last], 0);
  assert.ok(Math.abs(seg.probabilities[0]! - Math.E / (1 + Math.E)) < 1e-6);
  assert.ok(Math.abs(seg.probabilities[image.length + 1]! - 0.5) < 1e-6);
});
