import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { createModel } from '../models/createModel.ts';
import { jointForward } from './jointForward.ts';

describe('jointForward', () => {
  before(() => selectBackend());

  test('one batch: the halves of the forward of the concatenation (shared BatchNorm statistics)', () => {
    const model = createModel({ kind: 'unet2d', numClasses: 2, width: 2, seed: 1 });
    const a = tf.randomUniform([2, 16, 16, 1], 0, 1, 'float32', 1);
    const b = tf.randomUniform([2, 16, 16, 1], 0, 1, 'float32', 2);
    const before = tf.memory().numTensors;
    const [la, lb] = jointForward(model, a, b, { training: false });
    assert.equal(tf.memory().numTensors, before + 2);
    const whole = model.apply(tf.concat([a, b]), { training: false });
    const [wa, wb] = tf.split(whole, 2);
    assert.deepEqual(la.dataSync(), wa!.dataSync());
    assert.deepEqual(lb.dataSync(), wb!.dataSync());
    // In training mode the statistics are those of all four samples, so the labelled half
    // differs from a forward of the labelled samples alone.
    const [ta] = jointForward(model, a, b, { training: true });
    const alone = model.apply(a, { training: true });
    const diff = tf.max(tf.abs(tf.sub(ta, alone))).dataSync()[0]!;
    assert.ok(diff > 1e-4, `difference ${diff}`);
    tf.dispose([a, b, la, lb, whole, wa!, wb!, ta, alone]);
    model.dispose();
  });

  test('batches of different spatial shapes are run separately', () => {
    const model = createModel({ kind: 'unet2d', numClasses: 3, width: 2, seed: 1 });
    const a = tf.ones([1, 16, 32, 1]);
    const b = tf.ones([2, 32, 16, 1]);
    const [la, lb] = jointForward(model, a, b, { training: false });
    assert.deepEqual(la.shape, [1, 16, 32, 3]);
    assert.deepEqual(lb.shape, [2, 32, 16, 3]);
    tf.dispose([a, b, la, lb]);
    model.dispose();
  });
});
