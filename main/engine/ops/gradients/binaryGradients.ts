import * as tf from '@tensorflow/tfjs-core';
import { reduceToShape } from './reduceToShape.ts';

// Element-wise functions of two broadcastable inputs. Every branch reduces the
// gradient back to its operand's shape, so broadcasting is always
// differentiable (tfjs' own Maximum/Minimum gradients are not).

const float = (t: tf.Tensor) => tf.cast(t, 'float32');

export const binaryGradients: tf.GradConfig[] = [
  {
    kernelName: tf.Add,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => ({
      a: () => reduceToShape(dy as tf.Tensor, a.shape),
      b: () => reduceToShape(dy as tf.Tensor, b.shape),
    }),
  },
  {
    kernelName: tf.Sub,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => ({
      a: () => reduceToShape(dy as tf.Tensor, a.shape),
      b: () => reduceToShape(tf.neg(dy as tf.Tensor), b.shape),
    }),
  },
  {
    kernelName: tf.Multiply,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => ({
      a: () => reduceToShape(tf.mul(dy as tf.Tensor, float(b)), a.shape),
      b: () => reduceToShape(tf.mul(dy as tf.Tensor, float(a)), b.shape),
    }),
  },
  {
    kernelName: tf.RealDiv,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => ({
      a: () => reduceToShape(tf.div(dy as tf.Tensor, float(b)), a.shape),
      b: () => reduceToShape(tf.neg(tf.div(tf.mul(dy as tf.Tensor, float(a)), tf.square(float(b)))), b.shape),
    }),
  },
  {
    kernelName: tf.SquaredDifference,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => ({
      a: () => reduceToShape(tf.mul(dy as tf.Tensor, tf.mul(tf.sub(a, b), 2)), a.shape),
      b: () => reduceToShape(tf.mul(dy as tf.Tensor, tf.mul(tf.sub(b, a), 2)), b.shape),
    }),
  },
  {
    kernelName: tf.Maximum,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => ({
      a: () => reduceToShape(tf.mul(dy as tf.Tensor, float(tf.greaterEqual(a, b))), a.shape),
      b: () => reduceToShape(tf.mul(dy as tf.Tensor, float(tf.less(a, b))), b.shape),
    }),
  },
  {
    kernelName: tf.Minimum,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => ({
      a: () => reduceToShape(tf.mul(dy as tf.Tensor, float(tf.lessEqual(a, b))), a.shape),
      b: () => reduceToShape(tf.mul(dy as tf.Tensor, float(tf.greater(a, b))), b.shape),
    }),
  },
  {
    kernelName: tf.Pow,
    inputsToSave: ['a', 'b'],
    outputsToSave: [true],
    gradFunc: (dy, [a, b, y]) => ({
      a: () => reduceToShape(tf.mul(dy as tf.Tensor, tf.mul(float(b), tf.pow(a, tf.sub(float(b), 1)))), a.shape),
      // d/db a^b = a^b ln a, taken as 0 where a <= 0 (where ln a is undefined), as tfjs and PyTorch do.
      b: () => {
        const logA = tf.where(tf.greater(a, 0), tf.log(a), tf.zerosLike(a));
        return reduceToShape(tf.mul(dy as tf.Tensor, tf.mul(y, logA)), b.shape);
      },
    }),
  },
  {
    kernelName: tf.Select,
    inputsToSave: ['condition'],
    gradFunc: (dy, [condition]) => ({
      condition: () => tf.zeros(condition.shape, 'float32'),
      t: () => tf.mul(dy as tf.Tensor, float(condition)),
      e: () => tf.mul(dy as tf.Tensor, float(tf.logicalNot(condition))),
    }),
  },
];
