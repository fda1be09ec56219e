import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { Scan } from '../data/volume.ts';
import { Rng } from '../random/rng.ts';
import { PatchBatches } from './patchBatches.ts';

await tf.setBackend('cpu');

const config = { patchSize: [16, 16, 16] as [number, number, number], batchSize: 2, seed: 1, validationFraction: 0.2 };

/** A 16³ scan whose image is `value` everywhere, fully labelled with class 1 when `labelled`. */
function scan(value: number, labelled: boolean): Scan {
  const n = 16 ** 3;
  return { image: new Float32Array(n).fill(value), shape: [16, 16, 16], ...(labelled ? { label: new Uint8Array(n).fill(1) } : {}) };
}

function drawnValues(batches: PatchBatches, draws: number): Set<number> {
  const seen = new Set<number>();
  for (let t = 0; t < draws; t++) {
    const batch = batches.unlabeledBatch(new Rng(`u:${t}`));
    assert.equal(
      tf.tidy(() => tf.sum(batch.mask).arraySync()),
      0,
      'unlabelled patches carry no known voxel',
    );
    for (const v of tf.tidy(() => tf.max(batch.images, [1, 2, 3, 4]).arraySync() as number[])) seen.add(v);
    tf.dispose(batch);
  }
  return seen;
}

test('unlabelled patches come from every scan, annotated ones included, labels hidden', () => {
  const batches = new PatchBatches([scan(1, true), scan(2, false), scan(3, false)], config);
  assert.deepEqual([...drawnValues(batches, 20)].sort(), [1, 2, 3]);
});

test('a single annotated scan validated on itself still yields unlabelled patches', () => {
  const batches = new PatchBatches([scan(1, true)], config);
  assert.equal(batches.validation, 'training-slices');
  assert.deepEqual([...drawnValues(batches, 3)], [1]);
});

test('held-out validation scans are never drawn as unlabelled data', () => {
  const scans = [1, 2, 3, 4, 5].map((v) => scan(v, true));
  const batches = new PatchBatches(scans, config);
  assert.equal(batches.validation, 'held-out');
  const held = new Set<number>();
  for (const b of batches.validationBatches()) {
    held.add(tf.tidy(() => tf.max(b.images).arraySync() as number));
    tf.dispose(b);
  }
  const seen = drawnValues(batches, 30);
  assert.ok(
    [...held].every((v) => !seen.has(v)),
    `held ${[...held]} drawn among ${[...seen]}`,
  );
  assert.equal(seen.size, 5 - held.size);
});

test('synthetic scans are made from the annotated training scans only, never from held-out ones', () => {
  const scans = [1, 2, 3, 4, 5].map((value) => scan(value, true));
  const plain = new PatchBatches(scans, config);
  const held = new Set<number>();
  for (const batch of plain.validationBatches()) {
    held.add(tf.tidy(() => tf.max(batch.images).arraySync() as number));
    tf.dispose(batch);
  }
  assert.equal(held.size, 1);
  const batches = new PatchBatches(scans, config, 6);
  assert.deepEqual(batches.data, { ...plain.data, synthetic: 6 });
  const drawn = new Set<string>();
  for (let t = 0; t < 30; t++) {
    const batch = batches.labeledBatch(new Rng(`syn:${t}`));
    batch.ids!.forEach((id) => drawn.add(id));
    // A constant scan stays constant under a deformation (outside takes its background, the same value).
    for (const v of tf.tidy(() => tf.max(batch.images, [1, 2, 3, 4]).arraySync() as number[])) assert.ok(!held.has(v), `a patch from held-out scan ${v}`);
    tf.dispose(batch);
  }
  assert.ok(
    [...drawn].some((id) => Number(id.split(' ')[1]) >= 4),
    `synthetic scans drawn: ${[...drawn]}`,
  );
});
