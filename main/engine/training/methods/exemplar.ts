/**
 * Exemplar learning by cross-model mutual learning (CMEMS, En & Guo, AISTATS 2024, seed 004;
 * docs/methods.md "exemplar"): one scan annotated throughout (the exemplar), other scans not at
 * all. No reference code is public; this follows the paper's description and the authors' earlier
 * ELSNet (exemplar-guided synthesis), and every choice the paper leaves open is written down in
 * docs/methods.md.
 *
 * Two networks A and B of the same architecture, initialised differently (seed, seed + 1), each
 * with its own optimiser, trained together on three kinds of data each step:
 *
 * - exemplar: slices or patches of the annotated scan and of the synthetic scans made from it by
 *   3D deformation before training (`syntheticScans`, ssl/syntheticScans.ts; the batch source
 *   samples them), weakly augmented by the loop;
 * - synthetic (ssl/exemplarSynthesis.ts): exemplar samples deformed and restyled, and the
 *   deformed exemplar's structures pasted into unlabelled images (known inside the pasted
 *   region only). They take the place of half of the labelled batch (exemplarInputs), so the
 *   supervised part costs what a supervised step costs;
 * - unlabelled: a weak view w (a quarter of a batch of the loop's weakly augmented unannotated
 *   samples, at least one) and a strong view s of it (appearance change).
 *
 *   L_s    = Σ_k L_sup(net_k([exemplar; synthetic]))                 (½ (CE + Dice), known voxels)
 *   ŷ_k    = argmax softmax(net_k(w)), detached;  m_k = [max softmax ≥ τ]
 *   L_img  = L(net_B(s), ŷ_A; m_A) + L(net_A(s), ŷ_B; m_B)
 *   L_feat = L(dec_B(drop(enc_B(w))), ŷ_A; m_A) + L(dec_A(drop(enc_A(w))), ŷ_B; m_B)
 *   total  = L_s + r(t) (λ_img L_img + λ_feat L_feat)
 *
 * with L, by `mutualLoss`, CE over the confident voxels (the default, as specified) or ½ (CE +
 * Dice) over them (the supervised loss with m as its known-voxel mask); which one did better
 * depended on the rest of the method (docs/methods.md has the measurements); drop a channel
 * dropout applied to the encoder features at every resolution the decoder reads (its skip
 * connections and the bottleneck); and r the sigmoid ramp of the other methods
 * over `rampFraction` of the run. Each network's inputs go through one encoder call (labelled,
 * synthetic, weak and strong stacked, so BatchNorm sees them together as the references' joint
 * batches do) and one decoder call (clean features and the perturbed weak features).
 *
 * Inference uses both networks, the mean of their softmax (`inference`; the model file carries
 * network B as its partner): one network alone sometimes loses a structure the other keeps
 * (docs/methods.md has the measurement).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '../../data/batch.ts';
import { supervisedLoss } from '../../losses/supervisedLoss.ts';
import { crossEntropyLoss } from '../../losses/crossEntropyLoss.ts';
import type { ForwardOptions, SegmentationModel } from '../../models/segmentationModel.ts';
import { channelDropout } from '../../ops/channelDropout.ts';
import { stopGradient } from '../../ops/stopGradient.ts';
import { minimizeTerms } from '../../optim/minimize.ts';
import type { Optimizer } from '../../optim/optimizer.ts';
import type { Rng } from '../../random/rng.ts';
import { appearanceChange, concatBatches, deformBatch, pasteStructures } from '../../ssl/exemplarSynthesis.ts';
import { pseudoLabels, type PseudoLabels } from '../../ssl/maskedDice.ts';
import { rampFractionFor, rampWeight } from '../../ssl/ramps.ts';
import { createOptimizer } from '../createOptimizer.ts';
import type { ResolvedTrainConfig } from '../trainRequest.ts';
import { twinNetwork } from './twinNetwork.ts';
import { MethodBase, type StatefulPart } from './methodBase.ts';
import type { StepContext, StepLosses } from './trainingMethod.ts';

/** Levels of the sigmoid ramp of the mutual-learning weight, as CPS's (ssl/ramps.ts). */
export const EXEMPLAR_RAMP_LENGTH = 200;
/** A paper-length run, which an `auto` ramp reaches at full length (the 2D references' 30000 iterations). */
export const EXEMPLAR_REFERENCE_ITERATIONS = 30000;

