/**
 * The student's forward pass over a labelled and an unlabelled batch.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ForwardOptions, SegmentationModel } from '../models/segmentationModel.ts';

/**
 * Logits of `labeled` and `unlabeled` images. The references feed both in one batch (their
 * loaders stack labelled and unlabelled samples), so BatchNorm normalises with the statistics
 * of both together; this does the same by concatenating along the batch axis. Batches of
 * different spatial shapes (whole slices of differently shaped scans) cannot be stacked and are
 * run one after the other.
 * @returns [labelled logits, unlabelled logits].
 */
export function jointForward(model: SegmentationModel, labeled: tf.Tensor, unlabeled: tf.Tensor, options: ForwardOptions): [tf.Tensor, tf.Tensor] {
  const sameShape = labeled.shape.slice(1).every((n, i) => n === unlabeled.shape[i + 1]);
  if (!sameShape) return [model.apply(labeled, options), model.apply(unlabeled, options)];
  return tf.tidy(() => {
    const logits = model.apply(tf.concat([labeled, unlabeled], 0), options);
    const [l, u] = tf.split(logits, [labeled.shape[0]!, unlabeled.shape[0]!], 0);
    return [l!, u!];
  });
}
