/**
 * CAML, correlation-aware mutual learning (Gao et al. 2023, seed 000; Herschel555/CAML code;
 * docs/methods.md §3 caml). Two networks see the same batch of labelled and unlabelled samples:
 * V, the plain V-Net / U-Net used for inference (models[0]), and A, the auxiliary network with
 * Cross-sample Mutual Attention and another decoder upsampling (models/camlAuxiliary*.ts).
 * Each has a projection and a prediction head on its last decoder feature.
 *
 * Per step, with P = softmax of each network over the whole batch:
 * - `L_s` = Dice of V + Dice of A on the labelled samples (unknown voxels excluded); with
 *   `diceCe`, Dice + CE each.
 * - `L_c` mutual loss over all samples: `MSE(P_V, S(P_A)) + MSE(P_A, S(P_V))`, S the sharpening
 *   `P^10 / (P^10 + (1 − P)^10)`; with `consistency = cps` the CE of each network against the
 *   other's detached hard labels.
 * - Memory bank: for each labelled sample (keyed by its case id, Batch.ids; by its position in
 *   the batch when the source gives no ids), the embeddings at known voxels where both
 *   networks' argmax equals the label: the mean of V's and A's projection heads (BN in
 *   inference mode, as the reference runs them under model.eval()), read out as plain numbers,
 *   so detached. Then `prototypes` per class are drawn from all slots.
 * - The sharpened targets of `L_c` are not detached, as in the reference (see sharpenedMutualLoss).
 * - `L_o` omni-correlation on the unlabelled samples: voxels where argmax V = argmax A, class
 *   and confidence from V; both networks' features there go through their projection and
 *   prediction heads (training mode, BN over those voxels); per class the `topK` most
 *   confident; `mean(−corr_A · log(corr_V + 1e-8))` against the prototypes (ssl/omniCorrelation.ts).
 * - Total `0.5 L_s + λ_c L_c + λ_o L_o`, `λ_c = mutualWeight · r`, `λ_o = omniWeight · r`,
 *   r the sigmoid ramp with R levels over `rampFraction` of the run, R following the run's
 *   labelled share (camlRampLength).
 *
 * Reported: `supervised` = 0.5 L_s, `mutual` = L_c, `omni` = L_o (both unweighted),
 * `unsupervised` = λ_c L_c + λ_o L_o, `weight` = λ_c, `omniWeight` = λ_o, `prototypes` (rows drawn).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '../../data/batch.ts';
import { crossEntropyLoss } from '../../losses/crossEntropyLoss.ts';
import { diceLoss } from '../../losses/diceLoss.ts';
import { CamlAuxiliaryUNet2d } from '../../models/camlAuxiliaryUNet2d.ts';
import { CamlAuxiliaryVNet3d } from '../../models/camlAuxiliaryVNet3d.ts';
import type { SegmentationModel } from '../../models/segmentationModel.ts';
import { minimizeTerms } from '../../optim/minimize.ts';
import type { Optimizer } from '../../optim/optimizer.ts';
import { crossPseudoSupervision } from '../../ssl/crossPseudoSupervision.ts';
import { meanSquaredConsistency } from '../../ssl/consistencyLoss.ts';
import { MemoryBank } from '../../ssl/memoryBank.ts';
import { omniCorrelationLoss, selectTopKPerClass, type Similarity } from '../../ssl/omniCorrelation.ts';
import { ProjectionHead } from '../../ssl/projectionHead.ts';
import { jointDecode, type DecodedBatch, type JointDecoded } from '../../ssl/jointDecode.ts';
import { rampFractionFor, rampWeight } from '../../ssl/ramps.ts';
import { createOptimizer } from '../createOptimizer.ts';
import type { TrainingData } from '../batchSource.ts';
import type { ResolvedTrainConfig } from '../trainRequest.ts';
import { MethodBase, type StatefulPart } from './methodBase.ts';
import type { StepContext, StepLosses } from './trainingMethod.ts';

/**
 * Ramp length R by labelled share, as the reference trained LA with 4, 8 and 16 of its 80 scans
 * labelled (5 %, 10 %, 20 %): `--consistency_rampup` 40, 20 and 15.
 */
export const CAML_RAMP_LENGTHS: ReadonlyArray<readonly [share: number, length: number]> = [
  [0.05, 40],
  [0.1, 20],
  [0.2, 15],
];
/** The reference's length when the run's share is not known: its default (`--consistency_rampup 40`, with its default 5 % labelled). */
export const DEFAULT_CAML_RAMP_LENGTH = CAML_RAMP_LENGTHS[0]![1];
/** The reference run's length (CAML on LA: 15000 iterations), which an `auto` ramp reaches at full length. */
export const CAML_REFERENCE_ITERATIONS = 15000;
/** Iterations per ramp level in the reference (`iter_num // 150`): its ramp ends at iteration 150 R. */
export const CAML_REFERENCE_RAMP_STEP = 150;

