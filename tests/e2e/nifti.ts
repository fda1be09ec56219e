import { createNiftiHeader, writeNifti } from '../../main/io/index.ts';

export interface PhantomOptions {
  shape: [number, number, number];
  /** Voxel size in mm. */
  spacing: [number, number, number];
  /** Intensity at voxel (i, j, k). */
  value(i: number, j: number, k: number): number;
  /** int16 for scans, uint8 for label maps. */
  datatype?: 'int16' | 'uint8';
  gzip?: boolean;
  /** Reverse these voxel axes in world space (e.g. [true, true, false] gives LPS), keeping the volume centred. */
  flip?: [boolean, boolean, boolean];
}

/** A NIfTI file of known geometry whose voxel values come from `value`: a phantom for import tests. */
export function writePhantom(opts: PhantomOptions): Buffer {
  const [ni, nj, nk] = opts.shape;
  const sign = (opts.flip ?? [false, false, false]).map((f) => (f ? -1 : 1));
  const affine = [0, 1, 2].map((r) => {
    const row = [0, 0, 0, (-sign[r] * (opts.shape[r] - 1) * opts.spacing[r]) / 2];
    row[r] = sign[r] * opts.spacing[r];
    return row;
  });
  affine.push([0, 0, 0, 1]);
  const header = createNiftiHeader({ shape: opts.shape, spacing: opts.spacing, affine, datatype: opts.datatype ?? 'int16' });
  const data = opts.datatype === 'uint8' ? new Uint8Array(ni * nj * nk) : new Int16Array(ni * nj * nk);
  const [lo, hi] = opts.datatype === 'uint8' ? [0, 255] : [-32768, 32767];
  let idx = 0;
  for (let k = 0; k < nk; k++)
    for (let j = 0; j < nj; j++) for (let i = 0; i < ni; i++) data[idx++] = Math.max(lo, Math.min(hi, Math.round(opts.value(i, j, k))));
  return Buffer.from(writeNifti(header, data, { gzip: opts.gzip ?? false }));
}

/** Whether voxel (i, j, k) lies in the phantom's bright cube (i, j 10..21, k 4..11). */
function inCube(i: number, j: number, k: number): boolean {
  return i >= 10 && i < 22 && j >= 10 && j < 22 && k >= 4 && k < 12;
}

/** The phantom's intensity at voxel (i, j, k) as stored: a gradient along every axis plus a bright cube. */
export function cubeValue(i: number, j: number, k: number): number {
  return 100 + 8 * i + 5 * j + 3 * k + (inCube(i, j, k) ? 900 : 0);
}

/** cubePhantom's grid: 32×32×16 voxels of 0.8 × 0.8 × 2.5 mm. */
export const CUBE_SHAPE: [number, number, number] = [32, 32, 16];
export const CUBE_SPACING: [number, number, number] = [0.8, 0.8, 2.5];

/** Stored indices of cubePhantom's 6×6 voxel square i0..i0+5 × j0..j0+5 on axial slice k: 36 voxels. */
export function cubeSquare(i0: number, j0: number, k: number): Uint32Array {
  const out: number[] = [];
  for (let j = j0; j < j0 + 6; j++) for (let i = i0; i < i0 + 6; i++) out.push(i + CUBE_SHAPE[0] * (j + CUBE_SHAPE[1] * k));
  return Uint32Array.from(out);
}

/** cubePhantom's label map: the bright cube is class 1, on the same grid (uint8, gzipped). */
export function cubeLabels(): Buffer {
  return writePhantom({ shape: CUBE_SHAPE, spacing: CUBE_SPACING, datatype: 'uint8', gzip: true, value: (i, j, k) => (inCube(i, j, k) ? 1 : 0) });
}

/** The phantom the import tests use: 32×32×16 int16, 0.8×0.8×2.5 mm, RAS unless flipped. */
export function cubePhantom(gzip = true, flip?: [boolean, boolean, boolean]): Buffer {
  return writePhantom({ shape: CUBE_SHAPE, spacing: CUBE_SPACING, gzip, flip, value: cubeValue });
}
