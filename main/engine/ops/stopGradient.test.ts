import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { stopGradient } from './stopGradient.ts';

describe('stopGradient', () => {
  before(() => selectBackend());

  test('passes values through and blocks the gradient: d/dx Σ x·sg(x)² = sg(x)²', () => {
    tf.tidy(() => {
      const x = tf.tensor1d([1, -2, 3]);
      assert.deepEqual(Array.from(stopGradient(x).dataSync()), [1, -2, 3]);
      const grad = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(x, tf.square(stopGradient(x)))))(x);
      assert.deepEqual(Array.from(grad.dataSync()), [1, 4, 9]);
    });
  });
});
