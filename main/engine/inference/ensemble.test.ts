import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { SegmentationModel } from '../models/segmentationModel.ts';
import { ensemble } from './ensemble.ts';

await tf.setBackend('cpu');

/** A stand-in network whose logits at every pixel are `logits`, whatever the image. */
function fixed(logits: number[]): SegmentationModel {
  return {
    numClasses: logits.length,
    apply: (x: tf.Tensor) => tf.tidy(() => tf.mul(tf.onesLike(x), tf.tensor1d(logits))),
  } as unknown as SegmentationModel;
}

test('one network is its own predictor', () => {
  const net = fixed([0, 1]);
  assert.equal(ensemble([net]), net);
});

test('two networks predict the mean of their softmax, and its argmax', () => {
  // Net 1 leans to class 1 (p ≈ 0.58), net 2 is sure of class 2 (p ≈ 0.97): the mean favours class 2.
  const one = fixed([0, 1, 0.3]);
  const two = fixed([0, 0, 4]);
  const before = tf.memory().numTensors;
  const x = tf.zeros([1, 2, 2, 1]);
  const [mean, expected, label] = tf.tidy(() => {
    const p = tf.softmax(ensemble([one, two]).apply(x, { training: false }));
    const q = tf.div(tf.add(tf.softmax(one.apply(x, { training: false })), tf.softmax(two.apply(x, { training: false }))), 2);
    return [p.dataSync(), q.dataSync(), tf.argMax(p, -1).dataSync()];
  });
  x.dispose();
  for (let v = 0; v < expected.length; v++) assert.ok(Math.abs(mean[v]! - expected[v]!) < 1e-6, `voxel ${v}: ${mean[v]} against ${expected[v]}`);
  assert.deepEqual([...label], [2, 2, 2, 2]);
  assert.equal(tf.memory().numTensors, before);
});

test('networks of different classes, or none, are refused', () => {
  assert.throws(() => ensemble([fixed([0, 1]), fixed([0, 1, 2])]), /same classes/);
  assert.throws(() => ensemble([]), /at least one/);
});
