import * as tf from '@tensorflow/tfjs-core';
import { kinkFreeInput, seededUniform } from '../../../../tests/support/gradientCheck.ts';
import { describeGradientCases, type GradientCase } from '../../../../tests/support/gradientCases.ts';
import { binaryGradients } from './binaryGradients.ts';

// b broadcasts against a in every case: the reduction back to b's shape is
// what tfjs' own Maximum/Minimum gradients get wrong.
const broadcastPair =
  (seed: number, low = -1, high = 1) =>
  () => [seededUniform([2, 3, 4], seed, low, high), seededUniform([3, 1], seed + 1, low, high)];
// Maximum/Minimum kinks are at a = b: draw a and b from interleaved grids
// 0.06 apart so |a - b| ≥ 0.03 > 2h everywhere.
const separatedPair = (seed: number) => () => [kinkFreeInput([2, 3, 4], seed, 0.1, 0.06), kinkFreeInput([3, 1], seed + 1, 0.13, 0.06)];

const cases: GradientCase[] = [
  { name: 'Add', kernel: 'Add', f: tf.add, inputs: broadcastPair(1) },
  { name: 'Sub', kernel: 'Sub', f: tf.sub, inputs: broadcastPair(3) },
  { name: 'Multiply', kernel: 'Multiply', f: tf.mul, inputs: broadcastPair(5) },
  {
    name: 'Multiply, rank 5 by channel vector',
    kernel: 'Multiply',
    f: tf.mul,
    inputs: () => [seededUniform([2, 2, 2, 3, 3], 7), seededUniform([3], 8)],
  },
  { name: 'RealDiv', kernel: 'RealDiv', f: tf.div, inputs: broadcastPair(9, 0.5, 2) },
  { name: 'SquaredDifference', kernel: 'SquaredDifference', f: tf.squaredDifference, inputs: broadcastPair(11) },
  { name: 'Maximum', kernel: 'Maximum', f: tf.maximum, inputs: separatedPair(13) },
  { name: 'Minimum', kernel: 'Minimum', f: tf.minimum, inputs: separatedPair(15) },
  { name: 'Pow', kernel: 'Pow', f: tf.pow, inputs: broadcastPair(17, 0.5, 1.5) },
  {
    name: 'Select',
    kernel: 'Select',
    f: (a, b) =>
      tf.where(
        tf.tensor(
          [
            [true, false, true],
            [false, false, true],
          ],
          [2, 3],
          'bool',
        ),
        a,
        b,
      ),
    inputs: () => [seededUniform([2, 3], 19), seededUniform([2, 3], 20)],
  },
];

describeGradientCases('binary gradients match finite differences', cases, binaryGradients);
