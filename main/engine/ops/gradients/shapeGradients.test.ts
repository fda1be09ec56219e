import * as tf from '@tensorflow/tfjs-core';
import { seededUniform } from '../../../../tests/support/gradientCheck.ts';
import { describeGradientCases, type GradientCase } from '../../../../tests/support/gradientCases.ts';
import { shapeGradients } from './shapeGradients.ts';

const x234 = (seed: number) => () => [seededUniform([2, 3, 4], seed)];

const cases: GradientCase[] = [
  { name: 'Reshape', kernel: 'Reshape', f: (x) => tf.reshape(x, [4, 6]), inputs: x234(1) },
  { name: 'ExpandDims', kernel: 'ExpandDims', f: (x) => tf.expandDims(x, 1), inputs: x234(2) },
  { name: 'Transpose', kernel: 'Transpose', f: (x) => tf.transpose(x, [2, 0, 1]), inputs: x234(3) },
  {
    name: 'Concat of three unequal parts',
    kernel: 'Concat',
    f: (a, b, c) => tf.concat([a, b, c], 1),
    inputs: () => [seededUniform([2, 1, 3], 4), seededUniform([2, 3, 3], 5), seededUniform([2, 2, 3], 6)],
  },
  { name: 'Slice', kernel: 'Slice', f: (x) => tf.slice(x, [1, 0, 1], [1, 2, 3]), inputs: x234(7) },
  { name: 'SplitV, one output used', kernel: 'SplitV', f: (x) => tf.split(x, [1, 2, 1], 2)[1], inputs: x234(8) },
  {
    name: 'SplitV, two outputs used',
    kernel: 'SplitV',
    f: (x) => {
      const [a, , c] = tf.split(x, [1, 2, 1], 2);
      return tf.sub(a, tf.mul(c, 3));
    },
    inputs: x234(9),
  },
  { name: 'Pack', kernel: 'Pack', f: (a, b) => tf.stack([a, b], 1), inputs: () => [seededUniform([2, 3], 10), seededUniform([2, 3], 11)] },
  { name: 'Unpack', kernel: 'Unpack', f: (x) => tf.mul(tf.unstack(x, 1)[2], 2), inputs: x234(12) },
  {
    name: 'PadV2',
    kernel: 'PadV2',
    f: (x) =>
      tf.pad(
        x,
        [
          [0, 1],
          [2, 0],
          [1, 1],
        ],
        0.5,
      ),
    inputs: x234(13),
  },
  { name: 'Reverse', kernel: 'Reverse', f: (x) => tf.reverse(x, [0, 2]), inputs: x234(14) },
  { name: 'Tile, rank 2', kernel: 'Tile', f: (x) => tf.tile(x, [2, 3]), inputs: () => [seededUniform([2, 3], 15)] },
  { name: 'Tile, rank 5', kernel: 'Tile', f: (x) => tf.tile(x, [1, 2, 1, 3, 2]), inputs: () => [seededUniform([2, 1, 2, 2, 3], 16)] },
  {
    name: 'broadcastTo at rank 5 (runs Tile)',
    kernel: 'Tile',
    f: (x) => tf.broadcastTo(x, [2, 2, 3, 2, 3]),
    inputs: () => [seededUniform([2, 1, 3, 1, 3], 17)],
  },
  {
    name: 'GatherV2 with repeated indices',
    kernel: 'GatherV2',
    f: (x) => tf.gather(x, tf.tensor1d([2, 0, 2, 3], 'int32'), 2),
    inputs: x234(18),
  },
];

describeGradientCases('shape gradients match finite differences', cases, shapeGradients);
