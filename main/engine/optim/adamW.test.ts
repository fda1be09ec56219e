import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { AdamW } from './adamW.ts';

describe('AdamW (torch.optim.AdamW)', () => {
  before(() => selectBackend());

  test('two hand-computed steps with decoupled weight decay', () => {
    // lr 1e-3, β 0.9/0.999, ε 1e-8, λ 1e-4, p0 = 1.
    // step 1, g = 0.5: p = 1·(1 − 1e-7); m = 0.05; v = 2.5e-4;
    //   denominator √(2.5e-4)/√(1e-3) + ε = 0.5 + 1e-8; p −= (1e-3/0.1)·0.05/0.50000001 → 0.99899990
    // step 2, g = −0.25: p ·= 1 − 1e-7; m = 0.045 − 0.025 = 0.02; v = 2.4975e-4 + 6.25e-5 = 3.1225e-4;
    //   denominator √3.1225e-4/√1.999e-3 + ε = 0.39522539; p −= (1e-3/0.19)·0.02/0.39522539 → 0.99873346
    const p = tf.variable(tf.scalar(1));
    const optimizer = new AdamW([p], { learningRate: 1e-3, weightDecay: 1e-4 });
    const expected = [0.9989999, 0.99873346];
    [0.5, -0.25].forEach((g, i) => {
      const grad = tf.scalar(g);
      optimizer.step({ [p.name]: grad });
      grad.dispose();
      assert.ok(Math.abs(p.dataSync()[0] - expected[i]) < 1e-6, `step ${i + 1}: ${p.dataSync()[0]}`);
    });
    optimizer.dispose();
    p.dispose();
  });

  test('weight decay acts on the parameter even with a zero gradient', () => {
    // m = v = 0 → the Adam term is 0/(0 + ε) = 0; p = 2 (1 − 0.1·0.5) = 1.9
    const p = tf.variable(tf.tensor1d([2]));
    const optimizer = new AdamW([p], { learningRate: 0.1, weightDecay: 0.5 });
    const grad = tf.zeros([1]);
    optimizer.step({ [p.name]: grad });
    assert.ok(Math.abs(p.dataSync()[0] - 1.9) < 1e-6);
    const tensors = tf.memory().numTensors;
    optimizer.step({ [p.name]: grad });
    assert.equal(tf.memory().numTensors, tensors);
    optimizer.dispose();
    tf.dispose([p, grad]);
  });
});
