/**
 * Inference with several networks of one architecture: the mean of their softmax, as the
 * exemplar method (CMEMS) predicts with its two networks (docs/methods.md "exemplar").
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SegmentationModel } from '../models/segmentationModel.ts';

/** What inference and validation need of a network: its classes and an inference-mode forward. */
export type Predictor = Pick<SegmentationModel, 'numClasses' | 'apply'>;

/**
 * One network as is; several as one predictor whose logits are log(mean_k softmax(net_k(x))),
 * so that softmax of them is the mean probability and argmax is the ensemble's class.
 * @param models at least one, all with the same number of classes.
 */
export function ensemble(models: readonly SegmentationModel[]): Predictor {
  const first = models[0];
  if (!first) throw new Error('an ensemble needs at least one network');
  if (models.some((m) => m.numClasses !== first.numClasses)) throw new Error('the networks of an ensemble must have the same classes');
  if (models.length === 1) return first;
  return {
    numClasses: first.numClasses,
    apply: (x, options) =>
      tf.tidy(() => {
        const mean = tf.div(tf.addN(models.map((m) => tf.softmax(m.apply(x, options)))), models.length);
        // A probability of exactly 0 would give -Infinity; 1e-30 leaves every other value as it is in float32.
        return tf.log(tf.maximum(mean, 1e-30));
      }),
  };
}
