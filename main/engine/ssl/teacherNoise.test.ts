import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { Rng } from '../random/rng.ts';
import { teacherNoise } from './teacherNoise.ts';

describe('teacherNoise', () => {
  before(() => selectBackend());

  test('adds N(0, σ²) clamped to ±2σ, drawn from the given stream', () => {
    const x = tf.fill([2, 50, 50, 1], 3);
    const y = teacherNoise(x, 0.1, new Rng('noise'));
    const noise = Array.from(y.dataSync(), (v) => v - 3);
    // The same draws from a stream with the same key.
    const rng = new Rng('noise');
    noise.forEach((n, i) => assert.ok(Math.abs(n - Math.min(Math.max(rng.normal(0, 0.1), -0.2), 0.2)) < 1e-6, `voxel ${i}`));
    assert.ok(noise.every((n) => Math.abs(n) <= 0.2 + 1e-6));
    // 5000 draws: P(|z| > 2) = 4.55%, so about 228 clamped values; the standard deviation of the
    // clamped normal is 0.1 · 0.9335.
    const clamped = noise.filter((n) => Math.abs(Math.abs(n) - 0.2) < 1e-6).length;
    assert.ok(clamped > 150 && clamped < 310, `${clamped} clamped`);
    const sd = Math.sqrt(noise.reduce((a, n) => a + n * n, 0) / noise.length);
    assert.ok(Math.abs(sd - 0.09335) < 0.004, `sd ${sd}`);
    tf.dispose([x, y]);
  });

  test('different streams give different noise; σ = 0 gives the input', () => {
    const x = tf.zeros([1, 4, 4, 1]);
    const a = teacherNoise(x, 0.1, new Rng('a')).dataSync();
    const b = teacherNoise(x, 0.1, new Rng('b')).dataSync();
    assert.notDeepEqual(a, b);
    assert.deepEqual(Array.from(teacherNoise(x, 0, new Rng('a')).dataSync()), new Array(16).fill(0));
    assert.throws(() => teacherNoise(x, -1, new Rng('a')), RangeError);
  });
});
