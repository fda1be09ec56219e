import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { UNKNOWN } from '../data/labels.ts';
import type { Scan } from '../data/volume.ts';
import { Rng } from '../random/rng.ts';
import { MAX_VALIDATION_SLICES, MIN_SLICES_TO_HOLD_OUT, SliceBatches, VALIDATION_SHARE } from './sliceBatches.ts';

await tf.setBackend('cpu');

/** A 100×90×n scan with slices `annotated` along k known only in a 6×6 patch. */
function partlyAnnotated(n: number, annotated: number[]): Scan {
  const [ni, nj] = [100, 90];
  const label = new Uint8Array(ni * nj * n).fill(UNKNOWN);
  for (const k of annotated) for (let j = 70; j < 76; j++) for (let i = 10; i < 16; i++) label[i + ni * (j + nj * k)] = 1;
  return { image: new Float32Array(ni * nj * n).fill(1), label, shape: [ni, nj, n] };
}

const config = {
  axis: 'k' as const,
  batchSize: 3,
  sliceCrop: [32, 32] as [number, number],
  seed: 1,
  validationFraction: 0.2,
  augmentation: 'reference' as const,
};

test('crops hold annotation even when only a corner of the slice is painted', () => {
  const batches = new SliceBatches([partlyAnnotated(5, [1, 3])], config);
  for (let t = 0; t < 10; t++) {
    const batch = batches.labeledBatch(new Rng(`1:${t}`));
    assert.deepEqual(batch.images.shape, [3, 32, 32, 1]);
    const known = tf.tidy(() => tf.sum(batch.mask, [1, 2]).arraySync() as number[]);
    assert.ok(
      known.every((n) => n > 0),
      `known pixels per sample: ${known}`,
    );
    tf.dispose(batch);
  }
  assert.equal(batches.validation, 'training-slices');
});

test('held-out slices: a tenth, at most MAX_VALIDATION_SLICES, never sampled for training; validation sees whole slices', () => {
  const annotated = Array.from({ length: 30 }, (_, k) => k);
  const scan = partlyAnnotated(30, annotated);
  // Mark each slice's image with its index to see which slices the batches come from.
  for (let k = 0; k < 30; k++) scan.image.fill(k + 1, k * 9000, k * 9000 + 9000);
  const batches = new SliceBatches([scan], { ...config, sliceCrop: null });
  assert.equal(batches.validation, 'held-out');
  const held = new Set<number>();
  for (const batch of batches.validationBatches()) {
    assert.deepEqual(batch.images.shape.slice(1), [96, 112, 1], 'whole 90×100 slices padded to 16');
    const images = batch.images.arraySync() as number[][][][];
    for (const slice of images) held.add(slice[40]![50]![0]! - 1);
    tf.dispose(batch);
  }
  assert.equal(held.size, Math.min(MAX_VALIDATION_SLICES, Math.round(30 * VALIDATION_SHARE)));
  for (let t = 0; t < 30; t++) {
    const batch = batches.labeledBatch(new Rng(`1:${t}`));
    const centres = (batch.images.arraySync() as number[][][][]).map((s) => s[48]![56]![0]! - 1);
    assert.ok(
      centres.every((k) => !held.has(k)),
      `slice from the held-out set ${centres}`,
    );
    tf.dispose(batch);
  }
});

test('none is held out below MIN_SLICES_TO_HOLD_OUT annotated slices: each is worth more to training', () => {
  const below = new SliceBatches(
    [
      partlyAnnotated(
        12,
        Array.from({ length: MIN_SLICES_TO_HOLD_OUT - 1 }, (_, k) => k),
      ),
    ],
    config,
  );
  assert.deepEqual([below.validation, below.data.labeled, below.data.heldOut], ['training-slices', MIN_SLICES_TO_HOLD_OUT - 1, 0]);
  const at = new SliceBatches(
    [
      partlyAnnotated(
        12,
        Array.from({ length: MIN_SLICES_TO_HOLD_OUT }, (_, k) => k),
      ),
    ],
    config,
  );
  assert.deepEqual([at.validation, at.data.heldOut], ['held-out', 1]);
});

test('about a third of the labelled samples hold a painted class, however many slices are background only', () => {
  // Nine annotated slices (none held out): slice 0 holds class 1, the other eight are background only.
  const scan = partlyAnnotated(
    12,
    Array.from({ length: 9 }, (_, k) => k),
  );
  scan.label!.forEach((c, v) => {
    if (c !== UNKNOWN) scan.label![v] = Math.floor(v / 9000) === 0 && c !== 0 ? c : 0;
  });
  for (let k = 0; k < 12; k++) scan.image.fill(k + 1, k * 9000, k * 9000 + 9000);
  const batches = new SliceBatches([scan], { ...config, sliceCrop: null, batchSize: 4 });
  let structure = 0;
  let samples = 0;
  for (let t = 0; t < 75; t++) {
    const batch = batches.labeledBatch(new Rng(`fg:${t}`));
    const centres = (batch.images.arraySync() as number[][][][]).map((s) => s[48]![56]![0]! - 1);
    structure += centres.filter((k) => k === 0).length;
    samples += centres.length;
    tf.dispose(batch);
  }
  // Uniform drawing would give 1/9; a third forced onto structure gives 1/3 + 2/3 · 1/9 ≈ 0.41.
  assert.ok(structure / samples > 0.3 && structure / samples < 0.5, `share from the slice with structure ${structure / samples}`);
});

