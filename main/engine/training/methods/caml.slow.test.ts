import { before, describe, test } from 'node:test';
import { runStep } from './trainingMethod.ts';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../backend/selectBackend.ts';
import type { Batch } from '../../data/batch.ts';
import { CamlAuxiliaryUNet2d } from '../../models/camlAuxiliaryUNet2d.ts';
import { CamlAuxiliaryVNet3d } from '../../models/camlAuxiliaryVNet3d.ts';
import { checkGradients } from '../../../../tests/support/gradientCheck.ts';
import { Rng } from '../../random/rng.ts';
import { CamlMethod, camlRampLength, correctlyPredicted, DEFAULT_CAML_RAMP_LENGTH, sharpen, sharpenedMutualLoss } from './caml.ts';
import { prepareRun } from '../train.ts';
import { phantomScan } from '../../../../tests/support/phantomScan.ts';
import type { TrainingData } from '../batchSource.ts';
import { createTrainingMethod } from './createTrainingMethod.ts';
import { tensorGrowth, testConfig, toyBatches, sharedMethodTests } from '../../../../tests/support/methodTestConfig.ts';
import { NETWORK_KINDS, type NetworkKind } from '../../../../shared/networks.ts';
import { omniCorrelationLoss, selectTopKPerClass } from '../../ssl/omniCorrelation.ts';
import type { ProjectionHead } from '../../ssl/projectionHead.ts';

const build = (options = {}, model: NetworkKind = 'unet2d') => createTrainingMethod(testConfig('caml', model, options)) as CamlMethod;
const withIds = (batch: Batch, ids: string[]): Batch => ({ ...batch, ids });
const sharpened = (p: number) => p ** 10 / (p ** 10 + (1 - p) ** 10);

describe('sharpening and the mutual loss', () => {
  before(() => selectBackend());

  test('S = P^10 / (P^10 + (1 − P)^10), element-wise', () => {
    const table = [0, 0.3, 0.5, 0.6, 0.9, 1];
    const p = tf.tensor1d(table);
    const s = sharpen(p);
    Array.from(s.dataSync()).forEach((v, i) => assert.ok(Math.abs(v - sharpened(table[i]!)) < 1e-6, `${table[i]}: ${v}`));
    // The hand values: 0.6 → 0.6^10 / (0.6^10 + 0.4^10) ≈ 0.98295.
    assert.ok(Math.abs(s.dataSync()[3]! - 0.98295) < 1e-5);
    tf.dispose([p, s]);
  });

  test('MSE(P_V, S(P_A)) + MSE(P_A, S(P_V)), hand-computed, gradient through both sides', () => {
    const pv = [
      [0.6, 0.4],
      [0.2, 0.8],
    ];
    const pa = [
      [0.3, 0.7],
      [0.5, 0.5],
    ];
    const mse = (a: number[][], b: number[][]) => a.flat().reduce((s, x, i) => s + (x - sharpened(b.flat()[i]!)) ** 2, 0) / 4;
    const [v, a] = [tf.tensor2d(pv), tf.tensor2d(pa)];
    const loss = sharpenedMutualLoss(v, a);
    assert.ok(Math.abs(loss.dataSync()[0]! - (mse(pv, pa) + mse(pa, pv))) < 1e-6);
    // The reference does not detach the sharpened targets: the finite differences, which see
    // both sides move, agree with the gradient.
    const result = checkGradients((x, y) => sharpenedMutualLoss(x, y), [v, a], { step: 1e-3 });
    assert.ok(result.ok, result.message);
    tf.dispose([v, a, loss]);
  });
});

describe('correctlyPredicted', () => {
  test("known voxels where both networks' argmax equals the label, per sample", () => {
    const targets = [0, 1, 1, 2, 0, 1];
    const mask = [1, 1, 0, 1, 1, 1];
    const predictedV = [0, 1, 1, 2, 1, 1];
    const predictedA = [0, 2, 1, 2, 0, 1];
    // Voxel 1: A is wrong; 2: unknown; 4: V is wrong.
    assert.deepEqual(correctlyPredicted(predictedV, predictedA, targets, mask, 2), [[0], [3, 5]]);
  });
});

