/**
 * A random smooth deformation of a 2D or 3D row-major grid, and resampling of an image and a
 * label map through it: what makes one annotated scan look like the anatomy of another subject
 * (the exemplar method's synthetic data, docs/methods.md "exemplar").
 *
 * The map composes, about the grid centre, an isotropic scaling, a rotation in the plane of the
 * last two axes (a slice's rows and columns; a patch's axial plane), in 3D optionally tilts out
 * of that plane (a head turned about the other two axes), and an elastic displacement:
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
  /** 3D only: largest rotation about each of the other two axes, degrees (none when absent). */
  maxTiltDegrees?: number;
}

/**
 * The variation between the subjects of a study at 1–2 mm: a few millimetres of local shape
 * change, ±10° of head rotation (about each axis in 3D), ±10 % of head size.
 */
export const SUBJECT_DEFORMATION: DeformationOptions = { grid: 5, sigma: 2, maxDegrees: 10, scale: [0.9, 1.1], maxTiltDegrees: 10 };

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
  // Drawn last and only in 3D, so that 2D deformations and untilted ones keep their streams.
  const tilts =
    rank === 3 && options.maxTiltDegrees ? [0, 1].map(() => (rng.uniform(-options.maxTiltDegrees!, options.maxTiltDegrees!) * Math.PI) / 180) : [0, 0];
  const [cosA, sinA, cosB, sinB] = [Math.cos(tilts[0]!), Math.sin(tilts[0]!), Math.cos(tilts[1]!), Math.sin(tilts[1]!)];
  const centre = shape.map((n) => (n - 1) / 2);
  const voxels = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(voxels * rank);
  const weights = shape.map((n) => nodeWeights(n, options.grid));
  const field = new Float64Array(rank);
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
    if (rank === 3 && (tilts[0] !== 0 || tilts[1] !== 0)) tilt(position, centre, cosA, sinA, cosB, sinB);
    interpolateNodes(displacement, index, weights, options.grid, field);
    for (let a = 0; a < rank; a++) out[v * rank + a] = position[a]! + field[a]!;
    for (let a = rank - 1; a >= 0; a--) {
      if (++index[a]! < shape[a]!) break;
      index[a] = 0;
    }
  }
  return out;
}

/** Rotates a 3D position about the centre in the planes of axes (0, 1) and then (0, 2). */
function tilt(position: Float64Array, centre: readonly number[], cosA: number, sinA: number, cosB: number, sinB: number): void {
  let z = position[0]! - centre[0]!;
  const y = position[1]! - centre[1]!;
  const x = position[2]! - centre[2]!;
  position[1] = sinA * z + cosA * y + centre[1]!;
  z = cosA * z - sinA * y;
  position[0] = cosB * z - sinB * x + centre[0]!;
  position[2] = sinB * z + cosB * x + centre[2]!;
}

/** For each index along an axis of n voxels, the control node below it and its weight's complement. */
function nodeWeights(n: number, grid: number): { lower: Int32Array; fraction: Float64Array } {
  const lower = new Int32Array(n);
  const fraction = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = n > 1 ? (i * (grid - 1)) / (n - 1) : 0;
    lower[i] = Math.min(Math.floor(t), grid - 2);
    fraction[i] = t - lower[i]!;
  }
  return { lower, fraction };
}

/**
 * Multilinear interpolation at `index` of fields given at `grid` evenly spaced nodes per axis
 * (row-major), one field per axis, written to `out`: the corners' weights are shared by all.
 */
function interpolateNodes(
  fields: readonly Float32Array[],
  index: readonly number[],
  nodes: readonly { lower: Int32Array; fraction: Float64Array }[],
  grid: number,
  out: Float64Array,
): void {
  const rank = index.length;
  out.fill(0);
  // Each of the 2^rank surrounding nodes, weighted by the product of its 1D weights.
  for (let corner = 0; corner < 1 << rank; corner++) {
    let weight = 1;
    let node = 0;
    for (let a = 0; a < rank; a++) {
      const f = nodes[a]!.fraction[index[a]!]!;
      const upper = (corner >> a) & 1;
      weight *= upper ? f : 1 - f;
      node = node * grid + nodes[a]!.lower[index[a]!]! + upper;
    }
    if (weight !== 0) for (let a = 0; a < rank; a++) out[a] = out[a]! + weight * fields[a]![node]!;
  }
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
