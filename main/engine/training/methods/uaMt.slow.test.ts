import { before, describe, test } from 'node:test';
import { readStepLosses, runStep } from './trainingMethod.ts';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../backend/selectBackend.ts';
import { Rng } from '../../random/rng.ts';
import { EmaTeacher } from '../../ssl/emaTeacher.ts';
import { teacherNoise } from '../../ssl/teacherNoise.ts';
import { createTrainingMethod } from './createTrainingMethod.ts';
import { MeanTeacherMethod } from './meanTeacher.ts';
import { tensorGrowth, testConfig, toyBatches, sharedMethodTests } from '../../../../tests/support/methodTestConfig.ts';
import { UaMtMethod } from './uaMt.ts';
import { NETWORK_KINDS, type NetworkKind } from '../../../../shared/networks.ts';
import { lossGradient, PLAIN_SGD, relativeDifference, stepGradient } from '../../../../tests/support/stepGradient.ts';
import { supervisedLoss } from '../../losses/supervisedLoss.ts';
import { createModel } from '../../models/createModel.ts';
import { belowThreshold, predictiveEntropy, uncertaintyThreshold } from '../../ssl/confidenceMask.ts';
import { maskedConsistency } from '../../ssl/consistencyLoss.ts';
import { jointForward } from '../../ssl/jointForward.ts';

const build = (options = {}, model: NetworkKind = 'unet2d') => createTrainingMethod(testConfig('ua-mt', model, options)) as UaMtMethod;

/**
 * The teacher's softmax passes as the references run them, each forward its own BatchNorm batch:
 * the target pass alone, then the uncertainty passes two per forward (`repeat(2)`).
 * @returns [target pass, uncertainty passes 1…T].
 */
function referencePasses(teacher: EmaTeacher, images: tf.Tensor, passes: number, rng: Rng): [tf.Tensor, tf.Tensor[]] {
  const noisy = (pass: number) => teacherNoise(images, 0.1, rng.fork(`noise:${pass}`));
  const forward = (x: tf.Tensor) => tf.softmax(teacher.network.apply(x, { training: true }));
  const target = forward(noisy(0));
  const stochastic: tf.Tensor[] = [];
  for (let pass = 1; pass < passes; pass += 2) stochastic.push(...tf.split(forward(tf.concat([noisy(pass), noisy(pass + 1)])), 2));
  if (passes % 2 === 1) stochastic.push(forward(noisy(passes)));
  return [target, stochastic];
}