export interface ExemplarOptions {
  threshold: number;
  imageWeight: number;
  featureWeight: number;
  featureDropout: number;
  pasteMargin: number;
  mutualLoss: MutualLoss;
  rampFraction: number | string;
}

/** One network's logits of one step. */
export interface ExemplarLogits {
  /** The labelled and synthetic samples. */
  supervised: tf.Tensor;
  /** The weak view, clean decode: the pseudo-label source. */
  weak: tf.Tensor;
  /** The weak view decoded from channel-dropped features. */
  perturbed: tf.Tensor;
  /** The strong view. */
  strong: tf.Tensor;
}

/**
 * A network's outputs on the step's inputs: one encoder call over `[supervised; weak; strong]`
 * and one decoder call over the clean features and the weak view's perturbed ones (training
 * mode throughout). Supervised samples whose spatial shape differs from the unlabelled views'
 * are run on their own.
 * @param dropout channel-dropout rate of the perturbed decode.
 * @param rng draws the dropout masks.
 */
export function exemplarForward(
  model: SegmentationModel,
  supervised: tf.Tensor,
  weak: tf.Tensor,
  strong: tf.Tensor,
  { dropout, rng }: { dropout: number; rng: Rng },
): ExemplarLogits {
  const forward: ForwardOptions = { training: true, decoderDropout: false };
  const count = weak.shape[0]!;
  const joint = supervised.shape.slice(1).every((n, i) => n === weak.shape[i + 1]);
  const head = joint ? supervised.shape[0]! : 0;
  return tf.tidy(() => {
    const features = model.encode(tf.concat([...(joint ? [supervised] : []), weak, strong], 0), forward);
    const stacked = features.map((f, level) => tf.concat([f, channelDropout(tf.slice(f, head, count), dropout, rng.fork(String(level)).int(2 ** 31))], 0));
    const parts = tf.split(model.decode(stacked, forward), [...(joint ? [head] : []), count, count, count], 0);
    const [weakLogits, strongLogits, perturbed] = parts.slice(joint ? 1 : 0);
    return {
      supervised: joint ? parts[0]! : model.apply(supervised, forward),
      weak: weakLogits!,
      perturbed: perturbed!,
      strong: strongLogits!,
    };
  });
}

/** The cross-model terms of one step and the share of voxels each network is confident on. */
export interface MutualTerms {
  image: tf.Scalar;
  feature: tf.Scalar;
  /** Share of weak-view voxels whose pseudo-label passes τ, mean of both networks. */
  maskRatio: tf.Scalar;
}

/** The criterion L of the mutual terms: CE over the confident voxels, or ½ (CE + foreground Dice) over them. */
export type MutualLoss = 'ce' | 'ce-dice';

/**
 * L_img and L_feat of the file comment: each network's confident weak-view pseudo-labels (its
 * logits detached) teach the OTHER network's strong-view and perturbed predictions, by `criterion`.
 */
export function mutualTerms(a: ExemplarLogits, b: ExemplarLogits, threshold: number, criterion: MutualLoss): MutualTerms {
  return tf.tidy(() => {
    const labelsOf = (logits: tf.Tensor): PseudoLabels => pseudoLabels(tf.softmax(stopGradient(logits)));
    const fromA = labelsOf(a.weak);
    const fromB = labelsOf(b.weak);
    const maskA = tf.cast(tf.greaterEqual(fromA.confidence, threshold), 'float32');
    const maskB = tf.cast(tf.greaterEqual(fromB.confidence, threshold), 'float32');
    const L = criterion === 'ce' ? crossEntropyLoss : supervisedLoss;
    const image = tf.add(L(b.strong, fromA.labels, maskA), L(a.strong, fromB.labels, maskB)) as tf.Scalar;
    const feature = tf.add(L(b.perturbed, fromA.labels, maskA), L(a.perturbed, fromB.labels, maskB)) as tf.Scalar;
    const maskRatio = tf.div(tf.add(tf.mean(maskA), tf.mean(maskB)), 2) as tf.Scalar;
    return { image, feature, maskRatio };
  });
}

