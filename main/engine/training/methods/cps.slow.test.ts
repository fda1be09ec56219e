import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../backend/selectBackend.ts';
import { createModel } from '../../models/createModel.ts';
import { Rng } from '../../random/rng.ts';
import { createTrainingMethod } from './createTrainingMethod.ts';
import { crossPseudoSupervision } from '../../ssl/crossPseudoSupervision.ts';
import { ADAPTIVE_WEIGHT_WINDOW, CpsMethod } from './cps.ts';
import { tensorGrowth, testConfig, toyBatches, sharedMethodTests } from '../../../../tests/support/methodTestConfig.ts';
import { NETWORK_KINDS, type NetworkKind } from '../../../../shared/networks.ts';

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
    test(`weight ${expected.toPrecision(4)} at step ${iteration} with ${JSON.stringify(options)}; unsupervised = weight · (pseudo1 + pseudo2)`, () => {
      const method = build(options);
      const { labeled, unlabeled } = toyBatches('unet2d');
      const l = method.step(labeled, unlabeled, context(iteration));
      assert.ok(Math.abs(l.weight! - expected) < 1e-12, `${l.weight}`);
      assert.ok(Math.abs(l.unsupervised! - expected * (l.pseudo1! + l.pseudo2!)) < 1e-6 * Math.max(1, l.unsupervised!));
      assert.ok(Math.abs(l.supervised! - (l.supervised1! + l.supervised2!)) < 1e-5);
      method.dispose();
      tf.dispose([labeled, unlabeled]);
    });
  }

  test(`adaptiveWeight: λ times the mean supervised Dice of the last ${ADAPTIVE_WEIGHT_WINDOW} steps`, () => {
    const method = build({ adaptiveWeight: true, consistencyWeight: 1, rampFraction: 0.01 });
    const { labeled, unlabeled } = toyBatches('unet2d');
    const dice: number[] = [];
    for (let t = 0; t < ADAPTIVE_WEIGHT_WINDOW + 3; t++) {
      const l = method.step(labeled, unlabeled, context(t, 100));
      dice.push(l.dice!);
      assert.ok(l.dice! > 0 && l.dice! < 1);
      // The ramp is over (fraction 0.01 of 100 steps) from t = 1 on: weight = mean Dice of the window.
      const window = dice.slice(-ADAPTIVE_WEIGHT_WINDOW);
      const ramp = t === 0 ? Math.exp(-5) : 1;
      assert.ok(Math.abs(l.weight! - (ramp * window.reduce((a, b) => a + b, 0)) / window.length) < 1e-6, `step ${t}`);
    }
    method.dispose();
    tf.dispose([labeled, unlabeled]);
  });

  test('lovasz adds the Lovász-softmax loss (in [0, 1]) to each supervised loss', () => {
    const { labeled, unlabeled } = toyBatches('unet2d');
    // Fresh methods with the same seed: identical weights and dropout, so the difference is the Lovász term.
    const once = (options: Record<string, boolean>) => {
      const method = build(options);
      const losses = method.step(labeled, unlabeled, context(0));
      method.dispose();
      return losses;
    };
    const plain = once({});
    const withLovasz = once({ lovasz: true });
    for (const key of ['supervised1', 'supervised2'] as const) {
      const extra = withLovasz[key]! - plain[key]!;
      assert.ok(extra > 0.05 && extra <= 1, `${key}: ${extra}`);
    }
    assert.equal(withLovasz.pseudo1, plain.pseudo1);
    tf.dispose([labeled, unlabeled]);
  });

  for (const model of NETWORK_KINDS) {
    test(`20 steps (${model} width 2, 16${model === 'unet2d' ? '²' : '³'}, batch 2, all options) leave no tensor behind`, () => {
      const method = build({ adaptiveWeight: true, lovasz: true }, model);
      const batches = toyBatches(model);
      assert.equal(tensorGrowth(method, batches, 20), 0);
      method.dispose();
      tf.dispose(batches);
    });
  }

  sharedMethodTests(() => build({ adaptiveWeight: true }), 'net 2, the Dice window, both optimisers');
});
