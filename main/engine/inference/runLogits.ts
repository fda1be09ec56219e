/**
 * One model call on one batch, with all tensor memory released before it returns.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MAX_CLASSES, type LogitsFunction } from './segmentation.ts';

/**
 * Runs `model` on `input` and hands its logits to `consume` while they are still valid.
 *
 * The logits are only borrowed: with some backends the array returned by `data()` is the
 * tensor's own storage, so `consume` must copy what it keeps. The input and output tensors
 * are disposed afterwards, and the model runs inside `tf.tidy`, so after this call no tensor
 * of the batch is alive.
 * @param input row-major images `[...shape]` (one channel).
 * @param shape `[B, …spatial]` without the channel axis.
 * @param consume receives channels-last logits `[...shape, C]` and C.
 */
export async function runLogits(
  model: LogitsFunction,
  input: Float32Array,
  shape: readonly number[],
  consume: (logits: Float32Array, classes: number) => void,
): Promise<void> {
  const x = tf.tensor(input, [...shape, 1], 'float32');
  let y: tf.Tensor | undefined;
  try {
    y = tf.tidy(() => tf.cast(model(x), 'float32'));
    const spatialOk = y.rank === shape.length + 1 && shape.every((n, a) => y!.shape[a] === n);
    const classes = y.shape[y.rank - 1]!;
    if (!spatialOk || classes < 1 || classes > MAX_CLASSES) {
      throw new RangeError(`model returned logits [${y.shape.join(', ')}] for input [${shape.join(', ')}, 1]`);
    }
    consume((await y.data()) as Float32Array, classes);
  } finally {
    tf.dispose(y === undefined ? [x] : [x, y]);
  }
}
