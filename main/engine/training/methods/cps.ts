/**
 * Cross pseudo supervision (Chen et al. 2021; SSL4MIS code; docs/methods.md §3): two networks of
 * the same architecture with different initialisations and their own optimisers. Each
 * minimises `L_s + λ(t) CE(its logits on the unlabelled batch, the other's hard labels)`, the
 * hard labels being the argmax of the other's detached prediction; the two losses are summed
 * and differentiated once, each optimiser updating its own network. `λ(t) = consistencyWeight ·
 * r(⌊t/q⌋, 200)`, ramped over `rampFraction` of the run (ssl/ramps.ts).
 *
 * Options from the seed report: `lovasz` adds the Lovász-softmax loss to each L_s;
 * `adaptiveWeight` (ALW) multiplies λ by the mean supervised Dice of the last epoch-like window of
 * steps before this one (adaptiveWeightWindow), so an inaccurate pair leans less on its own pseudo-labels; the
 * Dice is the soft Dice of L_s (foreground classes, known voxels), averaged over both networks,
 * and reported as `dice`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '../../data/batch.ts';
import { diceLoss } from '../../losses/diceLoss.ts';
import { lovaszSoftmax } from '../../losses/lovaszSoftmax.ts';
import { supervisedLoss } from '../../losses/supervisedLoss.ts';
import type { SegmentationModel } from '../../models/segmentationModel.ts';
import { minimizeTerms } from '../../optim/minimize.ts';
import type { Optimizer } from '../../optim/optimizer.ts';
import { crossPseudoSupervision } from '../../ssl/crossPseudoSupervision.ts';
import { jointForward } from '../../ssl/jointForward.ts';
import { rampFractionFor, rampWeight } from '../../ssl/ramps.ts';
import { createOptimizer } from '../createOptimizer.ts';
import type { ResolvedTrainConfig } from '../trainRequest.ts';
import { twinNetwork } from './twinNetwork.ts';
import { MethodBase, type StatefulPart } from './methodBase.ts';
import type { StepContext, StepLosses } from './trainingMethod.ts';

/** Ramp length L of the pseudo-supervision weight in ramp steps (docs/methods.md: `r(⌊t/150⌋, 200)`). */
export const CPS_RAMP_LENGTH = 200;
/** The reference run's length (SSL4MIS CPS on ACDC: 30000 iterations), which an `auto` ramp reaches at full length. */
export const CPS_REFERENCE_ITERATIONS = 30000;

/** The report's epoch, whose Dice ALW averages: its 16 labelled LA scans at 2 per batch. Used when the run's data is not known. */
export const REPORT_EPOCH_STEPS = 8;
/** Fewest steps ALW averages over: fewer, and the weight would follow one batch's Dice (a batch of two slices can miss a structure). */
export const MIN_ADAPTIVE_WEIGHT_WINDOW = 4;
/** Largest share of the run one window spans, so that the weight still follows the pair's accuracy as it improves. */
export const MAX_ADAPTIVE_WEIGHT_RUN_SHARE = 0.1;

/**
 * Steps whose supervised Dice ALW averages at a step of a run of `iterations`: an epoch as the
 * report's, a pass over the labelled data (`epochSteps` = ⌈labelled slices or scans / labelled
 * batch size⌉), but no more than MAX_ADAPTIVE_WEIGHT_RUN_SHARE of the run (a few annotated
 * scans make an epoch of hundreds of 2D steps) and no fewer than MIN_ADAPTIVE_WEIGHT_WINDOW (a
 * few annotated slices make an epoch of one).
 */
export function adaptiveWeightWindow(epochSteps: number, iterations: number): number {
  return Math.max(MIN_ADAPTIVE_WEIGHT_WINDOW, Math.min(epochSteps, Math.floor(MAX_ADAPTIVE_WEIGHT_RUN_SHARE * iterations)));
}

export class CpsMethod extends MethodBase {
  readonly models: readonly SegmentationModel[];
  readonly usesUnlabeled = true;
  private readonly second: SegmentationModel;
  private readonly optimizer1: Optimizer;
  private readonly optimizer2: Optimizer;
  private readonly options: { consistencyWeight: number; adaptiveWeight: boolean; lovasz: boolean; rampFraction: number | string };
  /** Steps of one pass over the labelled data (adaptiveWeightWindow). */
  readonly epochSteps: number;
  private readonly recentDice: RecentValues;

  /**
   * @param first network 1 (models[0], used for inference), built with `config.seed`.
   * @param config network 2 is built like network 1 with seed + 1; `methodOptions` carry
   *   consistencyWeight, adaptiveWeight, lovasz and rampFraction; `trainingData` and `batchSize`
   *   set ALW's epoch.
   */
  constructor(
    private readonly first: SegmentationModel,
    config: ResolvedTrainConfig,
  ) {
    super();
    const o = config.methodOptions;
    this.options = {
      consistencyWeight: Number(o.consistencyWeight),
      adaptiveWeight: o.adaptiveWeight === true,
      lovasz: o.lovasz === true,
      rampFraction: o.rampFraction as number | string,
    };
    const data = config.trainingData;
    this.epochSteps = data ? Math.ceil(data.labeled / config.batchSize) : REPORT_EPOCH_STEPS;
    // Every window a run can ask for: never longer than an epoch nor shorter than the floor.
    this.recentDice = new RecentValues(Math.max(MIN_ADAPTIVE_WEIGHT_WINDOW, this.epochSteps));
    this.second = twinNetwork(first, config.seed);
    this.models = [first, this.second];
    this.optimizer1 = createOptimizer(config.optimizer, first.trainableVariables());
    this.optimizer2 = createOptimizer(config.optimizer, this.second.trainableVariables());
  }