/**
 * R for a labelled share: linear between the reference's settings (a share between two of them
 * gets a length between theirs, not a jump at an arbitrary midpoint), rounded to whole levels;
 * below 5 % the 5 % setting, above 20 % the 20 % setting (the reference shortens the ramp as
 * labels grow, and nothing says by how much beyond its table).
 */
export function camlRampLength(share: number): number {
  const first = CAML_RAMP_LENGTHS[0]!;
  const last = CAML_RAMP_LENGTHS[CAML_RAMP_LENGTHS.length - 1]!;
  if (share <= first[0]) return first[1];
  if (share >= last[0]) return last[1];
  const upper = CAML_RAMP_LENGTHS.findIndex(([s]) => s >= share);
  const [s0, r0] = CAML_RAMP_LENGTHS[upper - 1]!;
  const [s1, r1] = CAML_RAMP_LENGTHS[upper]!;
  return Math.round(r0 + ((r1 - r0) * (share - s0)) / (s1 - s0));
}

/**
 * The labelled share of what a run samples from, `labelled / (labelled + unlabelled)` slices
 * (2D) or scans (3D), held-out ones left out as the reference's test scans are; null when the
 * configuration does not say (built without data).
 */
export function labeledShare(data: TrainingData | undefined): number | null {
  return data ? data.labeled / (data.labeled + data.unlabeled) : null;
}

/** Exponent 1/T of the sharpening, T = 0.1 as the reference's `--temperature`. */
const SHARPENING_POWER = 10;

export interface CamlOptions {
  consistency: 'sharpened-mse' | 'cps';
  similarity: Similarity;
  embeddingDim: number;
  temperature: number;
  prototypes: number;
  topK: number;
  mutualWeight: number;
  omniWeight: number;
  diceCe: boolean;
  rampFraction: number | string;
}

/** `S = P^10 / (P^10 + (1 − P)^10)`, element-wise: pushes probabilities towards 0 or 1. */
export function sharpen(probabilities: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const p = tf.pow(probabilities, SHARPENING_POWER);
    return tf.div(p, tf.add(p, tf.pow(tf.sub(1, probabilities), SHARPENING_POWER)));
  });
}

/**
 * The reference's mutual loss `MSE(P_V, S(P_A)) + MSE(P_A, S(P_V))` (mean over every element).
 * Not detached: the reference writes the sharpened maps into a tensor with autograd history
 * (`y_pseudo_label[i] = sharpening(…)`), so each term also trains the network behind the target.
 */
export function sharpenedMutualLoss(probabilitiesV: tf.Tensor, probabilitiesA: tf.Tensor): tf.Scalar {
  return tf.tidy(
    () => tf.add(meanSquaredConsistency(probabilitiesV, sharpen(probabilitiesA)), meanSquaredConsistency(probabilitiesA, sharpen(probabilitiesV))) as tf.Scalar,
  );
}

/**
 * Rows (flat voxel indices into [B·voxels]) of the known voxels of each sample where both
 * networks' argmax equals the label: the voxels whose embeddings enter the memory bank.
 */
export function correctlyPredicted(
  predictedV: ArrayLike<number>,
  predictedA: ArrayLike<number>,
  targets: ArrayLike<number>,
  mask: ArrayLike<number>,
  batch: number,
): number[][] {
  const voxels = targets.length / batch;
  return Array.from({ length: batch }, (_, b) => {
    const rows: number[] = [];
    for (let v = b * voxels; v < (b + 1) * voxels; v++) {
      if (mask[v]! > 0 && predictedV[v] === targets[v] && predictedA[v] === targets[v]) rows.push(v);
    }
    return rows;
  });
}

export class CamlMethod extends MethodBase {
  readonly models: readonly SegmentationModel[];
  readonly usesUnlabeled = true;
  readonly options: CamlOptions;
  /** R, from the run's labelled share (camlRampLength). */
  readonly rampLength: number;
  private readonly auxiliary: SegmentationModel & StatefulPart;
  private readonly headV: ProjectionHead;
  private readonly headA: ProjectionHead;
  private readonly bank: MemoryBank;
  private readonly optimizerV: Optimizer;
  private readonly optimizerA: Optimizer;

