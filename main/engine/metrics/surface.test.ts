import { test } from 'node:test';
import assert from 'node:assert/strict';
import { surfaceOf } from './surface.ts';
import type { Shape3 } from '../data/volume.ts';

function box(shape: Shape3, lo: Shape3, hi: Shape3): Uint8Array {
  const [ni, nj, nk] = shape;
  const m = new Uint8Array(ni * nj * nk);
  for (let k = lo[2]; k < hi[2]; k++) for (let j = lo[1]; j < hi[1]; j++) for (let i = lo[0]; i < hi[0]; i++) m[i + ni * (j + nj * k)] = 1;
  return m;
}

const count = (m: Uint8Array): number => m.reduce((s, x) => s + x, 0);

test('a 10³ cube has 10³ - 8³ surface voxels (6-connected erosion)', () => {
  const shape: Shape3 = [16, 16, 16];
  const s = surfaceOf(box(shape, [3, 3, 3], [13, 13, 13]), shape);
  assert.equal(count(s), 1000 - 512);
  assert.equal(s[3 + 16 * (3 + 16 * 3)], 1);
  assert.equal(s[4 + 16 * (4 + 16 * 4)], 0);
  assert.equal(s[8 + 16 * (8 + 16 * 3)], 1);
});

test('face-neighbour erosion: a voxel missing only a diagonal neighbour stays interior', () => {
  const shape: Shape3 = [5, 5, 5];
  const m = box(shape, [1, 1, 1], [4, 4, 4]);
  m[1 + 5 * (1 + 5 * 1)] = 0; // remove a corner: the centre still has all 6 face neighbours
  const s = surfaceOf(m, shape);
  assert.equal(s[2 + 5 * (2 + 5 * 2)], 0);
});

test('foreground on the array border is surface (outside = background)', () => {
  const shape: Shape3 = [4, 4, 4];
  const s = surfaceOf(new Uint8Array(64).fill(1), shape);
  assert.equal(count(s), 64 - 8);
});

test('length-1 axes are ignored: a single slice is eroded in 2D', () => {
  const shape: Shape3 = [6, 6, 1];
  const s = surfaceOf(box(shape, [1, 1, 0], [5, 5, 1]), shape);
  assert.equal(count(s), 16 - 4);
});
