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

describe('vnet3d', () => {
  before(() => selectBackend());

  test('has 9,448,866 parameters at width 16 with 2 classes (PyTorch count: conv weights + biases, BN γ + β)', () => {
    const model = createModel({ kind: 'vnet3d', numClasses: 2 });
    assert.equal(model.parameterCount(), 9_448_866);
    assert.equal(model.spatialMultiple, 16);
    // 21 stage convs + 4 down + 4 up, each followed by a BN with running mean and var.
    assert.equal(model.getWeights().size, model.trainableVariables().length + 2 * 29);
    model.dispose();
  });

  test('encoder features and logits have the reference shapes', () => {
    const model = createModel({ kind: 'vnet3d', numClasses: 3, width: 2, seed: 1 });
    tf.tidy(() => {
      const x = tf.randomNormal([2, 16, 32, 16, 1], 0, 1, 'float32', 1);
      const features = model.encode(x, { training: false });
      assert.deepEqual(
        features.map((f) => f.shape),
        [
          [2, 16, 32, 16, 2],
          [2, 8, 16, 8, 4],
          [2, 4, 8, 4, 8],
          [2, 2, 4, 2, 16],
          [2, 1, 2, 1, 32],
        ],
      );
      assert.deepEqual(model.apply(x, { training: false }).shape, [2, 16, 32, 16, 3]);
    });
    model.dispose();
  });

  test('decode takes batch-concatenated (perturbed) features in one call', () => {
    const model = createModel({ kind: 'vnet3d', numClasses: 2, width: 2, seed: 2 });
    tf.tidy(() => {
      const x = tf.randomNormal([1, 16, 16, 16, 1], 0, 1, 'float32', 2);
      const features = model.encode(x, { training: false });
      const doubled = features.map((f) => tf.concat([f, tf.mul(f, 0)], 0));
      const [clean, zeroed] = tf.split(model.decode(doubled, { training: false }), 2, 0);
      assert.ok(maxAbsDifference(clean, model.apply(x, { training: false })) < 1e-5);
      assert.ok(maxAbsDifference(clean, zeroed) > 1e-3);
    });
    model.dispose();
  });

  test('training uses channel dropout on the bottleneck; inference is deterministic', () => {
    const model = createModel({ kind: 'vnet3d', numClasses: 2, width: 2, seed: 3 });
    tf.tidy(() => {
      const x = tf.randomNormal([2, 16, 16, 16, 1], 0, 1, 'float32', 3);
      assert.equal(maxAbsDifference(model.apply(x, { training: false }), model.apply(x, { training: false })), 0);
      // Two training passes see the same batch statistics, so the bottleneck
      // [2, 1, 1, 1, 32] differs only by Dropout3d: a (sample, channel) kept
      // in both is equal (scaled 2× both times), and some are kept in one only.
      const [a, b] = [0, 1].map(() => tf.reshape(model.encode(x, { training: true })[4], [-1]).dataSync());
      let keptInOneOnly = 0;
      for (let i = 0; i < a.length; i++) {
        if (a[i] !== 0 && b[i] !== 0) assert.ok(Math.abs(a[i] - b[i]) < 1e-5, `${a[i]} vs ${b[i]}`);
        if ((a[i] === 0) !== (b[i] === 0)) keptInOneOnly++;
      }
      assert.ok(keptInOneOnly > 0);
    });
    model.dispose();
  });

  test('transposed convs keep PyTorch default init, stage convs are Kaiming-normal', () => {
    const model = createModel({ kind: 'vnet3d', numClasses: 2, width: 16, seed: 5 });
    const weights = model.getWeights();
    // block_five_up: ConvTranspose3d(256, 128, 2): U(±1/√(128·8)) → std = bound/√3 = 0.01804.
    // block_five.conv.3: Conv3d(256, 256, 3): N(0, 2/(256·27)) → std = 0.01701.
    const std = (name: string) => tf.tidy(() => Math.sqrt(tf.moments(weights.get(name) as tf.Tensor).variance.dataSync()[0]));
    const bound = (name: string) => tf.tidy(() => tf.max(tf.abs(weights.get(name) as tf.Tensor)).dataSync()[0]);
    assert.ok(Math.abs(std('block_five_up.conv.0.weight') - 1 / Math.sqrt(1024 * 3)) < 3e-4);
    assert.ok(bound('block_five_up.conv.0.weight') <= 1 / 32);
    assert.ok(Math.abs(std('block_five.conv.3.weight') - Math.sqrt(2 / (256 * 27))) < 3e-4);
    tf.dispose([...weights.values()]);
    model.dispose();
  });

  test('20 SGD steps on the supervised loss: no tensor leaks and the loss falls', async () => {
    const model = createModel({ kind: 'vnet3d', numClasses: 2, width: 2, seed: 4 });
    const x = tf.randomNormal([2, 16, 16, 16, 1], 0, 1, 'float32', 4);
    // A learnable target: the class is the sign of the intensity.
    const y = tf.tidy(() => tf.squeeze(tf.cast(tf.greater(x, 0), 'int32'), [4]));
    const optimizer = new Sgd(model.trainableVariables(), { learningRate: 0.05, momentum: 0.9, weightDecay: 1e-4 });
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