describe('UaMtMethod', () => {
  before(() => selectBackend());

  test('is a Mean Teacher built by createTrainingMethod for ua-mt', () => {
    const method = build();
    assert.ok(method instanceof UaMtMethod && method instanceof MeanTeacherMethod);
    assert.equal(method.models.length, 1);
    method.dispose();
  });

  test('the target is one noisy teacher pass, the mask the entropy of the mean of T further passes below (0.75 + 0.25 r(t, T)) ln 2 (also for three classes)', async () => {
    const passes = 4;
    const method = build({ passes, noise: 0.1 });
    const [student] = method.models;
    const { labeled, unlabeled } = toyBatches('unet2d');
    // A teacher like the method's (the student's weights, the configuration's seed + 1), before
    // either has drawn a dropout mask: the same passes, recomputed here one by one.
    const replica = new EmaTeacher(student!, 5 + 1);
    const rng = new Rng('target');
    const target = method['teacherTarget'](unlabeled.images, { iteration: 10, iterations: 20, learningRate: 0, rng });
    const report = await readStepLosses(target.report);
    // (0.75 + 0.25 exp(-5 (1 - 10/20)²)) ln 2 = (0.75 + 0.25 e^-1.25) ln 2, though the test net has three classes
    const threshold = (0.75 + 0.25 * Math.exp(-1.25)) * Math.log(2);
    assert.ok(Math.abs(report.threshold! - threshold) < 1e-12);
    tf.tidy(() => {
      const [first, stochastic] = referencePasses(replica, unlabeled.images, passes, rng);
      const mean = tf.div(tf.addN(stochastic), passes);
      const entropy = tf.neg(tf.sum(tf.mul(mean, tf.log(tf.add(mean, 1e-6))), -1)).dataSync();
      const mask = target.mask!.dataSync();
      const kept = Array.from(entropy, (u) => (u < threshold ? 1 : 0));
      assert.deepEqual(Array.from(mask), kept);
      assert.ok(Math.abs(report.certain! - kept.reduce((a: number, b: number) => a + b, 0) / kept.length) < 1e-7);
      assert.ok(kept.some((k) => k === 1) && kept.some((k) => k === 0), 'the threshold splits the voxels');
      const expectedTarget = first.dataSync();
      target.probabilities.dataSync().forEach((p, i) => assert.ok(Math.abs(p - expectedTarget[i]!) < 1e-6));
      // The passes differ (noise and dropout), so the mean is not any single pass.
      assert.ok(tf.max(tf.abs(tf.sub(stochastic[0]!, stochastic[1]!))).dataSync()[0]! > 1e-4);
    });
    tf.dispose([target.probabilities, target.mask!]);
    replica.dispose();
    method.dispose();
    tf.dispose([labeled, unlabeled]);
  });

  for (const [passes, batches] of [
    [8, [2, 4, 4, 4, 4]],
    [3, [2, 4, 2]],
  ] as const) {
    test(`the teacher's BatchNorm batches are the references': the target pass alone, then the ${passes} passes two at a time (${batches.join(', ')} samples)`, async () => {
      const method = build({ passes });
      const network = method['teacher'].network;
      const apply = network.apply.bind(network);
      const sizes: number[] = [];
      network.apply = (x, o) => {
        sizes.push(x.shape[0]!);
        return apply(x, o);
      };
      const { labeled, unlabeled } = toyBatches('unet2d');
      await runStep(method, labeled, unlabeled, { iteration: 0, iterations: 20, learningRate: 1e-2, rng: new Rng(1) });
      assert.deepEqual(sizes, batches);
      network.apply = apply;
      method.dispose();
      tf.dispose([labeled, unlabeled]);
    });
  }

  test('a step reports the uncertainty share and weight · consistency', async () => {
    const method = build();
    const { labeled, unlabeled } = toyBatches('unet2d');
    const l = await runStep(method, labeled, unlabeled, { iteration: 0, iterations: 20, learningRate: 1e-2, rng: new Rng(1) });
    assert.ok(l.certain! > 0 && l.certain! < 1);
    assert.ok(Math.abs(l.weight! - 0.1 * Math.exp(-5)) < 1e-12);
    assert.ok(Math.abs(l.unsupervised! - l.weight! * l.consistency!) < 1e-9);
    method.dispose();
    tf.dispose([labeled, unlabeled]);
  });

  for (const model of NETWORK_KINDS) {
    test(`20 steps (${model} width 2, 16${model === 'unet2d' ? '²' : '³'}, batch 2, 8 passes) leave no tensor behind`, async () => {
      const method = build({}, model);
      const batches = toyBatches(model);
      assert.equal(await tensorGrowth(method, batches, 20), 0);
      method.dispose();
      tf.dispose(batches);
    });
  }

  test("the student's gradient counts the certain voxels only; the inverted mask (the uncertain ones) gives another", () => {
    const passes = 4;
    // Full weight λ = 10 at iteration 19 of 20 (ramp over half the run); the threshold is then close to ln 2.
    const options = { passes, consistencyWeight: 10, rampFraction: 0.5 };
    const method = createTrainingMethod(testConfig('ua-mt', 'unet2d', options, { optimizer: PLAIN_SGD })) as UaMtMethod;
    const { labeled, unlabeled } = toyBatches('unet2d');
    const context = { iteration: 19, iterations: 20, learningRate: 1, rng: new Rng('wiring') };
    const actual = stepGradient(method.models[0]!.trainableVariables(), () => method.step(labeled, unlabeled, context));

    // Fresh replicas of the method's networks (seed 5, the teacher's dropout stream 6) draw its dropout masks.
    const composed = (invert: boolean) => {
      const student = createModel({ kind: 'unet2d', numClasses: 3, width: 2, seed: 5 });
      const teacher = new EmaTeacher(student, 6);
      const { target, mask, share } = tf.tidy(() => {
        const [first, rest] = referencePasses(teacher, unlabeled.images, passes, context.rng);
        const certain = belowThreshold(predictiveEntropy(tf.div(tf.addN(rest), passes)), uncertaintyThreshold(19, 20));
        return { target: first, mask: invert ? tf.sub(1, certain) : certain, share: tf.mean(certain).dataSync()[0]! };
      });
      assert.ok(share > 0.05 && share < 0.95, `the threshold splits the voxels: ${share}`);
      const gradient = lossGradient(student.trainableVariables(), () => {
        const [labeledLogits, unlabeledLogits] = jointForward(student, labeled.images, unlabeled.images, { training: true });
        const consistency = maskedConsistency(tf.softmax(unlabeledLogits), target, mask);
        return tf.add(supervisedLoss(labeledLogits, labeled.targets, labeled.mask), tf.mul(consistency, 10)) as tf.Scalar;
      });
      tf.dispose([target, mask]);
      teacher.dispose();
      student.dispose();
      return gradient;
    };
    const expected = composed(false);
    const inverted = composed(true);
    assert.ok(relativeDifference(actual, expected) < 1e-4, `method vs real wiring: ${relativeDifference(actual, expected)}`);
    assert.ok(relativeDifference(inverted, expected) > 1e-2, `mis-wired vs real: ${relativeDifference(inverted, expected)}`);
    method.dispose();
    tf.dispose([labeled, unlabeled]);
  });

  sharedMethodTests(() => build(), 'teacher, optimiser');
});
