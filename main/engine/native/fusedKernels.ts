/**
 * Fused training-mode batch normalisation and ReLU/LeakyReLU gradients on the addon
 * (native/src/fused.cc). Unlike kernels.ts these replace no tfjs kernel: the engine's
 * batchNorm (main/engine/ops/batchNorm.ts) and activation gradients
 * (main/engine/ops/gradients/unaryGradients.ts) call them in place of a chain of tfjs ops
 * while the native kernels are installed on the cpu backend. Every function here returns
 * `null` otherwise (or for non-float32 operands), and the caller keeps its tfjs ops.
 */
import * as tf from '@tensorflow/tfjs-core';
import { allocateFloat32 } from './bufferPool.ts';
import { servingAddon, storedValues } from './nativeState.ts';

interface FusedAddon {
  batchNormForward(
    rows: number,
    channels: number,
    x: Float32Array,
    gamma: Float32Array,
    beta: Float32Array,
    epsilon: number,
    y: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
  ): void;
  batchNormBackward(
    rows: number,
    channels: number,
    dy: Float32Array,
    x: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    gamma: Float32Array,
    epsilon: number,
    dx: Float32Array,
    dGamma: Float32Array,
    dBeta: Float32Array,
  ): void;
  leakyReluGrad(dy: Float32Array, x: Float32Array, alpha: number, dx: Float32Array): void;
}

const fusedAddon = () => servingAddon<FusedAddon>('batchNormForward', 'batchNormBackward', 'leakyReluGrad');

/**
 * The values of float32 tensors: the cpu backend's own arrays, read from its data store rather
 * than with dataSync, which would bar them from the buffer pool (bufferPool.ts); a copy where
 * the backend holds another array type (a float32 cast of int32 keeps its Int32Array).
 */
function floats(...tensors: tf.Tensor[]): Float32Array[] | null {
  if (tensors.some((t) => t.dtype !== 'float32')) return null;
  return tensors.map((t) => {
    const values = storedValues(t);
    return values instanceof Float32Array ? values : Float32Array.from(t.dataSync() as ArrayLike<number>);
  });
}

/** Whether batchNormForward/batchNormBackward will run (the native kernels are installed on cpu). */
export function fusedBatchNormAvailable(): boolean {
  return fusedAddon() !== null;
}

export interface BatchNormForwardResult {
  /** γ (x − μ)/√(σ² + ε) + β, [rows, channels]. */
  y: tf.Tensor2D;
  /** Per-channel batch mean μ. */
  mean: tf.Tensor1D;
  /** Per-channel biased batch variance σ². */
  variance: tf.Tensor1D;
}

/**
 * Training-mode batch normalisation of an [rows, channels] view in two passes: the
 * per-channel mean and biased variance (float sums of blocks of rows, added up in double),
 * then the scale and shift.
 * Null where the fused kernels are unavailable.
 */
export function batchNormForward(x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): BatchNormForwardResult | null {
  const addon = fusedAddon();
  const operands = addon && floats(x, gamma, beta);
  if (!addon || !operands) return null;
  const [rows, channels] = x.shape;
  const y = allocateFloat32(rows * channels);
  const mean = new Float32Array(channels);
  const variance = new Float32Array(channels);
  addon.batchNormForward(rows, channels, operands[0], operands[1], operands[2], epsilon, y, mean, variance);
  return { y: tf.tensor2d(y, [rows, channels]), mean: tf.tensor1d(mean), variance: tf.tensor1d(variance) };
}

/**
 * Gradients [dx, dγ, dβ] of batchNormForward for the upstream gradient dy, in two passes
 * over (dy, x): the sums Σ dy and Σ dy (x − μ), then dx = γ/σ (dy − dβ/N − x̂ dγ/N).
 * Null where the fused kernels are unavailable.
 */
export function batchNormBackward(
  dy: tf.Tensor,
  x: tf.Tensor2D,
  mean: tf.Tensor1D,
  variance: tf.Tensor1D,
  gamma: tf.Tensor1D,
  epsilon: number,
): [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D] | null {
  const addon = fusedAddon();
  const operands = addon && floats(dy, x, mean, variance, gamma);
  if (!addon || !operands) return null;
  const [rows, channels] = x.shape;
  const dx = allocateFloat32(rows * channels);
  const dGamma = new Float32Array(channels);
  const dBeta = new Float32Array(channels);
  addon.batchNormBackward(rows, channels, operands[0], operands[1], operands[2], operands[3], operands[4], epsilon, dx, dGamma, dBeta);
  return [tf.tensor2d(dx, [rows, channels]), tf.tensor1d(dGamma), tf.tensor1d(dBeta)];
}

/**
 * The input gradient of LeakyReLU (ReLU for alpha 0) in one pass: x > 0 ? dy : alpha·dy,
 * shaped like x. Null where the fused kernels are unavailable or dy and x differ in size.
 */
export function leakyReluGradient(dy: tf.Tensor, x: tf.Tensor, alpha: number): tf.Tensor | null {
  const addon = fusedAddon();
  const operands = addon && dy.size === x.size ? floats(dy, x) : null;
  if (!addon || !operands) return null;
  const dx = allocateFloat32(x.size);
  if (dx.length > 0) addon.leakyReluGrad(operands[0], operands[1], alpha, dx);
  return tf.tensor(dx, x.shape, 'float32');
}
