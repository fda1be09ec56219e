import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { createModel } from '../models/createModel.ts';
import { jointDecode } from './jointDecode.ts';

const maxAbsDifference = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

describe('jointDecode', () => {
  before(() => selectBackend());

  test('one stacked pass: the same as decoding the concatenated batch, split back', () => {
    const model = createModel({ kind: 'unet2d', numClasses: 3, width: 2, seed: 1 });
    tf.tidy(() => {
      const labeled = tf.randomNormal([2, 16, 16, 1], 0, 1, 'float32', 1);
      const unlabeled = tf.randomNormal([1, 16, 16, 1], 0, 1, 'float32', 2);
      const out = jointDecode(model, labeled, unlabeled, { training: false });
      assert.deepEqual(
        [out.labeled.logits.shape, out.unlabeled.feature.shape],
        [
          [2, 16, 16, 3],
          [1, 16, 16, 2],
        ],
      );
      const whole = model.decodeWithFeature(model.encode(tf.concat([labeled, unlabeled]), { training: false }), { training: false });
      assert.equal(maxAbsDifference(tf.concat([out.labeled.logits, out.unlabeled.logits]), whole.logits), 0);
      assert.equal(maxAbsDifference(tf.concat([out.labeled.feature, out.unlabeled.feature]), whole.feature), 0);
    });
    model.dispose();
  });

  test('in training the batches share BatchNorm statistics; differently shaped batches run apart', () => {
    const model = createModel({ kind: 'unet2d', numClasses: 2, width: 2, seed: 2 });
    tf.tidy(() => {
      const labeled = tf.randomNormal([2, 16, 16, 1], 0, 1, 'float32', 3);
      const quiet = tf.zeros([2, 16, 16, 1]);
      const loud = tf.mul(tf.randomNormal([2, 16, 16, 1], 0, 1, 'float32', 4), 5);
      // Dropout differs between calls, so compare inference-free: the labelled feature changes
      // with what it is normalised together with.
      const a = jointDecode(model, labeled, quiet, { training: true }).labeled.feature;
      const b = jointDecode(model, labeled, loud, { training: true }).labeled.feature;
      assert.ok(maxAbsDifference(a, b) > 1e-3);
      const wide = jointDecode(model, labeled, tf.zeros([1, 16, 32, 1]), { training: false });
      assert.deepEqual(wide.unlabeled.logits.shape, [1, 16, 32, 2]);
      assert.equal(maxAbsDifference(wide.labeled.logits, model.apply(labeled, { training: false })), 0);
    });
    model.dispose();
  });
});