/** Which sample of the labelled batch becomes which kind of supervised sample (see exemplarInputs). */
export type SupervisedKind = 'exemplar' | 'deformed' | 'pasted';

/**
 * Sample b of a labelled batch of `count`: positions 1 and 2 of every four are synthetic
 * (deformed, then pasted), the others the exemplar as the loop drew it, so a step costs what a
 * supervised step on `count` samples costs; `pasted` falls back to `deformed` where the shapes
 * do not allow pasting.
 */
export function supervisedKind(b: number, canPaste: boolean): SupervisedKind {
  const position = b % 4;
  return position === 1 ? 'deformed' : position === 2 ? (canPaste ? 'pasted' : 'deformed') : 'exemplar';
}

/**
 * Unlabelled samples a step uses for a labelled batch of `count`: a quarter of it, at least one.
 * Each costs three passes per network (weak, strong, perturbed decode); on Colin 27 650 steps
 * with a quarter gave Dice 0.731 against 0.687 for 500 steps with half a batch, in about the
 * same time (docs/methods.md). A step still costs about four supervised ones (docs/training.md).
 */
export function unlabeledCount(count: number): number {
  return Math.max(1, Math.floor(count / 4));
}

/**
 * The step's inputs: the supervised batch (as many samples as the labelled batch, each the
 * exemplar sample, its deformed and restyled copy, or that copy's structures pasted into the
 * unlabelled image of the same position, by supervisedKind), the weak view (the first
 * unlabeledCount unlabelled images) and its strong view.
 * @returns tensors the caller disposes.
 */
export function exemplarInputs(labeled: Batch, unlabeled: tf.Tensor, margin: number, rng: Rng): { supervised: Batch; weak: tf.Tensor; strong: tf.Tensor } {
  const count = labeled.images.shape[0]!;
  const canPaste = labeled.images.shape.every((n, i) => n === unlabeled.shape[i]);
  const kinds = Array.from({ length: count }, (_, b) => supervisedKind(b, canPaste));
  // Only the samples that become synthetic are deformed and restyled, and only the pasted ones pasted.
  const synthetic = kinds.flatMap((kind, b) => (kind === 'exemplar' ? [] : [b]));
  const pastedAt = synthetic.flatMap((b, j) => (kinds[b] === 'pasted' ? [j] : []));
  const deformed = synthetic.length > 0 ? deformRows(labeled, synthetic, rng.fork('deform')) : null;
  try {
    return tf.tidy(() => {
      const weak = tf.slice(unlabeled, 0, unlabeledCount(Math.min(count, unlabeled.shape[0]!)));
      const strong = appearanceChange(weak, rng.fork('strong'));
      // A batch of one has nothing synthetic: the exemplar sample alone (a copy the caller owns).
      if (!deformed)
        return { supervised: { images: tf.clone(labeled.images), targets: tf.clone(labeled.targets), mask: tf.clone(labeled.mask) }, weak, strong };
      const restyled: Batch = { ...deformed, images: appearanceChange(deformed.images, rng.fork('appearance')) };
      const pasted =
        pastedAt.length > 0
          ? [
              pasteStructures(
                gatherBatch(restyled, pastedAt),
                tf.gather(
                  unlabeled,
                  pastedAt.map((j) => synthetic[j]!),
                ),
                margin,
              ),
            ]
          : [];
      // Row b of the result: the exemplar's row b, its restyled copy, or that copy pasted.
      const rows = kinds.map((kind, b) => {
        const j = synthetic.indexOf(b);
        return kind === 'exemplar' ? b : kind === 'deformed' ? count + j : count + synthetic.length + pastedAt.indexOf(j);
      });
      return { supervised: gatherBatch(concatBatches([labeled, restyled, ...pasted]), rows), weak, strong };
    });
  } finally {
    if (deformed) tf.dispose(deformed);
  }
}

/** Rows `rows` of a batch, deformed (deformBatch); the caller disposes the result. */
function deformRows(batch: Batch, rows: number[], rng: Rng): Batch {
  const source = gatherBatch(batch, rows);
  try {
    return deformBatch(source, rng);
  } finally {
    tf.dispose(source);
  }
}

