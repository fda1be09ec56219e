import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { checkGradients } from '../../../tests/support/gradientCheck.ts';
import { correlation, omniCorrelationLoss, selectTopKPerClass } from './omniCorrelation.ts';

function close(actual: ArrayLike<number>, expected: number[], tolerance = 1e-5): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i]! - expected[i]!) < tolerance, `[${i}] ${actual[i]} vs ${expected[i]}`);
}

const softmax = (xs: number[]) => {
  const e = xs.map(Math.exp);
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

describe('selectTopKPerClass', () => {
  test('per class, the most confident first, at most topK, classes ascending', () => {
    const classes = [1, 0, 1, 1, 0, 2];
    const confidence = [0.9, 0.6, 0.7, 0.95, 0.8, 0.5];
    assert.deepEqual(Array.from(selectTopKPerClass(classes, confidence, 3, 2)), [4, 1, 3, 0, 5]);
    assert.deepEqual(Array.from(selectTopKPerClass(classes, confidence, 3, 1)), [4, 3, 5]);
    assert.deepEqual(Array.from(selectTopKPerClass([], [], 2, 5)), []);
  });
});

describe('correlation', () => {
  before(() => selectBackend());

  const table = [
    {
      name: 'dot product (reference code), τ 0.5',
      z: [
        [1, 0],
        [1, 2],
      ],
      m: [
        [1, 0],
        [0, 1],
        [2, 2],
      ],
      options: { temperature: 0.5, similarity: 'dot' as const },
      expected: [softmax([2, 0, 4]), softmax([2, 4, 12])],
    },
    {
      name: 'cosine (paper), τ 0.1: scale-free',
      z: [
        [2, 0],
        [0, -3],
      ],
      m: [
        [3, 0],
        [1, 1],
      ],
      options: { temperature: 0.1, similarity: 'cosine' as const },
      expected: [softmax([10, 10 / Math.SQRT2]), softmax([0, -10 / Math.SQRT2])],
    },
  ];
  for (const { name, z, m, options, expected } of table) {
    test(name, () => {
      const [zt, mt] = [tf.tensor2d(z), tf.tensor2d(m)];
      const corr = correlation(zt, mt, options);
      close(corr.dataSync(), expected.flat());
      tf.dispose([zt, mt, corr]);
    });
  }
});

describe('omniCorrelationLoss', () => {
  before(() => selectBackend());

  test('hand-computed: mean over voxels of −Σ corr_A log(corr_V + 1e-8)', () => {
    const m = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const zV = tf.tensor2d([
      [1, 1],
      [0.5, 0],
    ]);
    const zA = tf.tensor2d([
      [1, 0],
      [0, 0.25],
    ]);
    const options = { temperature: 0.5, similarity: 'dot' as const };
    const v = [softmax([2, 2]), softmax([1, 0])];
    const a = [softmax([2, 0]), softmax([0, 0.5])];
    const perVoxel = v.map((row, r) => -row.reduce((s, p, j) => s + a[r]![j]! * Math.log(p + 1e-8), 0));
    const loss = omniCorrelationLoss(zV, zA, m, options);
    close(loss.dataSync(), [(perVoxel[0]! + perVoxel[1]!) / 2]);
    tf.dispose([m, zV, zA, loss]);
  });

  test('0 without prototypes or without voxels', () => {
    const z = tf.tensor2d([[1, 0]]);
    const none = tf.zeros([0, 2]) as tf.Tensor2D;
    const options = { temperature: 0.1, similarity: 'cosine' as const };
    const losses = [omniCorrelationLoss(z, z, null, options), omniCorrelationLoss(none, none, z, options)];
    assert.deepEqual(
      losses.map((l) => l.dataSync()[0]),
      [0, 0],
    );
    tf.dispose([z, none, ...losses]);
  });

  test("gradients reach both networks' embeddings and match finite differences", () => {
    const m = tf.tensor2d([
      [1, 0.5],
      [-0.5, 1],
      [0.2, -1],
    ]);
    const zV = tf.tensor2d([
      [0.3, 0.8],
      [-0.6, 0.1],
    ]);
    const zA = tf.tensor2d([
      [0.9, -0.2],
      [0.4, 0.4],
    ]);
    for (const similarity of ['cosine', 'dot'] as const) {
      const f = (v: tf.Tensor, a: tf.Tensor) => omniCorrelationLoss(v as tf.Tensor2D, a as tf.Tensor2D, m, { temperature: 0.5, similarity });
      const result = checkGradients(f, [zV, zA], { step: 1e-2 });
      assert.ok(result.ok, `${similarity}: ${result.message}`);
      const [gV, gA] = tf.grads(f)([zV, zA]);
      assert.ok(tf.tidy(() => tf.sum(tf.abs(gV!)).dataSync()[0]!) > 1e-3);
      assert.ok(tf.tidy(() => tf.sum(tf.abs(gA!)).dataSync()[0]!) > 1e-3);
      tf.dispose([gV!, gA!]);
    }
    tf.dispose([m, zV, zA]);
  });
});
