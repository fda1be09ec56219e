/**
 * Pseudo-label local contrastive learning (Chaitanya et al. 2023, seed 003; docs/methods.md §3
 * contrastive). One network and a projection head (Linear → BN → ReLU → Linear, ssl/
 * projectionHead.ts) on its last decoder feature. Per step, over the labelled and unlabelled
 * samples in one pass:
 * - `L_s` = ½ (CE + Dice) on the labelled samples (unknown voxels excluded);
 * - every pixel gets a label: the annotation where it is known, elsewhere (unknown pixels of
 *   labelled samples, all pixels of unlabelled ones) the argmax of the network's detached
 *   softmax if its probability reaches `threshold`, none otherwise;
 * - up to `samplesPerClass` labelled pixels per class are drawn across the whole batch, their
 *   features projected, and the supervised contrastive loss `L_con` (ssl/
 *   pixelContrastiveLoss.ts, temperature `temperature`) pulls same-label pixels of any image
 *   together and pushes the other labels away;
 * - total `L_s + w(t) L_con`, `w(t) = contrastiveWeight · r(⌊t/q⌋, CONTRASTIVE_RAMP_LENGTH)`
 *   over `rampFraction` of the run.
 *
 * Reported: `supervised` = L_s, `contrastive` = L_con, `unsupervised` = w L_con, `weight` = w,
 * `pixels` = pixels sampled.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '../../data/batch.ts';
import { supervisedLoss } from '../../losses/supervisedLoss.ts';
import type { SegmentationModel } from '../../models/segmentationModel.ts';
import { stopGradient } from '../../ops/stopGradient.ts';
import { minimizeTerms } from '../../optim/minimize.ts';
import type { Optimizer } from '../../optim/optimizer.ts';
import { jointDecode } from '../../ssl/jointDecode.ts';
import { NO_LABEL, samplePixelsPerClass, supervisedContrastiveLoss } from '../../ssl/pixelContrastiveLoss.ts';
import { ProjectionHead } from '../../ssl/projectionHead.ts';
import { rampFractionFor, rampWeight } from '../../ssl/ramps.ts';
import { createOptimizer } from '../createOptimizer.ts';
import type { ResolvedTrainConfig } from '../trainRequest.ts';
import { MethodBase, type StatefulPart } from './methodBase.ts';
import type { StepContext, StepLosses } from './trainingMethod.ts';

/**
 * Ramp length L in ramp steps. The seed gives none; Mean Teacher's 40 is used. With
 * rampFraction the ramp ends at the same iteration whatever L is; L only sets its levels.
 */
export const CONTRASTIVE_RAMP_LENGTH = 40;
/** A reference-length run for an `auto` ramp: the 2D SSL4MIS scripts' 30000 iterations. */
export const CONTRASTIVE_REFERENCE_ITERATIONS = 30000;

export interface ContrastiveOptions {
  contrastiveWeight: number;
  temperature: number;
  samplesPerClass: number;
  embeddingDim: number;
  threshold: number;
  rampFraction: number | string;
}

/**
 * The label of every pixel of the batch, labelled samples' pixels first: the annotation where
 * `mask` marks it known, else the prediction if its confidence reaches `threshold`, else NO_LABEL.
 * @param predicted argmax per pixel, all pixels (labelled then unlabelled).
 * @param confidence the predicted class's probability per pixel, same order.
 * @param targets annotations of the labelled pixels (a prefix of the order above).
 * @param mask 1 where the annotation is known, same length as targets.
 */
export function contrastiveLabels(
  predicted: ArrayLike<number>,
  confidence: ArrayLike<number>,
  targets: ArrayLike<number>,
  mask: ArrayLike<number>,
  threshold: number,
): Int32Array {
  return Int32Array.from({ length: predicted.length }, (_, i) => {
    if (i < targets.length && mask[i]! > 0) return targets[i]!;
    return confidence[i]! >= threshold ? predicted[i]! : NO_LABEL;
  });
}

