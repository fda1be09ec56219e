import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { supervisedLoss } from '../losses/supervisedLoss.ts';
import { minimize } from '../optim/minimize.ts';
import { readStepLosses } from '../training/methods/trainingMethod.ts';
import { Sgd } from '../optim/sgd.ts';
import { createModel } from './createModel.ts';

const maxAbsDifference = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describe('unet2d', () => {
  before(() => selectBackend());

  test('has 1,813,764 parameters at width 16 with 4 classes (PyTorch count: conv weights + biases, BN γ + β)', () => {
    const model = createModel({ kind: 'unet2d', numClasses: 4 });
    assert.equal(model.parameterCount(), 1_813_764);
    assert.equal(model.width, 16);
    assert.equal(model.spatialMultiple, 16);
    // 5 encoder and 4 decoder blocks of 2 BN each; every BN adds a running mean and variance.
    assert.equal(model.getWeights().size, model.trainableVariables().length + 2 * 18);
    model.dispose();
  });

  test('encoder features and logits have the reference shapes', () => {
    const model = createModel({ kind: 'unet2d', numClasses: 3, width: 2, seed: 1 });
    tf.tidy(() => {
      const x = tf.randomNormal([2, 16, 32, 1], 0, 1, 'float32', 1);
      const features = model.encode(x, { training: false });
      assert.deepEqual(
        features.map((f) => f.shape),
        [
          [2, 16, 32, 2],
          [2, 8, 16, 4],
          [2, 4, 8, 8],
          [2, 2, 4, 16],
          [2, 1, 2, 32],
        ],
      );
      assert.deepEqual(model.apply(x, { training: false }).shape, [2, 16, 32, 3]);
    });
    model.dispose();
  });

  test('decode takes batch-concatenated (perturbed) features in one call', () => {
    const model = createModel({ kind: 'unet2d', numClasses: 3, width: 2, seed: 2 });
    tf.tidy(() => {
      const x = tf.randomNormal([2, 16, 16, 1], 0, 1, 'float32', 2);
      const features = model.encode(x, { training: false });
      const doubled = features.map((f) => tf.concat([f, tf.mul(f, 0)], 0));
      const [clean, zeroed] = tf.split(model.decode(doubled, { training: false }), 2, 0);
      assert.ok(maxAbsDifference(clean, model.apply(x, { training: false })) < 1e-5);
      assert.ok(maxAbsDifference(clean, zeroed) > 1e-3);
    });
    model.dispose();
  });

  test('inference is deterministic and leaves BN statistics alone; training updates them and uses dropout', () => {
    const model = createModel({ kind: 'unet2d', numClasses: 2, width: 2, seed: 3 });
    const runningMean = () => model.getWeights().get('encoder.in_conv.conv_conv.1.running_mean') as tf.Tensor;
    tf.tidy(() => {
      const x = tf.randomNormal([2, 16, 16, 1], 0, 1, 'float32', 3);
      const before = runningMean();
      assert.equal(maxAbsDifference(model.apply(x, { training: false }), model.apply(x, { training: false })), 0);
      assert.equal(maxAbsDifference(runningMean(), before), 0);
      const first = model.apply(x, { training: true });
      assert.ok(maxAbsDifference(runningMean(), before) > 0);
      assert.ok(maxAbsDifference(first, model.apply(x, { training: true })) > 0, 'dropout masks should differ between calls');
    });
    model.dispose();
  });

  test('the seed fixes the initial weights', () => {
    const [a, b, c] = [1, 1, 2].map((seed) => createModel({ kind: 'unet2d', numClasses: 2, width: 2, seed }));
    const first = (m: typeof a) => m.trainableVariables()[0];
    assert.equal(maxAbsDifference(first(a), first(b)), 0);
    assert.ok(maxAbsDifference(first(a), first(c)) > 0);
    [a, b, c].forEach((m) => m.dispose());
  });

  test('rejects inputs of the wrong rank, channels or size', () => {
    const model = createModel({ kind: 'unet2d', numClasses: 2, width: 2 });
    tf.tidy(() => {
      assert.throws(() => model.apply(tf.zeros([1, 24, 16, 1]), { training: false }), /divisible by 16/);
      assert.throws(() => model.apply(tf.zeros([1, 16, 16, 2]), { training: false }), /\[B, H, W, 1\]/);
      assert.throws(() => model.apply(tf.zeros([1, 16, 16, 16, 1]), { training: false }), /\[B, H, W, 1\]/);
    });
    model.dispose();
  });

  test('20 SGD steps on the supervised loss: no tensor leaks and the loss falls', async () => {
    const model = createModel({ kind: 'unet2d', numClasses: 3, width: 2, seed: 4 });
    const x = tf.randomNormal([2, 16, 16, 1], 0, 1, 'float32', 4);
    // A learnable target: the class (0, 1, 2) thresholds the intensity at ±0.5.
    const y = tf.tidy(() => tf.squeeze(tf.add(tf.cast(tf.greater(x, -0.5), 'int32'), tf.cast(tf.greater(x, 0.5), 'int32')), [3]));
    const optimizer = new Sgd(model.trainableVariables(), { learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-4 });
    const losses: number[] = [];
    const tensorCounts: number[] = [];
    for (let step = 1; step <= 20; step++) {
      losses.push(
        (await readStepLosses({ loss: minimize(optimizer, model.trainableVariables(), () => supervisedLoss(model.apply(x, { training: true }), y)) })).loss!,
      );
      tensorCounts.push(tf.memory().numTensors);
    }
    assert.equal(tensorCounts[19], tensorCounts[1], `tensors per step: ${tensorCounts}`);
    assert.ok(losses[19] < 0.9 * losses[0], `losses ${losses.map((l) => l.toFixed(3))}`);
    optimizer.dispose();
    model.dispose();
    tf.dispose([x, y]);
  });
});
