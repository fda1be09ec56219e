import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { minimize, minimizeTerms } from './minimize.ts';
import { readStepLosses } from '../training/methods/trainingMethod.ts';
import { Sgd } from './sgd.ts';

describe('minimize', () => {
  before(() => selectBackend());

  test('steps the optimiser on the loss gradient and returns the loss, a tensor left for the caller to read', async () => {
    // L = Σ (p − 3)², p0 = (1, 5): L = 8, dL/dp = (−4, 4), p ← p − 0.1·(−4, 4) = (1.4, 4.6)
    const p = tf.variable(tf.tensor1d([1, 5]));
    const optimizer = new Sgd([p], { learningRate: 0.1 });
    const tensors = tf.memory().numTensors;
    const loss = minimize(optimizer, [p], () => tf.sum(tf.square(tf.sub(p, 3))));
    assert.equal(tf.memory().numTensors, tensors + 1, 'only the loss is left');
    assert.deepEqual(await readStepLosses({ loss }), { loss: 8 });
    assert.deepEqual(
      Array.from(p.dataSync(), (v) => +v.toFixed(5)),
      [1.4, 4.6],
    );
    assert.equal(tf.memory().numTensors, tensors);
    tf.dispose(p);
  });

  test('minimizeTerms steps each optimiser on its own variables and reports the terms', async () => {
    // L = (a − 1)² + 2 (b + 1)², a0 = b0 = 0: terms 1 and 2; dL/da = −2, dL/db = 4.
    const a = tf.variable(tf.scalar(0));
    const b = tf.variable(tf.scalar(0));
    const optA = new Sgd([a], { learningRate: 0.1 });
    const optB = new Sgd([b], { learningRate: 0.5 });
    const tensors = tf.memory().numTensors;
    const terms = minimizeTerms([optA, optB], [a, b], () => {
      const ta = tf.square(tf.sub(a, 1)) as tf.Scalar;
      const tb = tf.mul(2, tf.square(tf.add(b, 1))) as tf.Scalar;
      return { total: tf.add(ta, tb), terms: { a: ta, b: tb } };
    });
    assert.equal(tf.memory().numTensors, tensors + 2, 'only the terms are left');
    assert.deepEqual(await readStepLosses(terms), { a: 1, b: 2 });
    assert.ok(Math.abs(a.dataSync()[0]! - 0.2) < 1e-6);
    assert.ok(Math.abs(b.dataSync()[0]! + 2) < 1e-6);
    assert.equal(tf.memory().numTensors, tensors);
    tf.dispose([a, b]);
  });
});
