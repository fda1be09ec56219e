import { test } from 'node:test';
import assert from 'node:assert/strict';
import { surfaceDistances } from './surfaceDistance.ts';
import type { Shape3, Spacing3 } from '../data/volume.ts';

function box(shape: Shape3, lo: Shape3, hi: Shape3): Uint8Array {
  const [ni, nj, nk] = shape;
  const m = new Uint8Array(ni * nj * nk);
  for (let k = lo[2]; k < hi[2]; k++) for (let j = lo[1]; j < hi[1]; j++) for (let i = lo[0]; i < hi[0]; i++) m[i + ni * (j + nj * k)] = 1;
  return m;
}

function histogram(values: Float64Array): Map<number, number> {
  const h = new Map<number, number>();
  for (const v of values) {
    const key = Math.round(v * 1e9) / 1e9;
    h.set(key, (h.get(key) ?? 0) + 1);
  }
  return new Map([...h].sort((a, b) => a[0] - b[0]));
}

// A 10³ cube and the same cube shifted by 2 voxels along one axis. Its 488 surface voxels
// split, by hand (A = [0,10)³, B shifted by +2 along the axis):
// - far face (100 voxels): 2 voxels to B's near face;
// - the 36 edge voxels of the next layer: 1 voxel;
// - the 36 edge voxels of each of the 8 layers inside B: 0 (they lie on B's side faces);
// - the 64 interior voxels of the near face: to B's side faces at their in-plane ring
//   distance m = min(j, 9-j, k, 9-k) ∈ {1: 28, 2: 20, 3: 12, 4: 4}, or to B's far face at 2.
// In voxels: 288 × 0, 64 × 1, 136 × 2. With spacing 2.5 mm along the shift axis and 1 mm
// across it, the far-face and next-layer distances scale to 5 and 2.5 mm and the interior
// near-face voxels keep their ring distance m (all < 5 mm).
const VOXEL_HISTOGRAM = new Map([
  [0, 288],
  [1, 64],
  [2, 136],
]);
const MM_HISTOGRAM = new Map([
  [0, 288],
  [1, 28],
  [2, 20],
  [2.5, 36],
  [3, 12],
  [4, 4],
  [5, 100],
]);

function shiftedCubes(axis: 0 | 1 | 2): { a: Uint8Array; b: Uint8Array; shape: Shape3 } {
  const shape: Shape3 = [24, 22, 20];
  const lo: [number, number, number] = [5, 6, 4];
  const hi: [number, number, number] = [15, 16, 14];
  const loB: [number, number, number] = [...lo];
  const hiB: [number, number, number] = [...hi];
  loB[axis] += 2;
  hiB[axis] += 2;
  return { a: box(shape, lo, hi), b: box(shape, loB, hiB), shape };
}

test('cube shifted by 2 voxels: directed distances in voxels, both directions', () => {
  for (const axis of [0, 1, 2] as const) {
    const { a, b, shape } = shiftedCubes(axis);
    const d = surfaceDistances(a, b, shape, [1, 1, 1]);
    assert.deepEqual(histogram(d.predToTruth), VOXEL_HISTOGRAM);
    assert.deepEqual(histogram(d.truthToPred), VOXEL_HISTOGRAM);
  }
});

test('shift along an axis with 2.5 mm spacing scales that axis only', () => {
  for (const axis of [0, 1, 2] as const) {
    const { a, b, shape } = shiftedCubes(axis);
    const spacing: [number, number, number] = [1, 1, 1];
    spacing[axis] = 2.5;
    const d = surfaceDistances(a, b, shape, spacing);
    assert.deepEqual(histogram(d.predToTruth), MM_HISTOGRAM);
    assert.deepEqual(histogram(d.truthToPred), MM_HISTOGRAM);
  }
});

test('isotropic spacing multiplies every distance', () => {
  const { a, b, shape } = shiftedCubes(1);
  const vox = surfaceDistances(a, b, shape, [1, 1, 1]);
  const mm = surfaceDistances(a, b, shape, [0.8, 0.8, 0.8]);
  for (let n = 0; n < vox.predToTruth.length; n++) {
    assert.ok(Math.abs(mm.predToTruth[n]! - 0.8 * vox.predToTruth[n]!) < 1e-12);
  }
});

test('concentric spheres: surface distance ≈ radius difference', () => {
  const shape: Shape3 = [41, 41, 41];
  const ball = (r: number, spacing: Spacing3): Uint8Array => {
    const m = new Uint8Array(41 ** 3);
    for (let k = 0, v = 0; k < 41; k++)
      for (let j = 0; j < 41; j++)
        for (let i = 0; i < 41; i++, v++) {
          const d2 = ((i - 20) * spacing[0]) ** 2 + ((j - 20) * spacing[1]) ** 2 + ((k - 20) * spacing[2]) ** 2;
          if (d2 <= r * r) m[v] = 1;
        }
    return m;
  };
  const mean = (x: Float64Array): number => x.reduce((s, y) => s + y, 0) / x.length;
  const inner = ball(8, [1, 1, 1]);
  const outer = ball(12, [1, 1, 1]);
  const d = surfaceDistances(inner, outer, shape, [1, 1, 1]);
  assert.ok(Math.abs(mean(d.predToTruth) - 4) < 0.3, `inner→outer ${mean(d.predToTruth)}`);
  assert.ok(Math.abs(mean(d.truthToPred) - 4) < 0.3, `outer→inner ${mean(d.truthToPred)}`);
  assert.ok(Math.max(...d.predToTruth) <= 4 + 1);

  // The same physical spheres sampled on an anisotropic grid: the mm distance is still ≈ 4 mm.
  const spacing: Spacing3 = [0.8, 1, 1.25];
  const dm = surfaceDistances(ball(8, spacing), ball(12, spacing), shape, spacing);
  assert.ok(Math.abs(mean(dm.predToTruth) - 4) < 0.3, `mm inner→outer ${mean(dm.predToTruth)}`);
  assert.ok(Math.abs(mean(dm.truthToPred) - 4) < 0.3, `mm outer→inner ${mean(dm.truthToPred)}`);
});

test('identical masks have all distances 0; empty masks are refused', () => {
  const { a, shape } = shiftedCubes(0);
  const d = surfaceDistances(a, a, shape, [1, 2, 3]);
  assert.ok(d.predToTruth.every((x) => x === 0));
  assert.equal(d.predToTruth.length, 488);
  assert.throws(() => surfaceDistances(a, new Uint8Array(a.length), shape, [1, 1, 1]), RangeError);
  assert.throws(() => surfaceDistances(new Uint8Array(a.length), a, shape, [1, 1, 1]), RangeError);
});
