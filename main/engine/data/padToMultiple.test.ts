import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cropPadding, padToMultiple, planPadding } from './padToMultiple.ts';
import { UNKNOWN } from './labels.ts';

test('plans the smallest multiple of 16 that is also ≥ the minimum, centred', () => {
  const p = planPadding([100, 33]);
  assert.deepEqual(p.padded, [112, 48]);
  assert.deepEqual(p.offset, [6, 7]);
  assert.deepEqual(planPadding([32, 16]).padded, [32, 16]);
  assert.deepEqual(planPadding([32, 16]).offset, [0, 0]);
  assert.deepEqual(planPadding([20, 5, 3], { minimum: [0, 64, 0], multiple: 16 }).padded, [32, 64, 16]);
  assert.deepEqual(planPadding([5], { minimum: 40, multiple: 1 }).padded, [40]);
  assert.throws(() => planPadding([5], { multiple: 0 }), RangeError);
  assert.throws(() => planPadding([5, 5], { minimum: [1] }), RangeError);
});

test('2D: the original sits at the offsets, the border holds the fill value, crop restores it', () => {
  const [h, w] = [5, 19];
  const image = Float32Array.from({ length: h * w }, (_, i) => i + 1);
  const { data, padding } = padToMultiple(image, [h, w]);
  assert.deepEqual(padding.padded, [16, 32]);
  const [oy, ox] = padding.offset;
  for (let y = 0; y < 16; y++)
    for (let x = 0; x < 32; x++) {
      const inside = y >= oy! && y < oy! + h && x >= ox! && x < ox! + w;
      assert.equal(data[y * 32 + x], inside ? image[(y - oy!) * w + (x - ox!)] : 0);
    }
  assert.deepEqual(cropPadding(data, padding), image);
});

test('3D labels padded with UNKNOWN round-trip exactly, with a minimum size', () => {
  const shape = [3, 7, 20];
  const labels = Uint8Array.from({ length: 3 * 7 * 20 }, (_, i) => i % 5);
  const { data, padding } = padToMultiple(labels, shape, { value: UNKNOWN, minimum: [32, 0, 0] });
  assert.ok(data instanceof Uint8Array);
  assert.deepEqual(padding.padded, [32, 16, 32]);
  assert.equal(data[0], UNKNOWN);
  assert.equal(data.filter((x) => x !== UNKNOWN).length, labels.length);
  assert.deepEqual(cropPadding(data, padding), labels);
});

test('a size mismatch is refused', () => {
  assert.throws(() => padToMultiple(new Float32Array(10), [3, 3]), RangeError);
  assert.throws(() => cropPadding(new Float32Array(10), planPadding([3, 3])), RangeError);
});
