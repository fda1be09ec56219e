import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interpolateSlices, signedDistance2d } from './interpolateSlices.ts';

const W = 21,
  H = 21,
  C = 10;
function disk(r: number, value = 1, cx = C, cy = C): Uint8Array {
  const out = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) out[x + W * y] = value;
  return out;
}
const count = (a: Uint8Array, v = 1) => a.filter((x) => x === v).length;

test('signed distance of a 1D-like bar: half a voxel either side of the boundary', () => {
  const mask = new Uint8Array(5);
  mask[1] = mask[2] = 1;
  assert.deepEqual([...signedDistance2d(mask, 5, 1, [1, 1])], [0.5, -0.5, -0.5, 0.5, 1.5]);
  assert.deepEqual([...signedDistance2d(mask, 5, 1, [2, 1])], [1.5, -1.5, -1.5, 1.5, 3.5], 'in mm, half of the finer voxel');
  assert.ok(signedDistance2d(new Uint8Array(4), 2, 2, [1, 1]).every((d) => d === Infinity));
});

test('between a small and a large disk the middle slice is the disk of intermediate radius', () => {
  const [middle] = interpolateSlices(disk(2), disk(6), W, H, [1, 1], 2);
  assert.deepEqual(middle, disk(4));
  for (const [r1, r2] of [
    [1, 5],
    [3, 7],
    [1, 7],
    [4, 8],
  ]) {
    assert.deepEqual(interpolateSlices(disk(r1), disk(r2), W, H, [1, 1], 2)[0], disk((r1 + r2) / 2), `radii ${r1} and ${r2}`);
  }
  // At thirds (radii 4 and 6) the pixel disks are matched within half a voxel of radius.
  const slices = interpolateSlices(disk(2), disk(8), W, H, [1, 1], 3);
  slices.forEach((s, n) => {
    const r = 4 + 2 * n;
    assert.ok(count(disk(r - 0.5)) <= count(s) && count(s) <= count(disk(r + 0.5)), `radius ${r}: ${count(s)} voxels`);
    assert.deepEqual(
      s.map((v, p) => v & disk(r - 0.5)[p]),
      disk(r - 0.5),
      'holds the smaller disk',
    );
  });
});

test('classes are interpolated separately; a class on one key only is not carried', () => {
  const a = disk(3, 1, 5, 5);
  const b = disk(3, 1, 5, 5);
  disk(2, 2, 15, 15).forEach((v, p) => v && (a[p] = 2));
  disk(4, 2, 15, 15).forEach((v, p) => v && (b[p] = 2));
  disk(2, 3, 15, 5).forEach((v, p) => v && (a[p] = 3));
  const [mid] = interpolateSlices(a, b, W, H, [1, 1], 2);
  assert.equal(count(mid, 1), count(disk(3)));
  assert.equal(count(mid, 2), count(disk(3)));
  assert.equal(count(mid, 3), 0);
});
