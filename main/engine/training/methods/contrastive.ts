/**
 * Pseudo-label contrastive training (Chaitanya et al. 2023, seed 003; docs/methods.md
 * "contrastive"), staged as the authors' code stages it (krishnabits001/
 * pseudo_label_contrastive_training): a supervised baseline first, then rounds of joint training
 * in which pseudo-labels made by a frozen copy of the network teach the local contrastive loss.
 *
 * - Warm-up: the first `baselineShare` of the run trains on the annotations alone (`L_s`).
 * - Rounds: the rest of the run in `rounds` equal parts. At the start of each, the labeller —
 *   a frozen copy of the network as it is then — is taken; through the round it predicts the
 *   unlabelled images (inference mode) and its argmax, where its confidence reaches
 *   `threshold`, is their pseudo-label. The reference predicts each unlabelled slice once per
 *   round with its best-validated model and refines the map with a dense CRF; here the labeller
 *   predicts each sample as the loop draws it (so the loop's augmentation moves the labels with
 *   the image), from the network at the round's start, with no CRF.
 * - Each step of a round: `L_s` on the labelled batch, plus `contrastiveWeight · L_local`
 *   (ssl/localContrastiveLoss.ts) on two intensity views (ssl/brightnessContrast.ts) of
 *   contrastImageCount labelled samples (their annotation) and as many unlabelled ones (their
 *   pseudo-labels), those showing the most foreground classes (the reference keeps only slices
 *   that show every class). Pairs: each image's two views, and each labelled image with an
 *   unlabelled one across views — the reference mixes same-image and cross-image pairs (4 and 6
 *   of its 10). The labelled batch and the views go through the network together, so BatchNorm
 *   normalises them together, as the reference's 40-image batches; the projection head
 *   (ssl/projectionHead.ts) reads the views' last decoder feature.
 * - There is no segmentation loss on pseudo-labels, as in the reference; the weight is constant
 *   through the rounds (the reference has no ramp).
 *
 * Reported: `supervised` = L_s, `contrastive` = L_local, `unsupervised` = weight · L_local,
 * `weight` (0 in the warm-up), `anchors` (the loss's anchor count), `round` (−1 in the warm-up).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '../../data/batch.ts';
import { supervisedLoss } from '../../losses/supervisedLoss.ts';
import { createModel } from '../../models/createModel.ts';
import type { SegmentationModel } from '../../models/segmentationModel.ts';
import { minimize, minimizeTerms } from '../../optim/minimize.ts';
import type { Optimizer } from '../../optim/optimizer.ts';
import { brightnessContrast } from '../../ssl/brightnessContrast.ts';
import { jointDecode } from '../../ssl/jointDecode.ts';
import { pseudoLabels } from '../../ssl/maskedDice.ts';
import { foregroundClassCount, localContrastiveLoss, NO_LABEL } from '../../ssl/localContrastiveLoss.ts';
import { ProjectionHead } from '../../ssl/projectionHead.ts';
import { createOptimizer } from '../createOptimizer.ts';
import type { ResolvedTrainConfig } from '../trainRequest.ts';
import { MethodBase, type StatefulPart } from './methodBase.ts';
import type { StepContext, StepLosses } from './trainingMethod.ts';

export interface ContrastiveOptions {
  contrastiveWeight: number;
  temperature: number;
  anchorsPerClass: number;
  embeddingDim: number;
  threshold: number;
  baselineShare: number;
  rounds: number;
}

/**
 * The round iteration t of a run of `iterations` is in: −1 during the warm-up (the first
 * ⌊baselineShare · iterations⌋), else 0 … rounds − 1 (past the plan, the last).
 */
export function contrastiveRound(t: number, iterations: number, baselineShare: number, rounds: number): number {
  const start = Math.floor(baselineShare * iterations);
  if (t < start) return -1;
  return Math.min(rounds - 1, Math.floor(((t - start) * rounds) / Math.max(1, iterations - start)));
}

