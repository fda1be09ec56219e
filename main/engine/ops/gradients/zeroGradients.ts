import * as tf from '@tensorflow/tfjs-core';

// Piecewise-constant and integer-valued ops (argmax for hard labels,
// comparisons for confidence masks, one-hot targets, rounding). Their true
// gradient is zero almost everywhere; registering it lets a loss use them on
// a path from the parameters without a "gradient function not found" error,
// matching PyTorch where such outputs simply carry no gradient.

const zeroFor =
  (...inputs: string[]) =>
  (_dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
    Object.fromEntries(inputs.map((name, i) => [name, () => tf.zeros(saved[i].shape, 'float32')]));

const unary = (kernelName: string, input = 'x'): tf.GradConfig => ({ kernelName, inputsToSave: [input], gradFunc: zeroFor(input) });

const binary = (kernelName: string): tf.GradConfig => ({ kernelName, inputsToSave: ['a', 'b'], gradFunc: zeroFor('a', 'b') });

export const zeroGradients: tf.GradConfig[] = [
  unary(tf.ArgMax),
  unary(tf.ArgMin),
  unary(tf.OneHot, 'indices'),
  unary(tf.Floor),
  unary(tf.Ceil),
  unary(tf.Round),
  unary(tf.Sign),
  unary(tf.Step),
  unary(tf.ZerosLike),
  unary(tf.OnesLike),
  unary(tf.LogicalNot),
  binary(tf.Equal),
  binary(tf.NotEqual),
  binary(tf.Greater),
  binary(tf.GreaterEqual),
  binary(tf.Less),
  binary(tf.LessEqual),
  binary(tf.LogicalAnd),
  binary(tf.LogicalOr),
];
