import { before, describe, test } from 'node:test';
import { runStep } from './trainingMethod.ts';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../backend/selectBackend.ts';
import type { SegmentationModel } from '../../models/segmentationModel.ts';
import { Rng } from '../../random/rng.ts';
import { NO_LABEL } from '../../ssl/localContrastiveLoss.ts';
import { contrastImageCount, ContrastiveMethod, contrastiveRound, pseudoLabelsAbove, richestImages } from './contrastive.ts';
import { createTrainingMethod } from './createTrainingMethod.ts';
import { tensorGrowth, testConfig, toyBatches, sharedMethodTests, weightDifference } from '../../../../tests/support/methodTestConfig.ts';

const plainSgd = { optimizer: { name: 'sgd' as const, learningRate: 0.1, momentum: 0, weightDecay: 0, nesterov: false } };
const build = (options = {}, overrides = {}) => createTrainingMethod(testConfig('contrastive', 'unet2d', options, overrides)) as ContrastiveMethod;
const labellerOf = (method: ContrastiveMethod) => (method as unknown as { labeller: SegmentationModel }).labeller;
const context = (iteration: number, iterations = 20) => ({ iteration, iterations, learningRate: 1e-2, rng: new Rng(`step:${iteration}`) });

/** Makes the labeller predict `cls` everywhere, with full confidence: its output bias favours it by 100. */
function forceLabeller(method: ContrastiveMethod, cls: number): void {
  const labeller = labellerOf(method);
  const weights = labeller.getWeights();
  const bias = weights.get('decoder.out_conv.bias')!;
  weights.set('decoder.out_conv.bias', tf.tensor1d(Array.from({ length: bias.size }, (_, c) => (c === cls ? 100 : 0))));
  labeller.setWeights(weights);
  tf.dispose([...weights.values(), bias]);
}

describe('contrastiveRound', () => {
  test('a warm-up of ⌊share · N⌋ iterations, then equal rounds; past the plan, the last', () => {
    const rounds = Array.from({ length: 22 }, (_, t) => contrastiveRound(t, 20, 0.25, 3));
    assert.deepEqual(rounds, [-1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2]);
    assert.equal(contrastiveRound(0, 20, 0, 1), 0);
  });
});

describe('contrastive helpers', () => {
  test('pseudoLabelsAbove keeps the predictions that reach the threshold', () => {
    assert.deepEqual(Array.from(pseudoLabelsAbove([1, 2, 0], [0.9, 0.5, 0.95], 0.9)), [1, NO_LABEL, 0]);
  });
  test('richestImages picks the images with the most foreground classes, the earlier on a tie', () => {
    assert.deepEqual(
      richestImages(
        [
          [0, 1],
          [1, 2, 2],
          [0, 0],
          [2, 1],
        ],
        3,
        2,
      ),
      [1, 3],
    );
    assert.deepEqual(richestImages([[0], [0]], 3, 1), [0]);
  });
  test('a quarter of the labelled batch, at least one', () => {
    assert.deepEqual([1, 2, 4, 8, 24].map(contrastImageCount), [1, 1, 1, 2, 6]);
  });
});

