/**
 * Rotation by multiples of 90° of every `[height, width]` plane of a row-major
 * `[planes, height, width]` array, with numpy's `rot90(m, k, axes=(-2, -1))` convention
 * (k = 1: out[y][x] = in[x][width-1-y]). For a 2D sample use one plane; for a NIfTI patch
 * `[ni, nj, nk]` the planes are the nk axial slices `[nj, ni]`, so the rotation is in the
 * axial (i, j) plane.
 */
import { allocateLike, type VoxelArray } from './voxelArray.ts';

/**
 * @param data row-major `[planes, height, width]` values.
 * @param shape `[height, width]` of one plane.
 * @param k number of quarter turns; any integer, taken modulo 4.
 * @param planes number of stacked planes, default 1.
 * @returns a new array and its plane shape (height and width swap when k is odd).
 */
export function rot90<T extends VoxelArray>(data: T, shape: readonly [number, number], k: number, planes = 1): { data: T; shape: [number, number] } {
  const [h, w] = shape;
  if (data.length !== planes * h * w) throw new RangeError(`array of length ${data.length} is not ${planes}×${h}×${w}`);
  const turns = ((k % 4) + 4) % 4;
  const outShape: [number, number] = turns % 2 === 0 ? [h, w] : [w, h];
  const [oh, ow] = outShape;
  const out = allocateLike(data, data.length);
  const plane = h * w;
  for (let p = 0; p < planes; p++) {
    const base = p * plane;
    for (let y = 0, o = base; y < oh; y++) {
      for (let x = 0; x < ow; x++, o++) {
        let sy: number;
        let sx: number;
        if (turns === 0) [sy, sx] = [y, x];
        else if (turns === 1) [sy, sx] = [x, w - 1 - y];
        else if (turns === 2) [sy, sx] = [h - 1 - y, w - 1 - x];
        else [sy, sx] = [h - 1 - x, y];
        out[o] = data[base + sy * w + sx]!;
      }
    }
  }
  return { data: out, shape: outShape };
}
