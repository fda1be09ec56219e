import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { checkGradients, seededUniform } from '../../../tests/support/gradientCheck.ts';
import { crossEntropyLoss } from './crossEntropyLoss.ts';

// Voxel 0: logits (0, 0, 0), class 1 → −log(1/3) = ln 3.
// Voxel 1: logits (2, 0, 0), class 0 → −log(e²/(e² + 2)) = ln(1 + 2e⁻²).
const logits = () => tf.tensor3d([0, 0, 0, 2, 0, 0], [1, 2, 3]);
const target = () => tf.tensor2d([[1, 0]], [1, 2], 'int32');
const voxel0 = Math.log(3);
const voxel1 = Math.log(1 + 2 * Math.exp(-2));

const cases = [
  { name: 'mean over voxels', mask: undefined, expected: (voxel0 + voxel1) / 2 },
  { name: 'unknown voxel 0 excluded from sum and count', mask: [[0, 1]], expected: voxel1 },
  { name: 'no known voxel gives 0, not NaN', mask: [[0, 0]], expected: 0 },
];

describe('crossEntropyLoss', () => {
  before(() => selectBackend());

  for (const { name, mask, expected } of cases) {
    test(name, () => {
      tf.tidy(() => {
        const loss = crossEntropyLoss(logits(), target(), mask && tf.tensor2d(mask)).dataSync()[0];
        assert.ok(Math.abs(loss - expected) < 1e-6, `${loss} vs ${expected}`);
      });
    });
  }

  test('gradient matches finite differences, with a mask, at rank 4', () => {
    const z = seededUniform([2, 3, 2, 4], 1, -2, 2);
    const y = tf.tensor(
      Array.from({ length: 12 }, (_, i) => (i * 5) % 4),
      [2, 3, 2],
      'int32',
    );
    const mask = tf.tensor(
      Array.from({ length: 12 }, (_, i) => (i % 4 === 1 ? 0 : 1)),
      [2, 3, 2],
    );
    const result = checkGradients((z) => crossEntropyLoss(z, y, mask), [z]);
    tf.dispose([z, y, mask]);
    assert.ok(result.ok, result.message);
  });
});
