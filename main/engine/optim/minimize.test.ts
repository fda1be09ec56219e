import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { minimize } from './minimize.ts';
import { Sgd } from './sgd.ts';

describe('minimize', () => {
  before(() => selectBackend());

  test('steps the optimiser on the loss gradient and returns the loss', () => {
    // L = Σ (p − 3)², p0 = (1, 5): L = 8, dL/dp = (−4, 4), p ← p − 0.1·(−4, 4) = (1.4, 4.6)
    const p = tf.variable(tf.tensor1d([1, 5]));
    const optimizer = new Sgd([p], { learningRate: 0.1 });
    const tensors = tf.memory().numTensors;
    const loss = minimize(optimizer, [p], () => tf.sum(tf.square(tf.sub(p, 3))));
    assert.equal(loss, 8);
    assert.deepEqual(Array.from(p.dataSync(), (v) => +v.toFixed(5)), [1.4, 4.6]);
    assert.equal(tf.memory().numTensors, tensors);
    tf.dispose(p);
  });
});
