import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { interpolationMatrix } from './linearInterpolation.ts';

const rows = (m: Float32Array, cols: number) =>
  Array.from({ length: m.length / cols }, (_, i) => Array.from(m.slice(i * cols, (i + 1) * cols), (v) => +v.toFixed(6)));

describe('interpolationMatrix (PyTorch linear interpolation weights)', () => {
  test('align_corners=true, 2 → 4: source positions 0, 1/3, 2/3, 1', () => {
    assert.deepEqual(rows(interpolationMatrix(2, 4, true), 2), [
      [1, 0],
      [0.666667, 0.333333],
      [0.333333, 0.666667],
      [0, 1],
    ]);
  });

  test('align_corners=false, 2 → 4: source positions -¼ (clamped to 0), ¼, ¾, 1¼ (clamped to 1)', () => {
    assert.deepEqual(rows(interpolationMatrix(2, 4, false), 2), [
      [1, 0],
      [0.75, 0.25],
      [0.25, 0.75],
      [0, 1],
    ]);
  });

  test('align_corners=true, 3 → 6: source positions i · 2/5', () => {
    assert.deepEqual(rows(interpolationMatrix(3, 6, true), 3), [
      [1, 0, 0],
      [0.6, 0.4, 0],
      [0.2, 0.8, 0],
      [0, 0.8, 0.2],
      [0, 0.4, 0.6],
      [0, 0, 1],
    ]);
  });

  test('a size-1 axis is copied', () => {
    assert.deepEqual(rows(interpolationMatrix(1, 2, true), 1), [[1], [1]]);
    assert.deepEqual(rows(interpolationMatrix(1, 2, false), 1), [[1], [1]]);
  });
});
