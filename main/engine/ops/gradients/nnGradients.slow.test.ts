import * as tf from '@tensorflow/tfjs-core';
import { kinkFreeInput, seededUniform } from '../../../../tests/support/gradientCheck.ts';
import { describeGradientCases, type GradientCase } from '../../../../tests/support/gradientCases.ts';
import { nnGradients } from './nnGradients.ts';

// Batch 2 and H ≠ W (≠ D) everywhere, so a swapped axis cannot pass.
const cases: GradientCase[] = [
  {
    name: 'Conv2D 3×3 stride 1 same',
    kernel: 'Conv2D',
    f: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'),
    inputs: () => [seededUniform([2, 4, 5, 2], 1), seededUniform([3, 3, 2, 3], 2)],
  },
  {
    name: 'Conv2D 2×2 stride 2 valid',
    kernel: 'Conv2D',
    f: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'valid'),
    inputs: () => [seededUniform([2, 4, 6, 2], 3), seededUniform([2, 2, 2, 3], 4)],
  },
  {
    name: 'Conv2D 3×3 stride 1 valid',
    kernel: 'Conv2D',
    f: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'valid'),
    inputs: () => [seededUniform([2, 5, 4, 2], 22), seededUniform([3, 3, 2, 2], 23)],
  },
  {
    name: 'Conv2D 1×1',
    kernel: 'Conv2D',
    f: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'),
    inputs: () => [seededUniform([2, 3, 4, 3], 24), seededUniform([1, 1, 3, 2], 25)],
  },
  {
    name: 'Conv2DBackpropInput (conv2dTranspose) stride 1 same',
    kernel: 'Conv2DBackpropInput',
    f: (x, w) => tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [2, 3, 5, 3], 1, 'same'),
    inputs: () => [seededUniform([2, 3, 5, 2], 26), seededUniform([3, 3, 3, 2], 27)],
  },
  {
    name: 'Conv2DBackpropInput (conv2dTranspose) stride 2',
    kernel: 'Conv2DBackpropInput',
    f: (x, w) => tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [2, 4, 6, 3], 2, 'valid'),
    inputs: () => [seededUniform([2, 2, 3, 2], 5), seededUniform([2, 2, 3, 2], 6)],
  },
  {
    name: 'Conv3D 3×3×3 stride 1 same',
    kernel: 'Conv3D',
    f: (x, w) => tf.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, 1, 'same'),
    inputs: () => [seededUniform([2, 3, 4, 5, 2], 7), seededUniform([3, 3, 3, 2, 2], 8)],
  },
  {
    name: 'Conv3D 2×2×2 stride 2 valid (V-Net down)',
    kernel: 'Conv3D',
    f: (x, w) => tf.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, 2, 'valid'),
    inputs: () => [seededUniform([2, 2, 4, 6, 2], 9), seededUniform([2, 2, 2, 2, 3], 10)],
  },
  {
    name: 'Conv3D 3×3×3 stride 2 same',
    kernel: 'Conv3D',
    f: (x, w) => tf.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, 2, 'same'),
    inputs: () => [seededUniform([2, 4, 4, 6, 1], 11), seededUniform([3, 3, 3, 1, 2], 12)],
  },
  {
    name: 'MaxPool 2×2 stride 2',
    kernel: 'MaxPool',
    f: (x) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'),
    inputs: () => [kinkFreeInput([2, 4, 6, 2], 13)],
  },
  {
    name: 'AvgPool 2×2 stride 2',
    kernel: 'AvgPool',
    f: (x) => tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid'),
    inputs: () => [seededUniform([2, 4, 6, 2], 14)],
  },
  {
    name: 'MaxPool3D 2×2×2 stride 2',
    kernel: 'MaxPool3D',
    f: (x) => tf.maxPool3d(x as tf.Tensor5D, 2, 2, 'valid'),
    inputs: () => [kinkFreeInput([2, 2, 4, 6, 2], 15, 0.1, 0.025)],
  },
  {
    name: 'AvgPool3D 2×2×2 stride 2',
    kernel: 'AvgPool3D',
    f: (x) => tf.avgPool3d(x as tf.Tensor5D, 2, 2, 'valid'),
    inputs: () => [seededUniform([2, 2, 4, 6, 2], 16)],
  },
  {
    name: 'Softmax over channels',
    kernel: 'Softmax',
    f: (x) => tf.softmax(x),
    inputs: () => [seededUniform([2, 3, 4], 17, -2, 2)],
  },
  ...(
    [
      [false, false],
      [false, true],
      [true, false],
      [true, true],
    ] as const
  ).map(([ta, tb]): GradientCase => ({
    name: `BatchMatMul transposeA=${ta} transposeB=${tb}`,
    kernel: 'BatchMatMul',
    f: (a, b) => tf.matMul(a, b, ta, tb),
    inputs: () => [seededUniform(ta ? [2, 4, 3] : [2, 3, 4], 18), seededUniform(tb ? [2, 5, 4] : [2, 4, 5], 19)],
  })),
  {
    name: 'BatchMatMul, rank-2 matrix broadcast over a batch',
    kernel: 'BatchMatMul',
    f: (a, b) => tf.matMul(a, b),
    inputs: () => [seededUniform([5, 3], 20), seededUniform([4, 3, 2], 21)],
  },
];

describeGradientCases('convolution, pooling, softmax and matMul gradients match finite differences', cases, nnGradients);
