import { test } from 'node:test';
import assert from 'node:assert/strict';
import { augment3d } from './augment3d.ts';
import { UNKNOWN } from './labels.ts';
import { Rng } from '../random/rng.ts';
import type { Scan, Shape3 } from './volume.ts';

const shape: Shape3 = [14, 11, 9];
const ni = shape[0];
const n = 14 * 11 * 9;
/** Image = voxel index (exact in float32), label = index mod 250: asymmetric and traceable. */
const scan: Scan = {
  image: Float32Array.from({ length: n }, (_, v) => v),
  label: Uint8Array.from({ length: n }, (_, v) => v % 250),
  shape,
};

test('output has the patch shape, also for a non-square in-plane patch', () => {
  for (let seed = 0; seed < 12; seed++) {
    const p = augment3d(scan, [6, 4, 3], new Rng(seed));
    assert.deepEqual(p.shape, [6, 4, 3]);
    assert.equal(p.image.length, 72);
    assert.equal(p.label!.length, 72);
  }
});

test('same seed, same patch', () => {
  assert.deepEqual(augment3d(scan, [6, 5, 4], new Rng(3)), augment3d(scan, [6, 5, 4], new Rng(3)));
});

test('image and label undergo the same transform; depth untouched; always an axial reflection', () => {
  const [pi, pj, pk] = [6, 5, 4];
  const transforms = new Set<string>();
  for (let seed = 0; seed < 60; seed++) {
    const p = augment3d(scan, [pi, pj, pk], new Rng(seed));
    for (let q = 0; q < p.image.length; q++) assert.equal(p.label![q], p.image[q]! % 250);
    const at = (i: number, j: number, k: number): number => p.image[i + pi * (j + pj * k)]!;
    const di = at(1, 0, 0) - at(0, 0, 0);
    const dj = at(0, 1, 0) - at(0, 0, 0);
    for (let k = 0; k < pk; k++)
      for (let j = 0; j < pj; j++)
        for (let i = 0; i < pi; i++) {
          assert.equal(at(i, j, k), at(0, 0, 0) + i * di + j * dj + k * ni * shape[1], `seed ${seed}`);
        }
    // di and dj are ±1 (the scan's i) or ±ni (the scan's j): a signed permutation of (i, j).
    const asVector = (d: number): [number, number] => (Math.abs(d) === 1 ? [d, 0] : [0, d / ni]);
    const [a, b] = [asVector(di), asVector(dj)];
    assert.equal(a[0] * b[1] - a[1] * b[0], -1, 'LA-style: rot90 then an in-plane flip');
    transforms.add(`${a}|${b}`);
  }
  assert.equal(transforms.size, 4);
});

test('a scan smaller than the patch is padded: image 0 where the label is UNKNOWN', () => {
  const small: Scan = { image: new Float32Array(4 * 3 * 2).fill(2), label: new Uint8Array(24).fill(1), shape: [4, 3, 2] };
  const p = augment3d(small, [6, 6, 4], new Rng(1));
  assert.equal(p.label!.filter((x) => x === 1).length, 24);
  for (let q = 0; q < p.image.length; q++) assert.equal(p.image[q], p.label![q] === UNKNOWN ? 0 : 2);
  assert.equal(augment3d({ image: scan.image, shape }, [4, 4, 4], new Rng(1)).label, undefined);
});
