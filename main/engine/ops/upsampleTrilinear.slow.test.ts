import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { checkGradients, seededUniform } from '../../../tests/support/gradientCheck.ts';
import { interpolationMatrix } from './linearInterpolation.ts';
import { upsampleTrilinear2x } from './upsampleTrilinear.ts';

/** Source coordinate of output index i along an axis (row i of the matrix · [0, 1, …]). */
function sourceCoordinate(inSize: number, i: number, alignCorners: boolean): number {
  const matrix = interpolationMatrix(inSize, 2 * inSize, alignCorners);
  let position = 0;
  for (let j = 0; j < inSize; j++) position += matrix[i * inSize + j] * j;
  return position;
}

describe('upsampleTrilinear2x', () => {
  before(() => selectBackend());

  // Linear interpolation reproduces a function that is linear in the voxel
  // coordinates exactly, so every output voxel is known in closed form.
  for (const alignCorners of [true, false]) {
    test(`reproduces a linear field exactly (align_corners=${alignCorners})`, () => {
      const [D, H, W] = [2, 3, 4];
      const field = (d: number, h: number, w: number, c: number) => 1 + 2 * d - 3 * h + 0.5 * w + 10 * c;
      const input = tf.buffer([2, D, H, W, 2]);
      for (let b = 0; b < 2; b++)
        for (let d = 0; d < D; d++)
          for (let h = 0; h < H; h++)
            for (let w = 0; w < W; w++) {
              for (let c = 0; c < 2; c++) input.set(field(d, h, w, c) + 100 * b, b, d, h, w, c);
            }
      const x = input.toTensor() as tf.Tensor5D;
      const y = upsampleTrilinear2x(x, alignCorners);
      assert.deepEqual(y.shape, [2, 2 * D, 2 * H, 2 * W, 2]);
      const values = y.bufferSync();
      let worst = 0;
      for (let b = 0; b < 2; b++)
        for (let d = 0; d < 2 * D; d++)
          for (let h = 0; h < 2 * H; h++)
            for (let w = 0; w < 2 * W; w++) {
              for (let c = 0; c < 2; c++) {
                const expected =
                  field(sourceCoordinate(D, d, alignCorners), sourceCoordinate(H, h, alignCorners), sourceCoordinate(W, w, alignCorners), c) + 100 * b;
                worst = Math.max(worst, Math.abs(values.get(b, d, h, w, c) - expected));
              }
            }
      tf.dispose([x, y]);
      assert.ok(worst < 1e-4, `max error ${worst}`);
    });
  }

  test('gradient matches finite differences (batch 2, D ≠ H ≠ W)', () => {
    const x = seededUniform([2, 2, 3, 4, 2], 1);
    const result = checkGradients((x) => upsampleTrilinear2x(x as tf.Tensor5D, true), [x]);
    x.dispose();
    assert.ok(result.ok, result.message);
  });
});