  /**
   * @param vanilla network V (models[0], used for inference), built with `config.seed`.
   * @param config A is built with seed + 1, the heads with seed + 2 and + 3; `methodOptions`
   *   carry the caml options of shared/methods.ts.
   */
  constructor(
    private readonly vanilla: SegmentationModel,
    config: ResolvedTrainConfig,
  ) {
    super();
    this.options = camlOptions(config.methodOptions);
    const share = labeledShare(config.trainingData);
    this.rampLength = share === null ? DEFAULT_CAML_RAMP_LENGTH : camlRampLength(share);
    const spec = { numClasses: vanilla.numClasses, width: vanilla.width, inChannels: vanilla.inChannels, seed: config.seed + 1 };
    this.auxiliary = vanilla.kind === 'unet2d' ? new CamlAuxiliaryUNet2d(spec) : new CamlAuxiliaryVNet3d(spec);
    const head = (seed: number) => new ProjectionHead({ inChannels: vanilla.width, embeddingDim: this.options.embeddingDim, seed });
    this.headV = head(config.seed + 2);
    this.headA = head(config.seed + 3);
    this.bank = new MemoryBank(this.options.embeddingDim, vanilla.numClasses);
    this.models = [vanilla, this.auxiliary];
    this.optimizerV = createOptimizer(config.optimizer, [...vanilla.trainableVariables(), ...this.headV.trainableVariables()]);
    this.optimizerA = createOptimizer(config.optimizer, [...this.auxiliary.trainableVariables(), ...this.headA.trainableVariables()]);
  }

  step(labeled: Batch, unlabeled: Batch | null, { iteration, iterations, learningRate, rng }: StepContext): StepLosses {
    if (!unlabeled) throw new Error('caml needs an unlabelled batch');
    const o = this.options;
    this.optimizerV.learningRate = learningRate;
    this.optimizerA.learningRate = learningRate;
    // An `auto` ramp of a reference-length run ends where the reference's does, at iteration 150 R.
    const referenceShare = (CAML_REFERENCE_RAMP_STEP * this.rampLength) / CAML_REFERENCE_ITERATIONS;
    const fraction = rampFractionFor(o.rampFraction, iterations, CAML_REFERENCE_ITERATIONS, referenceShare);
    const ramp = (weight: number) => rampWeight(iteration, iterations, { weight, length: this.rampLength, fraction });
    const [mutualWeight, omniWeight] = [ramp(o.mutualWeight), ramp(o.omniWeight)];
    const variables = [
      ...this.vanilla.trainableVariables(),
      ...this.headV.trainableVariables(),
      ...this.auxiliary.trainableVariables(),
      ...this.headA.trainableVariables(),
    ];
    let prototypeCount = 0;
    const terms = tf.tidy(() =>
      minimizeTerms([this.optimizerV, this.optimizerA], variables, () => {
        const v = jointDecode(this.vanilla, labeled.images, unlabeled.images, { training: true });
        const a = jointDecode(this.auxiliary, labeled.images, unlabeled.images, { training: true });
        const supervisedSum = tf.add(this.supervisedLoss(v.labeled.logits, labeled), this.supervisedLoss(a.labeled.logits, labeled));
        const mutual = this.mutualLoss(v, a);

        this.updateBank(labeled, v.labeled, a.labeled);
        const drawn = this.bank.sample(o.prototypes, rng.fork('prototypes'));
        prototypeCount = drawn ? drawn.features.shape[0] : 0;
        const omni = this.omniLoss(v.unlabeled, a.unlabeled, drawn?.features ?? null);

        const supervised = tf.mul(0.5, supervisedSum) as tf.Scalar;
        const unsupervised = tf.add(tf.mul(mutualWeight, mutual), tf.mul(omniWeight, omni)) as tf.Scalar;
        return { total: tf.add(supervised, unsupervised) as tf.Scalar, terms: { supervised, unsupervised, mutual, omni } };
      }),
    );
    return { ...terms, weight: mutualWeight, omniWeight, prototypes: prototypeCount };
  }

  /** Dice (and CE with diceCe) of one network's labelled logits. */
  private supervisedLoss(logits: tf.Tensor, labeled: Batch): tf.Scalar {
    const dice = diceLoss(tf.softmax(logits), labeled.targets, labeled.mask);
    return this.options.diceCe ? (tf.add(dice, crossEntropyLoss(logits, labeled.targets, labeled.mask)) as tf.Scalar) : dice;
  }

  /** L_c over labelled and unlabelled samples together. */
  private mutualLoss(v: JointDecoded, a: JointDecoded): tf.Scalar {
    // Every voxel of both batches as rows [N, C].
    const rows = (o: JointDecoded) => tf.concat([o.labeled.logits, o.unlabeled.logits].map((l) => tf.reshape(l, [-1, this.vanilla.numClasses])));
    const [logitsV, logitsA] = [rows(v), rows(a)];
    if (this.options.consistency === 'cps') {
      const [termV, termA] = crossPseudoSupervision(logitsV, logitsA);
      return tf.add(termV, termA) as tf.Scalar;
    }
    return sharpenedMutualLoss(tf.softmax(logitsV), tf.softmax(logitsA));
  }

