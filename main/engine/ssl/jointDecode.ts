/**
 * A network's training pass over a labelled and an unlabelled batch that keeps the last decoder
 * feature, for methods that embed it (CAML's heads, the pixel contrastive loss).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ForwardOptions, SegmentationModel } from '../models/segmentationModel.ts';

/** Logits [B, …, C] and last decoder feature [B, …, width] of one batch. */
export interface DecodedBatch {
  logits: tf.Tensor;
  feature: tf.Tensor;
}

export interface JointDecoded {
  labeled: DecodedBatch;
  unlabeled: DecodedBatch;
}

/**
 * decodeWithFeature(encode(x)) for both batches. As jointForward, it stacks them along the
 * batch axis, as the references feed their mixed batches, so BatchNorm statistics (and CAML's
 * inter-sample attention) span all samples; batches of different spatial shapes run one after
 * the other.
 */
export function jointDecode(model: SegmentationModel, labeled: tf.Tensor, unlabeled: tf.Tensor, options: ForwardOptions): JointDecoded {
  const run = (x: tf.Tensor) => model.decodeWithFeature(model.encode(x, options), options);
  const sameShape = labeled.shape.slice(1).every((n, i) => n === unlabeled.shape[i + 1]);
  if (!sameShape) return { labeled: run(labeled), unlabeled: run(unlabeled) };
  return tf.tidy(() => {
    const { logits, feature } = run(tf.concat([labeled, unlabeled], 0));
    const sizes = [labeled.shape[0]!, unlabeled.shape[0]!];
    const [labeledLogits, unlabeledLogits] = tf.split(logits, sizes, 0);
    const [labeledFeature, unlabeledFeature] = tf.split(feature, sizes, 0);
    return {
      labeled: { logits: labeledLogits!, feature: labeledFeature! },
      unlabeled: { logits: unlabeledLogits!, feature: unlabeledFeature! },
    };
  });
}
