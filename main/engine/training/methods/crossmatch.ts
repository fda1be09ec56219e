/**
 * CrossMatch (Zhao et al. 2024, seed 001; docs/methods.md §3), as its reference code (AiEson/CrossMatch,
 * ACDC and LA training scripts) trains it. One network; per unlabelled weak view w, two strong
 * views s1, s2 (independent strong perturbations of w, then CutMix). The clean decode of w is
 * the teacher; decodes of w and s2 after weak and strong channel dropout on the encoder features
 * are the students and teaching assistants:
 *
 *   L_ip  = ¼ D(p_s1, ŷ_wn¹) + ¼ D(p_s2, ŷ_wn²)
 *   L_tkd = ¼ [D(p_ww, ŷ_wn) + D(p_ws, ŷ_wn) + D(p_sw, ŷ_wn²) + D(p_ss, ŷ_wn²)]
 *   L_dkd = ½ [D(p_sw, ŷ_ww²) + D(p_ss, ŷ_ws²)]
 *   L_kd  = (1 - η) L_tkd + η L_dkd,   total = (L_s + L_ip + κ L_kd) / 2
 *
 * with D the confidence-masked Dice (ssl/maskedDice.ts), ŷ hard labels of detached outputs and
 * ⁱ marking a label map CutMixed with the box of view sᵢ. As in the reference, a TA's label
 * counts where the TA itself is confident (its `conf_u_w_weak`), the teacher's where the teacher is.
 *
 * Passes through the network, following the reference's BatchNorm grouping of the encoder: the
 * labelled images are encoded together with w (`net(cat(img_x, img_u_w))`) and s1 with s2
 * (`net(cat(img_u_s1, img_u_s2))`), all in training mode. The reference then decodes each of the
 * two groups with its perturbations in its own call; here every decode (labelled, w, s1, s2 clean;
 * w and s2 weak and strong) is ONE decoder call, as docs/methods.md and the paper's Algorithm 1
 * stack them, so the decoder's BatchNorm sees one batch of Bₗ + 7B instead of the reference's
 * two, of Bₗ + 3B (labelled, w and its two perturbations) and of 4B (s1, s2 and s2's two).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '../../data/batch.ts';
import type { DiceLossOptions } from '../../losses/diceLoss.ts';
import { supervisedLoss } from '../../losses/supervisedLoss.ts';
import type { ForwardOptions, SegmentationModel } from '../../models/segmentationModel.ts';
import type { NetworkKind } from '../../../../shared/networks.ts';
import { stopGradient } from '../../ops/stopGradient.ts';
import { minimizeTerms } from '../../optim/minimize.ts';
import type { Optimizer } from '../../optim/optimizer.ts';
import type { Rng } from '../../random/rng.ts';
import { cutMix, cutMixPartners, mixWithPartners } from '../../ssl/cutMix.ts';
import { decodeWithFeaturePerturbation } from '../../ssl/featurePerturbation.ts';
import { maskedDice, pseudoLabels, type MaskedDiceOptions, type PseudoLabels } from '../../ssl/maskedDice.ts';
import { sigmoidRampUp } from '../../ssl/ramps.ts';
import { strongPerturbation } from '../../ssl/strongPerturbation.ts';
import { createOptimizer } from '../createOptimizer.ts';
import type { ResolvedTrainConfig } from '../trainRequest.ts';
import { MethodBase } from './methodBase.ts';
import type { StepContext, StepLosses } from './trainingMethod.ts';

/**
 * The Dice of the criterion as each reference computes it: Σp² in the denominator; ACDC's
 * DiceLoss over all four classes with ε = 1e-4, LA's dice_loss on the foreground with ε = 1e-5.
 */
export const REFERENCE_CRITERION_DICE: Readonly<Record<NetworkKind, DiceLossOptions>> = {
  unet2d: { classes: 'all', squared: true, epsilon: 1e-4 },
  vnet3d: { classes: 'foreground', squared: true, epsilon: 1e-5 },
};

