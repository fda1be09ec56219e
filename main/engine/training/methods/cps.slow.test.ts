import { before, describe, test } from 'node:test';
import { runStep } from './trainingMethod.ts';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../backend/selectBackend.ts';
import { createModel } from '../../models/createModel.ts';
import { Rng } from '../../random/rng.ts';
import { createTrainingMethod } from './createTrainingMethod.ts';
import { crossPseudoSupervision } from '../../ssl/crossPseudoSupervision.ts';
import { CpsMethod, REPORT_EPOCH_STEPS } from './cps.ts';
import { tensorGrowth, testConfig, toyBatches, sharedMethodTests } from '../../../../tests/support/methodTestConfig.ts';
import { NETWORK_KINDS, type NetworkKind } from '../../../../shared/networks.ts';
import { lossGradient, PLAIN_SGD, relativeDifference, stepGradient } from '../../../../tests/support/stepGradient.ts';
import { supervisedLoss } from '../../losses/supervisedLoss.ts';
import { jointForward } from '../../ssl/jointForward.ts';

const build = (options = {}, model: NetworkKind = 'unet2d') => createTrainingMethod(testConfig('cps', model, options)) as CpsMethod;
const context = (iteration: number, iterations = 20) => ({ iteration, iterations, learningRate: 1e-2, rng: new Rng(`s${iteration}`) });

