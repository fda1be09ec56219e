import * as tf from '@tensorflow/tfjs-core';

export interface BatchNormParameters {
  gamma: tf.Tensor1D;
  beta: tf.Tensor1D;
  /** Updated in place during training. */
  runningMean: tf.Variable;
  runningVar: tf.Variable;
}

export interface BatchNormOptions {
  training: boolean;
  /** Weight of the new batch statistics in the running averages (PyTorch's momentum). */
  momentum?: number;
  epsilon?: number;
}

/**
 * Batch normalisation over the last (channel) axis of a tensor of any rank,
 * with PyTorch's semantics: in training the batch mean and biased variance
 * normalise, and the running averages take momentum × (mean, unbiased
 * variance); in inference the running averages normalise.
 *
 * Works on an [N, C] view rather than through tf.batchNorm, whose gradient
 * fails at rank 5 (and without scale/offset at any rank), and carries its
 * own closed-form gradient: autodiff through the moments costs about twice
 * the element-wise passes.
 */
export function batchNorm(x: tf.Tensor, parameters: BatchNormParameters, options: BatchNormOptions): tf.Tensor {
  const { gamma, beta, runningMean, runningVar } = parameters;
  const { training, momentum = 0.1, epsilon = 1e-5 } = options;
  const channels = x.shape[x.rank - 1];
  return tf.tidy(() => {
    if (!training) {
      const scale = tf.mul(gamma, tf.rsqrt(tf.add(runningVar, epsilon)));
      return tf.add(tf.mul(tf.sub(x, runningMean), scale), beta);
    }
    const count = x.size / channels;
    if (count < 2) throw new Error(`batchNorm: training needs more than one value per channel (shape ${x.shape})`);
    const normalise = tf.customGrad((...inputs: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const [flat, g, b] = inputs as tf.Tensor[];
      const save = inputs[3] as tf.GradSaveFunc;
      const mean = tf.mean(flat, 0);
      const centered = tf.sub(flat, mean);
      const variance = tf.mean(tf.square(centered), 0);
      const invStd = tf.rsqrt(tf.add(variance, epsilon));
      const normalised = tf.mul(centered, invStd);
      runningMean.assign(tf.add(tf.mul(runningMean, 1 - momentum), tf.mul(mean, momentum)));
      runningVar.assign(tf.add(tf.mul(runningVar, 1 - momentum), tf.mul(variance, (momentum * count) / (count - 1))));
      save([normalised, invStd, g]);
      return { value: tf.add(tf.mul(normalised, g), b), gradFunc: batchNormGradient };
    });
    const normalised = normalise(tf.reshape(x, [count, channels]), gamma, beta);
    return tf.reshape(normalised, x.shape);
  });
}

/**
 * With x̂ = (x − μ)/σ and y = γ x̂ + β over N rows:
 *   dβ = Σ dy,  dγ = Σ dy x̂,  dx = γ/σ · (dy − dβ/N − x̂ dγ/N).
 */
function batchNormGradient(dy: tf.Tensor, [normalised, invStd, gamma]: tf.Tensor[]): tf.Tensor[] {
  const rows = dy.shape[0];
  const dBeta = tf.sum(dy, 0);
  const dGamma = tf.sum(tf.mul(dy, normalised), 0);
  const centredDy = tf.sub(tf.sub(dy, tf.div(dBeta, rows)), tf.mul(normalised, tf.div(dGamma, rows)));
  return [tf.mul(centredDy, tf.mul(gamma, invStd)), dGamma, dBeta];
}