test('unlabelled batches come from unannotated slices, with no label, and their ids are absent', () => {
  const scan = partlyAnnotated(8, [2, 5]);
  for (let k = 0; k < 8; k++) scan.image.fill(k + 1, k * 9000, k * 9000 + 9000);
  const batches = new SliceBatches([scan], { ...config, sliceCrop: null });
  const seen = new Set<number>();
  for (let t = 0; t < 20; t++) {
    const batch = batches.unlabeledBatch(new Rng(`u:${t}`));
    assert.equal(batch.images.shape[0], 3);
    assert.equal(
      tf.tidy(() => tf.sum(batch.mask).arraySync()),
      0,
      'no pixel of an unlabelled sample is known',
    );
    // Rotation may blend in zeros at the border; each slice's image is its index + 1.
    for (const k of tf.tidy(() => tf.max(batch.images, [1, 2, 3]).arraySync() as number[])) seen.add(Math.round(k) - 1);
    assert.equal(batch.ids, undefined);
    tf.dispose(batch);
  }
  assert.ok(!seen.has(2) && !seen.has(5), `annotated slices drawn as unlabelled: ${[...seen]}`);
  assert.ok(seen.size >= 4, `only slices ${[...seen]} drawn`);
  const labeled = batches.labeledBatch(new Rng('l'));
  assert.ok(
    labeled.ids!.every((id) => id === '0:2' || id === '0:5'),
    `ids ${labeled.ids}`,
  );
  tf.dispose(labeled);
});

test('when every slice is annotated, annotated slices stand in as unlabelled data with their labels hidden', () => {
  const batches = new SliceBatches([partlyAnnotated(3, [0, 1, 2])], config);
  const batch = batches.unlabeledBatch(new Rng('u'));
  assert.equal(
    tf.tidy(() => tf.sum(batch.mask).arraySync()),
    0,
  );
  tf.dispose(batch);
});

test('synthetic scans join the labelled pool only, made without the held-out slices’ labels', () => {
  const annotated = Array.from({ length: 30 }, (_, k) => k);
  const plain = new SliceBatches([partlyAnnotated(30, annotated), { image: new Float32Array(100 * 90 * 30).fill(1), shape: [100, 90, 30] }], {
    ...config,
    sliceCrop: null,
  });
  // The split depends on the seed and the annotated slices only: find the held-out ones, then paint them class 2.
  const heldOut = new Set<number>();
  const marked = partlyAnnotated(30, annotated);
  for (let k = 0; k < 30; k++) marked.image.fill(k + 1, k * 9000, k * 9000 + 9000);
  const probe = new SliceBatches([marked], { ...config, sliceCrop: null });
  for (const batch of probe.validationBatches()) {
    for (const slice of batch.images.arraySync() as number[][][][]) heldOut.add(slice[40]![50]![0]! - 1);
    tf.dispose(batch);
  }
  const scan = partlyAnnotated(30, annotated);
  scan.label!.forEach((c, v) => {
    if (c === 1 && heldOut.has(Math.floor(v / 9000))) scan.label![v] = 2;
  });
  const unannotated: Scan = { image: new Float32Array(100 * 90 * 30).fill(1), shape: [100, 90, 30] };
  const batches = new SliceBatches([scan, unannotated], { ...config, sliceCrop: null }, 4);
  assert.deepEqual(batches.data, { ...plain.data, synthetic: 4 }, 'the same real slices, and four synthetic scans');
  const scansDrawn = new Set<string>();
  for (let t = 0; t < 40; t++) {
    const batch = batches.labeledBatch(new Rng(`syn:${t}`));
    batch.ids!.forEach((id) => scansDrawn.add(id.split(':')[0]!));
    const targets = batch.targets.dataSync();
    assert.equal(targets.includes(2), false, 'a held-out label reached training');
    tf.dispose(batch);
  }
  assert.deepEqual([...scansDrawn].sort(), ['0', '2', '3', '4', '5'], 'the exemplar and every synthetic scan, never the unannotated one');
  let unlabeledSamples = 0;
  for (const batch of batches.probeBatches()) {
    unlabeledSamples += batch.images.shape[0]!;
    tf.dispose(batch);
  }
  assert.equal(unlabeledSamples, Math.min(8, plain.data.unlabeled), 'probes come from the unannotated slices as before');
});
