import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../random/rng.ts';
import { intensityAugment2d, type IntensityAugmentation } from './intensityAugment2d.ts';
import type { Sample2d } from './sample.ts';

/** A 40×40 slice: a ring of zero "air" around tissue with a left-to-right ramp of z-scores. */
function slice(): Sample2d {
  const [h, w] = [40, 40];
  const image = new Float32Array(h * w);
  const label = new Uint8Array(h * w);
  for (let y = 5; y < 35; y++)
    for (let x = 5; x < 35; x++) {
      image[y * w + x] = -1.5 + (3 * (x - 5)) / 29 + 0.1 * Math.sin(y);
      label[y * w + x] = x > 20 ? 1 : 0;
    }
  return { image, label, shape: [h, w] };
}

const stats = (image: Float32Array) => {
  const tissue = image.filter((x) => x !== 0);
  const mean = tissue.reduce((a, b) => a + b, 0) / tissue.length;
  const std = Math.sqrt(tissue.reduce((a, b) => a + (b - mean) ** 2, 0) / tissue.length);
  return { count: tissue.length, mean, std };
};

const only = (part: 'gamma' | 'bias' | 'noise'): IntensityAugmentation => ({
  gamma: { p: part === 'gamma' ? 1 : 0, maxLog: 0.4 },
  bias: { p: part === 'bias' ? 1 : 0, max: 0.3 },
  noise: { p: part === 'noise' ? 1 : 0, max: 0.1 },
});

test('nothing applies at probability 0: a copy, equal to the input', () => {
  const s = slice();
  const out = intensityAugment2d(s, new Rng(1), { gamma: { p: 0, maxLog: 1 }, bias: { p: 0, max: 1 }, noise: { p: 0, max: 1 } });
  assert.deepEqual(out.image, s.image);
  assert.notEqual(out.image, s.image);
});

for (const part of ['gamma', 'bias'] as const) {
  test(`${part}: changes the tissue's intensities but keeps their mean and standard deviation, air stays 0, label untouched`, () => {
    const s = slice();
    const before = stats(s.image);
    let changed = 0;
    for (let seed = 0; seed < 10; seed++) {
      const out = intensityAugment2d(s, new Rng(`${part}:${seed}`), only(part));
      const after = stats(out.image);
      assert.equal(after.count, before.count, 'no tissue pixel became air');
      assert.ok(Math.abs(after.mean - before.mean) < 1e-4 && Math.abs(after.std - before.std) < 1e-4, `stats kept (${after.mean}, ${after.std})`);
      for (let p = 0; p < s.image.length; p++) if (s.image[p] === 0) assert.equal(out.image[p], 0);
      assert.equal(out.label, s.label);
      if (out.image.some((x, p) => Math.abs(x - s.image[p]!) > 1e-3)) changed++;
    }
    assert.ok(changed >= 9, `${part} changed the image in ${changed} of 10 draws`);
  });
}

test('a bias field is smooth and multiplicative: the ordering of neighbouring tissue pixels holds', () => {
  const s = slice();
  const out = intensityAugment2d(s, new Rng('bias-order'), only('bias'));
  // Along a row the input increases monotonically: a smooth positive field keeps that.
  for (let x = 6; x < 35; x++) assert.ok(out.image[20 * 40 + x]! > out.image[20 * 40 + x - 1]!, `x = ${x}`);
});

test('noise adds zero-mean noise of at most the given size to tissue only', () => {
  const s = slice();
  const out = intensityAugment2d(s, new Rng('noise'), only('noise'));
  const diff = Array.from(out.image, (x, p) => x - s.image[p]!).filter((_, p) => s.image[p] !== 0);
  const m = diff.reduce((a, b) => a + b, 0) / diff.length;
  const sd = Math.sqrt(diff.reduce((a, b) => a + (b - m) ** 2, 0) / diff.length);
  assert.ok(Math.abs(m) < 0.02 && sd > 0 && sd < 0.11, `mean ${m}, sd ${sd}`);
  for (let p = 0; p < s.image.length; p++) if (s.image[p] === 0) assert.equal(out.image[p], 0);
});
