import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { checkGradients, seededUniform } from '../../../tests/support/gradientCheck.ts';
import { lovaszSoftmax, type LovaszSoftmaxOptions } from './lovaszSoftmax.ts';

// Three voxels, target 1 0 0, probabilities (p0, p1, p2) per voxel:
//   v0 (.1 .7 .2), v1 (.6 .3 .1), v2 (.3 .6 .1).
// Class 0: y = 0 1 1, errors .1 .4 .7 → order v2 v1 v0; |y| = 2; Jaccard loss
//   after each: 1 − 1/2 = .5, 1 − 0/2 = 1, 1 − 0/3 = 1 → increments .5 .5 0 → .7·.5 + .4·.5 = .55
// Class 1: y = 1 0 0, errors .3 .3 .6 → order v2 (bg), v0 (fg), v1 (bg); |y| = 1:
//   .5, 1, 1 → increments .5 .5 0 → .6·.5 + .3·.5 = .45 (the tie order does not matter)
// Class 2: absent, errors = p = .2 .1 .1 → first step already 1 − 0/1 = 1 → .2
const threeVoxels = () => ({
  probs: tf.tensor3d([0.1, 0.7, 0.2, 0.6, 0.3, 0.1, 0.3, 0.6, 0.1], [1, 3, 3]),
  target: tf.tensor2d([[1, 0, 0]], [1, 3], 'int32'),
});

const cases: Array<{ name: string; mask?: number[]; options?: LovaszSoftmaxOptions; expected: number }> = [
  { name: "classes 'present': mean of classes 0 and 1", expected: (0.55 + 0.45) / 2 },
  { name: "classes 'all': the absent class counts its largest error", options: { classes: 'all' }, expected: (0.55 + 0.45 + 0.2) / 3 },
  {
    // Without v1. Class 0: y = 0 1 on (v0, v2), errors .1 .7 → order v2 (fg), v0 (bg); |y| = 1:
    //   1 − 0/1 = 1, then 1 − 0/2 = 1 → increments 1 0 → .7
    // Class 1: y = 1 0 on (v0, v2), errors .3 .6 → order v2 (bg), v0 (fg): 1 − 1/2 = .5, then 1 → .6·.5 + .3·.5 = .45
    name: 'an unknown voxel is left out of the sort and the Jaccard counts',
    mask: [1, 0, 1],
    expected: (0.7 + 0.45) / 2,
  },
  { name: 'no known voxel gives 0', mask: [0, 0, 0], expected: 0 },
];

describe('lovaszSoftmax', () => {
  before(() => selectBackend());

  for (const { name, mask, options, expected } of cases) {
    test(name, () => {
      tf.tidy(() => {
        const { probs, target } = threeVoxels();
        const loss = lovaszSoftmax(probs, target, mask && tf.tensor2d([mask]), options).dataSync()[0];
        assert.ok(Math.abs(loss - expected) < 1e-6, `${loss} vs ${expected}`);
      });
    });
  }

  test('gradient w.r.t. logits matches finite differences', () => {
    const logits = seededUniform([2, 3, 4, 3], 5, -2, 2);
    const target = tf.tensor(
      Array.from({ length: 24 }, (_, i) => (i * 7) % 3),
      [2, 3, 4],
      'int32',
    );
    const result = checkGradients((z) => lovaszSoftmax(tf.softmax(z), target), [logits], { step: 1e-3 });
    tf.dispose([logits, target]);
    assert.ok(result.ok, result.message);
  });
});