/**
 * Length of the LA reference's threshold ramp as a share of its run: `sigmoid_rampup(iter, 17000)`
 * in a run of `--max_iterations 14000` (train.sh).
 */
export const REFERENCE_THRESHOLD_RAMP_SHARE = 17000 / 14000;

export type ThresholdSchedule = 'fixed' | 'reference';

/**
 * τ in force at `iteration`. 'fixed': `threshold`. 'reference': the LA script's
 * `(τ₀ + (1 - τ₀) r(t, L)) ln 2`, computed after each step for the next one (so step t uses
 * r(t - 1, L), and the first step the unscaled τ₀), with L = 17000/14000 of this run. For its
 * two classes the confidence is at least ½, so from τ₀ = 0.75 the threshold starts at 0.52 and
 * admits almost every voxel; ln 2 is the reference's constant whatever the number of classes.
 * @param iteration 0-based t.
 * @param iterations the run's length.
 * @param threshold τ₀ (the `threshold` option; the reference's `--conf_thresh`).
 */
export function crossMatchThreshold(iteration: number, iterations: number, threshold: number, schedule: ThresholdSchedule): number {
  if (schedule === 'fixed' || iteration === 0) return threshold;
  return (threshold + (1 - threshold) * sigmoidRampUp(iteration - 1, REFERENCE_THRESHOLD_RAMP_SHARE * iterations)) * Math.LN2;
}

/** Logits of one CrossMatch forward, named as in docs/methods.md. */
export interface CrossMatchLogits {
  /** Labelled images. */
  labeled: tf.Tensor;
  /** Weak view, clean decode: the teacher. */
  wn: tf.Tensor;
  /** Weak view, weak / strong feature dropout. */
  ww: tf.Tensor;
  ws: tf.Tensor;
  /** Strong view s2, weak / strong feature dropout. */
  sw: tf.Tensor;
  ss: tf.Tensor;
  /** Strong views, clean decodes. */
  s1: tf.Tensor;
  s2: tf.Tensor;
}

/**
 * The network's outputs of one step: two encoder calls (`[labelled; w]` and `[s1; s2]`) and one
 * decoder call over every clean and perturbed version (see the file comment). Batches whose
 * spatial shapes differ from the unlabelled views' (whole slices of differently shaped scans) are
 * run on their own instead. Training mode throughout, without V-Net's dropout on the last decoder
 * feature (the reference's `need_fp` decodes pass `no_drop=True`).
 * @param rng draws the feature-dropout masks.
 */
export function crossMatchForward(
  model: SegmentationModel,
  labeled: tf.Tensor,
  weak: tf.Tensor,
  strong1: tf.Tensor,
  strong2: tf.Tensor,
  { weakRate, strongRate, rng }: { weakRate: number; strongRate: number; rng: Rng },
): CrossMatchLogits {
  const forward: ForwardOptions = { training: true, decoderDropout: false };
  const labeledCount = labeled.shape[0]!;
  const count = weak.shape[0]!;
  const joint = labeled.shape.slice(1).every((n, i) => n === weak.shape[i + 1]);
  return tf.tidy(() => {
    const first = model.encode(joint ? tf.concat([labeled, weak], 0) : weak, forward);
    const second = model.encode(tf.concat([strong1, strong2], 0), forward);
    const offset = joint ? labeledCount : 0;
    const clean = first.map((f, level) => tf.concat([f, second[level]!], 0));
    const perturbed = first.map((f, level) => tf.concat([tf.slice(f, offset, count), tf.slice(second[level]!, count, count)], 0));
    const out = decodeWithFeaturePerturbation(model, clean, perturbed, { weakRate, strongRate, rng, forward });
    const cleanParts = tf.split(out.clean, [...(joint ? [labeledCount] : []), count, count, count], 0);
    const [wn, s1, s2] = cleanParts.slice(joint ? 1 : 0);
    const [ww, sw] = tf.split(out.weak, 2, 0);
    const [ws, ss] = tf.split(out.strong, 2, 0);
    return {
      labeled: joint ? cleanParts[0]! : model.apply(labeled, forward),
      wn: wn!,
      ww: ww!,
      ws: ws!,
      sw: sw!,
      ss: ss!,
      s1: s1!,
      s2: s2!,
    };
  });
}

