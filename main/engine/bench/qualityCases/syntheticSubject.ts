/**
 * "Another subject" made from one labelled scan, for a benchmark that must judge a model on
 * scans it never saw labelled: a smooth random deformation (a coarse grid of random
 * displacements, interpolated) composed with a random rotation, scaling and shift moves the
 * anatomy, the label map moving alike; then the appearance of another scanner: a smooth
 * multiplicative bias field, a gamma change, Gaussian noise inside the head and an arbitrary
 * intensity scale. These are the differences between subjects and scanners that a model
 * trained on one scan must survive; they are not an augmentation of training.
 */
import type { Shape3 } from '../../data/volume.ts';
import type { Rng } from '../../random/rng.ts';
import { percentile } from '../../data/percentile.ts';

export interface SubjectVariation {
  /** Largest rotation about each axis, degrees. */
  rotationDegrees: number;
  /** Largest relative change of size along each axis (0.08 = ±8 %). */
  scale: number;
  /** Largest shift along each axis, voxels. */
  shiftVoxels: number;
  /** Standard deviation of the control-point displacements, voxels. */
  deformationVoxels: number;
  /** Control points per axis of the deformation grid. */
  deformationGrid: number;
  /** Largest coefficient of the log bias field (a polynomial of order 2 over [-1, 1]³). */
  bias: number;
  /** Largest |log γ|. */
  logGamma: number;
  /** Noise standard deviation range as a share of the scan's robust maximum. */
  noise: [number, number];
}

export const DEFAULT_VARIATION: SubjectVariation = {
  rotationDegrees: 8,
  scale: 0.08,
  shiftVoxels: 3,
  deformationVoxels: 1.5,
  deformationGrid: 5,
  bias: 0.25,
  logGamma: 0.35,
  noise: [0.01, 0.04],
};

export interface Subject {
  image: Float32Array;
  labels: Uint8Array;
}

export function syntheticSubject(image: Float32Array, labels: Uint8Array, shape: Shape3, rng: Rng, variation: SubjectVariation = DEFAULT_VARIATION): Subject {
  const warped = warp(image, labels, shape, randomTransform(shape, rng.fork('geometry'), variation));
  return { image: restyle(warped.image, shape, rng.fork('appearance'), variation), labels: warped.labels };
}

/** Source position (voxel coordinates) of each output voxel. */
type Transform = (i: number, j: number, k: number, out: Float64Array) => void;

function randomTransform(shape: Shape3, rng: Rng, v: SubjectVariation): Transform {
  const centre = shape.map((n) => (n - 1) / 2);
  const angle = () => (rng.uniform(-v.rotationDegrees, v.rotationDegrees) * Math.PI) / 180;
  const [a, b, c] = [angle(), angle(), angle()];
  const rx = [
    [1, 0, 0],
    [0, Math.cos(a), -Math.sin(a)],
    [0, Math.sin(a), Math.cos(a)],
  ];
  const ry = [
    [Math.cos(b), 0, Math.sin(b)],
    [0, 1, 0],
    [-Math.sin(b), 0, Math.cos(b)],
  ];
  const rz = [
    [Math.cos(c), -Math.sin(c), 0],
    [Math.sin(c), Math.cos(c), 0],
    [0, 0, 1],
  ];
  const rotation = multiply(rz, multiply(ry, rx));
  const scales = [0, 1, 2].map(() => 1 + rng.uniform(-v.scale, v.scale));
  const m = rotation.map((row) => row.map((x, col) => x * scales[col]!));
  const shift = [0, 1, 2].map(() => rng.uniform(-v.shiftVoxels, v.shiftVoxels));
  const g = v.deformationGrid;
  const grid = Array.from({ length: 3 }, () => Float64Array.from({ length: g * g * g }, () => rng.normal(0, v.deformationVoxels)));
  const toGrid = shape.map((n) => (g - 1) / Math.max(1, n - 1));
  return (i, j, k, out) => {
    const q = [i - centre[0]!, j - centre[1]!, k - centre[2]!];
    const gi = i * toGrid[0]!,
      gj = j * toGrid[1]!,
      gk = k * toGrid[2]!;
    for (let axis = 0; axis < 3; axis++) {
      const displacement = trilinearGrid(grid[axis]!, g, gi, gj, gk);
      out[axis] = m[axis]![0]! * q[0]! + m[axis]![1]! * q[1]! + m[axis]![2]! * q[2]! + centre[axis]! + shift[axis]! + displacement;
    }
  };
}

function multiply(x: number[][], y: number[][]): number[][] {
  return x.map((row) => [0, 1, 2].map((col) => row.reduce((s, value, n) => s + value * y[n]![col]!, 0)));
}