describe('CamlMethod', () => {
  before(() => selectBackend());

  test('createTrainingMethod builds it: V for inference, A with CMA, unlabelled data used', () => {
    for (const kind of NETWORK_KINDS) {
      const method = build({}, kind);
      assert.ok(method instanceof CamlMethod);
      assert.equal(method.models.length, 2);
      assert.equal(method.models[0]!.constructor.name, kind === 'unet2d' ? 'UNet2d' : 'VNet3d');
      assert.ok(method.models[1] instanceof (kind === 'unet2d' ? CamlAuxiliaryUNet2d : CamlAuxiliaryVNet3d));
      assert.equal(method.usesUnlabeled, true);
      method.dispose();
    }
  });

  // λ r(⌊t/q⌋, 40), q = rampFraction · 20 / 40 = 0.5 at rampFraction 1: t = 5 → level 10.
  const ramps = [
    { iteration: 5, options: { rampFraction: 1 }, mutual: Math.exp(-5 * 0.75 ** 2), omni: 0.05 * Math.exp(-5 * 0.75 ** 2) },
    { iteration: 19, options: { mutualWeight: 2, omniWeight: 0.5, rampFraction: 0.5 }, mutual: 2, omni: 0.5 },
  ];
  for (const { iteration, options, mutual, omni } of ramps) {
    test(`step ${iteration} with ${JSON.stringify(options)}: ramped weights, unsupervised = λ_c L_c + λ_o L_o, total reported terms`, async () => {
      const method = build({ prototypes: 4, ...options });
      const { labeled, unlabeled } = toyBatches('unet2d');
      const losses = await runStep(method, withIds(labeled, ['a', 'b']), unlabeled, { iteration, iterations: 20, learningRate: 1e-2, rng: new Rng('s') });
      assert.deepEqual(Object.keys(losses).sort(), ['mutual', 'omni', 'omniWeight', 'prototypes', 'supervised', 'unsupervised', 'weight']);
      assert.ok(Math.abs(losses.weight! - mutual) < 1e-12);
      assert.ok(Math.abs(losses.omniWeight! - omni) < 1e-12);
      assert.ok(Math.abs(losses.unsupervised! - (mutual * losses.mutual! + omni * losses.omni!)) < 1e-5);
      // Two networks' Dice over two foreground classes, halved: within (0, 2).
      assert.ok(losses.supervised! > 0 && losses.supervised! < 2);
      // Background is predicted right somewhere at the start, so it offers 4 prototypes; the
      // unlabelled voxels where the networks agree then give a positive cross-entropy.
      assert.ok(losses.prototypes! >= 4 && losses.prototypes! % 4 === 0);
      assert.ok(losses.omni! > 0 && losses.mutual! > 0);
      method.dispose();
      tf.dispose([labeled, unlabeled]);
    });
  }

  test("L_o lets A's correlation teach V's on the voxels where they agree, the most confident by V per class; a swapped target or A's confidence gives another loss", () => {
    const topK = 2;
    const method = build({ topK });
    // Two 4×4 unlabelled samples of width-2 features; logits drawn so that the networks agree on
    // about a third of the voxels, more than topK per class, so the cut picks by confidence.
    const decoded = (seed: number) => ({
      logits: tf.randomNormal([2, 4, 4, 3], 0, 2, 'float32', seed),
      feature: tf.randomNormal([2, 4, 4, 2], 0, 1, 'float32', seed + 10),
    });
    const [v, a] = [decoded(1), decoded(2)];
    const prototypes = tf.randomNormal([6, 32], 0, 1, 'float32', 3) as tf.Tensor2D;
    const actual = tf.tidy(() => method['omniLoss'](v, a, prototypes).dataSync()[0]!);

    // L_o composed from the exported parts; `confidenceOf` ranks the agreeing voxels, `swap` exchanges the correlations' roles.
    const composed = (confidenceOf: typeof v, swap: boolean) =>
      tf.tidy(() => {
        const predictedV = tf.argMax(v.logits, -1).dataSync();
        const predictedA = tf.argMax(a.logits, -1).dataSync();
        const confidence = tf.max(tf.softmax(confidenceOf.logits), -1).dataSync();
        const agree = Array.from(predictedV.keys()).filter((i) => predictedV[i] === predictedA[i]);
        const classes = agree.map((i) => predictedV[i]!);
        assert.ok(
          [0, 1, 2].some((c) => classes.filter((k) => k === c).length > topK),
          'the top-k cut binds',
        );
        const kept = selectTopKPerClass(
          classes,
          agree.map((i) => confidence[i]!),
          3,
          topK,
        );
        // The heads see every agreeing voxel (BatchNorm over them), then the kept rows are taken.
        const embed = (head: ProjectionHead, feature: tf.Tensor) =>
          tf.gather(head.predict(head.project(tf.gather(tf.reshape(feature, [-1, 2]), agree), { training: true }), { training: true }), kept) as tf.Tensor2D;
        const [embeddingsV, embeddingsA] = [embed(method['headV'], v.feature), embed(method['headA'], a.feature)];
        const options = { temperature: 0.1, similarity: 'cosine' as const };
        const loss = swap
          ? omniCorrelationLoss(embeddingsA, embeddingsV, prototypes, options)
          : omniCorrelationLoss(embeddingsV, embeddingsA, prototypes, options);
        return loss.dataSync()[0]!;
      });
    const expected = composed(v, false);
    assert.ok(Math.abs(actual - expected) < 1e-5 * expected, `method ${actual} vs real wiring ${expected}`);
    // Mis-wired: V's correlation as the target of A's; the voxels ranked by A's confidence.
    for (const [name, wrong] of [
      ['swapped target', composed(v, true)],
      ["A's confidence", composed(a, false)],
    ] as const) {
      assert.ok(Math.abs(wrong - expected) > 1e-2 * expected, `${name} ${wrong} vs real ${expected}`);
    }
    tf.dispose([v, a, prototypes]);
    method.dispose();
  });

  // R follows the labelled share of the run's data: 2 of 10 slices → 20 % → R = 15.
  const fifth: TrainingData = { unit: 'slice', labeled: 2, heldOut: 0, unlabeled: 8 };
  const rampCases = [
    // Without data the reference's default R = 40: q = 20 / 40, level ⌊5 / 0.5⌋ = 10.
    { data: undefined, iteration: 5, iterations: 20, rampFraction: 1, expected: Math.exp(-5 * (30 / 40) ** 2) },
    // R = 15, q = 20 / 15: level ⌊5 / (4/3)⌋ = 3.
    { data: fifth, iteration: 5, iterations: 20, rampFraction: 1, expected: Math.exp(-5 * (12 / 15) ** 2) },
    // auto in a short run: fraction 0.3 + (150 · 15 / 15000 − 0.3) · 20 / 15000, q = fraction · 20 / 15, level ⌊5 / q⌋ = 12.
    { data: fifth, iteration: 5, iterations: 20, rampFraction: 'auto', expected: Math.exp(-5 * (3 / 15) ** 2) },
    // auto in a run of the reference's length: the reference's own ramp, ⌊t / 150⌋ levels, full from iteration 150 R = 2250.
    { data: fifth, iteration: 2249, iterations: 15000, rampFraction: 'auto', expected: Math.exp(-5 * (1 / 15) ** 2) },
    { data: fifth, iteration: 2250, iterations: 15000, rampFraction: 'auto', expected: 1 },
  ];
  for (const { data, iteration, iterations, rampFraction, expected } of rampCases) {
    test(`ramp length from the labelled share (${data ? '20 %' : 'unknown'}), rampFraction ${rampFraction}: weight ${expected.toPrecision(4)} at step ${iteration} of ${iterations}`, async () => {
      const method = createTrainingMethod(testConfig('caml', 'unet2d', { prototypes: 4, rampFraction }, { trainingData: data })) as CamlMethod;
      assert.equal(method.rampLength, data ? 15 : DEFAULT_CAML_RAMP_LENGTH);
      const { labeled, unlabeled } = toyBatches('unet2d');
      const losses = await runStep(method, withIds(labeled, ['a', 'b']), unlabeled, { iteration, iterations, learningRate: 1e-2, rng: new Rng('s') });
      assert.ok(Math.abs(losses.weight! - expected) < 1e-12, `${losses.weight} vs ${expected}`);
      assert.ok(Math.abs(losses.omniWeight! - 0.05 * expected) < 1e-12);
      method.dispose();
      tf.dispose([labeled, unlabeled]);
    });
  }

  test("a run's method takes R from the data its batches sample (prepareRun records it in the configuration)", () => {
    const { config, batches, method } = prepareRun({
      // Two annotated slices of six in one scan, a second scan unannotated: 2 labelled, 4 + 6 unlabelled.
      scans: [phantomScan({ shape: [16, 16, 6], seed: 2, annotated: [2, 3] }), phantomScan({ shape: [16, 16, 6], seed: 3, annotated: [] })],
      classValues: [1, 2],
      method: 'caml',
      model: 'unet2d',
      width: 2,
      batchSize: 2,
      iterations: 20,
      seed: 1,
      backend: { name: 'cpu' },
    });
    assert.deepEqual(config.trainingData, { unit: 'slice', labeled: 2, heldOut: 0, unlabeled: 10 });
    assert.deepEqual(config.trainingData, batches.data);
    // 2 / 12 labelled: 20 + (15 − 20) · (1/6 − 0.1) / 0.1 = 16.67 → 17.
    assert.equal((method as CamlMethod).rampLength, camlRampLength(2 / 12));
    assert.equal((method as CamlMethod).rampLength, 17);
    method.dispose();
  });

  test('the memory bank keeps one slot per labelled case id, from detached embeddings', async () => {
    const method = build({ prototypes: 4 });
    const { labeled, unlabeled } = toyBatches('unet2d');
    const context = (iteration: number) => ({ iteration, iterations: 20, learningRate: 1e-2, rng: new Rng(`c${iteration}`) });
    await runStep(method, withIds(labeled, ['scan 1:3', 'scan 2:0']), unlabeled, context(0));
    await runStep(method, withIds(labeled, ['scan 1:3', 'scan 1:4']), unlabeled, context(1));
    const bank = method['bank'];
    const state = bank.getWeights();
    assert.deepEqual([...state.keys()], ['scan 1:3', 'scan 2:0', 'scan 1:4']);
    for (const t of state.values()) assert.equal(t.shape[1], method.options.embeddingDim + 1);
    // Plain arrays, not tensors on a tape: the bank holds no tensor between steps.
    const before = tf.memory().numTensors;
    tf.dispose([...state.values()]);
    assert.equal(tf.memory().numTensors, before - state.size);
    method.dispose();
    tf.dispose([labeled, unlabeled]);
  });

  test('consistency = cps: mutual is the sum of the two cross pseudo-label CEs', async () => {
    const method = build({ consistency: 'cps', prototypes: 4 });
    const { labeled, unlabeled } = toyBatches('unet2d');
    const losses = await runStep(method, labeled, unlabeled, { iteration: 19, iterations: 20, learningRate: 1e-2, rng: new Rng('s') });
    // CE of two 3-class networks near their start: around ln 3 each.
    assert.ok(losses.mutual! > 0.5 && losses.mutual! < 5, `${losses.mutual}`);
    method.dispose();
    tf.dispose([labeled, unlabeled]);
  });

  test('similarity = dot and diceCe run and change the terms they should', async () => {
    const { labeled, unlabeled } = toyBatches('unet2d');
    const run = async (options: Record<string, string | boolean | number>) => {
      const method = build({ prototypes: 4, ...options });
      const losses = await runStep(method, labeled, unlabeled, { iteration: 19, iterations: 20, learningRate: 1e-2, rng: new Rng('s') });
      method.dispose();
      return losses;
    };
    const base = await run({});
    const dot = await run({ similarity: 'dot' });
    const diceCe = await run({ diceCe: true });
    assert.equal(dot.supervised, base.supervised);
    assert.notEqual(dot.omni, base.omni);
    assert.ok(diceCe.supervised! > base.supervised!);
    assert.equal(diceCe.mutual, base.mutual);
    tf.dispose([labeled, unlabeled]);
  });

  test('20 steps (unet2d width 2, 16×16, 2 labelled + 2 unlabelled) leave no tensor behind', async () => {
    const method = build({ prototypes: 4 });
    const batches = toyBatches('unet2d');
    assert.equal(await tensorGrowth(method, batches, 20), 0);
    method.dispose();
    tf.dispose(batches);
  });

  test('3 steps of vnet3d (width 2, 16³) leave no tensor behind', async () => {
    const method = build({ prototypes: 4 }, 'vnet3d');
    const batches = toyBatches('vnet3d');
    assert.equal(await tensorGrowth(method, batches, 3), 0);
    method.dispose();
    tf.dispose(batches);
  });

  sharedMethodTests(() => build({ prototypes: 4 }), 'A, heads, memory bank, optimisers');
});
