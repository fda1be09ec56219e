import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../main/engine/backend/selectBackend.ts';
import { checkGradients, kinkFreeInput, seededUniform } from '../../support/gradientCheck.ts';

/** x ↦ x³ with a deliberately scaled gradient (scale 1 is correct). */
const cubeWithGradientScaled = (scale: number): ((x: tf.Tensor) => tf.Tensor) =>
  tf.customGrad((...inputs: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x = inputs[0] as tf.Tensor;
    return { value: tf.pow(x, 3), gradFunc: (dy: tf.Tensor) => tf.mul(dy, tf.mul(tf.square(x), 3 * scale)) };
  });

describe('checkGradients', () => {
  before(() => selectBackend());

  test('accepts a correct gradient', () => {
    const x = seededUniform([3, 4], 1);
    const result = checkGradients(cubeWithGradientScaled(1), [x]);
    x.dispose();
    assert.ok(result.ok, result.message);
    assert.equal(result.checked, 12);
  });

  test('rejects a gradient that is 5 % off', () => {
    const x = seededUniform([3, 4], 1, 0.5, 1.5);
    const result = checkGradients(cubeWithGradientScaled(1.05), [x]);
    x.dispose();
    assert.equal(result.ok, false);
    assert.match(result.message, /gradient mismatch/);
  });

  test('kink-free inputs keep every value more than 2h from zero and from each other', () => {
    const values = Array.from(kinkFreeInput([50], 3).dataSync()).sort((a, b) => a - b);
    assert.ok(values.every((v) => Math.abs(v) >= 0.1 - 1e-7));
    assert.ok(values.slice(1).every((v, i) => v - values[i] > 0.02));
  });
});