  /** Overwrites each labelled case's slot with this crop's correctly predicted embeddings. */
  private updateBank(labeled: Batch, v: DecodedBatch, a: DecodedBatch): void {
    const batch = labeled.images.shape[0]!;
    const targets = labeled.targets.dataSync();
    const rows = correctlyPredicted(tf.argMax(v.logits, -1).dataSync(), tf.argMax(a.logits, -1).dataSync(), targets, labeled.mask.dataSync(), batch);
    const flat = rows.flat();
    const e = this.options.embeddingDim;
    let embeddings: Float32Array = new Float32Array(0);
    if (flat.length > 0) {
      const indices = tf.tensor1d(flat, 'int32');
      const project = (head: ProjectionHead, feature: tf.Tensor) =>
        head.project(tf.gather(tf.reshape(feature, [-1, feature.shape[feature.rank - 1]!]), indices), { training: false });
      embeddings = tf.div(tf.add(project(this.headV, v.feature), project(this.headA, a.feature)), 2).dataSync() as Float32Array;
    }
    let offset = 0;
    rows.forEach((sampleRows, b) => {
      const id = labeled.ids?.[b] ?? `sample ${b}`;
      this.bank.update(
        id,
        embeddings.subarray(offset * e, (offset + sampleRows.length) * e),
        sampleRows.map((r) => targets[r]!),
      );
      offset += sampleRows.length;
    });
  }

  /** L_o on the unlabelled samples, 0 without prototypes or without two agreeing voxels. */
  private omniLoss(v: DecodedBatch, a: DecodedBatch, prototypes: tf.Tensor2D | null): tf.Scalar {
    if (!prototypes) return tf.scalar(0);
    const probabilitiesV = tf.softmax(v.logits);
    const predictedV = tf.argMax(probabilitiesV, -1).dataSync();
    const predictedA = tf.argMax(a.logits, -1).dataSync();
    const confidenceV = tf.max(probabilitiesV, -1).dataSync();
    const agreeing: number[] = [];
    for (let i = 0; i < predictedV.length; i++) if (predictedV[i] === predictedA[i]) agreeing.push(i);
    // Training-mode BN in the heads needs at least two rows.
    if (agreeing.length < 2) return tf.scalar(0);
    const indices = tf.tensor1d(agreeing, 'int32');
    const embed = (head: ProjectionHead, feature: tf.Tensor) =>
      head.predict(head.project(tf.gather(tf.reshape(feature, [-1, feature.shape[feature.rank - 1]!]), indices), { training: true }), {
        training: true,
      }) as tf.Tensor2D;
    const embeddingsV = embed(this.headV, v.feature);
    const embeddingsA = embed(this.headA, a.feature);
    const kept = selectTopKPerClass(
      agreeing.map((i) => predictedV[i]!),
      agreeing.map((i) => confidenceV[i]!),
      this.vanilla.numClasses,
      this.options.topK,
    );
    const keptIndices = tf.tensor1d(kept, 'int32');
    return omniCorrelationLoss(
      tf.gather(embeddingsV, keptIndices) as tf.Tensor2D,
      tf.gather(embeddingsA, keptIndices) as tf.Tensor2D,
      prototypes,
      this.options,
    );
  }

  protected optimizers(): Record<string, Optimizer> {
    return { vanilla: this.optimizerV, auxiliary: this.optimizerA };
  }

  protected override auxiliaryParts(): Record<string, StatefulPart> {
    return { auxiliary: this.auxiliary, headV: this.headV, headA: this.headA, memoryBank: this.bank };
  }

  protected disposeParts(): void {
    this.vanilla.dispose();
    this.auxiliary.dispose();
    this.headV.dispose();
    this.headA.dispose();
  }
}

function camlOptions(o: ResolvedTrainConfig['methodOptions']): CamlOptions {
  return {
    consistency: o.consistency === 'cps' ? 'cps' : 'sharpened-mse',
    similarity: o.similarity === 'dot' ? 'dot' : 'cosine',
    embeddingDim: Number(o.embeddingDim),
    temperature: Number(o.temperature),
    prototypes: Number(o.prototypes),
    topK: Number(o.topK),
    mutualWeight: Number(o.mutualWeight),
    omniWeight: Number(o.omniWeight),
    diceCe: o.diceCe === true,
    rampFraction: o.rampFraction as number | string,
  };
}
