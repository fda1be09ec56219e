import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { Rng } from '../random/rng.ts';
import { boxMask, cutMix, cutMixPartners, drawCutMixBox, mixWithPartners } from './cutMix.ts';

describe('cutMix', () => {
  before(() => selectBackend());

  for (const shape of [
    [64, 64],
    [32, 48],
    [16, 32, 32],
    [32, 64, 48],
  ]) {
    test(`boxes in [${shape}]: half of the draws have none; the others lie inside with area ≤ 0.4`, () => {
      const rng = new Rng(`boxes ${shape}`);
      const voxels = shape.reduce((p, n) => p * n, 1);
      const n = 600;
      let none = 0;
      for (let i = 0; i < n; i++) {
        const box = drawCutMixBox(shape, rng);
        if (!box) {
          none++;
          continue;
        }
        assert.equal(box.start.length, shape.length);
        for (let a = 0; a < shape.length; a++) {
          assert.ok(Number.isInteger(box.start[a]) && Number.isInteger(box.size[a]));
          assert.ok(box.start[a]! >= 0 && box.start[a]! + box.size[a]! <= shape[a]!, `axis ${a}: ${box.start[a]}+${box.size[a]} > ${shape[a]}`);
        }
        const share = box.size.reduce((p, s) => p * s, 1) / voxels;
        // ⌊⌋ of each side only shrinks the box: at most 0.4; at least 0.02 less the rounding of each side.
        assert.ok(share <= 0.4, `area ${share}`);
        const lower = 0.02 * shape.reduce((p, _, a) => p * (1 - 1 / (box.size[a]! + 1)), 1);
        assert.ok(share >= lower - 1e-9, `area ${share} < ${lower}`);
      }
      // Binomial sd ≈ 0.02 at n = 600.
      assert.ok(Math.abs(none / n - 0.5) < 0.07, `share without box ${none / n}`);
    });
  }

  test('box sides: depth ∛f of D whatever the ratio, in-plane ∛(f r) and ∛(f / r) (correct axes in 3D)', () => {
    const rng = new Rng('sides');
    const shape = [120, 200, 100];
    let checked = 0;
    for (let i = 0; i < 300; i++) {
      const box = drawCutMixBox(shape, rng);
      if (!box) continue;
      checked++;
      const [d, h, w] = box.size.map((s, a) => s / shape[a]!) as [number, number, number];
      assert.ok(d <= Math.cbrt(0.4) && d >= Math.floor(120 * Math.cbrt(0.02)) / 120, `depth share ${d}`);
      // h / w = r^(2/3) with r ∈ [0.3, 1/0.3]; ⌊⌋ moves each side by under 3 % here.
      const aspect = h / w;
      assert.ok(aspect >= 0.3 ** (2 / 3) * 0.95 && aspect <= (1 / 0.3) ** (2 / 3) * 1.05, `aspect ${aspect}`);
      // h w = (f r)^(1/3) (f / r)^(1/3) = f^(2/3) = d².
      assert.ok(Math.abs((h * w) / (d * d) - 1) < 0.1, `in-plane area ${h * w} vs depth share² ${d * d}`);
    }
    assert.ok(checked > 100);
  });

  test('box mask: ones exactly inside each box, zeros for a null box', () => {
    const mask = boxMask([{ start: [1, 2], size: [2, 1] }, null, { start: [0, 0], size: [3, 4] }], [3, 4]);
    assert.deepEqual(Array.from(mask.dataSync()), [0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    const mask3 = boxMask([{ start: [1, 0, 1], size: [1, 2, 1] }], [2, 2, 2]);
    assert.deepEqual(Array.from(mask3.dataSync()), [0, 0, 0, 0, 0, 1, 0, 1]);
    tf.dispose([mask, mask3]);
  });

  test('partners: a shift that never pairs a sample with itself (B ≥ 2), itself for B = 1', () => {
    const rng = new Rng('partners');
    const shifts = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const p = cutMixPartners(4, rng);
      assert.deepEqual([...p].sort(), [0, 1, 2, 3]);
      const shift = (p[0]! + 4) % 4;
      shifts.add(shift);
      p.forEach((q, b) => assert.equal(q, (b + shift) % 4));
      assert.ok(p.every((q, b) => q !== b));
    }
    assert.deepEqual([...shifts].sort(), [1, 2, 3]);
    assert.deepEqual(cutMixPartners(1, rng), [0]);
    assert.deepEqual(cutMixPartners(2, rng), [1, 0]);
  });

  test('exact replacement: images, channel maps and int32 labels mixed with the same mask', () => {
    const images = tf.tensor([1, 2, 3, 4, 10, 20, 30, 40], [2, 2, 2, 1]);
    const mask = tf.tensor([0, 1, 0, 1, 1, 0, 0, 0], [2, 2, 2]);
    const mixed = mixWithPartners(images, [1, 0], mask);
    assert.deepEqual(Array.from(mixed.dataSync()), [1, 20, 3, 40, 1, 20, 30, 40]);
    const probabilities = tf.tensor([0.1, 0.9, 0.2, 0.8, 0.3, 0.7, 0.4, 0.6, 0.5, 0.5, 0.6, 0.4, 0.7, 0.3, 0.8, 0.2], [2, 2, 2, 2]);
    const mixedP = mixWithPartners(probabilities, [1, 0], mask);
    assert.deepEqual(
      Array.from(mixedP.dataSync()).map((v) => Math.round(v * 10) / 10),
      [0.1, 0.9, 0.6, 0.4, 0.3, 0.7, 0.8, 0.2, 0.1, 0.9, 0.6, 0.4, 0.7, 0.3, 0.8, 0.2],
    );
    const labels = tf.tensor([0, 1, 2, 3, 4, 5, 6, 7], [2, 2, 2], 'int32');
    const mixedL = mixWithPartners(labels, [1, 0], mask);
    assert.equal(mixedL.dtype, 'int32');
    assert.deepEqual(Array.from(mixedL.dataSync()), [0, 5, 2, 7, 0, 5, 6, 7]);
    tf.dispose([images, mask, mixed, probabilities, mixedP, labels, mixedL]);
  });

  test("cutMix: inside the box the partner's voxels, outside the own; deterministic per seed", () => {
    const images = tf.randomNormal([3, 8, 16, 16, 1], 0, 1, 'float32', 3);
    const partners = [2, 0, 1];
    const before = tf.memory().numTensors;
    const a = cutMix(images, partners, new Rng('mix'));
    const b = cutMix(images, partners, new Rng('mix'));
    assert.equal(tf.memory().numTensors, before + 4);
    assert.deepEqual(a.images.dataSync(), b.images.dataSync());
    assert.deepEqual(a.mask.shape, [3, 8, 16, 16]);
    const x = images.dataSync();
    const out = a.images.dataSync();
    const m = a.mask.dataSync();
    const voxels = 8 * 16 * 16;
    let inside = 0;
    for (let bIndex = 0; bIndex < 3; bIndex++) {
      for (let v = 0; v < voxels; v++) {
        const i = bIndex * voxels + v;
        const source = m[i] === 1 ? partners[bIndex]! * voxels + v : i;
        if (m[i] === 1) inside++;
        assert.equal(out[i], x[source]);
      }
    }
    assert.ok(inside > 0, 'no box drawn with this seed');
    tf.dispose([images, a.images, a.mask, b.images, b.mask]);
  });
});
