/**
 * The supervised loss ½ (CE + Dice(softmax)) of main/engine/losses/supervisedLoss.ts as one
 * native kernel (native/src/loss.cc) that returns the loss and its gradient with respect to
 * the logits, in place of about forty tfjs kernels forward and backward. supervisedLoss calls
 * it while the native kernels are installed on the cpu backend; it returns `null` otherwise,
 * and for operands it does not cover (non-float32 logits or mask, non-int32 or mismatched
 * target), which the tfjs ops then handle (and report).
 */
import * as tf from '@tensorflow/tfjs-core';
import { allocateFloat32 } from './bufferPool.ts';
import { servingAddon, storedValues } from './nativeState.ts';

interface LossAddon {
  supervisedLoss(
    rows: number,
    classes: number,
    logits: Float32Array,
    target: Int32Array,
    mask: Float32Array | null,
    allClasses: boolean,
    squared: boolean,
    epsilon: number,
    grad: Float32Array,
  ): number;
}

export interface FusedSupervisedLossOptions {
  /** Dice over classes 0 … C−1 instead of 1 … C−1. */
  allClasses: boolean;
  /** Σ m p² in the Dice denominator. */
  squared: boolean;
  epsilon: number;
}

/**
 * ½ (CE + Dice(softmax(logits))) for channels-last logits [B, …, C], int32 targets [B, …] and
 * an optional float32 known-voxel mask [B, …], differentiable with respect to the logits (see
 * crossEntropyLoss and diceLoss for the exact reductions). Null where the fused kernel is
 * unavailable or the operands are not ones it covers.
 */
export function fusedSupervisedLoss(logits: tf.Tensor, target: tf.Tensor, mask: tf.Tensor | undefined, options: FusedSupervisedLossOptions): tf.Scalar | null {
  const addon = servingAddon<LossAddon>('supervisedLoss');
  if (!addon || logits.dtype !== 'float32' || target.dtype !== 'int32' || (mask && mask.dtype !== 'float32')) return null;
  const classes = logits.shape[logits.rank - 1];
  const voxels = logits.shape.slice(0, -1);
  if (!tf.util.arraysEqual(target.shape, voxels) || (mask && !tf.util.arraysEqual(mask.shape, voxels))) return null;
  if (target.size === 0 || classes < (options.allClasses ? 1 : 2)) return null;
  const z = storedValues(logits);
  const y = storedValues(target);
  const m = mask ? storedValues(mask) : null;
  if (!(z instanceof Float32Array) || !(y instanceof Int32Array) || (mask && !(m instanceof Float32Array))) return null;
  const loss = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const grad = allocateFloat32(x.size);
    const value = addon.supervisedLoss(target.size, classes, z, y, m as Float32Array | null, options.allClasses, options.squared, options.epsilon, grad);
    save([tf.tensor(grad, x.shape, 'float32')]);
    return { value: tf.scalar(value), gradFunc: (dy: tf.Tensor, [g]: tf.Tensor[]) => tf.mul(g, dy) };
  });
  return loss(logits) as tf.Scalar;
}
