import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyServerValues, changedIndices, groupBySlice } from './drawingDiff.ts';
import { linearIndex, voxelGrid } from './voxelGrid.ts';

test('changedIndices lists exactly the voxels that differ', () => {
  const synced = new Uint8Array([0, 1, 2, 0, 0]);
  const current = new Uint8Array([0, 3, 2, 0, 1]);
  assert.deepEqual(changedIndices(current, synced), [1, 4]);
  assert.throws(() => changedIndices(current, new Uint8Array(4)), /differ in size/);
});

test('an axial stroke on an LPI scan: one request on stored axis k, slice reversed, indices in stored order', () => {
  // stored 4×3×5, permRAS [-1,-2,-3]: RAS z = 1 is stored k = 5-1-1 = 3
  const g = voxelGrid([-1, -2, -3], [4, 3, 5]);
  const ras = [linearIndex([0, 0, 1], g.rasDims), linearIndex([1, 0, 1], g.rasDims)];
  const groups = groupBySlice(g, ras, 2);
  assert.equal(groups.length, 1);
  assert.equal(groups[0].axis, 'k');
  assert.equal(groups[0].slice, 3);
  // RAS (0,0,1) → stored (3,2,3) = 3 + 4·(2 + 3·3) = 47; RAS (1,0,1) → (2,2,3) = 46
  assert.deepEqual([...groups[0].indices], [46, 47]);
});

test('a sagittal stroke on a permuted scan names the stored axis behind RAS x', () => {
  const g = voxelGrid([2, 3, -1], [4, 3, 5]);
  const groups = groupBySlice(g, [linearIndex([2, 1, 0], g.rasDims), linearIndex([2, 4, 3], g.rasDims)], 0);
  assert.deepEqual(
    groups.map((x) => [x.axis, x.slice]),
    [['j', 2]],
  );
});

test('voxels of two slices become two requests, ordered by slice', () => {
  const g = voxelGrid([1, 2, 3], [2, 2, 3]);
  const groups = groupBySlice(g, [linearIndex([1, 1, 2], g.rasDims), linearIndex([0, 0, 0], g.rasDims)], 2);
  assert.deepEqual(
    groups.map((x) => [x.slice, [...x.indices]]),
    [
      [0, [0]],
      [2, [11]],
    ],
  );
});

test('server values replace the display except where a local change is still unsent', () => {
  const synced = new Uint8Array([0, 0, 0, 0]);
  const drawing = new Uint8Array([0, 5, 0, 0]); // voxel 1 holds an unsent local stroke
  const changed = applyServerValues(drawing, synced, [1, 2], [7, 7]);
  assert.equal(changed, true);
  assert.deepEqual([...drawing], [0, 5, 7, 0]);
  assert.deepEqual([...synced], [0, 7, 7, 0]);
  // the local change still differs from the synced copy, so it is still sent
  assert.deepEqual(changedIndices(drawing, synced), [1]);
  assert.equal(applyServerValues(drawing, synced, [2], [7]), false);
});
