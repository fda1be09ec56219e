import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { batchNorm, type BatchNormParameters } from './batchNorm.ts';
import { checkGradients, seededUniform } from '../../../tests/support/gradientCheck.ts';
import { installNativeKernels, uninstallNativeKernels } from '../native/nativeKernels.ts';

function parameters(channels: number, gamma?: number[], beta?: number[]): BatchNormParameters {
  return {
    gamma: tf.tensor1d(gamma ?? new Array(channels).fill(1)),
    beta: tf.tensor1d(beta ?? new Array(channels).fill(0)),
    runningMean: tf.variable(tf.zeros([channels]), false),
    runningVar: tf.variable(tf.ones([channels]), false),
  };
}

const values = (t: tf.Tensor) => Array.from(t.dataSync());
const close = (actual: number[], expected: number[], tolerance = 1e-5) =>
  assert.ok(
    actual.every((v, i) => Math.abs(v - expected[i]) <= tolerance),
    `${actual} vs ${expected}`,
  );

describe('batchNorm', () => {
  before(() => selectBackend());

  test('training: normalises with batch statistics and updates running stats like PyTorch', () => {
    // One channel holding 1, 2, 3, 4: mean 2.5, biased variance 1.25 (used to
    // normalise), unbiased 5/3 (goes into the running average).
    // runningMean = 0.9·0 + 0.1·2.5 = 0.25; runningVar = 0.9·1 + 0.1·5/3 = 1.0666667.
    const p = parameters(1, [2], [0.5]);
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const y = batchNorm(x, p, { training: true });
    const s = Math.sqrt(1.25 + 1e-5);
    close(
      values(y),
      [1, 2, 3, 4].map((v) => (2 * (v - 2.5)) / s + 0.5),
    );
    close(values(p.runningMean), [0.25]);
    close(values(p.runningVar), [0.9 + 0.1 * (5 / 3)]);
    tf.dispose([x, y, p.gamma, p.beta, p.runningMean, p.runningVar]);
  });

  test('inference: normalises with the running statistics and leaves them alone', () => {
    const p = parameters(2, [1, 3], [0, -1]);
    p.runningMean.assign(tf.tensor1d([1, -2]));
    p.runningVar.assign(tf.tensor1d([4, 0.25]));
    const x = tf.tensor5d([3, 0, 5, -1], [1, 1, 1, 2, 2]);
    const y = batchNorm(x, p, { training: false });
    // channel 0: (x - 1)/2; channel 1: 3 (x + 2)/0.5 - 1 (ε = 1e-5 shifts the 4th digit at most)
    close(values(y), [1, 3 * 4 - 1, 2, 3 * 2 - 1], 1e-3);
    close(values(p.runningMean), [1, -2]);
    tf.dispose([x, y, p.gamma, p.beta, p.runningMean, p.runningVar]);
  });

  // With the native kernels installed (where built) training runs the fused kernels; without, tfjs ops.
  for (const [shape, pure] of [
    [2, 3, 2, 3],
    [2, 2, 3, 2, 3],
  ].flatMap(
    (shape) =>
      [
        [shape, false],
        [shape, true],
      ] as const,
  )) {
    test(`training gradient w.r.t. x, gamma and beta matches finite differences at rank ${shape.length}${pure ? ', pure tfjs' : ''}`, (t) => {
      if (pure) {
        uninstallNativeKernels();
        t.after(() => installNativeKernels());
      }
      const p = parameters(3);
      const x = seededUniform([...shape], 1, -2, 2);
      const gamma = seededUniform([3], 2, 0.5, 1.5);
      const beta = seededUniform([3], 3);
      const f = (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) =>
        batchNorm(x, { ...p, gamma: gamma as tf.Tensor1D, beta: beta as tf.Tensor1D }, { training: true });
      const result = checkGradients(f, [x, gamma, beta]);
      tf.dispose([x, gamma, beta, p.gamma, p.beta, p.runningMean, p.runningVar]);
      assert.ok(result.ok, result.message);
    });
  }

  test('a single value per channel cannot be batch-normalised in training', () => {
    const p = parameters(2);
    assert.throws(() => batchNorm(tf.zeros([1, 1, 1, 2]), p, { training: true }), /more than one value per channel/);
  });
});
