import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { crossEntropyLoss } from './crossEntropyLoss.ts';
import { diceLoss } from './diceLoss.ts';
import { lovaszSoftmax } from './lovaszSoftmax.ts';
import { supervisedLoss } from './supervisedLoss.ts';

describe('supervisedLoss', () => {
  before(() => selectBackend());

  test('is ½ (CE + foreground Dice)', () => {
    // Logits (0, ln(p/(1-p))) give foreground probabilities p = .9 .2 .6 .1; target 1 0 1 0.
    // CE = −(ln .9 + ln .8 + ln .6 + ln .9)/4 = 0.2361726; Dice = 1 − 3/3.8 = 0.2105258 (ε = 1e-5).
    tf.tidy(() => {
      const p = [0.9, 0.2, 0.6, 0.1];
      const logits = tf.tensor3d(
        p.flatMap((q) => [0, Math.log(q / (1 - q))]),
        [1, 4, 2],
      );
      const target = tf.tensor2d([[1, 0, 1, 0]], [1, 4], 'int32');
      const expected = 0.5 * (0.23617255 + (1 - (3 + 1e-5) / (3.8 + 1e-5)));
      const loss = supervisedLoss(logits, target).dataSync()[0];
      assert.ok(Math.abs(loss - expected) < 1e-6, `${loss} vs ${expected}`);
    });
  });
});

// Every loss must ignore unknown voxels entirely: their predictions and
// labels cannot change the value, and they receive no gradient.
describe('unknown voxels do not affect any loss', () => {
  before(() => selectBackend());

  const shape = [2, 4, 4];
  const classes = 3;
  const mask = () =>
    tf.tensor(
      Array.from({ length: 32 }, (_, i) => (i % 3 === 0 ? 0 : 1)),
      shape,
    );
  const logitsFor = (seed: number) => tf.randomNormal([...shape, classes], 0, 2, 'float32', seed);
  const labelsFor = (seed: number) => tf.randomUniformInt(shape, 0, classes, seed);
  const losses: Array<[string, (z: tf.Tensor, y: tf.Tensor, m: tf.Tensor) => tf.Scalar]> = [
    ['crossEntropyLoss', crossEntropyLoss],
    ['diceLoss', (z, y, m) => diceLoss(tf.softmax(z), y, m)],
    ['supervisedLoss', supervisedLoss],
    ['lovaszSoftmax', (z, y, m) => lovaszSoftmax(tf.softmax(z), y, m)],
  ];

  for (const [name, loss] of losses) {
    test(name, () => {
      tf.tidy(() => {
        const m = mask();
        const unknown = tf.expandDims(tf.equal(m, 0), -1);
        const z = logitsFor(1);
        const y = labelsFor(2);
        // Different logits and labels, but only where the mask is 0.
        const zOther = tf.where(unknown, logitsFor(3), z);
        const yOther = tf.where(tf.equal(m, 0), labelsFor(4), y);
        const value = loss(z, y, m).dataSync()[0];
        const other = loss(zOther, yOther, m).dataSync()[0];
        assert.ok(Math.abs(value - other) < 1e-6, `${value} vs ${other}`);
        const grad = tf.grad((z: tf.Tensor) => loss(z, y, m))(z);
        const leaked = tf.max(tf.abs(tf.mul(grad, tf.cast(unknown, 'float32')))).dataSync()[0];
        const known = tf.max(tf.abs(grad)).dataSync()[0];
        assert.equal(leaked, 0);
        assert.ok(known > 0);
      });
    });
  }
});
