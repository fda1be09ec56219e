import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractPatch, randomPatch } from './patchSampler.ts';
import { UNKNOWN } from './labels.ts';
import { Rng } from '../random/rng.ts';
import type { Scan, Shape3 } from './volume.ts';

const shape: Shape3 = [10, 8, 6];
const n = 10 * 8 * 6;
const at = (i: number, j: number, k: number): number => i + 10 * (j + 8 * k);
const scan: Scan = {
  image: Float32Array.from({ length: n }, (_, v) => v + 1),
  label: Uint8Array.from({ length: n }, (_, v) => v % 7),
  shape,
};

test('a patch inside the scan is the scan region, in NIfTI order', () => {
  const p = extractPatch(scan, [2, 3, 1], [4, 3, 2]);
  assert.deepEqual(p.shape, [4, 3, 2]);
  for (let k = 0; k < 2; k++)
    for (let j = 0; j < 3; j++)
      for (let i = 0; i < 4; i++) {
        const v = at(2 + i, 3 + j, 1 + k);
        assert.equal(p.image[i + 4 * (j + 3 * k)], v + 1);
        assert.equal(p.label![i + 4 * (j + 3 * k)], v % 7);
      }
});

test('outside the scan the image is 0 and the label UNKNOWN', () => {
  const p = extractPatch(scan, [-2, 6, 5], [4, 4, 2]);
  for (let k = 0; k < 2; k++)
    for (let j = 0; j < 4; j++)
      for (let i = 0; i < 4; i++) {
        const [si, sj, sk] = [i - 2, 6 + j, 5 + k];
        const inside = si >= 0 && sj < 8 && sk < 6;
        const q = i + 4 * (j + 4 * k);
        assert.equal(p.image[q], inside ? at(si, sj, sk) + 1 : 0);
        assert.equal(p.label![q], inside ? at(si, sj, sk) % 7 : UNKNOWN);
      }
  assert.ok(extractPatch(scan, [20, 0, 0], [2, 2, 2]).label!.every((x) => x === UNKNOWN));
});

test('random patches stay inside a larger scan and reach both ends', () => {
  const rng = new Rng('patch');
  const seen = new Set<number>();
  for (let t = 0; t < 300; t++) {
    const p = randomPatch(scan, [7, 8, 3], rng);
    assert.ok(
      p.image.every((x) => x > 0),
      'no padding when the scan is larger',
    );
    seen.add(p.image[0]! - 1);
  }
  const origins = [...seen].map((v) => [v % 10, Math.floor(v / 10) % 8, Math.floor(v / 80)]);
  assert.deepEqual(new Set(origins.map((o) => o[0])), new Set([0, 1, 2, 3]));
  assert.deepEqual(new Set(origins.map((o) => o[1])), new Set([0]));
  assert.deepEqual(new Set(origins.map((o) => o[2])), new Set([0, 1, 2, 3]));
});

test('a scan smaller than the patch lies wholly inside it; same seed, same patch', () => {
  const p = randomPatch(scan, [12, 8, 9], new Rng(1));
  assert.equal(p.label!.filter((x) => x !== UNKNOWN).length, n);
  assert.equal(p.image.filter((x) => x !== 0).length, n);
  assert.deepEqual(randomPatch(scan, [12, 8, 9], new Rng(1)), p);
  const unlabeled = randomPatch({ image: scan.image, shape }, [4, 4, 4], new Rng(2));
  assert.equal(unlabeled.label, undefined);
});
