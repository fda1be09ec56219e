import * as tf from '@tensorflow/tfjs-core';
import { leakyReluGradient } from '../../native/fusedKernels.ts';

// Element-wise functions of one input, with the formulas of tfjs'
// register_all_gradients (Apache-2.0), which @tensorflow/tfjs-core alone does
// not load in Node. ReLU and LeakyReLU take the fused native kernel
// (main/engine/native/fusedKernels.ts) where installed: one pass instead of
// a comparison, a cast or select and a multiplication.

const float = (t: tf.Tensor) => tf.cast(t, 'float32');

export const unaryGradients: tf.GradConfig[] = [
  {
    kernelName: tf.Abs,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as tf.Tensor, tf.sign(float(x))) }),
  },
  { kernelName: tf.Neg, gradFunc: (dy) => ({ x: () => tf.neg(dy as tf.Tensor) }) },
  {
    kernelName: tf.Exp,
    outputsToSave: [true],
    gradFunc: (dy, [y]) => ({ x: () => tf.mul(dy as tf.Tensor, y) }),
  },
  {
    kernelName: tf.Log,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => tf.div(dy as tf.Tensor, float(x)) }),
  },
  {
    kernelName: tf.Log1p,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => tf.div(dy as tf.Tensor, tf.add(x, 1)) }),
  },
  {
    kernelName: tf.Sqrt,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => tf.div(dy as tf.Tensor, tf.mul(tf.sqrt(float(x)), 2)) }),
  },
  {
    kernelName: tf.Rsqrt,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => tf.neg(tf.div(dy as tf.Tensor, tf.mul(tf.pow(x, 1.5), 2))) }),
  },
  {
    kernelName: tf.Square,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as tf.Tensor, tf.mul(float(x), 2)) }),
  },
  {
    kernelName: tf.Reciprocal,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => tf.div(dy as tf.Tensor, tf.neg(tf.square(x))) }),
  },
  {
    kernelName: tf.Sigmoid,
    outputsToSave: [true],
    gradFunc: (dy, [y]) => ({ x: () => tf.mul(dy as tf.Tensor, tf.mul(y, tf.sub(1, y))) }),
  },
  {
    kernelName: tf.Tanh,
    outputsToSave: [true],
    gradFunc: (dy, [y]) => ({ x: () => tf.mul(dy as tf.Tensor, tf.sub(1, tf.square(y))) }),
  },
  {
    kernelName: tf.Relu,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({
      x: () => leakyReluGradient(dy as tf.Tensor, x, 0) ?? tf.mul(dy as tf.Tensor, float(tf.greater(x, 0))),
    }),
  },
  {
    kernelName: tf.Relu6,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({
      x: () => tf.mul(dy as tf.Tensor, float(tf.logicalAnd(tf.greater(x, 0), tf.lessEqual(x, 6)))),
    }),
  },
  {
    kernelName: tf.LeakyRelu,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const { alpha } = attrs as unknown as tf.LeakyReluAttrs;
      return {
        x: () => leakyReluGradient(dy as tf.Tensor, x, alpha) ?? tf.where(tf.greater(x, 0), dy as tf.Tensor, tf.mul(dy as tf.Tensor, alpha)),
      };
    },
  },
  {
    kernelName: tf.Elu,
    outputsToSave: [true],
    gradFunc: (dy, [y]) => ({
      x: () => tf.where(tf.greater(y, 0), dy as tf.Tensor, tf.mul(dy as tf.Tensor, tf.add(y, 1))),
    }),
  },
  {
    kernelName: tf.ClipByValue,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const { clipValueMin, clipValueMax } = attrs as unknown as tf.ClipByValueAttrs;
      const inside = tf.logicalAnd(tf.greaterEqual(x, clipValueMin), tf.lessEqual(x, clipValueMax));
      return { x: () => tf.mul(dy as tf.Tensor, float(inside)) };
    },
  },
  { kernelName: tf.Cast, gradFunc: (dy) => ({ x: () => float(dy as tf.Tensor) }) },
  { kernelName: tf.Identity, gradFunc: (dy) => ({ x: () => float(dy as tf.Tensor) }) },
];
