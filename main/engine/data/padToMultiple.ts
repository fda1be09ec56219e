/**
 * Centred constant padding of 2D/3D arrays to a multiple of the network's spatial divisor
 * (16 for both U-Net and V-Net: four 2× downsamplings), and exact cropping back.
 *
 * Shapes here are row-major, the order of a tensor's shape: the first axis is the slowest and
 * the last the fastest. A 2D sample is `[height, width]`; a NIfTI volume of shape
 * `[ni, nj, nk]` is the row-major array `[nk, nj, ni]`.
 */
import { allocateLike, type VoxelArray } from './voxelArray.ts';

/** How an array was padded; enough to crop it (or anything predicted on it) back exactly. */
export interface Padding {
  /** Row-major shape before padding. */
  readonly original: readonly number[];
  /** Row-major shape after padding. */
  readonly padded: readonly number[];
  /** Index in the padded array where the original starts, per axis (the left pad). */
  readonly offset: readonly number[];
}

export interface PaddingPlanOptions {
  /** Every padded size is a multiple of this, default 16. */
  readonly multiple?: number;
  /** Smallest padded size: one number for all axes or one per axis, default 0. */
  readonly minimum?: number | readonly number[];
}

export interface PadOptions extends PaddingPlanOptions {
  /** Fill value, default 0 (use UNKNOWN for label maps). */
  readonly value?: number;
}

/**
 * Padded size per axis: the smallest multiple of `multiple` that is ≥ both the size and the
 * minimum; the pad is split evenly, the extra voxel of an odd pad going to the end.
 * @param shape row-major shape of the array.
 */
export function planPadding(shape: readonly number[], options: PaddingPlanOptions = {}): Padding {
  const { multiple = 16, minimum = 0 } = options;
  if (!Number.isInteger(multiple) || multiple < 1) throw new RangeError(`multiple must be a positive integer, got ${multiple}`);
  const minima = typeof minimum === 'number' ? shape.map(() => minimum) : minimum;
  if (minima.length !== shape.length) throw new RangeError(`minimum has ${minima.length} entries for ${shape.length} axes`);
  const padded = shape.map((n, a) => Math.ceil(Math.max(n, minima[a]!, 1) / multiple) * multiple);
  return { original: [...shape], padded, offset: shape.map((n, a) => Math.floor((padded[a]! - n) / 2)) };
}

/**
 * Copies `data` (row-major, shape `padding.original`) into a new array of shape
 * `padding.padded`, filling the border with `value`.
 */
export function applyPadding<T extends VoxelArray>(data: T, padding: Padding, value = 0): T {
  assertSize(data, padding.original);
  const out = allocateLike(data, product(padding.padded));
  if (value !== 0) out.fill(value);
  forEachRow(padding, (from, to, length) => out.set(data.subarray(from, from + length), to));
  return out;
}

/** Pads `data` of row-major `shape` as {@link planPadding} plans; see {@link PadOptions}. */
export function padToMultiple<T extends VoxelArray>(data: T, shape: readonly number[], options: PadOptions = {}): { data: T; padding: Padding } {
  const padding = planPadding(shape, options);
  return { data: applyPadding(data, padding, options.value ?? 0), padding };
}

/** The inverse of {@link applyPadding}: cuts the original region out of a padded array. */
export function cropPadding<T extends VoxelArray>(data: T, padding: Padding): T {
  assertSize(data, padding.padded);
  const out = allocateLike(data, product(padding.original));
  forEachRow(padding, (from, to, length) => out.set(data.subarray(to, to + length), from));
  return out;
}

/**
 * Calls `copy(originalStart, paddedStart, length)` for every row (run along the last axis)
 * of the original array.
 */
function forEachRow(padding: Padding, copy: (from: number, to: number, length: number) => void): void {
  const { original, padded, offset } = padding;
  const rank = original.length;
  const length = original[rank - 1]!;
  const rows = product(original.slice(0, -1));
  const index = new Array<number>(rank - 1).fill(0);
  for (let row = 0; row < rows; row++) {
    let to = 0;
    for (let a = 0; a < rank - 1; a++) to = (to + index[a]! + offset[a]!) * padded[a + 1]!;
    copy(row * length, to + offset[rank - 1]!, length);
    for (let a = rank - 2; a >= 0; a--) {
      if (++index[a]! < original[a]!) break;
      index[a] = 0;
    }
  }
}

function product(values: readonly number[]): number {
  return values.reduce((p, n) => p * n, 1);
}

function assertSize(data: VoxelArray, shape: readonly number[]): void {
  if (data.length !== product(shape)) {
    throw new RangeError(`array of length ${data.length} does not match shape [${shape.join(', ')}]`);
  }
}
