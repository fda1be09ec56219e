import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { augment2d } from './augment2d.ts';
import { UNKNOWN } from './labels.ts';
import { Rng } from '../random/rng.ts';
import type { Sample2d } from './sample.ts';

/** Image = label = pixel index on a 12×15 grid: every pixel is distinguishable. */
function indexed(h: number, w: number): Sample2d {
  const label = Uint8Array.from({ length: h * w }, (_, p) => p);
  return { image: Float32Array.from(label), label, shape: [h, w] };
}

/** An asymmetric pattern of blocks, image = label. */
function blocks(): Sample2d {
  const [h, w] = [24, 28];
  const label = new Uint8Array(h * w);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      if ((y >= 2 && y < 7 && x >= 2 && x < 18) || (y >= 2 && y < 19 && x >= 2 && x < 7)) label[y * w + x] = 1;
      if (y >= 13 && y < 21 && x >= 16 && x < 25) label[y * w + x] = 2;
    }
  return { image: Float32Array.from(label), label, shape: [h, w] };
}

type Branch = 'rot90-flip' | 'rotate' | 'none';

function branchOf(input: Sample2d, output: Sample2d): Branch {
  if (output.image.every((x, p) => x === input.image[p]) && output.shape[0] === input.shape[0]) return 'none';
  const sorted = (a: Float32Array): number[] => [...a].sort((x, y) => x - y);
  return JSON.stringify(sorted(output.image)) === JSON.stringify(sorted(input.image)) ? 'rot90-flip' : 'rotate';
}

test('same seed, same output; the input is not modified', () => {
  const s = blocks();
  const copy = { image: s.image.slice(), label: s.label!.slice() };
  for (let seed = 0; seed < 10; seed++) assert.deepEqual(augment2d(s, new Rng(seed)), augment2d(s, new Rng(seed)));
  assert.deepEqual(s.image, copy.image);
  assert.deepEqual(s.label, copy.label);
});

test('branches occur with probabilities 0.5 / 0.25 / 0.25', () => {
  const s = indexed(6, 6);
  const rng = new Rng('branches');
  const counts: Record<Branch, number> = { 'rot90-flip': 0, rotate: 0, none: 0 };
  const trials = 4000;
  for (let t = 0; t < trials; t++) counts[branchOf(s, augment2d(s, rng))]++;
  assert.ok(Math.abs(counts['rot90-flip'] / trials - 0.5) < 0.03, JSON.stringify(counts));
  assert.ok(Math.abs(counts.rotate / trials - 0.25) < 0.03, JSON.stringify(counts));
  assert.ok(Math.abs(counts.none / trials - 0.25) < 0.03, JSON.stringify(counts));
});

test('rot90 + flip: image and label undergo the same reflection, all four reflections occur', () => {
  const s = indexed(12, 15);
  const [h, w] = s.shape;
  const reflections = new Set<string>();
  for (let seed = 0; seed < 80; seed++) {
    const out = augment2d(s, new Rng(seed));
    if (branchOf(s, out) !== 'rot90-flip') continue;
    assert.deepEqual([...out.label!], [...out.image]);
    // The source pixels of the output's first row and first column give the transform.
    const [oh, ow] = out.shape;
    const origin = out.image[0]!;
    const step = (p: number): [number, number] => {
      const d = out.image[p]! - origin;
      return Math.abs(d) >= w ? [Math.sign(d), 0] : [0, Math.sign(d)];
    };
    // Source (dy, dx) of one step along the output's width (a) and height (b).
    const [a, b] = [step(1), step(ow)];
    const det = b[0] * a[1] - b[1] * a[0];
    assert.equal(det, -1, 'always a reflection, as in the reference');
    assert.ok((oh === h && ow === w) || (oh === w && ow === h));
    reflections.add(`${a}|${b}`);
  }
  assert.equal(reflections.size, 4);
});

test('every branch keeps image and label aligned (blocks pattern, image = label)', () => {
  const s = blocks();
  for (let seed = 0; seed < 40; seed++) {
    const out = augment2d(s, new Rng(seed));
    const [h, w] = out.shape;
    for (let y = 1; y < h - 1; y++)
      for (let x = 1; x < w - 1; x++) {
        const c = out.label![y * w + x]!;
        if (c === UNKNOWN) {
          assert.equal(out.image[y * w + x], 0);
          continue;
        }
        let uniform = true;
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) uniform &&= out.label![(y + dy) * w + x + dx] === c;
        if (uniform) assert.ok(Math.abs(out.image[y * w + x]! - c) < 1e-5, `seed ${seed} (${y}, ${x})`);
      }
  }
});

test('rotation angles stay within ±20°: corners of a 41×41 image lose at most a small triangle', () => {
  const s: Sample2d = { image: new Float32Array(41 * 41).fill(1), label: new Uint8Array(41 * 41), shape: [41, 41] };
  let rotations = 0;
  for (let seed = 0; seed < 60; seed++) {
    const out = augment2d(s, new Rng(seed));
    const lost = out.label!.filter((x) => x === UNKNOWN).length;
    if (lost === 0) continue;
    rotations++;
    // At 20° each corner loses a triangle of about (41²/4)·tan 20° / 2 ≈ 76 pixels.
    assert.ok(lost < 4 * 90, `seed ${seed}: ${lost} pixels rotated out`);
  }
  assert.ok(rotations > 5);
});

describe('mri policy', () => {
  /** A 24×30 sample whose top rows are bright: an up–down asymmetry anatomy never turns over. */
  function topBright(): Sample2d {
    const [h, w] = [24, 30];
    const image = Float32Array.from({ length: h * w }, (_, p) => (Math.floor(p / w) < 6 ? 5 : 1));
    const label = Uint8Array.from(image, (x) => (x === 5 ? 1 : 0));
    return { image, label, shape: [h, w] };
  }

  test('never turns a slice upside down or sideways: the bright top stays on top, the shape stays', () => {
    for (let seed = 0; seed < 60; seed++) {
      const out = augment2d(topBright(), new Rng(`mri:${seed}`), 'mri');
      assert.deepEqual(out.shape, [24, 30]);
      const row = (y: number) => out.label!.subarray(y * 30, (y + 1) * 30).filter((c) => c === 1).length;
      assert.ok(row(2) > row(20), `seed ${seed}: the class-1 band moved off the top`);
    }
  });

  test('flips left–right, rotates and scales, and changes intensities, each for part of the draws', () => {
    const s = topBright();
    s.image.forEach((_, p) => (s.image[p] = s.image[p]! + (p % 30) / 30)); // a left-to-right ramp
    let flipped = 0;
    let warped = 0;
    let intensity = 0;
    for (let seed = 0; seed < 80; seed++) {
      const out = augment2d(s, new Rng(`mri-parts:${seed}`), 'mri');
      const centre = 12 * 30;
      if (out.label!.some((c, p) => c !== s.label![p])) warped++;
      if (out.image[centre + 25]! < out.image[centre + 4]!) flipped++;
      if (Math.abs(out.image[centre + 15]! - s.image[centre + 15]!) > 1e-3) intensity++;
    }
    assert.ok(flipped > 20 && flipped < 60, `flipped ${flipped} of 80`);
    assert.ok(warped > 35, `rotated or scaled ${warped} of 80`);
    assert.ok(intensity > 40, `intensity changed ${intensity} of 80`);
  });
});
