import { test } from 'node:test';
import assert from 'node:assert/strict';
import { squaredDistanceTransform } from './distanceTransform.ts';
import { Rng } from '../random/rng.ts';
import type { Shape3, Spacing3 } from '../data/volume.ts';

function bruteForce(seeds: Uint8Array, shape: Shape3, spacing: Spacing3): Float64Array {
  const [ni, nj, nk] = shape;
  const pts: number[][] = [];
  for (let k = 0; k < nk; k++) for (let j = 0; j < nj; j++) for (let i = 0; i < ni; i++) if (seeds[i + ni * (j + nj * k)]) pts.push([i, j, k]);
  const out = new Float64Array(seeds.length);
  for (let k = 0, v = 0; k < nk; k++)
    for (let j = 0; j < nj; j++)
      for (let i = 0; i < ni; i++, v++) {
        let best = Infinity;
        for (const [a, b, c] of pts) {
          const d = ((i - a!) * spacing[0]) ** 2 + ((j - b!) * spacing[1]) ** 2 + ((k - c!) * spacing[2]) ** 2;
          if (d < best) best = d;
        }
        out[v] = best;
      }
  return out;
}

test('equals brute force on random seeds with anisotropic spacing', () => {
  const rng = new Rng('edt');
  const cases: [Shape3, Spacing3, number][] = [
    [[9, 7, 5], [1, 1, 1], 0.05],
    [[8, 11, 6], [0.7, 1.3, 2.5], 0.03],
    [[12, 5, 7], [2.5, 0.5, 1], 0.01],
    [[6, 6, 6], [1, 1, 3], 0.005],
  ];
  for (const [shape, spacing, density] of cases) {
    const seeds = new Uint8Array(shape[0] * shape[1] * shape[2]);
    for (let v = 0; v < seeds.length; v++) if (rng.chance(density)) seeds[v] = 1;
    seeds[rng.int(seeds.length)] = 1;
    const fast = squaredDistanceTransform(seeds, shape, spacing);
    const slow = bruteForce(seeds, shape, spacing);
    for (let v = 0; v < seeds.length; v++) assert.ok(Math.abs(fast[v]! - slow[v]!) < 1e-9, `voxel ${v}`);
  }
});

test('one seed: exact squared distances along each axis', () => {
  const shape: Shape3 = [5, 4, 3];
  const seeds = new Uint8Array(60);
  seeds[0] = 1;
  const d = squaredDistanceTransform(seeds, shape, [2, 3, 5]);
  assert.equal(d[4], 64);
  assert.equal(d[5 * 3], 81);
  assert.equal(d[20 * 2], 100);
  assert.equal(d[4 + 5 * 3 + 20 * 2], 64 + 81 + 100);
});

test('no seed gives Infinity everywhere (no NaN); bad spacing is refused', () => {
  const d = squaredDistanceTransform(new Uint8Array(24), [2, 3, 4], [1, 1, 1]);
  assert.ok(d.every((x) => x === Infinity));
  assert.throws(() => squaredDistanceTransform(new Uint8Array(8), [2, 2, 2], [1, 0, 1]), RangeError);
});
