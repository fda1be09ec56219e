/**
 * Mirror of a row-major array along one axis.
 */
import { allocateLike, type VoxelArray } from './voxelArray.ts';

/**
 * @param data row-major values of `shape`.
 * @param shape row-major shape (first axis slowest).
 * @param axis index into `shape` of the axis to reverse.
 * @returns a new array of the same shape.
 */
export function flip<T extends VoxelArray>(data: T, shape: readonly number[], axis: number): T {
  const size = shape.reduce((p, n) => p * n, 1);
  if (data.length !== size) throw new RangeError(`array of length ${data.length} does not match shape [${shape.join(', ')}]`);
  if (!Number.isInteger(axis) || axis < 0 || axis >= shape.length) throw new RangeError(`no axis ${axis} in a rank-${shape.length} array`);
  const n = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((p, m) => p * m, 1);
  const outer = size / (n * inner);
  const out = allocateLike(data, size);
  for (let o = 0; o < outer; o++) {
    for (let x = 0; x < n; x++) {
      const from = (o * n + x) * inner;
      out.set(data.subarray(from, from + inner), (o * n + (n - 1 - x)) * inner);
    }
  }
  return out;
}
