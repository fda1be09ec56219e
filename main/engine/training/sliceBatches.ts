/**
 * 2D batches: annotated slices across the configured axis, weakly augmented (methods.md §2)
 * and, on slow backends, cropped around annotation.
 *
 * A hold-out validation set is taken from the annotated slices when there are at least 4
 * (validationSplit.ts); the held-out slices are never trained on. At most
 * {@link MAX_VALIDATION_SLICES} are held out, so that a densely annotated scan neither loses
 * a fifth of its slices to validation nor makes every validation cost a full inference.
 */
import { batch2d, type Batch } from '../data/batch.ts';
import { augment2d } from '../data/augment2d.ts';
import { SliceSampler, type SliceRef } from '../data/sliceSampler.ts';
import { splitValidation } from '../data/validationSplit.ts';
import type { Scan } from '../data/volume.ts';
import { Rng } from '../random/rng.ts';
import type { BatchSource, TrainingData } from './batchSource.ts';
import { SPATIAL_MULTIPLE } from './resolveTrainConfig.ts';
import { cropSlice } from './sliceCrop.ts';
import type { ResolvedTrainConfig, ValidationKind } from './trainRequest.ts';

export const MAX_VALIDATION_SLICES = 4;
/** Unannotated slices the progress figures are measured on (probeFigures.ts). */
export const PROBE_SLICES = 8;

export class SliceBatches implements BatchSource {
  readonly validation: ValidationKind;
  readonly data: TrainingData;
  private readonly sampler: SliceSampler;
  private readonly training: readonly SliceRef[];
  private readonly held: readonly SliceRef[];

  constructor(
    scans: readonly Scan[],
    private readonly config: Pick<ResolvedTrainConfig, 'axis' | 'batchSize' | 'sliceCrop' | 'seed' | 'validationFraction' | 'augmentation'>,
  ) {
    if (!config.axis) throw new Error('2D batches need a slice axis');
    this.sampler = new SliceSampler(scans, config.axis);
    const annotated = this.sampler.labeled;
    const fraction = Math.min(config.validationFraction, MAX_VALIDATION_SLICES / annotated.length);
    const split = splitValidation(annotated, new Rng(`${config.seed}:validation`), { fraction, minimum: 4 });
    this.training = split.train;
    this.held = split.validation;
    this.validation = split.validationOnTraining ? 'training-slices' : 'held-out';
    this.data = { unit: 'slice', labeled: this.training.length, heldOut: split.validationOnTraining ? 0 : this.held.length, unlabeled: this.sampler.unlabeled.length };
  }

  labeledBatch(rng: Rng): Batch {
    const refs = Array.from({ length: this.config.batchSize }, () => this.training[rng.int(this.training.length)]!);
    return { ...this.batchOf(refs, rng, false), ids: refs.map((r) => `${r.scan}:${r.index}`) };
  }

  unlabeledBatch(rng: Rng): Batch {
    const pool = this.sampler.unlabeled.length > 0 ? this.sampler.unlabeled : this.training;
    return this.batchOf(Array.from({ length: this.config.batchSize }, () => pool[rng.int(pool.length)]!), rng, true);
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
    const pool = this.sampler.unlabeled;
    const count = Math.min(PROBE_SLICES, pool.length);
    yield* this.wholeSlices(Array.from({ length: count }, (_, n) => pool[Math.floor(((n + 0.5) * pool.length) / count)]!), false);
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
