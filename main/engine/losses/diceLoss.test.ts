import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { checkGradients, seededUniform } from '../../../tests/support/gradientCheck.ts';
import { diceLoss, type DiceLossOptions } from './diceLoss.ts';

/** Two-class probabilities [1, n, 2] from foreground probabilities. */
const twoClass = (foreground: number[]) =>
  tf.tensor3d(
    foreground.flatMap((p) => [1 - p, p]),
    [1, foreground.length, 2],
  );
const labels = (values: number[], shape = [1, values.length]) => tf.tensor(values, shape, 'int32');

const eps = 1e-5;
const cases: Array<{ name: string; probs: () => tf.Tensor; target: () => tf.Tensor; mask?: () => tf.Tensor; options?: DiceLossOptions; expected: number }> = [
  {
    // p = .9 .2 .6 .1, y = 1 0 1 0: Σpy = 1.5, Σp = 1.8, Σy = 2 → 1 - 3/3.8
    name: 'foreground class of two',
    probs: () => twoClass([0.9, 0.2, 0.6, 0.1]),
    target: () => labels([1, 0, 1, 0]),
    expected: 1 - (3 + eps) / (3.8 + eps),
  },
  {
    // Σp² = .81 + .04 + .36 + .01 = 1.22 → 1 - 3/(1.22 + 2)
    name: 'squared: Σp² in the denominator (reference code)',
    probs: () => twoClass([0.9, 0.2, 0.6, 0.1]),
    target: () => labels([1, 0, 1, 0]),
    options: { squared: true },
    expected: 1 - (3 + eps) / (3.22 + eps),
  },
  {
    // voxel 2 unknown: Σpy = .9, Σp = .9 + .2 + .1 = 1.2, Σy = 1 → 1 - 1.8/2.2
    name: 'unknown voxel left out of every sum',
    probs: () => twoClass([0.9, 0.2, 0.6, 0.1]),
    target: () => labels([1, 0, 1, 0]),
    mask: () => tf.tensor2d([[1, 1, 0, 1]]),
    expected: 1 - (1.8 + eps) / (2.2 + eps),
  },
  {
    // background q = .1 .8 .4 .9, y = 0 1 0 1: Σqy = 1.7, Σq = 2.2, Σy = 2 → 1 - 3.4/4.2; mean with the foreground's
    name: "classes: 'all' averages background in",
    probs: () => twoClass([0.9, 0.2, 0.6, 0.1]),
    target: () => labels([1, 0, 1, 0]),
    options: { classes: 'all' },
    expected: (1 - (3.4 + eps) / (4.2 + eps) + (1 - (3 + eps) / (3.8 + eps))) / 2,
  },
  {
    // class 1: Σpy = .6, Σp = .2 + .6 + .1 = .9, Σy = 1 → 1 - 1.2/1.9
    // class 2: Σpy = .8, Σp = .1 + .3 + .8 = 1.2, Σy = 1 → 1 - 1.6/2.2; mean of the two
    name: 'three classes: mean over classes 1 and 2',
    probs: () => tf.tensor3d([0.7, 0.2, 0.1, 0.1, 0.6, 0.3, 0.1, 0.1, 0.8], [1, 3, 3]),
    target: () => labels([0, 1, 2]),
    expected: (1 - (1.2 + eps) / (1.9 + eps) + (1 - (1.6 + eps) / (2.2 + eps))) / 2,
  },
  {
    // one voxel per sample: Σpy = .9, Σp = .9 + .2, Σy = 1 → 1 - 1.8/2.1 (not the mean of per-sample Dice)
    name: 'sums run over the whole batch',
    probs: () => tf.tensor3d([0.1, 0.9, 0.8, 0.2], [2, 1, 2]),
    target: () => labels([1, 0], [2, 1]),
    expected: 1 - (1.8 + eps) / (2.1 + eps),
  },
  {
    // nothing predicted, nothing present: 1 - ε/ε
    name: 'absent and not predicted scores 0',
    probs: () => twoClass([0, 0]),
    target: () => labels([0, 0]),
    expected: 0,
  },
];

describe('diceLoss', () => {
  before(() => selectBackend());

  for (const { name, probs, target, mask, options, expected } of cases) {
    test(name, () => {
      tf.tidy(() => {
        const loss = diceLoss(probs(), target(), mask?.(), options).dataSync()[0];
        assert.ok(Math.abs(loss - expected) < 1e-6, `${loss} vs ${expected}`);
      });
    });
  }

  for (const squared of [false, true]) {
    test(`gradient w.r.t. logits matches finite differences, with a mask, at rank 5 (squared: ${squared})`, () => {
      const logits = seededUniform([2, 2, 2, 3, 3], 1, -2, 2);
      const target = tf.tensor(
        Array.from({ length: 24 }, (_, i) => (i * 7) % 3),
        [2, 2, 2, 3],
        'int32',
      );
      const mask = tf.tensor(
        Array.from({ length: 24 }, (_, i) => (i % 5 === 0 ? 0 : 1)),
        [2, 2, 2, 3],
      );
      const result = checkGradients((z) => diceLoss(tf.softmax(z), target, mask, { squared }), [logits], { maxCoordinates: 72 });
      tf.dispose([logits, target, mask]);
      assert.ok(result.ok, result.message);
    });
  }

  test('rejects mismatched shapes and float targets', () => {
    tf.tidy(() => {
      assert.throws(() => diceLoss(tf.ones([1, 4, 2]), labels([1, 0, 1])), /target shape/);
      assert.throws(() => diceLoss(tf.ones([1, 4, 2]), tf.zeros([1, 4])), /int32/);
      assert.throws(() => diceLoss(tf.ones([1, 4, 2]), labels([1, 0, 1, 0]), tf.ones([1, 3])), /mask shape/);
    });
  });
});
