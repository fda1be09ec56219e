import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { maskedDice, pseudoLabels, type MaskedDiceOptions } from './maskedDice.ts';

const eps = 1e-5;
const ln3 = Math.log(3);

describe('maskedDice', () => {
  before(() => selectBackend());

  // Three voxels with softmax [0.25, 0.75], [0.5, 0.5], [0.75, 0.25]; pseudo-labels 1, 0, 1 with
  // confidence 0.9, 0.5, 0.99: at τ = 0.8 voxels 0 and 2 count, p_1 = 0.75, 0.25, y_1 = 1, 1.
  const cases: Array<{ name: string; options: MaskedDiceOptions; threshold: number; expected: number }> = [
    { name: 'foreground Dice, Σp', options: {}, threshold: 0.8, expected: 1 - (2 * 1 + eps) / (1 + 2 + eps) },
    { name: 'foreground Dice, Σp² (reference)', options: { dice: { squared: true } }, threshold: 0.8, expected: 1 - (2 + eps) / (0.625 + 2 + eps) },
    {
      name: 'all classes, Σp², ε 1e-4 (2D reference)',
      options: { dice: { classes: 'all', squared: true, epsilon: 1e-4 } },
      threshold: 0.8,
      // Class 0: p_0 = 0.25, 0.75, y_0 = 0, 0: 1 - ε / (0.625 + ε).
      expected: (1 - 1e-4 / (0.625 + 1e-4) + (1 - (2 + 1e-4) / (2.625 + 1e-4))) / 2,
    },
    { name: 'Dice + CE', options: { ce: true }, threshold: 0.8, expected: 1 - (2 + eps) / (3 + eps) + (-Math.log(0.75) - Math.log(0.25)) / 2 },
    { name: 'all voxels at τ = 0.5', options: {}, threshold: 0.5, expected: 1 - (2 * 1 + eps) / (1.5 + 2 + eps) },
    { name: 'no confident voxel: 0', options: { ce: true }, threshold: 0.995, expected: 0 },
  ];

  for (const { name, options, threshold, expected } of cases) {
    test(`${name}: ${expected.toFixed(6)}`, () => {
      const logits = tf.tensor([0, ln3, 0, 0, ln3, 0], [1, 3, 1, 2]);
      const target = tf.tensor([1, 0, 1], [1, 3, 1], 'int32');
      const confidence = tf.tensor([0.9, 0.5, 0.99], [1, 3, 1]);
      const loss = maskedDice(logits, target, confidence, threshold, options);
      assert.ok(Math.abs(loss.dataSync()[0]! - expected) < 1e-6, `${loss.dataSync()[0]} vs ${expected}`);
      tf.dispose([logits, target, confidence, loss]);
    });
  }

  test('voxels below τ get no gradient and do not change the value', () => {
    const target = tf.tensor([1, 0, 1], [1, 3, 1], 'int32');
    const confidence = tf.tensor([0.9, 0.5, 0.99], [1, 3, 1]);
    const f = (logits: tf.Tensor) => maskedDice(logits, target, confidence, 0.8, { ce: true });
    const a = tf.tensor([0, ln3, 0, 0, ln3, 0], [1, 3, 1, 2]);
    const b = tf.tensor([0, ln3, 5, -5, ln3, 0], [1, 3, 1, 2]);
    assert.equal(f(a).dataSync()[0], f(b).dataSync()[0]);
    const g = tf.grad(f)(a).dataSync();
    assert.deepEqual([g[2], g[3]], [0, 0]);
    assert.ok(Math.abs(g[0]!) > 1e-3 && Math.abs(g[4]!) > 1e-3);
    tf.dispose([target, confidence, a, b]);
  });

  test('pseudoLabels: argmax and max of the class axis', () => {
    const probabilities = tf.tensor([0.2, 0.7, 0.1, 0.6, 0.3, 0.1], [1, 2, 3]);
    const { labels, confidence } = pseudoLabels(probabilities);
    assert.equal(labels.dtype, 'int32');
    assert.deepEqual(Array.from(labels.dataSync()), [1, 0]);
    assert.deepEqual(
      Array.from(confidence.dataSync()).map((v) => Math.round(v * 10) / 10),
      [0.7, 0.6],
    );
    tf.dispose([probabilities, labels, confidence]);
  });
});
