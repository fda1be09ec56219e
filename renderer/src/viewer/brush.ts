import type { Vec3 } from './voxelGrid.ts';

/** NiiVue's plane codes (`axCorSag`): the plane a stroke was painted on. */
export type PenPlane = 0 | 1 | 2;
export const PEN_AXIAL: PenPlane = 0;
export const PEN_CORONAL: PenPlane = 1;
export const PEN_SAGITTAL: PenPlane = 2;

/** The RAS axis each pen plane holds fixed: axial z, coronal y, sagittal x. */
export const NORMAL_OF_PEN_PLANE: Record<PenPlane, 0 | 1 | 2> = { 0: 2, 1: 1, 2: 0 };

export const MIN_BRUSH = 1;
export const MAX_BRUSH = 41;

/**
 * In-plane offsets of a round brush `size` voxels across: every voxel whose centre lies within
 * size/2 of the brush centre. Size 1 is one voxel, 3 a 3×3 square, 5 a 21-voxel disc.
 */
export function discOffsets(size: number): Array<[number, number]> {
  const r = Math.max(MIN_BRUSH, size) / 2;
  const reach = Math.floor(r);
  const out: Array<[number, number]> = [];
  for (let v = -reach; v <= reach; v++) for (let u = -reach; u <= reach; u++) if (u * u + v * v <= r * r + 1e-9) out.push([u + 0, v + 0]); // + 0 turns -0 into 0
  return out;
}

/**
 * Paints a round dot into a RAS-ordered bitmap (x fastest) on the given plane, clipped to the
 * volume; `touched` collects the linear index of every voxel the dot covers.
 */
export function paintDisc(
  bitmap: Uint8Array,
  dims: Vec3,
  centre: ArrayLike<number>,
  plane: PenPlane,
  size: number,
  value: number,
  touched?: Set<number>,
): void {
  const normal = NORMAL_OF_PEN_PLANE[plane];
  const [a, b] = [0, 1, 2].filter((d) => d !== normal);
  const p: Vec3 = [centre[0], centre[1], centre[2]];
  if (p[normal] < 0 || p[normal] >= dims[normal]) return;
  for (const [du, dv] of discOffsets(size)) {
    const q: Vec3 = [p[0], p[1], p[2]];
    q[a] += du;
    q[b] += dv;
    if (q[a] < 0 || q[a] >= dims[a] || q[b] < 0 || q[b] >= dims[b]) continue;
    const idx = q[0] + dims[0] * (q[1] + dims[1] * q[2]);
    bitmap[idx] = value;
    touched?.add(idx);
  }
}

/** Paints dots along the voxel line from `from` to `to` (both included): one continuous stroke. */
export function paintSegment(
  bitmap: Uint8Array,
  dims: Vec3,
  from: ArrayLike<number>,
  to: ArrayLike<number>,
  plane: PenPlane,
  size: number,
  value: number,
  touched?: Set<number>,
): void {
  const steps = Math.max(Math.abs(to[0] - from[0]), Math.abs(to[1] - from[1]), Math.abs(to[2] - from[2]));
  for (let s = 0; s <= steps; s++) {
    const t = steps === 0 ? 0 : s / steps;
    const pt = [0, 1, 2].map((d) => Math.round(from[d] + t * (to[d] - from[d])));
    paintDisc(bitmap, dims, pt, plane, size, value, touched);
  }
}
