import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import type { Batch } from '../data/batch.ts';
import type { SegmentationModel } from '../models/segmentationModel.ts';
import { probeFigures } from './probeFigures.ts';

before(() => selectBackend({ env: { ATRIUM_BACKEND: 'cpu' } }));

/** A stand-in network whose logits are given per pixel of a [1, 2, 2, 1] input (3 classes). */
function fixed(logits: number[][]): SegmentationModel {
  return { numClasses: 3, apply: () => tf.tensor4d(logits.flat(), [1, 2, 2, 3]) } as unknown as SegmentationModel;
}

/** One probe batch of four pixels; the last one is air (0). */
function probe(): Batch[] {
  return [{ images: tf.tensor4d([1, 2, 3, 0], [1, 2, 2, 1]), targets: tf.zeros([1, 2, 2], 'int32'), mask: tf.zeros([1, 2, 2]) }];
}

const sure = (c: number) => [0, 1, 2].map((k) => (k === c ? 10 : 0));
const torn = [0, 0.1, 0];

test('confident share of what it labels as structure on tissue, and agreement as Dice over the foreground classes either predicts', async () => {
  // Model: pixel 0 sure of class 1, pixel 1 sure of 2, pixel 2 torn (argmax 1), air pixel sure of 1.
  const model = fixed([sure(1), sure(2), torn, sure(1)]);
  // Partner: class 1, class 1, class 1, class 2.
  const partner = fixed([sure(1), sure(1), sure(1), sure(2)]);
  const figures = (await probeFigures(model, partner, probe()))!;
  // Tissue pixels labelled a structure: 0 (sure), 1 (sure), 2 (torn); the air pixel does not count.
  assert.ok(Math.abs(figures.confident! - 2 / 3) < 1e-9, 'two of the three structure pixels are confident');
  // Tissue pixels only: class 1 model {0, 2}, partner {0, 1, 2} → 2·2/5; class 2 model {1}, partner {} → 0.
  assert.ok(Math.abs(figures.agreement! - (0.8 + 0) / 2) < 1e-9, `agreement ${figures.agreement}`);
});

test('no partner: no agreement; only background: no confident share (background would always read near 100 %); no tensor left behind', async () => {
  const before = tf.memory().numTensors;
  const figures = (await probeFigures(fixed([sure(0), sure(0), sure(0), sure(0)]), null, probe()))!;
  assert.equal(figures.agreement, null);
  assert.equal(figures.confident, null);
  assert.equal((await probeFigures(fixed([sure(0), sure(2), torn, sure(0)]), null, probe()))!.confident, 0.5);
  assert.equal(tf.memory().numTensors, before);
});

test('no probe slice: null', async () => {
  assert.equal(await probeFigures(fixed([]), null, []), null);
});
