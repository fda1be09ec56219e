/**
 * 2D batches: annotated slices across the configured axis, augmented (augment2d.ts) and, where
 * whole slices cost too much, cropped (sliceCrop.ts).
 *
 * A hold-out validation set is taken from the annotated slices only when there are at least
 * {@link MIN_SLICES_TO_HOLD_OUT} (validationSplit.ts): with fewer, every annotated slice is
 * worth more to training than to a noisy estimate — a slice a person just painted in the
 * corrective loop must not be set aside — and the run's figure says it is the fit on the
 * training slices. Then a tenth, at most {@link MAX_VALIDATION_SLICES}, is held out and never
 * trained on.
 *
 * Labelled slices are drawn so that about a third of each batch holds a painted class
 * (FOREGROUND_SHARE, nnU-Net's oversampling): when the loop adds slices painted background only
 * (false positives corrected away), they do not crowd the structures out of the batches.
 *
 * A method that asks for synthetic scans (the exemplar method's `syntheticScans`) gets them made
 * from the annotated scans once the validation slices are set aside, with those slices'
 * labels hidden first (ssl/syntheticScans.ts): their annotated slices join the training pool;
 * they are neither validated on nor unlabelled data.
 */
import { batch2d, type Batch } from '../data/batch.ts';
import { augment2d } from '../data/augment2d.ts';
import { SliceSampler, type SliceRef } from '../data/sliceSampler.ts';
import { splitValidation } from '../data/validationSplit.ts';
import type { Scan } from '../data/volume.ts';
import { Rng } from '../random/rng.ts';
import type { BatchSource, TrainingData } from './batchSource.ts';
import { SPATIAL_MULTIPLE } from './resolveTrainConfig.ts';
import { cropSlice, FOREGROUND_SHARE } from './sliceCrop.ts';
import { UNKNOWN } from '../data/labels.ts';
import { syntheticScans, withoutSlices } from '../ssl/syntheticScans.ts';
import type { ResolvedTrainConfig, ValidationKind } from './trainRequest.ts';
import { MIN_SLICES_TO_HOLD_OUT } from '../../../shared/training.ts';

export const MAX_VALIDATION_SLICES = 4;
export { MIN_SLICES_TO_HOLD_OUT };
/** Share of the annotated slices held out, from MIN_SLICES_TO_HOLD_OUT on. */
export const VALIDATION_SHARE = 0.1;
/** Unannotated slices the progress figures are measured on (probeFigures.ts). */
export const PROBE_SLICES = 8;

export class SliceBatches implements BatchSource {
  readonly validation: ValidationKind;
  readonly data: TrainingData;
  private readonly sampler: SliceSampler;
  private readonly training: readonly SliceRef[];
  /** The training slices that hold a painted class. */
  private readonly withStructure: readonly SliceRef[];
  private readonly held: readonly SliceRef[];
  /** The unannotated slices of the given scans (synthetic scans add none). */
  private readonly unlabeled: readonly SliceRef[];

  /** @param synthetic synthetic scans to make from the annotated ones (0: none). */
  constructor(
    scans: readonly Scan[],
    private readonly config: Pick<ResolvedTrainConfig, 'axis' | 'batchSize' | 'sliceCrop' | 'seed' | 'augmentation'>,
    synthetic = 0,
  ) {
    const axis = config.axis;
    if (!axis) throw new Error('2D batches need a slice axis');
    const given = new SliceSampler(scans, axis);
    const annotated = given.labeled;
    const fraction = Math.min(VALIDATION_SHARE, MAX_VALIDATION_SLICES / annotated.length);
    const split = splitValidation(annotated, new Rng(`${config.seed}:validation`), { fraction, minimum: MIN_SLICES_TO_HOLD_OUT });
    // Made after the split, from labels whose held-out slices are hidden: no validation label leaks into training.
    const sources = scans.flatMap((scan, s) =>
      scan.label ? [withoutSlices(scan, axis, split.validationOnTraining ? [] : split.validation.filter((ref) => ref.scan === s).map((ref) => ref.index))] : [],
    );
    const made = synthetic > 0 ? syntheticScans(sources, synthetic, new Rng(`${config.seed}:synthetic`)) : [];
    this.sampler = made.length > 0 ? new SliceSampler([...scans, ...made], axis) : given;
    this.unlabeled = given.unlabeled;
    this.training = [...split.train, ...this.sampler.labeled.filter((ref) => ref.scan >= scans.length)];
    this.withStructure = this.training.filter((ref) => this.sampler.sample(ref).label?.some((c) => c !== 0 && c !== UNKNOWN));
    this.held = split.validation;
    this.validation = split.validationOnTraining ? 'training-slices' : 'held-out';
    this.data = {
      unit: 'slice',
      labeled: split.train.length,
      heldOut: split.validationOnTraining ? 0 : this.held.length,
      unlabeled: this.unlabeled.length,
      ...(made.length > 0 ? { synthetic: made.length } : {}),
    };
  }

  labeledBatch(rng: Rng): Batch {
    const refs = Array.from({ length: this.config.batchSize }, () => {
      const pool = this.withStructure.length > 0 && rng.chance(FOREGROUND_SHARE) ? this.withStructure : this.training;
      return pool[rng.int(pool.length)]!;
    });
    return { ...this.batchOf(refs, rng, false), ids: refs.map((r) => `${r.scan}:${r.index}`) };
  }

  unlabeledBatch(rng: Rng): Batch {
    const pool = this.unlabeled.length > 0 ? this.unlabeled : this.training;
    return this.batchOf(
      Array.from({ length: this.config.batchSize }, () => pool[rng.int(pool.length)]!),
      rng,
      true,
    );
  }

  /** Augmented (and, on slow backends, cropped) samples; unlabelled ones are cropped anywhere. */
  private batchOf(refs: readonly SliceRef[], rng: Rng, hideLabels: boolean): Batch {
    const { sliceCrop } = this.config;
    const samples = refs.map((ref) => {
      const { label, ...image } = this.sampler.sample(ref);
      const sample = augment2d(hideLabels || !label ? image : { ...image, label }, rng, this.config.augmentation, { mirror: this.config.axis !== 'i' });
      return sliceCrop ? cropSlice(sample, sliceCrop, rng) : sample;
    });
    return batch2d(samples, { multiple: SPATIAL_MULTIPLE });
  }

  *validationBatches(): Iterable<Batch> {
    yield* this.wholeSlices(this.held, true);
  }

  /** PROBE_SLICES unannotated slices spread evenly over the unlabelled pool (so over its scans), labels hidden. */
  *probeBatches(): Iterable<Batch> {
    const pool = this.unlabeled;
    const count = Math.min(PROBE_SLICES, pool.length);
    yield* this.wholeSlices(
      Array.from({ length: count }, (_, n) => pool[Math.floor(((n + 0.5) * pool.length) / count)]!),
      false,
    );
  }

  private *wholeSlices(refs: readonly SliceRef[], withLabels: boolean): Iterable<Batch> {
    for (let first = 0; first < refs.length; first += this.config.batchSize) {
      const samples = refs.slice(first, first + this.config.batchSize).map((ref) => {
        const { label, ...image } = this.sampler.sample(ref);
        return withLabels && label ? { ...image, label } : image;
      });
      yield batch2d(samples, { multiple: SPATIAL_MULTIPLE });
    }
  }
}
