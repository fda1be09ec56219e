/**
 * A random smooth deformation of a 2D or 3D row-major grid, and resampling of an image and a
 * label map through it: what makes one annotated scan look like the anatomy of another subject
 * (the exemplar method's synthetic data, docs/methods.md "exemplar").
 *
 * The map composes, about the grid centre, an isotropic scaling, a rotation in the plane of the
 * last two axes (a slice's rows and columns; a patch's axial plane) and an elastic displacement:
 * independent N(0, σ²) displacements per axis at the nodes of a coarse control grid, spread to
 * every voxel by multilinear interpolation, so neighbouring voxels move together (a smooth field
 * that folds nothing at σ well below the node spacing).
 */
import type { Rng } from '../random/rng.ts';
import { UNKNOWN } from './labels.ts';

export interface DeformationOptions {
  /** Control points per axis of the elastic field (≥ 2). */
  grid: number;
  /** Standard deviation of the control-point displacements, voxels. */
  sigma: number;
  /** Largest in-plane rotation, degrees. */
  maxDegrees: number;
  /** Range of the isotropic scaling (> 1 enlarges the content). */
  scale: readonly [number, number];
}

/**
 * The variation between the subjects of a study at 1–2 mm: a few millimetres of local shape
 * change, ±10° of head rotation, ±10 % of head size.
 */
export const SUBJECT_DEFORMATION: DeformationOptions = { grid: 5, sigma: 2, maxDegrees: 10, scale: [0.9, 1.1] };

/**
 * Pre-image coordinates of every output voxel, `rank` numbers per voxel in row-major voxel order
 * (axis order of `shape`).
 * @param shape spatial shape, 2 or 3 axes, row-major (last axis fastest).
 */
export function randomDeformation(shape: readonly number[], rng: Rng, options: DeformationOptions = SUBJECT_DEFORMATION): Float32Array {
  const rank = shape.length;
  if (rank !== 2 && rank !== 3) throw new RangeError(`a deformation needs 2 or 3 axes, got ${rank}`);
  if (options.grid < 2) throw new RangeError('the control grid needs at least 2 points per axis');
  const nodes = options.grid ** rank;
  const displacement = Array.from({ length: rank }, () => Float32Array.from({ length: nodes }, () => rng.normal() * options.sigma));
  const theta = (rng.uniform(-options.maxDegrees, options.maxDegrees) * Math.PI) / 180;
  const inverseScale = 1 / rng.uniform(options.scale[0], options.scale[1]);
  const cos = Math.cos(theta) * inverseScale;
  const sin = Math.sin(theta) * inverseScale;
  const centre = shape.map((n) => (n - 1) / 2);
  const voxels = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(voxels * rank);
  const index = new Array<number>(rank).fill(0);
  const position = new Float64Array(rank);
  for (let v = 0; v < voxels; v++) {
    // Scaling on every axis, rotation in the plane of the last two.
    for (let a = 0; a < rank; a++) position[a] = (index[a]! - centre[a]!) * inverseScale + centre[a]!;
    const p = rank - 2;
    const q = rank - 1;
    const dy = index[p]! - centre[p]!;
    const dx = index[q]! - centre[q]!;
    position[p] = cos * dy - sin * dx + centre[p]!;
    position[q] = sin * dy + cos * dx + centre[q]!;
    for (let a = 0; a < rank; a++) out[v * rank + a] = position[a]! + interpolateNodes(displacement[a]!, index, shape, options.grid);
    for (let a = rank - 1; a >= 0; a--) {
      if (++index[a]! < shape[a]!) break;
      index[a] = 0;
    }
  }
  return out;
}

/** Multilinear interpolation of a field given at `grid` evenly spaced nodes per axis (row-major). */
function interpolateNodes(field: Float32Array, index: readonly number[], shape: readonly number[], grid: number): number {
  const rank = shape.length;
  let sum = 0;
  // Each of the 2^rank surrounding nodes, weighted by the product of its 1D weights.
  for (let corner = 0; corner < 1 << rank; corner++) {
    let weight = 1;
    let node = 0;
    for (let a = 0; a < rank; a++) {
      const t = shape[a]! > 1 ? (index[a]! * (grid - 1)) / (shape[a]! - 1) : 0;
      const lo = Math.min(Math.floor(t), grid - 2);
      const f = t - lo;
      const upper = (corner >> a) & 1;
      weight *= upper ? f : 1 - f;
      node = node * grid + lo + upper;
    }
    if (weight !== 0) sum += weight * field[node]!;
  }
  return sum;
}

/**
 * The image resampled at `coordinates` (multilinear; 0 where the pre-image lies more than half a
 * voxel outside the grid, as warp2d.ts).
 */
export function resampleImage(image: Float32Array, shape: readonly number[], coordinates: Float32Array): Float32Array {
  const rank = shape.length;
  const voxels = image.length;
  const out = new Float32Array(voxels);
  const strides = stridesOf(shape);
  for (let v = 0; v < voxels; v++) {
    if (!inside(coordinates, v, shape)) continue;
    let sum = 0;
    for (let corner = 0; corner < 1 << rank; corner++) {
      let weight = 1;
      let offset = 0;
      for (let a = 0; a < rank; a++) {
        const n = shape[a]!;
        const c = Math.min(Math.max(coordinates[v * rank + a]!, 0), n - 1);
        const lo = Math.min(Math.floor(c), Math.max(n - 2, 0));
        const f = c - lo;
        const upper = (corner >> a) & 1;
        weight *= upper ? f : 1 - f;
        offset += Math.min(lo + upper, n - 1) * strides[a]!;
      }
      if (weight !== 0) sum += weight * image[offset]!;
    }
    out[v] = sum;
  }
  return out;
}

/**
 * The label map resampled at `coordinates` by nearest neighbour (no class is invented between two
 * others); UNKNOWN where the pre-image lies outside, as nothing was annotated there.
 */
export function resampleLabels(labels: Uint8Array, shape: readonly number[], coordinates: Float32Array): Uint8Array {
  const rank = shape.length;
  const out = new Uint8Array(labels.length).fill(UNKNOWN);
  const strides = stridesOf(shape);
  for (let v = 0; v < labels.length; v++) {
    if (!inside(coordinates, v, shape)) continue;
    let offset = 0;
    for (let a = 0; a < rank; a++) offset += Math.floor(coordinates[v * rank + a]! + 0.5) * strides[a]!;
    out[v] = labels[offset]!;
  }
  return out;
}

function inside(coordinates: Float32Array, v: number, shape: readonly number[]): boolean {
  const rank = shape.length;
  for (let a = 0; a < rank; a++) {
    const nearest = Math.floor(coordinates[v * rank + a]! + 0.5);
    if (nearest < 0 || nearest >= shape[a]!) return false;
  }
  return true;
}

function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  for (let a = shape.length - 1, s = 1; a >= 0; a--) {
    strides[a] = s;
    s *= shape[a]!;
  }
  return strides;
}