/**
 * Labelled and unlabelled samples a step puts into the contrastive loss for a labelled batch
 * of `count`: a quarter of it, at least one, of each. With their two views they add about as
 * many images to the step as the labelled batch holds, the reference's share (20 labelled
 * images for the segmentation loss, 10 pairs of views).
 */
export function contrastImageCount(count: number): number {
  return Math.max(1, Math.floor(count / 4));
}

/** Each pixel's pseudo-label: the prediction where its confidence reaches `threshold`, else NO_LABEL. */
export function pseudoLabelsAbove(predicted: ArrayLike<number>, confidence: ArrayLike<number>, threshold: number): Int32Array {
  return Int32Array.from({ length: predicted.length }, (_, i) => (confidence[i]! >= threshold ? predicted[i]! : NO_LABEL));
}

/** Indices of the `count` images with the most foreground classes (ties: the earlier image). */
export function richestImages(labels: readonly ArrayLike<number>[], numClasses: number, count: number): number[] {
  return labels
    .map((l, n) => ({ n, classes: foregroundClassCount(l, numClasses) }))
    .sort((x, y) => y.classes - x.classes || x.n - y.n)
    .slice(0, count)
    .map((x) => x.n);
}

export class ContrastiveMethod extends MethodBase {
  readonly models: readonly SegmentationModel[];
  readonly usesUnlabeled = true;
  readonly options: ContrastiveOptions;
  private readonly head: ProjectionHead;
  /** The frozen copy of the network that makes the round's pseudo-labels. */
  private readonly labeller: SegmentationModel;
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
      anchorsPerClass: Number(o.anchorsPerClass),
      embeddingDim: Number(o.embeddingDim),
      threshold: Number(o.threshold),
      baselineShare: Number(o.baselineShare),
      rounds: Number(o.rounds),
    };
    this.head = new ProjectionHead({ inChannels: model.width, embeddingDim: this.options.embeddingDim, seed: config.seed + 1, withPrediction: false });
    // Its weights are the network's from the first round on; the seed only fills it until then.
    this.labeller = createModel({ kind: model.kind, numClasses: model.numClasses, width: model.width, inChannels: model.inChannels, seed: config.seed + 2 });
    this.models = [model];
    this.optimizer = createOptimizer(config.optimizer, [...model.trainableVariables(), ...this.head.trainableVariables()]);
  }

  step(labeled: Batch, unlabeled: Batch | null, { iteration, iterations, learningRate, rng }: StepContext): StepLosses {
    if (!unlabeled) throw new Error('contrastive needs an unlabelled batch');
    const o = this.options;
    this.optimizer.learningRate = learningRate;
    const round = contrastiveRound(iteration, iterations, o.baselineShare, o.rounds);
    if (round < 0) {
      const supervised = tf.tidy(() =>
        minimize(this.optimizer, this.model.trainableVariables(), () =>
          supervisedLoss(this.model.apply(labeled.images, { training: true }), labeled.targets, labeled.mask),
        ),
      );
      return { supervised, contrastive: 0, unsupervised: 0, weight: 0, anchors: 0, round };
    }
    // A round starts: the labeller becomes the network as it is now (a resumed run's checkpoint
    // holds the labeller of its round, so only a round's first step copies; step −1 counts as warm-up).
    if (contrastiveRound(iteration - 1, iterations, o.baselineShare, o.rounds) !== round) this.takeLabeller();
    const classes = this.model.numClasses;
    const m = Math.min(contrastImageCount(labeled.images.shape[0]!), labeled.images.shape[0]!, unlabeled.images.shape[0]!);
    const voxels = (t: tf.Tensor) => t.size / t.shape[0]!;
    const perImage = <T extends ArrayLike<number>>(values: T & { subarray(a: number, b: number): T }, size: number, count: number) =>
      Array.from({ length: count }, (_, b) => values.subarray(b * size, (b + 1) * size));
    // Labels: the annotation of labelled samples (unknown voxels take none), the labeller's of unlabelled ones.
    const targets = perImage(labeled.targets.dataSync() as Int32Array, voxels(labeled.targets), labeled.images.shape[0]!);
    const known = perImage(labeled.mask.dataSync() as Float32Array, voxels(labeled.mask), labeled.images.shape[0]!);
    const annotated = targets.map((t, b) => Int32Array.from(t, (c, v) => (known[b]![v]! > 0 ? c : NO_LABEL)));
    const pseudo = tf.tidy(() => {
      const p = pseudoLabels(tf.softmax(this.labeller.apply(unlabeled.images, { training: false })));
      const count = unlabeled.images.shape[0]!;
      const predicted = perImage(p.labels.dataSync() as Int32Array, voxels(p.labels), count);
      const confidence = perImage(p.confidence.dataSync() as Float32Array, voxels(p.confidence), count);
      return predicted.map((l, b) => pseudoLabelsAbove(l, confidence[b]!, o.threshold));
    });
    const fromLabeled = richestImages(annotated, classes, m);
    const fromUnlabeled = richestImages(pseudo, classes, m);
    const labels: ArrayLike<number>[] = [...fromLabeled, ...fromLabeled].map((b) => annotated[b]!);
    labels.push(...[...fromUnlabeled, ...fromUnlabeled].map((b) => pseudo[b]!));
    // View images: L v1 (0 … m−1), L v2 (m …), U v1 (2m …), U v2 (3m …).
    const pairs = Array.from({ length: m }, (_, i) => [
      [i, m + i],
      [2 * m + i, 3 * m + i],
      [i, 3 * m + i],
      [2 * m + i, m + i],
    ]).flat() as [number, number][];
    let anchors = 0;
    const variables = [...this.model.trainableVariables(), ...this.head.trainableVariables()];
    const terms = tf.tidy(() => {
      const pick = (images: tf.Tensor, rows: number[]) => tf.gather(images, tf.tensor1d(rows, 'int32'));
      const views = (images: tf.Tensor, name: string) => [brightnessContrast(images, rng.fork(`${name}:1`)), brightnessContrast(images, rng.fork(`${name}:2`))];
      const labeledViews = views(pick(labeled.images, fromLabeled), 'labelled');
      const unlabeledViews = views(pick(unlabeled.images, fromUnlabeled), 'unlabelled');
      const count = labeled.images.shape[0]!;
      return minimizeTerms([this.optimizer], variables, () => {
        const out = jointDecode(this.model, tf.concat([labeled.images, ...labeledViews]), tf.concat(unlabeledViews), { training: true });
        const supervised = supervisedLoss(tf.slice(out.labeled.logits, 0, count), labeled.targets, labeled.mask);
        const features = tf.concat([tf.slice(out.labeled.feature, count, 2 * m), out.unlabeled.feature]);
        const width = features.shape[features.rank - 1]!;
        const embeddings = this.head.project(tf.reshape(features, [-1, width]), { training: true });
        const local = localContrastiveLoss(tf.split(embeddings, 4 * m, 0) as tf.Tensor2D[], labels, pairs, {
          anchorsPerClass: o.anchorsPerClass,
          temperature: o.temperature,
          numClasses: classes,
          rng: rng.fork('anchors'),
        });
        anchors = local.anchors;
        const unsupervised = tf.mul(o.contrastiveWeight, local.loss) as tf.Scalar;
        return { total: tf.add(supervised, unsupervised) as tf.Scalar, terms: { supervised, unsupervised, contrastive: local.loss } };
      });
    });
    return { ...terms, weight: o.contrastiveWeight, anchors, round };
  }

  /** The labeller takes the network's current weights, running statistics included. */
  private takeLabeller(): void {
    const weights = this.model.getWeights();
    try {
      this.labeller.setWeights(weights);
    } finally {
      tf.dispose([...weights.values()]);
    }
  }

  protected optimizers(): Record<string, Optimizer> {
    return { model: this.optimizer };
  }

  protected override auxiliaryParts(): Record<string, StatefulPart> {
    return { head: this.head, labeller: this.labeller };
  }

  protected disposeParts(): void {
    this.model.dispose();
    this.head.dispose();
    this.labeller.dispose();
  }
}
