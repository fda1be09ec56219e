import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { createModel } from '../models/createModel.ts';
import { EmaTeacher, emaDecayAt } from './emaTeacher.ts';

describe('emaDecayAt', () => {
  // min(1 - 1/(t+1), α): t = 0 → 0, t = 1 → ½, t = 3 → ¾, t = 99 → 0.99, later capped at α; t = 500 with α = 0.999 is not yet capped.
  const cases: Array<[iteration: number, maxDecay: number, expected: number]> = [
    [0, 0.99, 0],
    [1, 0.99, 0.5],
    [3, 0.99, 0.75],
    [99, 0.99, 0.99],
    [1000, 0.99, 0.99],
    [500, 0.999, 1 - 1 / 501],
    [5, 0, 0],
  ];
  for (const [iteration, maxDecay, expected] of cases) {
    test(`t ${iteration}, α ${maxDecay} → ${expected}`, () => assert.ok(Math.abs(emaDecayAt(iteration, maxDecay) - expected) < 1e-15));
  }
});

describe('EmaTeacher', () => {
  before(() => selectBackend());

  const student = () => createModel({ kind: 'unet2d', numClasses: 2, width: 2, seed: 3 });

  test('starts as a copy of the student, running statistics included, in separate variables', () => {
    const s = student();
    const teacher = new EmaTeacher(s, 9);
    const sw = s.getWeights();
    const tw = teacher.getWeights();
    assert.equal(tw.size, sw.size);
    for (const [name, t] of sw) assert.deepEqual(tw.get(name)!.dataSync(), t.dataSync(), name);
    assert.ok(teacher.network.trainableVariables().every((v, i) => v !== s.trainableVariables()[i]));
    tf.dispose([...sw.values(), ...tw.values()]);
    teacher.dispose();
    s.dispose();
  });

  test('update averages the parameters only: p_t ← α p_t + (1 - α) p_s, running statistics untouched', () => {
    const s = student();
    const teacher = new EmaTeacher(s, 9);
    // The student moves to known values: every scalar of parameter i becomes i + 1 and every
    // running statistic 7.
    s.trainableVariables().forEach((v, i) => v.assign(tf.fill(v.shape, i + 1)));
    const studentWeights = s.getWeights();
    const statistics = [...studentWeights.keys()].filter((n) => n.includes('running_'));
    assert.ok(statistics.length > 0);
    const sevens = statistics.map((n) => [n, tf.fill(studentWeights.get(n)!.shape, 7)] as const);
    s.setWeights(new Map([...studentWeights, ...sevens]));
    const parametersBefore = teacher.network.trainableVariables().map((v) => v.dataSync().slice());
    const weightsBefore = teacher.getWeights();

    const numBefore = tf.memory().numTensors;
    teacher.update(3, 0.99); // α = 0.75
    assert.equal(tf.memory().numTensors, numBefore);

    teacher.network.trainableVariables().forEach((v, i) => {
      const now = v.dataSync();
      // The same float32 arithmetic as the update, so the comparison is exact.
      parametersBefore[i]!.forEach((old, k) => assert.equal(now[k], Math.fround(Math.fround(old * 0.75) + Math.fround((i + 1) * 0.25))));
    });
    const weightsAfter = teacher.getWeights();
    for (const n of statistics) assert.deepEqual(weightsAfter.get(n)!.dataSync(), weightsBefore.get(n)!.dataSync(), n);
    tf.dispose([...studentWeights.values(), ...sevens.map(([, t]) => t), ...weightsBefore.values(), ...weightsAfter.values()]);
    teacher.dispose();
    s.dispose();
  });

  test('at the first step (α = 0) the teacher becomes the student', () => {
    const s = student();
    const teacher = new EmaTeacher(s, 9);
    s.trainableVariables().forEach((v) => v.assign(tf.mul(v, 3)));
    teacher.update(0, 0.99);
    teacher.network.trainableVariables().forEach((v, i) => assert.deepEqual(v.dataSync(), s.trainableVariables()[i]!.dataSync()));
    teacher.dispose();
    s.dispose();
  });
});
