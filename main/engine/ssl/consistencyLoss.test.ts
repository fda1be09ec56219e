import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { maskedConsistency, meanSquaredConsistency } from './consistencyLoss.ts';

// Two voxels, two classes: student (0.8, 0.2), (0.4, 0.6); teacher (0.6, 0.4), (0.4, 0.6).
// Squared differences: voxel 0: 0.04, 0.04; voxel 1: 0, 0.
const student = () =>
  tf.tensor3d([
    [
      [0.8, 0.2],
      [0.4, 0.6],
    ],
  ]);
const teacher = () =>
  tf.tensor3d([
    [
      [0.6, 0.4],
      [0.4, 0.6],
    ],
  ]);

describe('consistencyLoss', () => {
  before(() => selectBackend());

  test('meanSquaredConsistency: mean over voxels and classes', () => {
    tf.tidy(() => {
      // (0.04 + 0.04 + 0 + 0) / 4 = 0.02
      assert.ok(Math.abs(meanSquaredConsistency(student(), teacher()).dataSync()[0]! - 0.02) < 1e-7);
      assert.equal(meanSquaredConsistency(teacher(), teacher()).dataSync()[0], 0);
    });
  });

  const masked: Array<{ mask: number[]; expected: number; why: string }> = [
    { mask: [1, 1], expected: 0.08 / (2 * 2 + 1e-16), why: 'all kept: 0.08 / (2·2)' },
    { mask: [1, 0], expected: 0.08 / 2, why: 'the differing voxel only: 0.08 / (2·1)' },
    { mask: [0, 1], expected: 0, why: 'the agreeing voxel only: 0 / 2' },
    { mask: [0, 0], expected: 0, why: 'none kept: 0 / 1e-16 = 0' },
  ];
  for (const { mask, expected, why } of masked) {
    test(`maskedConsistency, ${why}`, () => {
      tf.tidy(() => {
        const value = maskedConsistency(student(), teacher(), tf.tensor2d([mask])).dataSync()[0]!;
        assert.ok(Math.abs(value - expected) < 1e-7, `${value} vs ${expected}`);
      });
    });
  }

  test('gradient reaches the student only: d/dp_s = 2 m (p_s - p_t) / (2 Σ m)', () => {
    tf.tidy(() => {
      const t = teacher();
      const mask = tf.tensor2d([[1, 1]]);
      const grad = tf
        .grad((s: tf.Tensor) => maskedConsistency(s, t, mask))(student())
        .dataSync();
      // Voxel 0: 2 · (±0.2) / 4 = ±0.1; voxel 1: 0.
      [0.1, -0.1, 0, 0].forEach((e, i) => assert.ok(Math.abs(grad[i]! - e) < 1e-6, `${i}: ${grad[i]}`));
    });
  });

  test('shape mismatches are refused', () => {
    tf.tidy(() => {
      assert.throws(() => meanSquaredConsistency(student(), tf.zeros([1, 2, 3])), /differ in shape/);
      assert.throws(() => maskedConsistency(student(), teacher(), tf.ones([1, 3])), /mask shape/);
    });
  });
});
