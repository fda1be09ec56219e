import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UNKNOWN } from '../data/labels.ts';
import { Rng } from '../random/rng.ts';
import { cropSlice, FOREGROUND_SHARE } from './sliceCrop.ts';

test('a crop always contains the only annotated pixel, at varying positions, with image and label aligned', () => {
  const [h, w] = [40, 50];
  const image = Float32Array.from({ length: h * w }, (_, p) => p);
  const label = new Uint8Array(h * w).fill(UNKNOWN);
  label[23 * w + 31] = 2;
  const positions = new Set<string>();
  for (let s = 0; s < 50; s++) {
    const crop = cropSlice({ image, label, shape: [h, w] }, [16, 16], new Rng(s));
    assert.deepEqual(crop.shape, [16, 16]);
    const at = crop.label!.indexOf(2);
    assert.ok(at >= 0, 'the annotated pixel is inside the crop');
    assert.equal(crop.image[at], 23 * w + 31, 'image and label come from the same place');
    positions.add(`${Math.floor(at / 16)},${at % 16}`);
  }
  assert.ok(positions.size > 10, 'the pixel lands at many places in the crop');
});

test('labelled crops: about a third hold foreground by force, the rest see background far from it', () => {
  // A fully annotated 100×100 slice: background everywhere except a 4×4 square of class 1 in a corner.
  const [h, w] = [100, 100];
  const label = new Uint8Array(h * w);
  for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) label[y * w + x] = 1;
  const image = new Float32Array(h * w).fill(1);
  let withForeground = 0;
  let farFromIt = 0;
  const n = 600;
  for (let s = 0; s < n; s++) {
    const crop = cropSlice({ image, label, shape: [h, w] }, [16, 16], new Rng(`fg:${s}`));
    if (crop.label!.includes(1)) withForeground++;
    else farFromIt++;
  }
  // Forced share plus the few background crops that happen to reach the corner (~0.4 %).
  assert.ok(Math.abs(withForeground / n - FOREGROUND_SHARE) < 0.06, `share with foreground ${withForeground / n}`);
  assert.ok(farFromIt / n > 0.55, 'most crops show background away from the structure');
});

test('unlabelled crops hold tissue, never only air', () => {
  const [h, w] = [64, 64];
  const image = new Float32Array(h * w);
  for (let y = 50; y < 60; y++) for (let x = 5; x < 15; x++) image[y * w + x] = 3;
  for (let s = 0; s < 100; s++) {
    const crop = cropSlice({ image, shape: [h, w] }, [16, 16], new Rng(`u:${s}`));
    assert.ok(
      crop.image.some((v) => v !== 0),
      `crop ${s} holds tissue`,
    );
  }
});

test('axes not larger than the crop are kept whole; a sample that fits is returned as is', () => {
  const sample = { image: new Float32Array(10 * 100), label: new Uint8Array(10 * 100), shape: [10, 100] as const };
  assert.deepEqual(cropSlice(sample, [16, 32], new Rng(1)).shape, [10, 32]);
  const small = { image: new Float32Array(12 * 12), shape: [12, 12] as const };
  assert.equal(cropSlice(small, [16, 16], new Rng(1)), small);
});