/** Rows `rows` of a batch's images, targets and mask. */
function gatherBatch(batch: Batch, rows: number[]): Batch {
  return tf.tidy(() => {
    const indices = tf.tensor1d(rows, 'int32');
    return { images: tf.gather(batch.images, indices), targets: tf.gather(batch.targets, indices), mask: tf.gather(batch.mask, indices) };
  });
}

/**
 * Reports `supervised` (L_s of both networks), `unsupervised` (r(t) (λ_img L_img + λ_feat L_feat)),
 * `weight` (r(t)), `image`, `feature` and `maskRatio`.
 */
export class ExemplarMethod extends MethodBase {
  readonly models: readonly SegmentationModel[];
  readonly usesUnlabeled = true;
  readonly options: ExemplarOptions;
  private readonly second: SegmentationModel;
  private readonly optimizer1: Optimizer;
  private readonly optimizer2: Optimizer;

  /**
   * @param first network A (models[0], used for inference), built with `config.seed`; network B
   *   is built like it with seed + 1.
   * @param config its `methodOptions` carry the exemplar options of shared/methods.ts.
   */
  constructor(
    private readonly first: SegmentationModel,
    config: ResolvedTrainConfig,
  ) {
    super();
    const o = config.methodOptions;
    this.options = {
      threshold: Number(o.threshold),
      imageWeight: Number(o.imageWeight),
      featureWeight: Number(o.featureWeight),
      featureDropout: Number(o.featureDropout),
      pasteMargin: Number(o.pasteMargin),
      mutualLoss: o.mutualLoss as MutualLoss,
      rampFraction: o.rampFraction as number | string,
    };
    this.second = twinNetwork(first, config.seed);
    this.models = [first, this.second];
    this.optimizer1 = createOptimizer(config.optimizer, first.trainableVariables());
    this.optimizer2 = createOptimizer(config.optimizer, this.second.trainableVariables());
  }

  step(labeled: Batch, unlabeled: Batch | null, { iteration, iterations, learningRate, rng }: StepContext): StepLosses {
    if (!unlabeled) throw new Error('the exemplar method needs an unlabelled batch');
    const o = this.options;
    this.optimizer1.learningRate = learningRate;
    this.optimizer2.learningRate = learningRate;
    const fraction = rampFractionFor(o.rampFraction, iterations, EXEMPLAR_REFERENCE_ITERATIONS);
    const weight = rampWeight(iteration, iterations, { weight: 1, length: EXEMPLAR_RAMP_LENGTH, fraction });
    const { supervised: data, weak, strong } = exemplarInputs(labeled, unlabeled.images, o.pasteMargin, rng.fork('inputs'));
    try {
      const variables = [...this.first.trainableVariables(), ...this.second.trainableVariables()];
      const terms = tf.tidy(() =>
        minimizeTerms([this.optimizer1, this.optimizer2], variables, () => {
          const options = (name: string) => ({ dropout: o.featureDropout, rng: rng.fork(name) });
          const a = exemplarForward(this.first, data.images, weak, strong, options('features-a'));
          const b = exemplarForward(this.second, data.images, weak, strong, options('features-b'));
          const supervised = tf.add(supervisedLoss(a.supervised, data.targets, data.mask), supervisedLoss(b.supervised, data.targets, data.mask)) as tf.Scalar;
          const mutual = mutualTerms(a, b, o.threshold, o.mutualLoss);
          const unsupervised = tf.mul(weight, tf.add(tf.mul(o.imageWeight, mutual.image), tf.mul(o.featureWeight, mutual.feature))) as tf.Scalar;
          return {
            total: tf.add(supervised, unsupervised) as tf.Scalar,
            terms: { supervised, unsupervised, image: mutual.image, feature: mutual.feature, maskRatio: mutual.maskRatio },
          };
        }),
      );
      return { ...terms, weight };
    } finally {
      tf.dispose([data, weak, strong]);
    }
  }

  /** Both networks: their mean softmax predicts (docs/methods.md gives the measurement). */
  override get inference(): readonly SegmentationModel[] {
    return this.models;
  }

  protected optimizers(): Record<string, Optimizer> {
    return { net1: this.optimizer1, net2: this.optimizer2 };
  }

  protected override auxiliaryParts(): Record<string, StatefulPart> {
    return { net2: this.second };
  }

  protected disposeParts(): void {
    this.first.dispose();
    this.second.dispose();
  }
}
