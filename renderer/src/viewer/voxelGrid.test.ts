import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearIndex, nativeAxisName, nativeIndexToRas, nativeToRas, rasIndexToNative, rasToNative, reorder, voxelGrid } from './voxelGrid.ts';

test('a RAS scan: both grids are the same', () => {
  const g = voxelGrid([1, 2, 3], [4, 3, 2]);
  assert.deepEqual(g.rasDims, [4, 3, 2]);
  assert.deepEqual(rasToNative(g, [3, 1, 1]), [3, 1, 1]);
  assert.equal(rasIndexToNative(g, 17), 17);
});

test('an LPI scan: x and y reversed, z reversed', () => {
  // permRAS [-1, -2, -3]: stored i runs right→left, j anterior→posterior, k superior→inferior
  const g = voxelGrid([-1, -2, -3], [4, 3, 2]);
  assert.deepEqual(rasToNative(g, [0, 0, 0]), [3, 2, 1]);
  assert.deepEqual(rasToNative(g, [3, 1, 0]), [0, 1, 1]);
  // RAS index of (0,0,0) is 0; stored (3,2,1) is 3 + 4·(2 + 3·1) = 23
  assert.equal(rasIndexToNative(g, 0), 23);
  assert.equal(nativeIndexToRas(g, 23), 0);
});

test('a permuted scan (stored axes j→x, k→y reversed, i→z), as NiiVue writes permRAS [2, -3, 1]', () => {
  const g = voxelGrid([2, -3, 1], [4, 3, 2]);
  assert.deepEqual(g.rasDims, [3, 2, 4]);
  assert.deepEqual(g.nativeAxis, [1, 2, 0]);
  assert.equal(nativeAxisName(g, 0), 'j');
  assert.equal(nativeAxisName(g, 2), 'i');
  // RAS (x=2, y=0, z=3): j = 2, k = 2-1-0 = 1, i = 3
  assert.deepEqual(rasToNative(g, [2, 0, 3]), [3, 2, 1]);
  assert.deepEqual(nativeToRas(g, [3, 2, 1]), [2, 0, 3]);
  assert.equal(rasIndexToNative(g, linearIndex([2, 0, 3], g.rasDims)), 3 + 4 * (2 + 3 * 1));
});

test('index mappings are inverse bijections for every orientation tried', () => {
  for (const perm of [
    [1, 2, 3],
    [-1, 2, -3],
    [3, -1, 2],
    [-2, -3, -1],
  ]) {
    const g = voxelGrid(perm, [5, 4, 3]);
    const seen = new Set<number>();
    for (let r = 0; r < 60; r++) {
      const n = rasIndexToNative(g, r);
      assert.equal(nativeIndexToRas(g, n), r, `perm ${perm} index ${r}`);
      seen.add(n);
    }
    assert.equal(seen.size, 60);
  }
});

test('reorder moves every voxel where the index mapping says, both ways', () => {
  const g = voxelGrid([3, -1, -2], [5, 4, 3]);
  const native = Uint8Array.from({ length: 60 }, (_, n) => n + 1);
  const ras = reorder(g, native, true);
  for (let r = 0; r < 60; r++) assert.equal(ras[r], native[rasIndexToNative(g, r)]);
  assert.deepEqual(reorder(g, ras, false), native);
});

test('a permRAS that is not a permutation is refused', () => {
  assert.throws(() => voxelGrid([1, 1, 3], [2, 2, 2]), /not an axis permutation/);
});