describe('CpsMethod', () => {
  before(() => selectBackend());

  test('builds two networks of one architecture with different initial weights, net 1 first', () => {
    const method = build();
    assert.equal(method.models.length, 2);
    const [a, b] = method.models.map((m) => m.trainableVariables()[0]!);
    assert.deepEqual(a!.shape, b!.shape);
    assert.notDeepEqual(a!.dataSync(), b!.dataSync());
    // Net 1 is the network the configuration's seed builds.
    const reference = createModel({ kind: 'unet2d', numClasses: 3, width: 2, seed: 5 });
    assert.deepEqual(a!.dataSync(), reference.trainableVariables()[0]!.dataSync());
    reference.dispose();
    method.dispose();
  });

  test("the CPS term for net 1 sends no gradient to net 2's variables, and net 2's own term does", () => {
    const method = build();
    const [net1, net2] = method.models;
    const { labeled, unlabeled } = toyBatches('unet2d');
    const variables2 = net2!.trainableVariables();
    const gradNorms = (term: 0 | 1) =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => {
          const l1 = net1!.apply(unlabeled.images, { training: true });
          const l2 = net2!.apply(unlabeled.images, { training: true });
          return crossPseudoSupervision(l1, l2)[term];
        }, variables2);
        return Object.values(grads).map((g) => tf.max(tf.abs(g)).dataSync()[0]!);
      });
    assert.ok(gradNorms(0).every((g) => g === 0));
    assert.ok(gradNorms(1).some((g) => g > 0));
    method.dispose();
    tf.dispose([labeled, unlabeled]);
  });

  test("each network's gradient is that of L_s + λ CE(its logits, the other's hard labels); pseudo-labels from the network itself give another", () => {
    // Full weight λ = 10 at iteration 19 of 20 (ramp over half the run), so the pseudo-label terms shape the gradient.
    const method = createTrainingMethod(testConfig('cps', 'unet2d', { consistencyWeight: 10, rampFraction: 0.5 }, { optimizer: PLAIN_SGD })) as CpsMethod;
    const { labeled, unlabeled } = toyBatches('unet2d');
    const variables = method.models.flatMap((m) => m.trainableVariables());
    const actual = stepGradient(variables, () => method.step(labeled, unlabeled, { ...context(19), learningRate: 1 }));

    // Fresh replicas of the two networks (seeds 5 and 6) draw the method's dropout masks.
    const composed = (pseudo: (unlabeled1: tf.Tensor, unlabeled2: tf.Tensor) => tf.Scalar) => {
      const nets = [5, 6].map((seed) => createModel({ kind: 'unet2d', numClasses: 3, width: 2, seed }));
      const gradient = lossGradient(
        nets.flatMap((n) => n.trainableVariables()),
        () => {
          const [[labeled1, unlabeled1], [labeled2, unlabeled2]] = nets.map((n) => jointForward(n, labeled.images, unlabeled.images, { training: true }));
          const supervised = tf.add(supervisedLoss(labeled1!, labeled.targets, labeled.mask), supervisedLoss(labeled2!, labeled.targets, labeled.mask));
          return tf.add(supervised, tf.mul(pseudo(unlabeled1!, unlabeled2!), 10)) as tf.Scalar;
        },
      );
      nets.forEach((n) => n.dispose());
      return gradient;
    };
    const expected = composed((u1, u2) => tf.addN(crossPseudoSupervision(u1, u2)));
    // Mis-wired: each network taught by its own hard labels.
    const ownLabels = composed((u1, u2) => tf.add(crossPseudoSupervision(u1, u1)[0], crossPseudoSupervision(u2, u2)[0]));
    assert.ok(relativeDifference(actual, expected) < 1e-4, `method vs real wiring: ${relativeDifference(actual, expected)}`);
    assert.ok(relativeDifference(ownLabels, expected) > 1e-2, `mis-wired vs real: ${relativeDifference(ownLabels, expected)}`);
    method.dispose();
    tf.dispose([labeled, unlabeled]);
  });

  // λ r(⌊t/q⌋, 200), q = fraction · 20 / 200 = 0.1 · fraction.
  const weights = [
    { iteration: 0, options: { rampFraction: 1 }, expected: 0.1 * Math.exp(-5) },
    // ⌊5 / 0.1⌋ = 50 → exp(-5 · 0.75²)
    { iteration: 5, options: { rampFraction: 1 }, expected: 0.1 * Math.exp(-5 * 0.75 ** 2) },
    // auto (the default): fraction 0.3 + 0.7 · 20 / 30000, q = 0.1 · fraction, ⌊5 / q⌋ = 166
    { iteration: 5, options: {}, expected: 0.1 * Math.exp(-5 * (34 / 200) ** 2) },
    { iteration: 10, options: { consistencyWeight: 1, rampFraction: 0.5 }, expected: 1 },
  ];
  for (const { iteration, options, expected } of weights) {
    test(`weight ${expected.toPrecision(4)} at step ${iteration} with ${JSON.stringify(options)}; unsupervised = weight · (pseudo1 + pseudo2)`, async () => {
      const method = build(options);
      const { labeled, unlabeled } = toyBatches('unet2d');
      const l = await runStep(method, labeled, unlabeled, context(iteration));
      assert.ok(Math.abs(l.weight! - expected) < 1e-12, `${l.weight}`);
      assert.ok(Math.abs(l.unsupervised! - expected * (l.pseudo1! + l.pseudo2!)) < 1e-6 * Math.max(1, l.unsupervised!));
      assert.ok(Math.abs(l.supervised! - (l.supervised1! + l.supervised2!)) < 1e-5);
      method.dispose();
      tf.dispose([labeled, unlabeled]);
    });
  }

  // An epoch of ⌈13 labelled slices / 2 per batch⌉ = 7 steps in a 100-step run; without data the report's 8.
  const windows = [
    { trainingData: { unit: 'slice' as const, labeled: 13, heldOut: 2, unlabeled: 40 }, window: 7 },
    { trainingData: undefined, window: REPORT_EPOCH_STEPS },
  ];
  for (const { trainingData, window } of windows) {
    test(`adaptiveWeight: λ times the mean supervised Dice of the last epoch, ${window} steps (${trainingData ? '13 labelled slices, batch 2' : 'data unknown'})`, async () => {
      const method = createTrainingMethod(
        testConfig('cps', 'unet2d', { adaptiveWeight: true, consistencyWeight: 1, rampFraction: 0.01 }, { trainingData }),
      ) as CpsMethod;
      assert.equal(method.epochSteps, window);
      const { labeled, unlabeled } = toyBatches('unet2d');
      const dice: number[] = [];
      for (let t = 0; t < window + 3; t++) {
        const l = await runStep(method, labeled, unlabeled, context(t, 100));
        // The ramp is over (fraction 0.01 of 100 steps) from t = 1 on: weight = mean Dice of the
        // window of steps before this one; none before the first, so weight 0 there.
        const last = dice.slice(-window);
        const expected = last.length === 0 ? 0 : last.reduce((a, b) => a + b, 0) / last.length;
        assert.ok(Math.abs(l.weight! - expected) < 1e-6, `step ${t}: ${l.weight} against ${expected}`);
        dice.push(l.dice!);
        assert.ok(l.dice! > 0 && l.dice! < 1);
      }
      // In a run of 40 steps a tenth, 4 steps, caps the window.
      const capped = await runStep(method, labeled, unlabeled, context(window + 3, 40));
      assert.ok(Math.abs(capped.weight! - dice.slice(-4).reduce((a, b) => a + b, 0) / 4) < 1e-6);
      method.dispose();
      tf.dispose([labeled, unlabeled]);
    });
  }

  test('lovasz adds the Lovász-softmax loss (in [0, 1]) to each supervised loss', async () => {
    const { labeled, unlabeled } = toyBatches('unet2d');
    // Fresh methods with the same seed: identical weights and dropout, so the difference is the Lovász term.
    const once = async (options: Record<string, boolean>) => {
      const method = build(options);
      const losses = await runStep(method, labeled, unlabeled, context(0));
      method.dispose();
      return losses;
    };
    const plain = await once({});
    const withLovasz = await once({ lovasz: true });
    for (const key of ['supervised1', 'supervised2'] as const) {
      const extra = withLovasz[key]! - plain[key]!;
      assert.ok(extra > 0.05 && extra <= 1, `${key}: ${extra}`);
    }
    assert.equal(withLovasz.pseudo1, plain.pseudo1);
    tf.dispose([labeled, unlabeled]);
  });

  for (const model of NETWORK_KINDS) {
    test(`20 steps (${model} width 2, 16${model === 'unet2d' ? '²' : '³'}, batch 2, all options) leave no tensor behind`, async () => {
      const method = build({ adaptiveWeight: true, lovasz: true }, model);
      const batches = toyBatches(model);
      assert.equal(await tensorGrowth(method, batches, 20), 0);
      method.dispose();
      tf.dispose(batches);
    });
  }

  sharedMethodTests(() => build({ adaptiveWeight: true }), 'net 2, the Dice window, both optimisers');
});