export class ContrastiveMethod extends MethodBase {
  readonly models: readonly SegmentationModel[];
  readonly usesUnlabeled = true;
  readonly options: ContrastiveOptions;
  private readonly head: ProjectionHead;
  private readonly optimizer: Optimizer;

  /**
   * @param model the network (models[0]), built with `config.seed`.
   * @param config the head is built with seed + 1; `methodOptions` carry the contrastive
   *   options of shared/methods.ts.
   */
  constructor(
    private readonly model: SegmentationModel,
    config: ResolvedTrainConfig,
  ) {
    super();
    const o = config.methodOptions;
    this.options = {
      contrastiveWeight: Number(o.contrastiveWeight),
      temperature: Number(o.temperature),
      samplesPerClass: Number(o.samplesPerClass),
      embeddingDim: Number(o.embeddingDim),
      threshold: Number(o.threshold),
      rampFraction: o.rampFraction as number | string,
    };
    this.head = new ProjectionHead({ inChannels: model.width, embeddingDim: this.options.embeddingDim, seed: config.seed + 1, withPrediction: false });
    this.models = [model];
    this.optimizer = createOptimizer(config.optimizer, [...model.trainableVariables(), ...this.head.trainableVariables()]);
  }

  step(labeled: Batch, unlabeled: Batch | null, { iteration, iterations, learningRate, rng }: StepContext): StepLosses {
    if (!unlabeled) throw new Error('contrastive needs an unlabelled batch');
    const o = this.options;
    this.optimizer.learningRate = learningRate;
    const fraction = rampFractionFor(o.rampFraction, iterations, CONTRASTIVE_REFERENCE_ITERATIONS);
    const weight = rampWeight(iteration, iterations, { weight: o.contrastiveWeight, length: CONTRASTIVE_RAMP_LENGTH, fraction });
    const variables = [...this.model.trainableVariables(), ...this.head.trainableVariables()];
    let pixels = 0;
    const terms = tf.tidy(() =>
      minimizeTerms([this.optimizer], variables, () => {
        const out = jointDecode(this.model, labeled.images, unlabeled.images, { training: true });
        const supervised = supervisedLoss(out.labeled.logits, labeled.targets, labeled.mask);
        const classes = this.model.numClasses;
        const rows = (t: tf.Tensor) => tf.reshape(t, [-1, t.shape[t.rank - 1]!]);
        const probabilities = tf.softmax(stopGradient(rows(tf.concat([rows(out.labeled.logits), rows(out.unlabeled.logits)]))));
        const labels = contrastiveLabels(
          tf.argMax(probabilities, -1).dataSync(),
          tf.max(probabilities, -1).dataSync(),
          labeled.targets.dataSync(),
          labeled.mask.dataSync(),
          o.threshold,
        );
        const picked = samplePixelsPerClass(labels, classes, o.samplesPerClass, rng.fork('pixels'));
        pixels = picked.length;
        let contrastive = tf.scalar(0);
        // Training BN in the head needs two rows.
        if (picked.length >= 2) {
          const features = tf.concat([rows(out.labeled.feature), rows(out.unlabeled.feature)]);
          const embeddings = this.head.project(tf.gather(features, tf.tensor1d(picked, 'int32')), { training: true }) as tf.Tensor2D;
          contrastive = supervisedContrastiveLoss(
            embeddings,
            Array.from(picked, (i) => labels[i]!),
            o.temperature,
          );
        }
        const unsupervised = tf.mul(weight, contrastive) as tf.Scalar;
        return { total: tf.add(supervised, unsupervised) as tf.Scalar, terms: { supervised, unsupervised, contrastive } };
      }),
    );
    return { ...terms, weight, pixels };
  }

  protected optimizers(): Record<string, Optimizer> {
    return { model: this.optimizer };
  }

  protected override auxiliaryParts(): Record<string, StatefulPart> {
    return { head: this.head };
  }

  protected disposeParts(): void {
    this.model.dispose();
    this.head.dispose();
  }
}
