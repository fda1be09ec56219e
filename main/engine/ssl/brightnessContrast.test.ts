import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { Rng } from '../random/rng.ts';
import { percentile } from '../data/percentile.ts';
import { BRIGHTNESS_SHIFT, brightnessContrast, CLIP_TOP, CONTRAST_SPREAD } from './brightnessContrast.ts';

describe('brightnessContrast', () => {
  before(() => selectBackend());

  // Two 10×10 images: a ramp 0 … 99 and the same ramp scaled by 0.01.
  const ramp = Float32Array.from({ length: 100 }, (_, v) => v);
  const images = tf.tensor([...ramp, ...ramp.map((x) => x / 100)], [2, 10, 10, 1]);

  test('each image moves by its own brightness shift and contrast factor, within the ranges, relative to its intensity range', () => {
    const out = brightnessContrast(images, new Rng('v'));
    const values = out.dataSync();
    const slopes: number[] = [];
    for (let b = 0; b < 2; b++) {
      const x = (images.dataSync() as Float32Array).subarray(b * 100, (b + 1) * 100);
      const y = values.subarray(b * 100, (b + 1) * 100);
      const [low, high] = [percentile(x, 1), percentile(x, 99)];
      const r = high - low;
      // Unclipped voxels lie on one line y = f x + c: f the contrast factor.
      const inside = Array.from(x.keys()).filter((v) => y[v]! > low + 1e-6 * r && y[v]! < low + CLIP_TOP * r - 1e-6 * r);
      assert.ok(inside.length > 30, `${inside.length} voxels unclipped`);
      const [p, q] = [inside[0]!, inside[inside.length - 1]!];
      const f = (y[q]! - y[p]!) / (x[q]! - x[p]!);
      for (const v of inside) assert.ok(Math.abs(y[v]! - (y[p]! + f * (x[v]! - x[p]!))) < 1e-4 * r);
      assert.ok(f >= 1 - CONTRAST_SPREAD - 1e-6 && f <= 1 + CONTRAST_SPREAD + 1e-6, `factor ${f}`);
      // The mean moves by the shift only (the contrast turns about the shifted mean), clip aside.
      const mean = x.reduce((s, t) => s + t, 0) / 100;
      const atMean = y[p]! + f * (mean - x[p]!);
      assert.ok(Math.abs(atMean - mean) <= BRIGHTNESS_SHIFT * r + 1e-4 * r, `shift ${(atMean - mean) / r} of the range`);
      for (const t of y) assert.ok(t >= low - 1e-6 && t <= low + CLIP_TOP * r + 1e-6);
      slopes.push(f);
    }
    assert.notEqual(slopes[0]!.toFixed(6), slopes[1]!.toFixed(6), 'each image draws its own factor');
    out.dispose();
  });

  test('the same seed gives the same view, another seed another, and the shape is kept', () => {
    const a = brightnessContrast(images, new Rng(3));
    const b = brightnessContrast(images, new Rng(3));
    const c = brightnessContrast(images, new Rng(4));
    assert.deepEqual(a.shape, images.shape);
    assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
    assert.notDeepEqual(Array.from(a.dataSync()), Array.from(c.dataSync()));
    tf.dispose([a, b, c]);
  });
});
