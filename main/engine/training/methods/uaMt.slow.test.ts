import { before, describe, test } from 'node:test';
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

const build = (options = {}, model: NetworkKind = 'unet2d') => createTrainingMethod(testConfig('ua-mt', model, options)) as UaMtMethod;

describe('UaMtMethod', () => {
  before(() => selectBackend());

  test('is a Mean Teacher built by createTrainingMethod for ua-mt', () => {
    const method = build();
    assert.ok(method instanceof UaMtMethod && method instanceof MeanTeacherMethod);
    assert.equal(method.models.length, 1);
    method.dispose();
  });

  test('the target is one noisy teacher pass, the mask the entropy of the mean of T further passes below (0.75 + 0.25 r(t, T)) ln 2 (also for three classes)', () => {
    const passes = 4;
    const method = build({ passes, noise: 0.1 });
    const [student] = method.models;
    const { labeled, unlabeled } = toyBatches('unet2d');
    // A teacher like the method's (the student's weights, the configuration's seed + 1), before
    // either has drawn a dropout mask: the same passes, recomputed here one by one.
    const replica = new EmaTeacher(student!, 5 + 1);
    const rng = new Rng('target');
    const target = method['teacherTarget'](unlabeled.images, { iteration: 10, iterations: 20, learningRate: 0, rng });
    // (0.75 + 0.25 exp(-5 (1 - 10/20)²)) ln 2 = (0.75 + 0.25 e^-1.25) ln 2, though the test net has three classes
    const threshold = (0.75 + 0.25 * Math.exp(-1.25)) * Math.log(2);
    assert.ok(Math.abs(target.report.threshold! - threshold) < 1e-12);
    tf.tidy(() => {
      const noisy = Array.from({ length: passes + 1 }, (_, k) => teacherNoise(unlabeled.images, 0.1, rng.fork(`noise:${k}`)));
      const probabilities = tf.split(tf.softmax(replica.network.apply(tf.concat(noisy), { training: true })), passes + 1);
      const mean = tf.div(tf.addN(probabilities.slice(1)), passes);
      const entropy = tf.neg(tf.sum(tf.mul(mean, tf.log(tf.add(mean, 1e-6))), -1)).dataSync();
      const mask = target.mask!.dataSync();
      const kept = Array.from(entropy, (u) => (u < threshold ? 1 : 0));
      assert.deepEqual(Array.from(mask), kept);
      assert.ok(Math.abs(target.report.certain! - kept.reduce((a: number, b: number) => a + b, 0) / kept.length) < 1e-7);
      assert.ok(kept.some((k) => k === 1) && kept.some((k) => k === 0), 'the threshold splits the voxels');
      const expectedTarget = probabilities[0]!.dataSync();
      target.probabilities.dataSync().forEach((p, i) => assert.ok(Math.abs(p - expectedTarget[i]!) < 1e-6));
      // The passes differ (noise and dropout), so the mean is not any single pass.
      assert.ok(tf.max(tf.abs(tf.sub(probabilities[1]!, probabilities[2]!))).dataSync()[0]! > 1e-4);
    });
    tf.dispose([target.probabilities, target.mask!]);
    replica.dispose();
    method.dispose();
    tf.dispose([labeled, unlabeled]);
  });

  test('a step reports the uncertainty share and weight · consistency', () => {
    const method = build();
    const { labeled, unlabeled } = toyBatches('unet2d');
    const l = method.step(labeled, unlabeled, { iteration: 0, iterations: 20, learningRate: 1e-2, rng: new Rng(1) });
    assert.ok(l.certain! > 0 && l.certain! < 1);
    assert.ok(Math.abs(l.weight! - 0.1 * Math.exp(-5)) < 1e-12);
    assert.ok(Math.abs(l.unsupervised! - l.weight! * l.consistency!) < 1e-9);
    method.dispose();
    tf.dispose([labeled, unlabeled]);
  });

  for (const model of NETWORK_KINDS) {
    test(`20 steps (${model} width 2, 16${model === 'unet2d' ? '²' : '³'}, batch 2, 8 passes) leave no tensor behind`, () => {
      const method = build({}, model);
      const batches = toyBatches(model);
      assert.equal(tensorGrowth(method, batches, 20), 0);
      method.dispose();
      tf.dispose(batches);
    });
  }

  sharedMethodTests(() => build(), 'teacher, optimiser');
});
