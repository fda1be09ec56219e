import { before, describe, test } from 'node:test';
import { runStep } from './trainingMethod.ts';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../backend/selectBackend.ts';
import { Rng } from '../../random/rng.ts';
import { createTrainingMethod } from './createTrainingMethod.ts';
import { MeanTeacherMethod } from './meanTeacher.ts';
import { tensorGrowth, testConfig, toyBatches, sharedMethodTests } from '../../../../tests/support/methodTestConfig.ts';
import { lossGradient, PLAIN_SGD, relativeDifference, stepGradient } from '../../../../tests/support/stepGradient.ts';
import { supervisedLoss } from '../../losses/supervisedLoss.ts';
import { createModel } from '../../models/createModel.ts';
import { meanSquaredConsistency } from '../../ssl/consistencyLoss.ts';
import { EmaTeacher } from '../../ssl/emaTeacher.ts';
import { jointForward } from '../../ssl/jointForward.ts';
import { teacherNoise } from '../../ssl/teacherNoise.ts';

const build = (options = {}) => createTrainingMethod(testConfig('mean-teacher', 'unet2d', options)) as MeanTeacherMethod;

describe('MeanTeacherMethod', () => {
  before(() => selectBackend());

  test('is what createTrainingMethod builds for mean-teacher: one inference network, unlabelled data used', () => {
    const method = build();
    assert.ok(method instanceof MeanTeacherMethod);
    assert.equal(method.models.length, 1);
    assert.equal(method.usesUnlabeled, true);
    method.dispose();
  });

  // λ r(⌊t/q⌋, 40) with q = fraction · iterations / 40: iterations 20, fraction 1 → q = 0.5.
  const weights: Array<{ iteration: number; options: Record<string, number | string>; expected: number }> = [
    { iteration: 0, options: { rampFraction: 1 }, expected: 0.1 * Math.exp(-5) },
    // ⌊5 / 0.5⌋ = 10 → exp(-5 · 0.75²)
    { iteration: 5, options: { rampFraction: 1 }, expected: 0.1 * Math.exp(-5 * 0.75 ** 2) },
    // auto (the default) in a 20-iteration run: fraction 0.3 + 0.7 · 20 / 6000, q = fraction / 2, ⌊5 / q⌋ = 33
    { iteration: 5, options: {}, expected: 0.1 * Math.exp(-5 * (7 / 40) ** 2) },
    // λ = 2, fraction 0.5 → q = 0.25: ⌊5 / 0.25⌋ = 20 → exp(-1.25)
    { iteration: 5, options: { consistencyWeight: 2, rampFraction: 0.5 }, expected: 2 * Math.exp(-1.25) },
    { iteration: 19, options: { consistencyWeight: 2, rampFraction: 0.5 }, expected: 2 },
  ];
  for (const { iteration, options, expected } of weights) {
    test(`reports weight ${expected.toPrecision(4)} at step ${iteration} with ${JSON.stringify(options)}, and unsupervised = weight · consistency`, async () => {
      const method = build(options);
      const { labeled, unlabeled } = toyBatches('unet2d');
      const losses = await runStep(method, labeled, unlabeled, { iteration, iterations: 20, learningRate: 1e-2, rng: new Rng('s') });
      assert.ok(Math.abs(losses.weight! - expected) < 1e-12, `${losses.weight}`);
      assert.ok(Math.abs(losses.unsupervised! - expected * losses.consistency!) < 1e-6 * Math.max(1, losses.unsupervised!));
      assert.ok(losses.consistency! > 0 && losses.supervised! > 0);
      method.dispose();
      tf.dispose([labeled, unlabeled]);
    });
  }

  test('after a step the teacher is exactly the EMA of its old parameters and the updated student', async () => {
    const method = build({ emaDecay: 0.99 });
    const [student] = method.models;
    const { labeled, unlabeled } = toyBatches('unet2d');
    // Bracket access reaches the protected teacher.
    const readTeacher = () => method['teacher'].network.trainableVariables().map((v) => v.dataSync().slice());
    await runStep(method, labeled, unlabeled, { iteration: 0, iterations: 20, learningRate: 1e-2, rng: new Rng('a') });
    const old = readTeacher();
    // Step 3: α = min(1 - 1/4, 0.99) = 0.75. Had any gradient or optimiser touched the teacher,
    // it would not sit exactly at the average.
    await runStep(method, labeled, unlabeled, { iteration: 3, iterations: 20, learningRate: 1e-2, rng: new Rng('b') });
    const now = readTeacher();
    let moved = 0;
    student!.trainableVariables().forEach((v, i) => {
      const s = v.dataSync();
      now[i]!.forEach((value, k) => {
        assert.equal(value, Math.fround(Math.fround(old[i]![k]! * 0.75) + Math.fround(s[k]! * 0.25)));
        if (value !== old[i]![k]) moved++;
      });
    });
    assert.ok(moved > 0, 'the teacher follows the student');
    method.dispose();
    tf.dispose([labeled, unlabeled]);
  });

  test('20 steps (unet2d width 2, 16×16, batch 2) leave no tensor behind', async () => {
    const method = build();
    const batches = toyBatches('unet2d');
    assert.equal(await tensorGrowth(method, batches, 20), 0);
    method.dispose();
    tf.dispose(batches);
  });

  test("the student's gradient is that of L_s + λ MSE(p_s, teacher on noisy input), the target a constant; a target from the student itself gives another", () => {
    // Full weight λ = 10 (iteration 19 of 20, ramp over half the run), so the consistency term shapes the gradient.
    const options = { consistencyWeight: 10, rampFraction: 0.5 };
    const method = createTrainingMethod(testConfig('mean-teacher', 'unet2d', options, { optimizer: PLAIN_SGD })) as MeanTeacherMethod;
    const { labeled, unlabeled } = toyBatches('unet2d');
    const context = { iteration: 19, iterations: 20, learningRate: 1, rng: new Rng('wiring') };
    const actual = stepGradient(method.models[0]!.trainableVariables(), () => method.step(labeled, unlabeled, context));

    // Replicas built as the method's networks are (seed 5, the teacher's dropout stream seed 6):
    // each composition below starts from fresh ones, so every forward draws the method's dropout masks.
    const composed = (target: (student: ReturnType<typeof createModel>, teacher: EmaTeacher, noisy: tf.Tensor) => () => tf.Tensor) => {
      const student = createModel({ kind: 'unet2d', numClasses: 3, width: 2, seed: 5 });
      const teacher = new EmaTeacher(student, 6);
      const noisy = teacherNoise(unlabeled.images, 0.1, context.rng.fork('noise'));
      const probabilities = target(student, teacher, noisy);
      const gradient = lossGradient(student.trainableVariables(), () => {
        const [labeledLogits, unlabeledLogits] = jointForward(student, labeled.images, unlabeled.images, { training: true });
        const consistency = meanSquaredConsistency(tf.softmax(unlabeledLogits), probabilities());
        return tf.add(supervisedLoss(labeledLogits, labeled.targets, labeled.mask), tf.mul(consistency, 10)) as tf.Scalar;
      });
      tf.dispose(noisy);
      teacher.dispose();
      student.dispose();
      return gradient;
    };
    // The real wiring: the EMA teacher's softmax, computed before (outside) the student's tape.
    const expected = composed((_, teacher, noisy) => {
      const fixed = tf.softmax(teacher.network.apply(noisy, { training: true }));
      return () => fixed;
    });
    // Mis-wired: the "teacher" is the student itself, inside the tape (not detached).
    const fromStudent = composed((student, _, noisy) => () => tf.softmax(student.apply(noisy, { training: true })));
    assert.ok(relativeDifference(actual, expected) < 1e-4, `method vs real wiring: ${relativeDifference(actual, expected)}`);
    assert.ok(relativeDifference(fromStudent, expected) > 1e-2, `mis-wired vs real: ${relativeDifference(fromStudent, expected)}`);
    method.dispose();
    tf.dispose([labeled, unlabeled]);
  });

  sharedMethodTests(() => build(), 'teacher, optimiser');
});
