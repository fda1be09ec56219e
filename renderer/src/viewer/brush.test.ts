import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discOffsets, paintDisc, paintSegment, PEN_AXIAL, PEN_CORONAL, PEN_SAGITTAL } from './brush.ts';
import type { Vec3 } from './voxelGrid.ts';

const count = (b: Uint8Array, v: number) => b.reduce((n, x) => n + (x === v ? 1 : 0), 0);

test('brush sizes: 1 voxel, a 3×3 square, a 21-voxel disc without its corners', () => {
  assert.deepEqual(discOffsets(1), [[0, 0]]);
  assert.equal(discOffsets(3).length, 9);
  const five = discOffsets(5);
  assert.equal(five.length, 21);
  assert.ok(!five.some(([u, v]) => Math.abs(u) === 2 && Math.abs(v) === 2), 'corners are outside a round brush');
  assert.ok(five.some(([u, v]) => u === 2 && v === 1));
});

test('an axial dot stays in its z slice and covers the disc around the centre', () => {
  const dims: Vec3 = [8, 8, 3];
  const bitmap = new Uint8Array(8 * 8 * 3);
  const touched = new Set<number>();
  paintDisc(bitmap, dims, [4, 4, 1], PEN_AXIAL, 5, 2, touched);
  assert.equal(count(bitmap, 2), 21);
  assert.equal(touched.size, 21);
  for (const idx of touched) assert.equal(Math.floor(idx / 64), 1);
  assert.equal(bitmap[6 + 8 * 5 + 64], 2); // (+2, +1)
  assert.equal(bitmap[6 + 8 * 6 + 64], 0); // corner (+2, +2)
});

test('coronal dots fix y, sagittal dots fix x; dots are clipped at the volume edge', () => {
  const dims: Vec3 = [4, 5, 6];
  const cor = new Uint8Array(120);
  const touched = new Set<number>();
  paintDisc(cor, dims, [0, 2, 0], PEN_CORONAL, 3, 1, touched);
  // a 3×3 square centred on the corner: only the 2×2 quarter inside
  assert.equal(count(cor, 1), 4);
  for (const idx of touched) assert.equal(Math.floor(idx / 4) % 5, 2);
  const sag = new Uint8Array(120);
  paintDisc(sag, dims, [3, 2, 3], PEN_SAGITTAL, 3, 1);
  for (let idx = 0; idx < 120; idx++) if (sag[idx]) assert.equal(idx % 4, 3);
  assert.equal(count(sag, 1), 9);
});

test('a segment is continuous: a 1-voxel line from (0,0) to (5,2) paints 6 voxels', () => {
  const dims: Vec3 = [8, 8, 1];
  const bitmap = new Uint8Array(64);
  paintSegment(bitmap, dims, [0, 0, 0], [5, 2, 0], PEN_AXIAL, 1, 3);
  assert.equal(count(bitmap, 3), 6);
  assert.equal(bitmap[0], 3);
  assert.equal(bitmap[5 + 16], 3);
});

test('the eraser paints value 0 over existing labels', () => {
  const bitmap = new Uint8Array(27).fill(4);
  paintDisc(bitmap, [3, 3, 3], [1, 1, 1], PEN_AXIAL, 3, 0);
  assert.equal(count(bitmap, 0), 9);
});
