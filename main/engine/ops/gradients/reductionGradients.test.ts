import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../backend/selectBackend.ts';
import { checkGradients, kinkFreeInput, seededUniform } from '../gradientCheck.ts';
import { reductionGradients } from './reductionGradients.ts';

interface Case { name: string; kernel: string; f: (...xs: tf.Tensor[]) => tf.Tensor; inputs: () => tf.Tensor[] }

const cases: Case[] = [
  { name: 'Sum over axes 0, 2', kernel: 'Sum', f: (x) => tf.sum(x, [0, 2]), inputs: () => [seededUniform([2, 3, 4], 1)] },
  { name: 'Sum, keepDims, rank 5', kernel: 'Sum', f: (x) => tf.sum(x, [1, 2, 3], true), inputs: () => [seededUniform([2, 2, 3, 2, 3], 2)] },
  { name: 'Sum of everything', kernel: 'Sum', f: (x) => tf.sum(x), inputs: () => [seededUniform([3, 4], 3)] },
  { name: 'Mean over axis 1', kernel: 'Mean', f: (x) => tf.mean(x, 1), inputs: () => [seededUniform([2, 3, 4], 4)] },
  { name: 'Mean, keepDims, rank 5', kernel: 'Mean', f: (x) => tf.mean(x, [0, 1, 2, 3], true), inputs: () => [seededUniform([2, 2, 2, 2, 3], 5)] },
  { name: 'Max over the last axis', kernel: 'Max', f: (x) => tf.max(x, -1), inputs: () => [kinkFreeInput([2, 3, 4], 6)] },
  { name: 'Min over axes 0, 1', kernel: 'Min', f: (x) => tf.min(x, [0, 1]), inputs: () => [kinkFreeInput([2, 3, 4], 7)] },
  {
    name: 'AddN', kernel: 'AddN', f: (a, b, c) => tf.addN([a, b, c]),
    inputs: () => [seededUniform([2, 3], 8), seededUniform([2, 3], 9), seededUniform([2, 3], 10)],
  },
];

describe('reduction gradients match finite differences', () => {
  before(() => selectBackend());

  test('every registered reduction gradient has a case', () => {
    assert.deepEqual([...new Set(cases.map((c) => c.kernel))].sort(), reductionGradients.map((g) => g.kernelName).sort());
  });

  for (const { name, f, inputs } of cases) {
    test(name, () => {
      const xs = inputs();
      const result = checkGradients(f, xs);
      tf.dispose(xs);
      assert.ok(result.ok, result.message);
    });
  }
});
