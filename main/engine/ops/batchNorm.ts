import * as tf from '@tensorflow/tfjs-core';
import { channelVector } from './channelVector.ts';
import { batchNormBackward, batchNormForward, fusedBatchNormAvailable } from '../native/fusedKernels.ts';

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
 * the element-wise passes. With the native kernels installed, training runs
 * the fused kernels of main/engine/native/fusedKernels.ts (two passes each
 * way instead of about thirteen tfjs ops in all).
 */
export function batchNorm(x: tf.Tensor, parameters: BatchNormParameters, options: BatchNormOptions): tf.Tensor {
  const { gamma, beta, runningMean, runningVar } = parameters;
  const { training, momentum = 0.1, epsilon = 1e-5 } = options;
  const channels = x.shape[x.rank - 1];
  return tf.tidy(() => {
    if (!training) {
      const scale = channelVector(tf.mul(gamma, tf.rsqrt(tf.add(runningVar, epsilon))), x.rank);
      return tf.add(tf.mul(tf.sub(x, channelVector(runningMean, x.rank)), scale), channelVector(beta, x.rank));
    }
    const count = x.size / channels;
    if (count < 2) throw new Error(`batchNorm: training needs more than one value per channel (shape ${x.shape})`);
    const updateRunning = (mean: tf.Tensor, variance: tf.Tensor) => {
      runningMean.assign(tf.add(tf.mul(runningMean, 1 - momentum), tf.mul(mean, momentum)));
      runningVar.assign(tf.add(tf.mul(runningVar, 1 - momentum), tf.mul(variance, (momentum * count) / (count - 1))));
    };
    const fused = fusedBatchNormAvailable() && [x, gamma, beta].every((t) => t.dtype === 'float32');
    const normalise = fused
      ? tf.customGrad((...inputs: Array<tf.Tensor | tf.GradSaveFunc>) => {
          const [flat, g, b] = inputs as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];
          const save = inputs[3] as tf.GradSaveFunc;
          const forward = batchNormForward(flat, g, b, epsilon);
          if (!forward) throw new Error('batchNorm: the native kernels were uninstalled during the forward pass');
          updateRunning(forward.mean, forward.variance);
          save([flat, forward.mean, forward.variance, g]);
          return { value: forward.y, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => fusedBatchNormGradient(dy, saved, epsilon) };
        })
      : tf.customGrad((...inputs: Array<tf.Tensor | tf.GradSaveFunc>) => {
          const [flat, g, b] = inputs as tf.Tensor[];
          const save = inputs[3] as tf.GradSaveFunc;
          const mean = tf.mean(flat, 0);
          const centered = tf.sub(flat, mean);
          const variance = tf.mean(tf.square(centered), 0);
          const invStd = tf.rsqrt(tf.add(variance, epsilon));
          const normalised = tf.mul(centered, invStd);
          updateRunning(mean, variance);
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

/** The fused kernel's gradient from the saved (x, μ, σ², γ); tfjs ops if the kernels went away since the forward pass. */
function fusedBatchNormGradient(dy: tf.Tensor, [x, mean, variance, gamma]: tf.Tensor[], epsilon: number): tf.Tensor[] {
  const native = batchNormBackward(dy, x as tf.Tensor2D, mean as tf.Tensor1D, variance as tf.Tensor1D, gamma as tf.Tensor1D, epsilon);
  if (native) return native;
  const invStd = tf.rsqrt(tf.add(variance, epsilon));
  return batchNormGradient(dy, [tf.mul(tf.sub(x, mean), invStd), invStd, gamma]);
}