function trilinearGrid(values: Float64Array, g: number, x: number, y: number, z: number): number {
  const x0 = Math.min(g - 2, Math.floor(x)),
    y0 = Math.min(g - 2, Math.floor(y)),
    z0 = Math.min(g - 2, Math.floor(z));
  const fx = x - x0,
    fy = y - y0,
    fz = z - z0;
  let sum = 0;
  for (let dz = 0; dz < 2; dz++)
    for (let dy = 0; dy < 2; dy++)
      for (let dx = 0; dx < 2; dx++) {
        const w = (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy) * (dz ? fz : 1 - fz);
        sum += w * values[x0 + dx + g * (y0 + dy + g * (z0 + dz))]!;
      }
  return sum;
}

/** Image by trilinear interpolation (0 outside), labels by the nearest voxel (0 outside). */
function warp(image: Float32Array, labels: Uint8Array, shape: Shape3, transform: Transform): Subject {
  const [ni, nj, nk] = shape;
  const outImage = new Float32Array(image.length);
  const outLabels = new Uint8Array(labels.length);
  const p = new Float64Array(3);
  const at = (i: number, j: number, k: number) => (i < 0 || j < 0 || k < 0 || i >= ni || j >= nj || k >= nk ? 0 : image[i + ni * (j + nj * k)]!);
  for (let k = 0, o = 0; k < nk; k++)
    for (let j = 0; j < nj; j++)
      for (let i = 0; i < ni; i++, o++) {
        transform(i, j, k, p);
        const [x, y, z] = p as unknown as [number, number, number];
        const li = Math.round(x),
          lj = Math.round(y),
          lk = Math.round(z);
        if (li >= 0 && lj >= 0 && lk >= 0 && li < ni && lj < nj && lk < nk) outLabels[o] = labels[li + ni * (lj + nj * lk)]!;
        const x0 = Math.floor(x),
          y0 = Math.floor(y),
          z0 = Math.floor(z);
        if (x0 < -1 || y0 < -1 || z0 < -1 || x0 >= ni || y0 >= nj || z0 >= nk) continue;
        const fx = x - x0,
          fy = y - y0,
          fz = z - z0;
        let sum = 0;
        for (let dz = 0; dz < 2; dz++)
          for (let dy = 0; dy < 2; dy++)
            for (let dx = 0; dx < 2; dx++) sum += (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy) * (dz ? fz : 1 - fz) * at(x0 + dx, y0 + dy, z0 + dz);
        outImage[o] = sum;
      }
  return { image: outImage, labels: outLabels };
}

/** Bias field, gamma, noise on the non-zero voxels, arbitrary scale; zero voxels (outside the head) stay 0. */
function restyle(image: Float32Array, shape: Shape3, rng: Rng, v: SubjectVariation): Float32Array {
  const [ni, nj, nk] = shape;
  const nonZero = image.filter((x) => x > 0);
  const top = nonZero.length ? percentile(nonZero, 99.5) : 1;
  // Log-bias: every monomial x^a y^b z^c with 1 ≤ a + b + c ≤ 2.
  const powers: Array<[number, number, number]> = [];
  for (let a = 0; a <= 2; a++) for (let b = 0; b <= 2 - a; b++) for (let c = 0; c <= 2 - a - b; c++) if (a + b + c > 0) powers.push([a, b, c]);
  const coefficients = powers.map(() => rng.uniform(-v.bias, v.bias));
  const gamma = Math.exp(rng.uniform(-v.logGamma, v.logGamma));
  const noise = rng.uniform(v.noise[0], v.noise[1]);
  const scale = Math.exp(rng.uniform(Math.log(0.5), Math.log(2)));
  const noiseRng = rng.fork('noise');
  const out = new Float32Array(image.length);
  for (let k = 0, o = 0; k < nk; k++)
    for (let j = 0; j < nj; j++)
      for (let i = 0; i < ni; i++, o++) {
        if (!(image[o]! > 0)) continue;
        const x = (2 * i) / (ni - 1) - 1,
          y = (2 * j) / (nj - 1) - 1,
          z = (2 * k) / (nk - 1) - 1;
        let logBias = 0;
        for (let n = 0; n < powers.length; n++) logBias += coefficients[n]! * x ** powers[n]![0] * y ** powers[n]![1] * z ** powers[n]![2];
        const value = (image[o]! / top) ** gamma * Math.exp(logBias) + noiseRng.normal(0, noise);
        // Kept above 0: zero marks "outside the head" to the normalisation.
        out[o] = Math.max(1e-3, value) * scale * top;
      }
  return out;
}
