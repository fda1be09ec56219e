import * as tf from '@tensorflow/tfjs-core';

// Reductions: the gradient is the output gradient broadcast back over the
// reduced axes (multiplying by ones, which unlike tile/broadcastTo is
// differentiable at any rank).

// dy arrives with or without the reduced axes kept; either way it has the
// same elements as the input shape with those axes set to 1.
function keptShape(inputShape: number[], axes: number[]): number[] {
  return inputShape.map((size, i) => (axes.includes(i) ? 1 : size));
}

function expandOverAxes(dy: tf.Tensor, inputShape: number[], axes: number[]): tf.Tensor {
  return tf.reshape(dy, keptShape(inputShape, axes));
}

function minMaxGradient(dy: tf.Tensor, x: tf.Tensor, y: tf.Tensor, axes: number[]): tf.Tensor {
  const keptY = tf.reshape(y, keptShape(x.shape, axes));
  return tf.mul(expandOverAxes(dy, x.shape, axes), tf.cast(tf.equal(x, keptY), 'float32'));
}

export const reductionGradients: tf.GradConfig[] = [
  {
    kernelName: tf.Sum,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const axes = tf.util.parseAxisParam((attrs as unknown as tf.SumAttrs).axis, x.shape);
      return { x: () => tf.mul(expandOverAxes(dy as tf.Tensor, x.shape, axes), tf.ones(x.shape, 'float32')) };
    },
  },
  {
    kernelName: tf.Mean,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const axes = tf.util.parseAxisParam((attrs as unknown as tf.MeanAttrs).axis, x.shape);
      const count = axes.reduce((n, axis) => n * x.shape[axis], 1);
      return {
        x: () => tf.div(tf.mul(expandOverAxes(dy as tf.Tensor, x.shape, axes), tf.ones(x.shape, 'float32')), count),
      };
    },
  },
  {
    kernelName: tf.Max,
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, [x, y], attrs) => {
      const axes = tf.util.parseAxisParam((attrs as unknown as tf.MaxAttrs).reductionIndices, x.shape);
      return { x: () => minMaxGradient(dy as tf.Tensor, x, y, axes) };
    },
  },
  {
    kernelName: tf.Min,
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, [x, y], attrs) => {
      const axes = tf.util.parseAxisParam((attrs as unknown as tf.MinAttrs).axis, x.shape);
      return { x: () => minMaxGradient(dy as tf.Tensor, x, y, axes) };
    },
  },
  {
    kernelName: tf.AddN,
    saveAllInputs: true,
    gradFunc: (dy, saved) => Object.fromEntries(saved.map((_, i) => [i, () => (dy as tf.Tensor).clone()])),
  },
];
