/**
 * 3D batches: random patches of annotated scans with LA-style weak augmentation
 * (augment3d.ts); scans smaller than the patch are padded (image 0, label UNKNOWN).
 *
 * Validation holds out whole annotated scans when there are at least 4, otherwise it runs on
 * the training scans. Each validation scan contributes its central patch: sliding-window
 * inference over whole scans after every few iterations would cost more than the training.
 *
 * A method that asks for synthetic scans (the exemplar method's `syntheticScans`) gets them made
 * from the annotated training scans (ssl/syntheticScans.ts), never from held-out ones; they are
 * trained on, neither validated on nor unlabelled data.
 */
import { augment3d } from '../data/augment3d.ts';
import { batch3d, type Batch } from '../data/batch.ts';
import { extractPatch } from '../data/patchSampler.ts';
import { splitValidation } from '../data/validationSplit.ts';
import { MIN_SCANS_TO_HOLD_OUT } from '../../../shared/training.ts';
import type { Scan } from '../data/volume.ts';
import { Rng } from '../random/rng.ts';
import { syntheticScans } from '../ssl/syntheticScans.ts';
import type { BatchSource, TrainingData } from './batchSource.ts';
import { SPATIAL_MULTIPLE } from './resolveTrainConfig.ts';
import type { ResolvedTrainConfig, ValidationKind } from './trainRequest.ts';

const MAX_VALIDATION_SCANS = 4;
const MAX_PROBE_SCANS = 4;

export class PatchBatches implements BatchSource {
  readonly validation: ValidationKind;
  readonly data: TrainingData;
  private readonly training: readonly Scan[];
  private readonly held: readonly Scan[];
  /** Every scan but the held-out ones, for unlabelled patches. */
  private readonly all: readonly Scan[];
  private readonly patchSize: [number, number, number];

  /** @param synthetic synthetic scans to make from the annotated training scans (0: none). */
  constructor(
    scans: readonly Scan[],
    private readonly config: Pick<ResolvedTrainConfig, 'patchSize' | 'batchSize' | 'seed' | 'validationFraction'>,
    synthetic = 0,
  ) {
    if (!config.patchSize) throw new Error('3D batches need a patch size');
    this.patchSize = config.patchSize;
    const annotated = scans.filter((s) => s.label);
    const fraction = Math.min(config.validationFraction, MAX_VALIDATION_SCANS / annotated.length);
    const split = splitValidation(annotated, new Rng(`${config.seed}:validation`), { fraction, minimum: MIN_SCANS_TO_HOLD_OUT });
    const made = synthetic > 0 ? syntheticScans(split.train, synthetic, new Rng(`${config.seed}:synthetic`)) : [];
    this.training = [...split.train, ...made];
    this.held = split.validation;
    // Validating on the training scans holds nothing out, so every scan stays available.
    this.all = split.validationOnTraining ? scans : scans.filter((s) => !split.validation.includes(s));
    this.validation = split.validationOnTraining ? 'training-slices' : 'held-out';
    this.data = {
      unit: 'scan',
      labeled: split.train.length,
      heldOut: split.validationOnTraining ? 0 : this.held.length,
      unlabeled: scans.length - annotated.length,
      ...(made.length > 0 ? { synthetic: made.length } : {}),
    };
  }

  labeledBatch(rng: Rng): Batch {
    const picks = Array.from({ length: this.config.batchSize }, () => rng.int(this.training.length));
    const samples = picks.map((n) => augment3d(this.training[n]!, this.patchSize, rng));
    return { ...batch3d(samples, { multiple: SPATIAL_MULTIPLE }), ids: picks.map((n) => `scan ${n}`) };
  }

  /**
   * Patches of any scan, labels hidden: the unannotated voxels of partially annotated scans
   * and whole unannotated scans are what semi-supervised methods learn from.
   */
  unlabeledBatch(rng: Rng): Batch {
    const samples = Array.from({ length: this.config.batchSize }, () => {
      const { image, shape } = this.all[rng.int(this.all.length)]!;
      return augment3d({ image, shape }, this.patchSize, rng);
    });
    return batch3d(samples, { multiple: SPATIAL_MULTIPLE });
  }

  *validationBatches(): Iterable<Batch> {
    for (const scan of this.held) yield this.centralPatch(scan);
  }

  /** The central patch of each unannotated scan, up to MAX_PROBE_SCANS of them. */
  *probeBatches(): Iterable<Batch> {
    for (const scan of this.all.filter((s) => !s.label).slice(0, MAX_PROBE_SCANS)) yield this.centralPatch({ image: scan.image, shape: scan.shape });
  }

  private centralPatch(scan: Scan): Batch {
    const origin = scan.shape.map((n, a) => Math.floor((n - this.patchSize[a]!) / 2)) as [number, number, number];
    return batch3d([extractPatch(scan, origin, this.patchSize)], { multiple: SPATIAL_MULTIPLE });
  }
}
