import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rotate2d } from './rotate2d.ts';
import { similarityMap, warp2d } from './warp2d.ts';
import { rot90 } from './rot90.ts';
import { UNKNOWN } from './labels.ts';
import type { Sample2d } from './sample.ts';

/** An asymmetric pattern of blocks: an L-shape of class 1 and a square of class 2. */
function blocks(h: number, w: number): Sample2d {
  const label = new Uint8Array(h * w);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      if ((y >= 3 && y < 8 && x >= 3 && x < 17) || (y >= 3 && y < 20 && x >= 3 && x < 8)) label[y * w + x] = 1;
      if (y >= 14 && y < 22 && x >= 15 && x < 23) label[y * w + x] = 2;
    }
  return { image: Float32Array.from(label), label, shape: [h, w] };
}

test('0° is the identity', () => {
  const s = blocks(24, 26);
  const r = rotate2d(s, 0);
  assert.deepEqual(r.image, s.image);
  assert.deepEqual(r.label, s.label);
});

test('90° and 180° reproduce rot90 (k = 1, 2) for image and label', () => {
  const s = blocks(25, 25);
  s.image.forEach((_, p) => (s.image[p] = p)); // unique values: any misplacement shows
  for (const k of [1, 2]) {
    const r = rotate2d(s, 90 * k);
    const image = rot90(s.image, s.shape, k).data;
    for (let p = 0; p < image.length; p++) assert.ok(Math.abs(r.image[p]! - image[p]!) < 1e-3, `k=${k} pixel ${p}`);
    assert.deepEqual(r.label, rot90(s.label!, s.shape, k).data);
  }
  const wide = blocks(24, 31);
  assert.deepEqual(rotate2d(wide, 180).label, rot90(wide.label!, wide.shape, 2).data);
});

test('pixels rotated in from outside are UNKNOWN in the label and 0 in the image', () => {
  const s: Sample2d = { image: new Float32Array(21 * 21).fill(5), label: new Uint8Array(21 * 21).fill(1), shape: [21, 21] };
  const r = rotate2d(s, 20);
  for (const corner of [0, 20, 21 * 20, 21 * 21 - 1]) {
    assert.equal(r.label![corner], UNKNOWN);
    assert.equal(r.image[corner], 0);
  }
  assert.equal(r.label![10 * 21 + 10], 1);
  assert.equal(r.image[10 * 21 + 10], 5);
  for (let p = 0; p < r.image.length; p++) assert.equal(r.label![p] === UNKNOWN, r.image[p] === 0, `pixel ${p}`);
});

test('image and label move together at an arbitrary angle', () => {
  const s = blocks(26, 28);
  for (const degrees of [-17, 7.5, 19.9]) {
    const r = rotate2d(s, degrees);
    const [h, w] = s.shape;
    let checked = 0;
    for (let y = 1; y < h - 1; y++)
      for (let x = 1; x < w - 1; x++) {
        const c = r.label![y * w + x]!;
        if (c === UNKNOWN) continue;
        let uniform = true;
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) uniform &&= r.label![(y + dy) * w + x + dx] === c;
        if (!uniform) continue;
        checked++;
        assert.ok(Math.abs(r.image[y * w + x]! - c) < 1e-5, `${degrees}° at (${y}, ${x}): image ${r.image[y * w + x]} label ${c}`);
      }
    assert.ok(checked > 300);
  }
});

test('a sample without label stays without label', () => {
  const r = rotate2d({ image: new Float32Array(4), shape: [2, 2] }, 10);
  assert.equal(r.label, undefined);
});

test('a similarity map with scale 2 enlarges the content about the centre', () => {
  const s = blocks(25, 25);
  const out = warp2d(s, similarityMap(s.shape, 0, 2));
  // The centre pixel maps to itself; a pixel 4 right of the centre shows what was 2 right of it.
  assert.equal(out.label![12 * 25 + 12], s.label![12 * 25 + 12]);
  assert.equal(out.image[12 * 25 + 16], s.image[12 * 25 + 14]);
  // The corners came from inside (enlarging pulls nothing in from outside).
  assert.ok(out.label!.every((c) => c !== UNKNOWN));
});
