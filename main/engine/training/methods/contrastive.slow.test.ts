import { before, describe, test } from 'node:test';
import { runStep } from './trainingMethod.ts';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../backend/selectBackend.ts';
import { Rng } from '../../random/rng.ts';
import { NO_LABEL } from '../../ssl/pixelContrastiveLoss.ts';
import { ContrastiveMethod, contrastiveLabels } from './contrastive.ts';
import { createTrainingMethod } from './createTrainingMethod.ts';
import { tensorGrowth, testConfig, toyBatches, sharedMethodTests } from '../../../../tests/support/methodTestConfig.ts';

const plainSgd = { optimizer: { name: 'sgd' as const, learningRate: 0.1, momentum: 0, weightDecay: 0, nesterov: false } };
const build = (options = {}, overrides = {}) => createTrainingMethod(testConfig('contrastive', 'unet2d', options, overrides)) as ContrastiveMethod;

describe('contrastiveLabels', () => {
  test('annotation where known, a confident prediction elsewhere, none otherwise', () => {
    // Pixels 0–2 belong to labelled samples (2 unknown), 3–4 to unlabelled ones.
    const predicted = [1, 1, 2, 0, 2];
    const confidence = [0.1, 0.99, 0.95, 0.5, 0.9];
    assert.deepEqual(Array.from(contrastiveLabels(predicted, confidence, [0, 2, 1], [1, 1, 0], 0.9)), [0, 2, 2, NO_LABEL, 2]);
    assert.deepEqual(Array.from(contrastiveLabels(predicted, confidence, [0, 2, 1], [1, 1, 0], 0.96)), [0, 2, NO_LABEL, NO_LABEL, NO_LABEL]);
  });
});

describe('ContrastiveMethod', () => {
  before(() => selectBackend());

  test('createTrainingMethod builds it: one network, unlabelled data used, the head in the method state', async () => {
    const method = build();
    assert.ok(method instanceof ContrastiveMethod);
    assert.equal(method.models.length, 1);
    assert.equal(method.usesUnlabeled, true);
    assert.ok((await method.methodState()) !== null);
    method.dispose();
  });

  // λ r(⌊t/q⌋, 40), q = 20 / 40 = 0.5: t = 5 → level 10.
  test('reports the ramped weight, unsupervised = weight · contrastive, and samples per class', async () => {
    const method = build({ samplesPerClass: 8, threshold: 1, rampFraction: 1 });
    const { labeled, unlabeled } = toyBatches('unet2d');
    const losses = await runStep(method, labeled, unlabeled, { iteration: 5, iterations: 20, learningRate: 1e-2, rng: new Rng('s') });
    assert.deepEqual(Object.keys(losses).sort(), ['contrastive', 'pixels', 'supervised', 'unsupervised', 'weight']);
    assert.ok(Math.abs(losses.weight! - 0.1 * Math.exp(-5 * 0.75 ** 2)) < 1e-12);
    assert.ok(Math.abs(losses.unsupervised! - losses.weight! * losses.contrastive!) < 1e-7);
    // Threshold 1 admits no pseudo-label: only annotated pixels, which (left halves) show
    // classes 0 and 1 but not 2: 8 + 8.
    assert.equal(losses.pixels, 16);
    assert.ok(losses.contrastive! > 0 && losses.supervised! > 0);
    const all = build({ samplesPerClass: 8, threshold: 0 });
    // Threshold 0: every pixel has a label; class 2 appears through predictions or annotations
    // only if the untrained network predicts it somewhere, so 16 or 24.
    const pixels = (await runStep(all, labeled, unlabeled, { iteration: 5, iterations: 20, learningRate: 1e-2, rng: new Rng('s') })).pixels!;
    assert.ok(pixels === 16 || pixels === 24, `${pixels}`);
    method.dispose();
    all.dispose();
    tf.dispose([labeled, unlabeled]);
  });

  test('pseudo-labels are detached: with no annotation, the output layer gets no gradient', async () => {
    // No known voxel: L_s is constant 0, so only L_con trains, and the output conv reaches it
    // only through the pseudo-labels.
    const method = build({ contrastiveWeight: 10, threshold: 0, rampFraction: 0.01 }, plainSgd);
    const { labeled, unlabeled } = toyBatches('unet2d');
    const blind = { ...labeled, mask: tf.zerosLike(labeled.mask) };
    const weights = () => method.models[0]!.getWeights();
    const before = weights();
    const losses = await runStep(method, blind, unlabeled, { iteration: 19, iterations: 20, learningRate: 0.1, rng: new Rng('d') });
    assert.equal(losses.supervised, 0);
    assert.ok(losses.contrastive! > 0);
    const after = weights();
    const change = (name: string) => tf.tidy(() => tf.max(tf.abs(tf.sub(before.get(name)!, after.get(name)!))).dataSync()[0]!);
    assert.equal(change('decoder.out_conv.weight'), 0);
    assert.equal(change('decoder.out_conv.bias'), 0);
    assert.ok(change('decoder.up4.conv.conv_conv.4.weight') > 0, 'the last decoder block learns from L_con');
    tf.dispose([...before.values(), ...after.values(), blind.mask, labeled, unlabeled]);
    method.dispose();
  });

  test('20 steps (unet2d width 2, 16×16, 2 labelled + 2 unlabelled) leave no tensor behind', async () => {
    const method = build({ threshold: 0.5 });
    const batches = toyBatches('unet2d');
    assert.equal(await tensorGrowth(method, batches, 20), 0);
    method.dispose();
    tf.dispose(batches);
  });

  sharedMethodTests(() => build({ threshold: 0.5 }), 'head, optimiser');
});
