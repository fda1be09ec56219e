import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { checkGradients, seededUniform } from '../../../tests/support/gradientCheck.ts';
import { upsampleBilinear2x } from './upsampleBilinear.ts';

function maxAbsDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

describe('upsampleBilinear2x', () => {
  before(() => selectBackend());

  test('forward equals tf.image.resizeBilinear (align corners) with batch 2 and H ≠ W', () => {
    tf.tidy(() => {
      const x = seededUniform([2, 3, 5, 2], 1) as tf.Tensor4D;
      const y = upsampleBilinear2x(x);
      assert.deepEqual(y.shape, [2, 6, 10, 2]);
      assert.ok(maxAbsDifference(y, tf.image.resizeBilinear(x, [6, 10], true)) < 1e-6);
    });
  });

  test('align_corners=false equals resizeBilinear with half-pixel centres (PyTorch default)', () => {
    tf.tidy(() => {
      const x = seededUniform([2, 4, 3, 3], 2) as tf.Tensor4D;
      assert.ok(maxAbsDifference(upsampleBilinear2x(x, false), tf.image.resizeBilinear(x, [8, 6], false, true)) < 1e-6);
    });
  });

  test('gradient matches finite differences for batch 2, H ≠ W (where the cpu ResizeBilinearGrad throws)', () => {
    const x = seededUniform([2, 3, 4, 2], 3);
    const result = checkGradients((x) => upsampleBilinear2x(x as tf.Tensor4D), [x], { maxCoordinates: 48 });
    x.dispose();
    assert.ok(result.ok, result.message);
  });

  test('allocates nothing beyond its output', () => {
    const x = seededUniform([2, 3, 4, 2], 4) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const y = upsampleBilinear2x(x);
    assert.equal(tf.memory().numTensors, before + 1);
    tf.dispose([x, y]);
  });
});