describe('ContrastiveMethod', () => {
  before(() => selectBackend());

  test('createTrainingMethod builds it: one network, unlabelled data used, head and labeller in the method state', async () => {
    const method = build();
    assert.ok(method instanceof ContrastiveMethod);
    assert.equal(method.models.length, 1);
    assert.equal(method.usesUnlabeled, true);
    assert.ok((await method.methodState()) !== null);
    method.dispose();
  });

  test('the warm-up trains on the annotations alone: no contrastive term, the head untouched', async () => {
    const method = build({ baselineShare: 0.25 });
    const { labeled, unlabeled } = toyBatches('unet2d');
    const head = () => (method as unknown as { head: { getWeights(): Map<string, tf.Tensor> } }).head.getWeights();
    const before = head();
    const losses = await runStep(method, labeled, unlabeled, context(4));
    assert.deepEqual(losses, { supervised: losses.supervised, contrastive: 0, unsupervised: 0, weight: 0, anchors: 0, round: -1 });
    assert.ok(losses.supervised! > 0);
    assert.equal(weightDifference(before, head()), 0);
    method.dispose();
    tf.dispose([labeled, unlabeled]);
  });

  test("a round's first step takes the network as its labeller, which stays frozen through the round", async () => {
    const method = build({ baselineShare: 0.25, rounds: 2 });
    const { labeled, unlabeled } = toyBatches('unet2d');
    const network = method.models[0]!;
    // 20 iterations: warm-up 0–4, round 0 from 5, round 1 from 13.
    for (let t = 0; t < 5; t++) await runStep(method, labeled, unlabeled, context(t));
    const atRoundStart = network.getWeights();
    assert.ok(weightDifference(network.getWeights(), labellerOf(method).getWeights()) > 0, 'before the round the labeller is not the network');
    await runStep(method, labeled, unlabeled, context(5));
    const taken = labellerOf(method).getWeights();
    assert.equal(weightDifference(atRoundStart, labellerOf(method).getWeights()), 0, 'the network as it was before the step');
    for (let t = 6; t < 13; t++) await runStep(method, labeled, unlabeled, context(t));
    assert.equal(weightDifference(taken, labellerOf(method).getWeights()), 0, 'frozen through round 0');
    const atSecond = network.getWeights();
    await runStep(method, labeled, unlabeled, context(13));
    assert.equal(weightDifference(atSecond, labellerOf(method).getWeights()), 0, 'taken again at round 1');
    method.dispose();
    tf.dispose([labeled, unlabeled]);
  });

  test('the pseudo-labels are the labeller’s: its predictions decide which pairs share a class', async () => {
    // Threshold 0: every unlabelled pixel takes the labeller's class. The labelled images know
    // class 1 only (left halves). Pairs: (L, L′), (U, U′), (L, U′), (U, L′); 3 anchors per class and image.
    const method = build({ baselineShare: 0, threshold: 0 });
    const { labeled, unlabeled } = toyBatches('unet2d');
    await runStep(method, labeled, unlabeled, context(0));
    forceLabeller(method, 0);
    const background = await runStep(method, labeled, unlabeled, context(1));
    assert.equal(background.anchors, 6, 'all background: only (L, L′) shares class 1');
    forceLabeller(method, 2);
    const two = await runStep(method, labeled, unlabeled, context(2));
    assert.equal(two.anchors, 12, 'all class 2: (U, U′) shares class 2 as well');
    forceLabeller(method, 1);
    const one = await runStep(method, labeled, unlabeled, context(3));
    assert.equal(one.anchors, 24, 'all class 1: every pair shares class 1');
    assert.ok(Math.abs(one.unsupervised! - one.weight! * one.contrastive!) < 1e-7);
    assert.equal(one.weight, 0.1);
    method.dispose();
    tf.dispose([labeled, unlabeled]);
  });

  test('the contrastive term trains the decoder and the head, never the output layer or the labeller', async () => {
    // No known voxel: L_s is 0 and only the unlabelled pair (class 2 everywhere) has a loss.
    const method = build({ baselineShare: 0, threshold: 0, contrastiveWeight: 10 }, plainSgd);
    const { labeled, unlabeled } = toyBatches('unet2d');
    const blind = { ...labeled, mask: tf.zerosLike(labeled.mask) };
    await runStep(method, blind, unlabeled, context(0));
    forceLabeller(method, 2);
    const network = method.models[0]!;
    const before = network.getWeights();
    const labellerBefore = labellerOf(method).getWeights();
    const losses = await runStep(method, blind, unlabeled, context(1));
    assert.equal(losses.supervised, 0);
    assert.ok(losses.contrastive! > 0 && losses.anchors === 6);
    const after = network.getWeights();
    const change = (name: string) => tf.tidy(() => tf.max(tf.abs(tf.sub(before.get(name)!, after.get(name)!))).dataSync()[0]!);
    assert.equal(change('decoder.out_conv.weight'), 0);
    assert.equal(change('decoder.out_conv.bias'), 0);
    assert.ok(change('decoder.up4.conv.conv_conv.4.weight') > 0, 'the last decoder block learns from L_local');
    assert.equal(weightDifference(labellerBefore, labellerOf(method).getWeights()), 0);
    tf.dispose([...before.values(), ...after.values(), blind.mask, labeled, unlabeled]);
    method.dispose();
  });

  test('the method state carries the labeller: a restored method predicts with the same one', async () => {
    const original = build({ baselineShare: 0 });
    const { labeled, unlabeled } = toyBatches('unet2d');
    await runStep(original, labeled, unlabeled, context(0));
    await runStep(original, labeled, unlabeled, context(1));
    const state = (await original.methodState())!;
    const fresh = build({ baselineShare: 0 });
    fresh.restoreMethodState(state);
    assert.equal(weightDifference(labellerOf(original).getWeights(), labellerOf(fresh).getWeights()), 0);
    original.dispose();
    fresh.dispose();
    tf.dispose([labeled, unlabeled]);
  });

  test('20 steps (unet2d width 2, 16×16, 2 labelled + 2 unlabelled) through three rounds leave no tensor behind, nor does the warm-up', async () => {
    const method = build({ threshold: 0.5, baselineShare: 0 });
    const batches = toyBatches('unet2d');
    assert.equal(await tensorGrowth(method, batches, 20), 0);
    method.dispose();
    // The warm-up's steps (0–4 of 20) alone: the head's optimiser state comes with the first round.
    const warm = build({ baselineShare: 0.25 });
    await runStep(warm, batches.labeled, batches.unlabeled, context(0));
    const before = tf.memory().numTensors;
    for (let t = 1; t < 5; t++) await runStep(warm, batches.labeled, batches.unlabeled, context(t));
    assert.equal(tf.memory().numTensors - before, 0);
    warm.dispose();
    tf.dispose(batches);
  });

  sharedMethodTests(() => build({ baselineShare: 0 }), 'head, labeller, optimiser');
});
