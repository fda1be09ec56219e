import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { belowThreshold, confidenceMask, predictiveEntropy, uncertaintyThreshold } from './confidenceMask.ts';

const close = (actual: ArrayLike<number>, expected: number[], tol = 1e-6) =>
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i]! - e) < tol, `${i}: ${actual[i]} vs ${e}`));

describe('confidenceMask', () => {
  before(() => selectBackend());

  test('predictiveEntropy: -Σ μ ln(μ + 1e-6) per voxel', () => {
    // (½, ½) → ln 2 (up to the ε); (1, 0) → -ln(1 + 1e-6) ≈ -1e-6; (0.9, 0.1) → 0.325083.
    const mu = tf.tensor3d([
      [
        [0.5, 0.5],
        [1, 0],
        [0.9, 0.1],
      ],
    ]);
    const u = predictiveEntropy(mu);
    assert.deepEqual(u.shape, [1, 3]);
    close(u.dataSync(), [-2 * 0.5 * Math.log(0.5 + 1e-6), -Math.log(1 + 1e-6), -(0.9 * Math.log(0.9 + 1e-6) + 0.1 * Math.log(0.1 + 1e-6))], 1e-7);
    close(u.dataSync(), [0.693145, 0, 0.325083], 1e-5);
    tf.dispose([mu, u]);
  });

  test('uncertaintyThreshold: (0.75 + 0.25 r(t, T)) ln 2, whatever the number of classes', () => {
    const cases: Array<[t: number, T: number, expected: number]> = [
      [0, 100, (0.75 + 0.25 * Math.exp(-5)) * Math.log(2)],
      [50, 100, (0.75 + 0.25 * Math.exp(-1.25)) * Math.log(2)],
      [100, 100, Math.log(2)],
    ];
    for (const [t, T, expected] of cases) assert.ok(Math.abs(uncertaintyThreshold(t, T) - expected) < 1e-12);
  });

  test('belowThreshold keeps strictly smaller values', () => {
    const u = tf.tensor2d([[0.1, 0.5, 0.52, 0.9]]);
    assert.deepEqual(Array.from(belowThreshold(u, 0.52).dataSync()), [1, 1, 0, 0]);
    u.dispose();
  });

  test('the UA-MT mask at a given threshold: entropies 0.325 and 0.693 against 0.52', () => {
    const mu = tf.tensor3d([
      [
        [0.9, 0.1],
        [0.5, 0.5],
        [0.02, 0.98],
      ],
    ]);
    // Entropies 0.325, 0.693, 0.098 → kept, dropped, kept.
    assert.deepEqual(Array.from(tf.tidy(() => belowThreshold(predictiveEntropy(mu), 0.52)).dataSync()), [1, 0, 1]);
    mu.dispose();
  });

  test('confidenceMask keeps voxels whose largest probability reaches τ', () => {
    const p = tf.tensor3d([
      [
        [0.95, 0.05],
        [0.6, 0.4],
        [0.02, 0.98],
        [0.05, 0.95],
      ],
    ]);
    assert.deepEqual(Array.from(confidenceMask(p, 0.95).dataSync()), [1, 0, 1, 1]);
    p.dispose();
  });
});
