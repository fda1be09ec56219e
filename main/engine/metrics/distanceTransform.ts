/**
 * Exact Euclidean distance transform with anisotropic voxel spacing.
 *
 * Felzenszwalb & Huttenlocher (2012), "Distance transforms of sampled functions": the squared
 * distance is separable, d²(p) = min_q Σ_a (s_a (p_a - q_a))², so it is computed by three
 * 1D passes, each the lower envelope of parabolas rooted at the sample positions measured in
 * millimetres along that axis. O(N) in total, exact up to floating-point rounding.
 */
import { assertVolumeSize, type Shape3, type Spacing3 } from '../data/volume.ts';

/**
 * Squared Euclidean distance from every voxel to the nearest seed voxel.
 * @param seeds mask in NIfTI voxel order; non-zero voxels are the seeds (distance 0).
 * @param shape `[ni, nj, nk]`.
 * @param spacing voxel size per axis; use `[1, 1, 1]` for distances in voxels.
 * @returns squared distances in units of `spacing` squared; `Infinity` everywhere if there is no seed.
 */
export function squaredDistanceTransform(seeds: Uint8Array, shape: Shape3, spacing: Spacing3): Float64Array {
  assertVolumeSize(shape, seeds);
  if (!spacing.every((s) => s > 0 && Number.isFinite(s))) {
    throw new RangeError(`spacing must be positive, got [${spacing.join(', ')}]`);
  }
  const [ni, nj, nk] = shape;
  const field = new Float64Array(seeds.length);
  for (let v = 0; v < seeds.length; v++) field[v] = seeds[v] !== 0 ? 0 : Infinity;

  const longest = Math.max(ni, nj, nk);
  const line = new Float64Array(longest);
  const out = new Float64Array(longest);
  const roots = new Int32Array(longest);
  const bounds = new Float64Array(longest + 1);
  const pass = (length: number, stride: number, step: number, starts: Iterable<number>): void => {
    for (const start of starts) {
      for (let p = 0, v = start; p < length; p++, v += stride) line[p] = field[v]!;
      envelope1d(line, length, step, out, roots, bounds);
      for (let p = 0, v = start; p < length; p++, v += stride) field[v] = out[p]!;
    }
  };
  pass(
    ni,
    1,
    spacing[0],
    lineStarts(nj * nk, (r) => r * ni),
  );
  pass(
    nj,
    ni,
    spacing[1],
    lineStarts(ni * nk, (r) => (r % ni) + ni * nj * Math.floor(r / ni)),
  );
  pass(
    nk,
    ni * nj,
    spacing[2],
    lineStarts(ni * nj, (r) => r),
  );
  return field;
}

function* lineStarts(count: number, start: (r: number) => number): Generator<number> {
  for (let r = 0; r < count; r++) yield start(r);
}

/**
 * 1D lower envelope: out[p] = min_q (step·(p-q))² + f[q], over the finite f[q] only, so a
 * line without seeds stays at Infinity instead of producing NaN from ∞ - ∞.
 */
function envelope1d(f: Float64Array, n: number, step: number, out: Float64Array, roots: Int32Array, bounds: Float64Array): void {
  let k = -1;
  for (let q = 0; q < n; q++) {
    const fq = f[q]!;
    if (fq === Infinity) continue;
    const xq = q * step;
    if (k < 0) {
      k = 0;
      roots[0] = q;
      bounds[0] = -Infinity;
      bounds[1] = Infinity;
      continue;
    }
    let s: number;
    for (;;) {
      const r = roots[k]!;
      const xr = r * step;
      s = (fq + xq * xq - (f[r]! + xr * xr)) / (2 * (xq - xr));
      if (s > bounds[k]!) break;
      k--;
    }
    k++;
    roots[k] = q;
    bounds[k] = s;
    bounds[k + 1] = Infinity;
  }
  if (k < 0) {
    out.fill(Infinity, 0, n);
    return;
  }
  k = 0;
  for (let p = 0; p < n; p++) {
    const xp = p * step;
    while (bounds[k + 1]! < xp) k++;
    const r = roots[k]!;
    const d = xp - r * step;
    out[p] = d * d + f[r]!;
  }
}
