import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { Sgd, type SgdOptions } from './sgd.ts';

/** Runs SGD on one scalar parameter p0 = 1 with the given gradients; returns p after each step. */
function run(options: SgdOptions, gradients: number[]): number[] {
  const p = tf.variable(tf.scalar(1));
  const optimizer = new Sgd([p], options);
  const trajectory = gradients.map((g) => {
    const grad = tf.scalar(g);
    optimizer.step({ [p.name]: grad });
    grad.dispose();
    return p.dataSync()[0];
  });
  optimizer.dispose();
  p.dispose();
  return trajectory;
}

const close = (actual: number[], expected: number[]) =>
  assert.ok(
    actual.every((v, i) => Math.abs(v - expected[i]) < 1e-6),
    `${actual} vs ${expected}`,
  );

describe('Sgd (torch.optim.SGD)', () => {
  before(() => selectBackend());

  test('plain: p ← p − lr g', () => {
    // 1 − 0.1·0.5 = 0.95; 0.95 − 0.1·0.5 = 0.9
    close(run({ learningRate: 0.1 }, [0.5, 0.5]), [0.95, 0.9]);
  });

  test('momentum 0.9 with coupled weight decay 0.01', () => {
    // step 1: d = 0.5 + 0.01·1 = 0.51, b = 0.51, p = 1 − 0.051 = 0.949
    // step 2: d = 0.5 + 0.01·0.949 = 0.50949, b = 0.9·0.51 + 0.50949 = 0.96849, p = 0.949 − 0.096849 = 0.852151
    close(run({ learningRate: 0.1, momentum: 0.9, weightDecay: 0.01 }, [0.5, 0.5]), [0.949, 0.852151]);
  });

  test('Nesterov momentum 0.9 with weight decay 0.01', () => {
    // step 1: d = 0.51, b = 0.51, d + 0.9 b = 0.969, p = 1 − 0.0969 = 0.9031
    // step 2: d = 0.5 + 0.009031 = 0.509031, b = 0.459 + 0.509031 = 0.968031,
    //         d + 0.9 b = 1.3802589, p = 0.9031 − 0.13802589 = 0.76507411
    close(run({ learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 }, [0.5, 0.5]), [0.9031, 0.76507411]);
  });

  test('Nesterov without momentum is refused', () => {
    assert.throws(() => new Sgd([], { learningRate: 0.1, nesterov: true }), /momentum/);
  });

  test('a variable without a gradient is left alone; the state does not grow', () => {
    const a = tf.variable(tf.ones([3]));
    const b = tf.variable(tf.ones([2]));
    const optimizer = new Sgd([a, b], { learningRate: 0.5, momentum: 0.9 });
    const grad = tf.ones([3]);
    optimizer.step({ [a.name]: grad });
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) optimizer.step({ [a.name]: grad });
    assert.equal(tf.memory().numTensors, tensors);
    assert.deepEqual(Array.from(b.dataSync()), [1, 1]);
    optimizer.dispose();
    tf.dispose([a, b, grad]);
  });
});