  step(labeled: Batch, unlabeled: Batch | null, { iteration, iterations, learningRate }: StepContext): StepLosses {
    if (!unlabeled) throw new Error('cps needs an unlabelled batch');
    this.optimizer1.learningRate = learningRate;
    this.optimizer2.learningRate = learningRate;
    const fraction = rampFractionFor(this.options.rampFraction, iterations, CPS_REFERENCE_ITERATIONS);
    const ramped = rampWeight(iteration, iterations, { weight: this.options.consistencyWeight, length: CPS_RAMP_LENGTH, fraction });
    // ALW follows the Dice of the steps before this one, read after each (afterStep): the
    // webgpu backend can read a value only asynchronously, after the step. None yet: weight 0.
    const weight = this.options.adaptiveWeight ? ramped * this.recentDice.mean(adaptiveWeightWindow(this.epochSteps, iterations)) : ramped;
    const variables = [...this.first.trainableVariables(), ...this.second.trainableVariables()];
    const terms = tf.tidy(() =>
      minimizeTerms([this.optimizer1, this.optimizer2], variables, () => {
        const [labeled1, unlabeled1] = jointForward(this.first, labeled.images, unlabeled.images, { training: true });
        const [labeled2, unlabeled2] = jointForward(this.second, labeled.images, unlabeled.images, { training: true });
        const supervised1 = this.supervised(labeled1, labeled);
        const supervised2 = this.supervised(labeled2, labeled);
        const report: Record<string, tf.Scalar> = {};
        if (this.options.adaptiveWeight) {
          report.dice = tf.sub(1, tf.mean(tf.stack([dice(labeled1, labeled), dice(labeled2, labeled)]))) as tf.Scalar;
        }
        const [pseudo1, pseudo2] = crossPseudoSupervision(unlabeled1, unlabeled2);
        const supervised = tf.add(supervised1, supervised2) as tf.Scalar;
        const unsupervised = tf.mul(tf.add(pseudo1, pseudo2), weight) as tf.Scalar;
        return {
          total: tf.add(supervised, unsupervised) as tf.Scalar,
          terms: { supervised, unsupervised, supervised1, supervised2, pseudo1, pseudo2, ...report },
        };
      }),
    );
    return { ...terms, weight };
  }

  afterStep(losses: Record<string, number>): void {
    if (this.options.adaptiveWeight && losses.dice !== undefined) this.recentDice.push(losses.dice);
  }

  /** L_s of one network, plus the Lovász-softmax loss with the `lovasz` option. */
  private supervised(logits: tf.Tensor, labeled: Batch): tf.Scalar {
    const loss = supervisedLoss(logits, labeled.targets, labeled.mask);
    return this.options.lovasz ? (tf.add(loss, lovaszSoftmax(tf.softmax(logits), labeled.targets, labeled.mask)) as tf.Scalar) : loss;
  }

  protected optimizers(): Record<string, Optimizer> {
    return { net1: this.optimizer1, net2: this.optimizer2 };
  }

  protected override auxiliaryParts(): Record<string, StatefulPart> {
    return { net2: this.second, ...(this.options.adaptiveWeight ? { alw: this.recentDice } : {}) };
  }

  protected disposeParts(): void {
    this.first.dispose();
    this.second.dispose();
  }
}

/** Soft Dice loss of a network's labelled logits, as in L_s. */
function dice(logits: tf.Tensor, labeled: Batch): tf.Scalar {
  return diceLoss(tf.softmax(logits), labeled.targets, labeled.mask);
}

/** The last `capacity` numbers, checkpointed as one tensor so a resumed run continues the average. */
class RecentValues implements StatefulPart {
  private values: number[] = [];

  constructor(private readonly capacity: number) {}

  push(value: number): void {
    this.values.push(value);
    if (this.values.length > this.capacity) this.values.shift();
  }

  /** Mean of the last `count` numbers (all there are, when fewer; 0 when none). */
  mean(count: number): number {
    const last = this.values.slice(-count);
    return last.length === 0 ? 0 : last.reduce((a, b) => a + b, 0) / last.length;
  }

  getWeights(): Map<string, tf.Tensor> {
    return new Map([['values', tf.tensor1d(this.values)]]);
  }

  setWeights(weights: Map<string, tf.Tensor>): void {
    const values = weights.get('values');
    this.values = values ? Array.from(values.dataSync()).slice(-this.capacity) : [];
  }
}
