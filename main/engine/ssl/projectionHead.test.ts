import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { ProjectionHead } from './projectionHead.ts';

function close(actual: ArrayLike<number>, expected: number[], tolerance = 1e-4): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i]! - expected[i]!) < tolerance, `[${i}] ${actual[i]} vs ${expected[i]}`);
}

/** Sets every weight of `head` by name; unnamed ones keep their value. */
function assign(head: ProjectionHead, values: Record<string, number[]>): void {
  const weights = head.getWeights();
  for (const [name, v] of Object.entries(values)) {
    const old = weights.get(name)!;
    weights.set(name, tf.tensor(v, old.shape));
    old.dispose();
  }
  head.setWeights(weights);
  tf.dispose([...weights.values()]);
}

describe('ProjectionHead', () => {
  before(() => selectBackend());

  test('reference names, shapes per voxel, parameter count', () => {
    const head = new ProjectionHead({ inChannels: 4, embeddingDim: 6, seed: 1 });
    const weights = head.getWeights();
    assert.deepEqual(
      [...weights.keys()].filter((k) => k.startsWith('projection_head')),
      [
        'projection_head.0.weight',
        'projection_head.0.bias',
        'projection_head.1.weight',
        'projection_head.1.bias',
        'projection_head.1.running_mean',
        'projection_head.1.running_var',
        'projection_head.3.weight',
        'projection_head.3.bias',
      ],
    );
    tf.dispose([...weights.values()]);
    // (4·6 + 6) + 2·6 + (6·6 + 6) for projection, (6·6 + 6) + 12 + 42 for prediction.
    assert.equal(head.parameterCount(), 30 + 12 + 42 + 42 + 12 + 42);
    const map = tf.randomNormal([2, 4, 4, 4]);
    const projected = head.project(map, { training: true });
    const predicted = head.predict(projected, { training: true });
    assert.deepEqual(projected.shape, [2, 4, 4, 6]);
    assert.deepEqual(predicted.shape, [2, 4, 4, 6]);
    assert.throws(() => head.predict(map, { training: false }), /6 channels/);
    tf.dispose([map, projected, predicted]);
    head.dispose();
  });

  test('without the prediction head: projection parameters only', () => {
    const head = new ProjectionHead({ inChannels: 4, embeddingDim: 6, withPrediction: false });
    assert.equal(head.parameterCount(), 30 + 12 + 42);
    const x = tf.zeros([3, 6]);
    assert.throws(() => head.predict(x, { training: false }), /without a prediction head/);
    x.dispose();
    head.dispose();
  });

  test('hand-computed projection: Linear → BN → ReLU → Linear, in both BN modes', () => {
    const head = new ProjectionHead({ inChannels: 2, embeddingDim: 2 });
    assign(head, {
      'projection_head.0.weight': [1, 0, 0, 2],
      'projection_head.0.bias': [0, -1],
      'projection_head.3.weight': [1, 1, 0, 1],
      'projection_head.3.bias': [0.5, 0],
    });
    const rows = tf.tensor2d([
      [1, 1],
      [3, 2],
    ]);
    // Linear: [[1, 1], [3, 3]]. Inference BN (mean 0, var 1): ÷√(1 + 1e-5).
    // Second linear of h = [a, b]: [a + 0.5, a + b].
    const s = 1 / Math.sqrt(1 + 1e-5);
    const inference = head.project(rows, { training: false });
    close(inference.dataSync(), [s + 0.5, 2 * s, 3 * s + 0.5, 6 * s]);
    // Training BN: both columns have mean (1+3)/2 = 2 and variance 1, so rows are ∓1/√(1+ε);
    // ReLU keeps [0, 0] and [s, s].
    const training = head.project(rows, { training: true });
    close(training.dataSync(), [0.5, 0, s + 0.5, 2 * s]);
    tf.dispose([rows, inference, training]);
    head.dispose();
  });

  test('gradients reach every trainable variable of both heads', () => {
    const head = new ProjectionHead({ inChannels: 3, embeddingDim: 4, seed: 2 });
    const x = tf.randomNormal([5, 3], 0, 1, 'float32', 3);
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.square(head.predict(head.project(x, { training: true }), { training: true }))) as tf.Scalar,
      head.trainableVariables(),
    );
    const variables = head.trainableVariables();
    assert.equal(Object.keys(grads).length, variables.length);
    const size = (i: number) => tf.tidy(() => tf.sum(tf.abs(grads[variables[i]!.name]!)).dataSync()[0]!);
    // Order: (0.weight, 0.bias, 1.weight, 1.bias, 3.weight, 3.bias) × 2. Training BN subtracts
    // the batch mean, so a bias shifting every row alike before a BN (1, 5, 7) gets no gradient.
    const beforeBn = [1, 5, 7];
    for (let i = 0; i < variables.length; i++) assert.ok(beforeBn.includes(i) ? size(i) < 1e-4 : size(i) > 1e-3, `variable ${i}`);
    tf.dispose([x, value, ...Object.values(grads)]);
    head.dispose();
  });
});
