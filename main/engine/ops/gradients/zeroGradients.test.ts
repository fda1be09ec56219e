import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../backend/selectBackend.ts';
import { zeroGradients } from './zeroGradients.ts';

// Each op sits on a path from x to the loss; only the path through the
// differentiable multiply may carry gradient, so dL/dx = the other factor.
const cases: Array<{ kernel: string; factor: (x: tf.Tensor) => tf.Tensor }> = [
  { kernel: 'ArgMax', factor: (x) => tf.cast(tf.argMax(x, -1), 'float32') },
  { kernel: 'ArgMin', factor: (x) => tf.cast(tf.argMin(x, -1), 'float32') },
  { kernel: 'OneHot', factor: (x) => tf.sum(tf.oneHot(tf.argMax(x, -1), 3, 1, 0, 'float32'), -1) },
  { kernel: 'Floor', factor: tf.floor },
  { kernel: 'Ceil', factor: tf.ceil },
  { kernel: 'Round', factor: tf.round },
  { kernel: 'Sign', factor: tf.sign },
  { kernel: 'Step', factor: (x) => tf.step(x) },
  { kernel: 'ZerosLike', factor: tf.zerosLike },
  { kernel: 'OnesLike', factor: tf.onesLike },
  { kernel: 'LogicalNot', factor: (x) => tf.cast(tf.logicalNot(tf.greater(x, 0)), 'float32') },
  { kernel: 'Equal', factor: (x) => tf.cast(tf.equal(x, x), 'float32') },
  { kernel: 'NotEqual', factor: (x) => tf.cast(tf.notEqual(x, 0), 'float32') },
  { kernel: 'Greater', factor: (x) => tf.cast(tf.greater(x, 0), 'float32') },
  { kernel: 'GreaterEqual', factor: (x) => tf.cast(tf.greaterEqual(x, 0), 'float32') },
  { kernel: 'Less', factor: (x) => tf.cast(tf.less(x, 0), 'float32') },
  { kernel: 'LessEqual', factor: (x) => tf.cast(tf.lessEqual(x, 0), 'float32') },
  { kernel: 'LogicalAnd', factor: (x) => tf.cast(tf.logicalAnd(tf.greater(x, -1), tf.less(x, 0.5)), 'float32') },
  { kernel: 'LogicalOr', factor: (x) => tf.cast(tf.logicalOr(tf.greater(x, 0.5), tf.less(x, -0.5)), 'float32') },
];

describe('piecewise-constant ops pass zero gradient', () => {
  before(() => selectBackend());

  test('every registered zero gradient has a case', () => {
    assert.deepEqual(cases.map((c) => c.kernel).sort(), zeroGradients.map((g) => g.kernelName).sort());
  });

  for (const { kernel, factor } of cases) {
    test(kernel, () => {
      tf.tidy(() => {
        const x = tf.tensor2d([
          [0.3, -1.2, 2.5],
          [-0.7, 1.6, 0.2],
        ]);
        // Row-wise factors (argmax) broadcast over the row.
        const broadcastable = (g: tf.Tensor) => (g.rank === 1 ? tf.reshape(g, [2, 1]) : g);
        const expected = tf.mul(tf.onesLike(x), broadcastable(factor(x)));
        const grad = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(x, broadcastable(factor(x)))))(x);
        const plain = (t: tf.Tensor) => Array.from(t.dataSync(), (v) => v + 0); // -0 → 0
        assert.deepEqual(plain(grad), plain(expected));
      });
    });
  }
});