/** How the strong views were CutMixed: common partners, one box mask per view. */
export interface CrossMatchMix {
  partners: readonly number[];
  /** [B, …spatial] box masks of s1 and s2. */
  box1: tf.Tensor;
  box2: tf.Tensor;
}

export interface CrossMatchLossOptions {
  threshold: number;
  eta: number;
  criterion: MaskedDiceOptions;
}

/** The unsupervised terms of one step, and the share of voxels where the teacher is confident. */
export interface CrossMatchTerms {
  ip: tf.Scalar;
  tkd: tf.Scalar;
  dkd: tf.Scalar;
  kd: tf.Scalar;
  maskRatio: tf.Scalar;
}

/**
 * L_ip, L_tkd, L_dkd and L_kd of the file comment from the unlabelled logits. Targets are hard
 * labels of detached outputs (p_wn for the teacher, p_ww and p_ws for the TAs): no gradient
 * reaches the teacher, and the TA outputs are trained only as students of the teacher (in L_tkd).
 * Pseudo-labels of the strong views are CutMixed with the views' boxes and partners, the
 * confidences with them. `maskRatio` = share of voxels with teacher confidence ≥ τ, unmixed (the
 * reference's mask ratio).
 */
export function crossMatchLosses(logits: Omit<CrossMatchLogits, 'labeled'>, mix: CrossMatchMix, options: CrossMatchLossOptions): CrossMatchTerms {
  const { threshold, eta, criterion } = options;
  return tf.tidy(() => {
    const detached = (t: tf.Tensor) => tf.softmax(stopGradient(t));
    const mixed = (probabilities: tf.Tensor, box: tf.Tensor) => pseudoLabels(mixWithPartners(probabilities, mix.partners, box));
    const teacher = detached(logits.wn);
    const own = pseudoLabels(teacher);
    const view1 = mixed(teacher, mix.box1);
    const view2 = mixed(teacher, mix.box2);
    const weakTa = mixed(detached(logits.ww), mix.box2);
    const strongTa = mixed(detached(logits.ws), mix.box2);
    const d = (prediction: tf.Tensor, target: PseudoLabels) => maskedDice(prediction, target.labels, target.confidence, threshold, criterion);
    const ip = tf.mul(0.25, tf.add(d(logits.s1, view1), d(logits.s2, view2))) as tf.Scalar;
    const tkd = tf.div(tf.addN([d(logits.ww, own), d(logits.ws, own), d(logits.sw, view2), d(logits.ss, view2)]), 4) as tf.Scalar;
    const dkd = tf.div(tf.add(d(logits.sw, weakTa), d(logits.ss, strongTa)), 2) as tf.Scalar;
    const kd = tf.add(tf.mul(1 - eta, tkd), tf.mul(eta, dkd)) as tf.Scalar;
    const maskRatio = tf.mean(tf.cast(tf.greaterEqual(own.confidence, threshold), 'float32')) as tf.Scalar;
    return { ip, tkd, dkd, kd, maskRatio };
  });
}

/**
 * The step's objective `(L_s + L_ip + κ L_kd) / 2`, and its unsupervised share
 * `(L_ip + κ L_kd) / 2`.
 */
export function crossMatchObjective(supervised: tf.Scalar, ip: tf.Scalar, kd: tf.Scalar, kappa: number): { total: tf.Scalar; unsupervised: tf.Scalar } {
  return tf.tidy(() => {
    const unsupervised = tf.mul(0.5, tf.add(ip, tf.mul(kappa, kd))) as tf.Scalar;
    return { total: tf.add(tf.mul(0.5, supervised), unsupervised) as tf.Scalar, unsupervised };
  });
}

