import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { checkGradients } from './gradientCheck.ts';
import { gatherRows } from './gatherRows.ts';

describe('gatherRows', () => {
  before(() => selectBackend());

  test('picks rows in the given order; the gradient adds each row\'s upstream gradient back, repeats summed', () => {
    const x = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    const indices = tf.tensor1d([2, 0, 2], 'int32');
    const rows = gatherRows(x, indices);
    assert.deepEqual(rows.arraySync(), [[5, 6], [1, 2], [5, 6]]);
    const weights = tf.tensor2d([[1, 10], [100, 1000], [2, 20]]);
    const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(gatherRows(t, indices), weights)))(x);
    assert.deepEqual(grad.arraySync(), [[100, 1000], [0, 0], [3, 30]]);
    tf.dispose([x, indices, rows, weights, grad]);
  });

  test('indices made inside the differentiated function outlive it until the backward pass', () => {
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const grad = tf.grad((t: tf.Tensor) => tf.sum(gatherRows(t, tf.tensor1d([1], 'int32'))))(x);
    assert.deepEqual(grad.arraySync(), [[0, 0], [1, 1]]);
    tf.dispose([x, grad]);
  });

  test('gradient matches finite differences for rank-3 rows', () => {
    const x = tf.randomNormal([5, 2, 3], 0, 1, 'float32', 1);
    const indices = tf.tensor1d([4, 1, 1, 0], 'int32');
    const result = checkGradients((t) => gatherRows(t, indices), [x]);
    assert.ok(result.ok, result.message);
    tf.dispose([x, indices]);
  });

  test('is fast where the general gather gradient is not: 8192 rows, 2400 picked', () => {
    const x = tf.randomNormal([8192, 32]);
    const indices = tf.tensor1d(Array.from({ length: 2400 }, (_, i) => 3 * i), 'int32');
    const started = performance.now();
    const grad = tf.grad((t: tf.Tensor) => tf.sum(gatherRows(t, indices)))(x);
    assert.equal(tf.tidy(() => tf.sum(grad).dataSync()[0]), 2400 * 32);
    assert.ok(performance.now() - started < 2000);
    tf.dispose([x, indices, grad]);
  });
});
