import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { Rng } from '../random/rng.ts';
import {
  applyStrongPerturbation,
  biasField,
  biasFieldTerms,
  drawStrongPerturbation,
  gaussianBlur,
  gaussianKernel,
  strongPerturbation,
} from './strongPerturbation.ts';

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-5): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= tolerance, `index ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

describe('strongPerturbation', () => {
  before(() => selectBackend());

  test('bias field terms: 20 monomials of order ≤ 3 in 3D, 10 in 2D, 1 of order 0', () => {
    assert.equal(biasFieldTerms(3, 3), 20);
    assert.equal(biasFieldTerms(3, 2), 10);
    assert.equal(biasFieldTerms(0, 3), 1);
    assert.equal(biasFieldTerms(1, 3), 4);
  });

  test('order-0 bias field multiplies a constant image by exp(c0)', () => {
    const field = biasField([2, 3, 4], [0.3], 0);
    assertClose(field.dataSync(), new Array(24).fill(Math.exp(0.3)));
    const image = tf.fill([1, 2, 3, 4, 1], -1.5);
    // Perturbations use order 3: a full set with only the constant term non-zero is order 0.
    const full = applyStrongPerturbation(image, { biasField: [0.3, ...new Array(19).fill(0)] });
    assertClose(full.dataSync(), new Array(24).fill(-1.5 * Math.exp(0.3)));
    assert.throws(() => applyStrongPerturbation(image, { biasField: [0.3] }), /coefficients/);
    tf.dispose([field, image, full]);
  });

  test('order-1 bias field: exp(c0 + c_w w + c_h h + c_d d) at hand-computed coordinates', () => {
    // Terms ordered (d, h, w) powers: (0,0,0), (0,0,1), (0,1,0), (1,0,0).
    const [c0, cw, ch, cd] = [0.1, 0.2, -0.3, 0.4];
    const field = biasField([2, 3, 1], [c0, cw, ch, cd], 1);
    // d ∈ {-1, 1}, h ∈ {-1, 0, 1}, w ∈ {0} (one voxel).
    const expected: number[] = [];
    for (const d of [-1, 1]) for (const h of [-1, 0, 1]) expected.push(Math.exp(c0 + ch * h + cd * d));
    assertClose(field.dataSync(), expected);
    field.dispose();
  });

  test('order-3 bias field: a cubic term at a corner', () => {
    const coefficients = new Array(20).fill(0);
    // Term order with (d, h, w) powers, d outermost: index 3 is w³ (0, 0, 3).
    coefficients[3] = 0.5;
    const field = biasField([2, 2, 3], coefficients, 3);
    const values = field.dataSync();
    // w = -1, 0, 1 along the last axis.
    assertClose(values.slice(0, 3), [Math.exp(-0.5), 1, Math.exp(0.5)]);
    field.dispose();
  });

  test('gamma is sign(x)|x|^γ for negative, zero and positive intensities', () => {
    const x = tf.tensor([-4, -1, 0, 0.25, 9, 2, 1, 3], [1, 2, 2, 2, 1]);
    const out = applyStrongPerturbation(x, { gamma: 0.5 });
    assertClose(out.dataSync(), [-2, -1, 0, 0.5, 3, Math.SQRT2, 1, Math.sqrt(3)]);
    tf.dispose([x, out]);
  });

  test('brightness and contrast: b (m + c (x - m)) with the sample mean m', () => {
    const x = tf.tensor([1, 2, 3, 6, 0, 0, 0, 4], [2, 2, 2, 1]);
    const out = applyStrongPerturbation(x, { brightnessContrast: [1.5, 0.5] });
    // Sample 0: m = 3 → 1.5 (3 + 0.5 (x - 3)); sample 1: m = 1.
    assertClose(out.dataSync(), [3, 3.75, 4.5, 6.75, 0.75, 0.75, 0.75, 3.75]);
    tf.dispose([x, out]);
  });

  test('blur of a delta is the normalised Gaussian (outer product in 2D)', () => {
    const sigma = 0.8;
    const radius = Math.ceil(3 * sigma);
    const size = 2 * radius + 5;
    const centre = Math.floor(size / 2);
    const delta = tf.buffer([1, size, size, 1]);
    delta.set(1, 0, centre, centre, 0);
    const out = gaussianBlur(delta.toTensor(), [sigma, sigma]);
    const k = gaussianKernel(sigma, radius);
    const expected = new Float32Array(size * size);
    for (let i = -radius; i <= radius; i++) {
      for (let j = -radius; j <= radius; j++) expected[(centre + i) * size + centre + j] = k[i + radius]! * k[j + radius]!;
    }
    assertClose(out.dataSync(), expected, 1e-6);
    assert.ok(Math.abs(Array.from(k).reduce((s, w) => s + w, 0) - 1) < 1e-6);
    assert.ok(Math.abs(k[radius + 1]! / k[radius]! - Math.exp(-1 / (2 * sigma * sigma))) < 1e-6);
    out.dispose();
  });

  test('3D blur with a different σ per axis; a constant stays constant at the mirrored borders', () => {
    const size = 9;
    const delta = tf.buffer([1, size, size, size, 1]);
    delta.set(1, 0, 4, 4, 4, 0);
    const sigmas = [0.5, 1, 1.3];
    const out = gaussianBlur(delta.toTensor(), sigmas);
    const kernels = sigmas.map((s) => gaussianKernel(s, Math.ceil(3 * s)));
    const at = (d: number, h: number, w: number): number => {
      const tap = (k: Float32Array, o: number): number => k[o + (k.length - 1) / 2] ?? 0;
      return tap(kernels[0]!, d) * tap(kernels[1]!, h) * tap(kernels[2]!, w);
    };
    const values = out.dataSync();
    for (const [d, h, w] of [
      [0, 0, 0],
      [1, 0, 0],
      [0, 2, 0],
      [0, 0, 3],
      [1, -1, 2],
    ] as const) {
      assert.ok(Math.abs(values[((4 + d) * size + 4 + h) * size + 4 + w]! - at(d, h, w)) < 1e-6, `offset ${d},${h},${w}`);
    }
    const constant = tf.fill([1, 4, 5, 6, 1], 2.5);
    const blurred = gaussianBlur(constant, [2, 2, 2]);
    assertClose(blurred.dataSync(), new Array(120).fill(2.5), 1e-5);
    tf.dispose([out, constant, blurred]);
  });

  test('draws: probabilities and ranges of each step (2D and 3D)', () => {
    const rng = new Rng('draws');
    const n = 2000;
    let intensity2d = 0;
    let blur2d = 0;
    let intensity3d = 0;
    let blur3d = 0;
    for (let i = 0; i < n; i++) {
      const d2 = drawStrongPerturbation(rng, 2);
      if (d2.brightnessContrast) {
        intensity2d++;
        for (const f of d2.brightnessContrast) assert.ok(f >= 0.5 && f < 1.5);
      }
      if (d2.blurSigma) {
        blur2d++;
        assert.equal(d2.blurSigma.length, 2);
        assert.equal(d2.blurSigma[0], d2.blurSigma[1]);
        assert.ok(d2.blurSigma[0]! >= 0.1 && d2.blurSigma[0]! < 2);
      }
      assert.equal(d2.biasField, undefined);
      const d3 = drawStrongPerturbation(rng, 3);
      assert.equal(d3.biasField === undefined, d3.gamma === undefined);
      if (d3.biasField) {
        intensity3d++;
        assert.equal(d3.biasField.length, 20);
        for (const c of d3.biasField) assert.ok(c >= -0.5 && c < 0.5);
        assert.ok(d3.gamma! >= Math.exp(-0.5) && d3.gamma! < Math.exp(0.5));
      }
      if (d3.blurSigma) {
        blur3d++;
        assert.equal(d3.blurSigma.length, 3);
        for (const s of d3.blurSigma) assert.ok(s >= 0.1 && s < 2);
      }
    }
    // Binomial standard deviations: ≈ 0.009 (p 0.8) and 0.011 (p 0.5) at n = 2000.
    for (const share of [intensity2d, intensity3d]) assert.ok(Math.abs(share / n - 0.8) < 0.04, `intensity share ${share / n}`);
    for (const share of [blur2d, blur3d]) assert.ok(Math.abs(share / n - 0.5) < 0.045, `blur share ${share / n}`);
  });

  test('deterministic per seed, independent per sample, shape kept, no tensors left behind', () => {
    const images = tf.randomNormal([3, 16, 16, 1], 0, 1, 'float32', 5);
    const before = tf.memory().numTensors;
    const a = strongPerturbation(images, new Rng('s').fork('s1'));
    const b = strongPerturbation(images, new Rng('s').fork('s1'));
    const c = strongPerturbation(images, new Rng('s').fork('s2'));
    assert.equal(tf.memory().numTensors, before + 3);
    assert.deepEqual(a.shape, images.shape);
    assert.deepEqual(a.dataSync(), b.dataSync());
    assert.notDeepEqual(Array.from(a.dataSync()), Array.from(c.dataSync()));
    // Sample 1 of a batch equals the lone sample perturbed with its own stream fork('1').
    const one = tf.slice(images, 1, 1);
    const alone = applyStrongPerturbation(one, drawStrongPerturbation(new Rng('s').fork('s1').fork('1'), 2));
    const inBatch = tf.slice(a, 1, 1);
    assertClose(inBatch.dataSync(), alone.dataSync(), 1e-6);
    tf.dispose([images, a, b, c, one, alone, inBatch]);
  });

  test('3D batches: each sample perturbed with its own draw', () => {
    const images = tf.randomNormal([2, 8, 8, 8, 1], 0, 1, 'float32', 6);
    const rng = new Rng('3d');
    const out = strongPerturbation(images, rng);
    const draws = [0, 1].map((b) => drawStrongPerturbation(rng.fork(String(b)), 3));
    const expected = tf.concat([0, 1].map((b) => applyStrongPerturbation(tf.slice(images, b, 1), draws[b]!)));
    assertClose(out.dataSync(), expected.dataSync(), 1e-6);
    tf.dispose([images, out, expected]);
  });
});
