import type { SlicePlane } from './slicePlane.ts';

/**
 * 4-connected flood fill within one slice: the volume indices of every voxel of the plane
 * reachable from (seedU, seedV) through in-plane edge neighbours holding the seed's value.
 * Diagonal neighbours do not connect, so a closed ring of another value (even one voxel
 * thick with diagonal steps) stops the fill.
 */
export function floodFill2d(labels: Uint8Array, plane: SlicePlane, seedU: number, seedV: number): Uint32Array {
  const { width, height } = plane;
  if (seedU < 0 || seedU >= width || seedV < 0 || seedV >= height) {
    throw new RangeError(`seed (${seedU}, ${seedV}) is outside the ${width}×${height} slice`);
  }
  const target = labels[plane.voxel(seedU, seedV)];
  const seen = new Uint8Array(width * height);
  const queue = new Int32Array(width * height);
  const region = new Uint32Array(width * height);
  let head = 0,
    tail = 0,
    count = 0;
  seen[seedU + width * seedV] = 1;
  queue[tail++] = seedU + width * seedV;
  while (head < tail) {
    const p = queue[head++];
    const u = p % width,
      v = (p - u) / width;
    region[count++] = plane.voxel(u, v);
    const visit = (nu: number, nv: number) => {
      if (nu < 0 || nu >= width || nv < 0 || nv >= height) return;
      const q = nu + width * nv;
      if (seen[q] || labels[plane.voxel(nu, nv)] !== target) return;
      seen[q] = 1;
      queue[tail++] = q;
    };
    visit(u - 1, v);
    visit(u + 1, v);
    visit(u, v - 1);
    visit(u, v + 1);
  }
  return region.slice(0, count);
}
