import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../backend/selectBackend.ts';
import { checkGradients, seededUniform } from '../../../../tests/support/gradientCheck.ts';

describe('conv3dTranspose gradient (Conv3DBackpropInputV2)', () => {
  before(() => selectBackend());

  test('k2 s2 valid, as V-Net upsamples: batch 2, D ≠ H ≠ W, input and filter', () => {
    const x = seededUniform([2, 2, 3, 4, 3], 1);
    const w = seededUniform([2, 2, 2, 2, 3], 2);
    const f = (x: tf.Tensor, w: tf.Tensor) => tf.conv3dTranspose(x as tf.Tensor5D, w as tf.Tensor5D, [2, 4, 6, 8, 2], 2, 'valid');
    const result = checkGradients(f, [x, w], { maxCoordinates: 96 });
    tf.dispose([x, w]);
    assert.ok(result.ok, result.message);
  });

  test('k3 s1 same', () => {
    const x = seededUniform([2, 3, 2, 4, 2], 3);
    const w = seededUniform([3, 3, 3, 3, 2], 4);
    const f = (x: tf.Tensor, w: tf.Tensor) => tf.conv3dTranspose(x as tf.Tensor5D, w as tf.Tensor5D, [2, 3, 2, 4, 3], 1, 'same');
    const result = checkGradients(f, [x, w]);
    tf.dispose([x, w]);
    assert.ok(result.ok, result.message);
  });

  test('k3 s2 same', () => {
    const x = seededUniform([2, 2, 2, 3, 2], 5);
    const w = seededUniform([3, 3, 3, 2, 2], 6);
    const f = (x: tf.Tensor, w: tf.Tensor) => tf.conv3dTranspose(x as tf.Tensor5D, w as tf.Tensor5D, [2, 4, 4, 6, 2], 2, 'same');
    const result = checkGradients(f, [x, w]);
    tf.dispose([x, w]);
    assert.ok(result.ok, result.message);
  });

  test('forward is the adjoint of conv3d: <conv3d(y, w), x> = <y, conv3dTranspose(x, w)>', () => {
    const [lhs, rhs] = tf.tidy(() => {
      const x = seededUniform([2, 2, 3, 4, 3], 7) as tf.Tensor5D;
      const y = seededUniform([2, 4, 6, 8, 2], 8) as tf.Tensor5D;
      const w = seededUniform([2, 2, 2, 2, 3], 9) as tf.Tensor5D;
      return [
        tf.sum(tf.mul(tf.conv3d(y, w, 2, 'valid'), x)).dataSync()[0],
        tf.sum(tf.mul(y, tf.conv3dTranspose(x, w, [2, 4, 6, 8, 2], 2, 'valid'))).dataSync()[0],
      ];
    }) as unknown as [number, number];
    assert.ok(Math.abs(lhs - rhs) < 1e-4 * Math.abs(lhs), `${lhs} vs ${rhs}`);
  });
});
