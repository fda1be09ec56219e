/**
 * 3D sliding-window inference (docs/methods.md §2; UA-MT / LA `test_single_case`).
 *
 * Windows of the training patch size are placed on a grid with the given stride, the last
 * window along each axis flush with the volume's end; a volume shorter than the patch along
 * an axis gets one window there, centred, and the overhang reads as 0. The softmax of every
 * window is summed into the output, divided per voxel by the number of windows that covered
 * it, and the argmax taken.
 *
 * Memory: only one batch of windows exists as tensors at a time (input and logits, both
 * disposed before the next batch), and the padding is virtual, so the volume is never
 * copied. The accumulator is the C×N output array itself. The coverage count is exact
 * without an N-sized count map: the windows form a grid, so the count at (i, j, k) is the
 * product of the per-axis counts.
 */
import { assertVolumeSize, voxelCount, type Shape3 } from '../data/volume.ts';
import { runLogits } from './runLogits.ts';
import { argmaxClasses, type LogitsFunction, type Segmentation } from './segmentation.ts';
import { softmaxAt } from './softmax.ts';

export interface SlidingWindowOptions {
  /** Window size `[pi, pj, pk]`, normally the training patch size (a multiple of 16). */
  readonly patchSize: Shape3;
  /** Step between windows `[si, sj, sk]`, each in [1, patch size], default {@link defaultStride}. */
  readonly stride?: Shape3;
  /** Windows per model call, default 1. */
  readonly batchSize?: number;
  /** Called after each batch with the number of windows done and the total. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * The reference stride: about 1/6 of the patch in-plane (i, j) and 1/20 across slices (k),
 * at least 1; e.g. 18 × 18 × 4 for the LA patch 112 × 112 × 80.
 */
export function defaultStride(patchSize: Shape3): Shape3 {
  const [pi, pj, pk] = patchSize;
  return [Math.max(1, Math.floor(pi / 6)), Math.max(1, Math.floor(pj / 6)), Math.max(1, Math.floor(pk / 20))];
}

/**
 * Window start positions along one axis of length `n` for windows of `patch` voxels.
 * @param stride an integer in [1, patch]; a larger one would leave voxels no window covers.
 * @returns `min(x·stride, n - patch)` for x = 0 … ⌈(n - patch)/stride⌉ when n ≥ patch, else
 *   the single centred start `-⌊(patch - n)/2⌋`.
 */
export function windowStarts(n: number, patch: number, stride: number): number[] {
  if (!(Number.isInteger(stride) && stride >= 1 && stride <= patch)) {
    throw new RangeError(`stride must be an integer in [1, ${patch}] (the patch size), got ${stride}`);
  }
  if (n < patch) return [-Math.floor((patch - n) / 2)];
  const count = Math.ceil((n - patch) / stride) + 1;
  return Array.from({ length: count }, (_, x) => Math.min(x * stride, n - patch));
}

/**
 * @param model logits function (channels-last, `[B, pk, pj, pi, 1]` → `[B, pk, pj, pi, C]`).
 * @param image normalised scan in NIfTI voxel order.
 * @param shape `[ni, nj, nk]`.
 * @returns class-planar averaged probabilities and argmax labels (see `segmentation.ts`).
 */
export async function slidingWindow3d(model: LogitsFunction, image: Float32Array, shape: Shape3, options: SlidingWindowOptions): Promise<Segmentation> {
  assertVolumeSize(shape, image);
  const { patchSize, stride = defaultStride(patchSize), batchSize = 1, onProgress } = options;
  assertVolumeSize(patchSize);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const [ni, nj, nk] = shape;
  const [pi, pj, pk] = patchSize;
  const starts = [0, 1, 2].map((a) => windowStarts(shape[a]!, patchSize[a]!, stride[a]!));
  const coverage = [0, 1, 2].map((a) => coverageCounts(shape[a]!, patchSize[a]!, starts[a]!));
  const windows: [number, number, number][] = [];
  for (const ok of starts[2]!) for (const oj of starts[1]!) for (const oi of starts[0]!) windows.push([oi, oj, ok]);

  const voxels = voxelCount(shape);
  const patchVoxels = pi * pj * pk;
  let sums: Float32Array | undefined;
  let classes = 0;

  for (let first = 0; first < windows.length; first += batchSize) {
    const batch = windows.slice(first, first + batchSize);
    const input = new Float32Array(batch.length * patchVoxels);
    batch.forEach(([oi, oj, ok], b) =>
      forEachRow(shape, patchSize, oi, oj, ok, (to, from, length) => {
        input.set(image.subarray(from, from + length), b * patchVoxels + to);
      }),
    );
    await runLogits(model, input, [batch.length, pk, pj, pi], (logits, c) => {
      if (sums === undefined) {
        classes = c;
        sums = new Float32Array(classes * voxels);
      } else if (c !== classes) {
        throw new RangeError(`model returned ${c} classes after ${classes}`);
      }
      const p = new Float64Array(classes);
      batch.forEach(([oi, oj, ok], b) =>
        forEachRow(shape, patchSize, oi, oj, ok, (to, from, length) => {
          for (let x = 0; x < length; x++) {
            softmaxAt(logits, (b * patchVoxels + to + x) * classes, classes, p);
            for (let k = 0; k < classes; k++) sums![k * voxels + from + x]! += p[k]!;
          }
        }),
      );
    });
    onProgress?.(first + batch.length, windows.length);
  }

  const probabilities = sums!;
  const [ci, cj, ck] = coverage as [Uint32Array, Uint32Array, Uint32Array];
  for (let k = 0, v = 0; k < nk; k++) {
    for (let j = 0; j < nj; j++) {
      const cjk = cj[j]! * ck[k]!;
      for (let i = 0; i < ni; i++, v++) {
        const scale = 1 / (ci[i]! * cjk);
        for (let c = 0; c < classes; c++) probabilities[c * voxels + v]! *= scale;
      }
    }
  }
  return { probabilities, labels: argmaxClasses(probabilities, classes, voxels), classes, shape };
}

/** How many windows starting at `starts` (each `patch` long) cover each position of an axis of length n. */
function coverageCounts(n: number, patch: number, starts: readonly number[]): Uint32Array {
  const counts = new Uint32Array(n);
  for (const s of starts) for (let x = Math.max(0, s); x < Math.min(n, s + patch); x++) counts[x]!++;
  return counts;
}

/**
 * Calls `visit(patchOffset, volumeOffset, length)` for each run along i of the part of the
 * window at (oi, oj, ok) that lies inside the volume.
 */
function forEachRow(shape: Shape3, patchSize: Shape3, oi: number, oj: number, ok: number, visit: (to: number, from: number, length: number) => void): void {
  const [ni, nj, nk] = shape;
  const [pi, pj, pk] = patchSize;
  const i0 = Math.max(0, -oi);
  const i1 = Math.min(pi, ni - oi);
  for (let k = Math.max(0, -ok); k < Math.min(pk, nk - ok); k++) {
    for (let j = Math.max(0, -oj); j < Math.min(pj, nj - oj); j++) {
      visit(i0 + pi * (j + pj * k), oi + i0 + ni * (oj + j + nj * (ok + k)), i1 - i0);
    }
  }
}
