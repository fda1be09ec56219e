import * as tf from '@tensorflow/tfjs-core';
import { convFilterGradient } from './convFilterGradient.ts';
import { reduceToShape } from './reduceToShape.ts';
import { runKernel } from './runKernel.ts';

// Convolutions, pooling, softmax and matrix products.

function assertUnitDilations(op: string, dilations: number | number[]): void {
  if (!tf.backend_util.tupleValuesAreOne(dilations)) {
    throw new Error(`${op} gradient: dilations other than 1 are not supported (got ${dilations})`);
  }
}

function assertChannelsLast(op: string, dataFormat: string): void {
  if (dataFormat !== 'NHWC' && dataFormat !== 'NDHWC') {
    throw new Error(`${op} gradient: only channels-last data is supported (got ${dataFormat})`);
  }
}

export const nnGradients: tf.GradConfig[] = [
  {
    kernelName: tf.Conv2D,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, [x, filter], attrs) => {
      const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs as unknown as tf.Conv2DAttrs;
      assertUnitDilations('conv2d', dilations);
      assertChannelsLast('conv2d', dataFormat);
      const common = { strides, pad, dataFormat, dimRoundingMode };
      return {
        x: () => runKernel(tf.Conv2DBackpropInput, { dy: dy as tf.Tensor, filter }, { ...common, inputShape: x.shape }),
        filter: () => convFilterGradient(x, dy as tf.Tensor, filter.shape, common),
      };
    },
  },
  {
    // conv2dTranspose; the adjoint relation mirrors conv3dTransposeGradient.
    kernelName: tf.Conv2DBackpropInput,
    inputsToSave: ['dy', 'filter'],
    gradFunc: (ddx, [dy, filter], attrs) => {
      const { strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
      assertChannelsLast('conv2dTranspose', dataFormat);
      const grad = ddx as tf.Tensor4D;
      return {
        dy: () => tf.conv2d(grad, filter as tf.Tensor4D, strides, pad, 'NHWC', 1, dimRoundingMode),
        filter: () => convFilterGradient(grad, dy, filter.shape, { strides, pad, dimRoundingMode }),
      };
    },
  },
  {
    kernelName: tf.Conv3D,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, [x, filter], attrs) => {
      const { strides, pad, dataFormat, dilations } = attrs as unknown as tf.Conv3DAttrs;
      assertUnitDilations('conv3d', dilations);
      assertChannelsLast('conv3d', dataFormat);
      return {
        x: () => runKernel(tf.Conv3DBackpropInputV2, { dy: dy as tf.Tensor, filter }, { strides, pad, inputShape: x.shape }),
        filter: () => convFilterGradient(x, dy as tf.Tensor, filter.shape, { strides, pad }),
      };
    },
  },
  {
    kernelName: tf.MaxPool,
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, [x, y], attrs) => ({
      x: () => runKernel(tf.MaxPoolGrad, { dy: dy as tf.Tensor, input: x, output: y }, attrs),
    }),
  },
  {
    kernelName: tf.AvgPool,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => ({
      x: () => runKernel(tf.AvgPoolGrad, { dy: dy as tf.Tensor, input: x }, attrs),
    }),
  },
  {
    kernelName: tf.MaxPool3D,
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, [x, y], attrs) => ({
      x: () => runKernel(tf.MaxPool3DGrad, { dy: dy as tf.Tensor, input: x, output: y }, attrs),
    }),
  },
  {
    kernelName: tf.AvgPool3D,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => ({
      x: () => runKernel(tf.AvgPool3DGrad, { dy: dy as tf.Tensor, input: x }, attrs),
    }),
  },
  {
    kernelName: tf.Softmax,
    outputsToSave: [true],
    gradFunc: (dy, [y], attrs) => {
      const { dim } = attrs as unknown as tf.SoftmaxAttrs;
      const dyTimesY = tf.mul(dy as tf.Tensor, y);
      return { logits: () => tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, dim, true), y)) };
    },
  },
  {
    kernelName: tf.BatchMatMul,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b], attrs) => {
      const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
      const g = dy as tf.Tensor;
      // For C = op(A) op(B): dA = dC op(B)^T (transposed back if A was), and
      // symmetrically for B; then undo any batch broadcasting.
      const gradA = () => (transposeA ? tf.matMul(b, g, transposeB, true) : tf.matMul(g, b, false, !transposeB));
      const gradB = () => (transposeB ? tf.matMul(g, a, true, transposeA) : tf.matMul(a, g, !transposeA, false));
      return {
        a: () => reduceToShape(gradA(), a.shape),
        b: () => reduceToShape(gradB(), b.shape),
      };
    },
  },
];
