import * as tf from '@tensorflow/tfjs-core';
import { kinkFreeInput, seededUniform } from '../../../../tests/support/gradientCheck.ts';
import { describeGradientCases, type GradientCase } from '../../../../tests/support/gradientCases.ts';
import { reductionGradients } from './reductionGradients.ts';

const cases: GradientCase[] = [
  { name: 'Sum over axes 0, 2', kernel: 'Sum', f: (x) => tf.sum(x, [0, 2]), inputs: () => [seededUniform([2, 3, 4], 1)] },
  { name: 'Sum, keepDims, rank 5', kernel: 'Sum', f: (x) => tf.sum(x, [1, 2, 3], true), inputs: () => [seededUniform([2, 2, 3, 2, 3], 2)] },
  { name: 'Sum of everything', kernel: 'Sum', f: (x) => tf.sum(x), inputs: () => [seededUniform([3, 4], 3)] },
  { name: 'Mean over axis 1', kernel: 'Mean', f: (x) => tf.mean(x, 1), inputs: () => [seededUniform([2, 3, 4], 4)] },
  { name: 'Mean, keepDims, rank 5', kernel: 'Mean', f: (x) => tf.mean(x, [0, 1, 2, 3], true), inputs: () => [seededUniform([2, 2, 2, 2, 3], 5)] },
  { name: 'Max over the last axis', kernel: 'Max', f: (x) => tf.max(x, -1), inputs: () => [kinkFreeInput([2, 3, 4], 6)] },
  { name: 'Min over axes 0, 1', kernel: 'Min', f: (x) => tf.min(x, [0, 1]), inputs: () => [kinkFreeInput([2, 3, 4], 7)] },
  {
    name: 'AddN',
    kernel: 'AddN',
    f: (a, b, c) => tf.addN([a, b, c]),
    inputs: () => [seededUniform([2, 3], 8), seededUniform([2, 3], 9), seededUniform([2, 3], 10)],
  },
];

describeGradientCases('reduction gradients match finite differences', cases, reductionGradients);
