import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSlice, sliceLayout } from './volumeSlice.ts';
import type { Shape3 } from './volume.ts';

const shape: Shape3 = [4, 3, 2];
// Each voxel holds its coordinates as the decimal digits i·100 + j·10 + k.
const volume = new Float32Array(24);
for (let k = 0; k < 2; k++) for (let j = 0; j < 3; j++) for (let i = 0; i < 4; i++) volume[i + 4 * (j + 3 * k)] = 100 * i + 10 * j + k;

test('slice across k is [nj, ni]: rows follow j, columns follow i', () => {
  const layout = sliceLayout(shape, 'k');
  assert.deepEqual([layout.count, layout.height, layout.width], [2, 3, 4]);
  assert.deepEqual([...readSlice(volume, layout, 1)], [1, 101, 201, 301, 11, 111, 211, 311, 21, 121, 221, 321]);
});

test('slice across j is [nk, ni]; across i is [nk, nj]', () => {
  const j = sliceLayout(shape, 'j');
  assert.deepEqual([j.count, j.height, j.width], [3, 2, 4]);
  assert.deepEqual([...readSlice(volume, j, 2)], [20, 120, 220, 320, 21, 121, 221, 321]);
  const i = sliceLayout(shape, 'i');
  assert.deepEqual([i.count, i.height, i.width], [4, 2, 3]);
  assert.deepEqual([...readSlice(volume, i, 3)], [300, 310, 320, 301, 311, 321]);
});

test('labels keep their type; a slice index out of range is refused', () => {
  const labels = Uint8Array.from({ length: 24 }, (_, v) => v);
  const s = readSlice(labels, sliceLayout(shape, 'k'), 0);
  assert.ok(s instanceof Uint8Array);
  assert.deepEqual(
    [...s],
    Array.from({ length: 12 }, (_, v) => v),
  );
  assert.throws(() => readSlice(labels, sliceLayout(shape, 'k'), 2), RangeError);
});