export interface CrossMatchOptions {
  threshold: number;
  thresholdSchedule: ThresholdSchedule;
  eta: number;
  kappa: number;
  weakDropout: number;
  strongDropout: number;
  ce: boolean;
}

/**
 * Reports `supervised` (L_s), `unsupervised` ((L_ip + κ L_kd) / 2, its share of the total),
 * `weight` (κ; CrossMatch has no ramp), `ip`, `tkd`, `dkd`, `maskRatio` and `threshold` (τ).
 */
export class CrossMatchMethod extends MethodBase {
  readonly models: readonly SegmentationModel[];
  readonly usesUnlabeled = true;
  readonly options: CrossMatchOptions;
  private readonly optimizer: Optimizer;
  private readonly criterion: MaskedDiceOptions;

  /** @param config its `methodOptions` carry the crossmatch options of shared/methods.ts. */
  constructor(
    private readonly model: SegmentationModel,
    config: ResolvedTrainConfig,
  ) {
    super();
    const o = config.methodOptions;
    const schedule = String(o.thresholdSchedule);
    if (schedule !== 'fixed' && schedule !== 'reference') throw new Error(`unknown crossmatch threshold schedule "${schedule}"`);
    this.options = {
      threshold: Number(o.threshold),
      thresholdSchedule: schedule,
      eta: Number(o.eta),
      kappa: Number(o.kappa),
      weakDropout: Number(o.weakDropout),
      strongDropout: Number(o.strongDropout),
      ce: o.ce === true,
    };
    this.criterion = { dice: REFERENCE_CRITERION_DICE[model.kind], ce: this.options.ce };
    this.models = [model];
    this.optimizer = createOptimizer(config.optimizer, model.trainableVariables());
  }

  step(labeled: Batch, unlabeled: Batch | null, context: StepContext): StepLosses {
    if (!unlabeled) throw new Error('CrossMatch needs an unlabelled batch');
    const { iteration, iterations, learningRate, rng } = context;
    const { kappa, eta, weakDropout, strongDropout } = this.options;
    this.optimizer.learningRate = learningRate;
    const threshold = crossMatchThreshold(iteration, iterations, this.options.threshold, this.options.thresholdSchedule);
    const terms = tf.tidy(() => {
      const weak = unlabeled.images;
      const partners = cutMixPartners(weak.shape[0]!, rng.fork('partners'));
      const view1 = cutMix(strongPerturbation(weak, rng.fork('strong1')), partners, rng.fork('cutmix1'));
      const view2 = cutMix(strongPerturbation(weak, rng.fork('strong2')), partners, rng.fork('cutmix2'));
      return minimizeTerms([this.optimizer], this.model.trainableVariables(), () => {
        const logits = crossMatchForward(this.model, labeled.images, weak, view1.images, view2.images, {
          weakRate: weakDropout,
          strongRate: strongDropout,
          rng: rng.fork('features'),
        });
        const supervised = supervisedLoss(logits.labeled, labeled.targets, labeled.mask);
        const u = crossMatchLosses(logits, { partners, box1: view1.mask, box2: view2.mask }, { threshold, eta, criterion: this.criterion });
        const { total, unsupervised } = crossMatchObjective(supervised, u.ip, u.kd, kappa);
        return {
          total,
          terms: { supervised, unsupervised, ip: u.ip, tkd: u.tkd, dkd: u.dkd, maskRatio: u.maskRatio },
        };
      });
    });
    return { ...terms, weight: kappa, threshold };
  }

  protected optimizers(): Record<string, Optimizer> {
    return { model: this.optimizer };
  }

  protected disposeParts(): void {
    this.model.dispose();
  }
}
