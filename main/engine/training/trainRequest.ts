/**
 * The contract between the job runner and the training engine: what a training request
 * holds, the configuration actually used, progress, checkpoints and the result.
 *
 * Everything here is plain data (typed arrays, numbers, strings), so it crosses a process
 * boundary with structured clone and can be written to disk as is.
 */
import type { SliceAxis } from '../data/volumeSlice.ts';
import type { MethodName, OptionValue, ResolvedMethodOptions } from '../../../shared/methods.ts';
import type { ModelChoice, NetworkKind } from '../../../shared/networks.ts';
import type { OptimizerName } from '../../../shared/training.ts';
import type { AugmentationPolicy } from '../data/augment2d.ts';
import type { ProbeFigures, ValidationKind } from '../../../shared/types.ts';
import type { TrainingData } from './batchSource.ts';

export type { SliceAxis, MethodName };
export type BackendName = 'webgpu' | 'tensorflow-gpu' | 'tensorflow' | 'cpu';

/** Backends that compute on a GPU: they take the papers' batch sizes and whole slices, and a dense label map gets the 3D V-Net. */
export function isGpuBackend(name: BackendName): boolean {
  return name === 'webgpu' || name === 'tensorflow-gpu';
}
export type { ValidationKind } from '../../../shared/types.ts';

export interface TrainingScan {
  id: string;
  /** The scan's name, for messages (the id when absent). */
  name?: string;
  /** Scaled intensities in NIfTI voxel order (i fastest). */
  image: Float32Array;
  /** Raw class values, 0 = background; null for an unlabelled scan. */
  labels: Uint8Array | null;
  /** 1 where a person annotated the voxel; null = nothing annotated. */
  known: Uint8Array | null;
  shape: [number, number, number];
  /** Voxel size in mm along i, j, k. */
  spacing: [number, number, number];
  /** Slices per axis whose prediction was rejected: not unlabelled data for a 2D model (JobScan.rejected). */
  rejected?: Record<'i' | 'j' | 'k', number[]>;
}

export interface TrainRequest {
  scans: TrainingScan[];
  /** Foreground class values of the project, e.g. [1, 2, 3]; output channel 0 is background. */
  classValues: number[];
  method: MethodName;
  /** The method's options (shared/methods.ts); unset ones take the method's defaults. */
  methodOptions?: Record<string, OptionValue>;
  model: ModelChoice;
  /** Slice axis of a 2D model; chosen from the annotations when absent. */
  axis?: SliceAxis;
  iterations?: number;
  maxMinutes?: number;
  batchSize?: number;
  width?: number;
  seed?: number;
  optimizer?: OptimizerName;
  learningRate?: number;
  /** 3D training patch `[pi, pj, pk]`, each a multiple of 16. */
  patchSize?: [number, number, number];
  /** 2D training crop `[height, width]` of a slice, each a multiple of 16; 'none' trains on whole slices. */
  sliceCrop?: [number, number] | 'none';
  /**
   * An earlier model to continue from (fine-tuning with the annotations as they are now): its
   * weights start the inference network, when it is of this run's network, width, classes and
   * slice axis; otherwise the run starts fresh and says so in its warnings.
   */
  initialModel?: { runId: string; model: TrainedModel };
  /** Weak augmentation of 2D samples (augment2d.ts); default 'mri'. */
  augmentation?: AugmentationPolicy;
  /** Iterations between validations (and at the end). */
  validationInterval?: number;
  /** Iterations between checkpoints (and at the end). */
  checkpointInterval?: number;
  /** The backend the job runs on; the defaults depend on it. */
  backend: { name: BackendName };
}

export type OptimizerConfig =
  | { name: 'sgd'; learningRate: number; momentum: number; weightDecay: number; nesterov: boolean }
  | { name: 'adamw'; learningRate: number; weightDecay: number; beta1: number; beta2: number; epsilon: number };

/** Every value a run actually used, for the run record and for reproducing it. */
export interface ResolvedTrainConfig {
  method: MethodName;
  /** Every option of the method, defaults included. */
  methodOptions: ResolvedMethodOptions;
  model: NetworkKind;
  /** Why this model and axis (the user's choice, or what 'auto' saw in the annotations). */
  modelReason: string;
  /** Slice axis (2D models only). */
  axis: SliceAxis | null;
  /**
   * The run's length. While `length` is 'budget' it is an upper bound (the network's
   * paper-length run) and the run plans the real one from its measured pace (runPlan.ts).
   */
  iterations: number;
  /**
   * 'fixed': `iterations` as the user asked; 'budget': to be planned from `maxMinutes` and the
   * pace of the run's first steps; 'planned': planned, `iterations` holds the plan.
   */
  length: 'fixed' | 'budget' | 'planned';
  /** The most iterations a planned run may take: the network's paper-length run. */
  lengthCap: number;
  /** The pace a planned run was planned with. */
  plannedPace?: { msPerStep: number; msPerValidation: number };
  /** The run whose model this one continued from; null for a fresh start. */
  continuedFrom: string | null;
  /** Wall-clock budget of one train() call; null = none. Time spent predicting on request is not counted. */
  maxMinutes: number | null;
  /** Labelled samples per step; methods that use unannotated data add as many unlabelled ones. */
  batchSize: number;
  /**
   * What the run samples from (how many annotated and unannotated slices or scans), set by
   * prepareRun once the batches are built: methods whose schedule follows the labelled share or
   * the length of a pass over the labelled data read it (CAML's ramp, CPS's adaptive weight).
   * Absent in a configuration built without data, e.g. in a method's unit tests.
   */
  trainingData?: TrainingData;
  width: number;
  seed: number;
  optimizer: OptimizerConfig;
  /** Poly decay `lr_0 (1 - t/T)^power`; power 0 keeps the rate constant (CAML). */
  schedule: { name: 'poly'; power: number };
  /** 3D patch `[pi, pj, pk]` (vnet3d only). */
  patchSize: [number, number, number] | null;
  /** 2D crop `[height, width]` (unet2d only); null = whole slices. */
  sliceCrop: [number, number] | null;
  /** Weak augmentation policy of 2D samples (augment2d.ts); 3D patches always use the LA-style one. */
  augmentation: AugmentationPolicy;
  normalization: 'zscore-nonzero';
  /** Output channel c predicts raw class value classValues[c]; classValues[0] = 0 (background). */
  classValues: number[];
  numClasses: number;
  /** Iterations between validations; null: VALIDATIONS_PER_RUN in the run (runPlan.ts). */
  validationInterval: number | null;
  /** Iterations between checkpoints; null: ten in the run. */
  checkpointInterval: number | null;
  /** Share of the annotated slices (2D) or scans (3D) held out when there are at least 4. */
  validationFraction: number;
  backend: BackendName;
  /** Things the user should know: unpainted classes, approximate resume, … */
  warnings: string[];
}

export interface TrainProgress {
  /** Iterations completed. */
  iteration: number;
  iterations: number;
  losses: Record<string, number>;
  /** Learning rate of the step just taken. */
  learningRate: number;
  /** Latest validation Dice (mean over foreground classes present); null before the first. */
  valDice: number | null;
  /** What valDice measures: Dice on held-out annotated slices, or only the fit on the training ones. */
  validation: ValidationKind;
  /** Latest figures on unannotated data (probeFigures.ts), taken with each validation; null before the first or without unannotated data. */
  probe: ProbeFigures | null;
  elapsedSeconds: number;
  /** Until the iterations or the time budget run out, whichever is first; null before any step. */
  etaSeconds: number | null;
  /** Recent average time of one iteration. */
  msPerIteration: number;
}

export interface ModelMeta {
  kind: NetworkKind;
  width: number;
  numClasses: number;
  /** Raw class value of each output channel; classValues[0] = 0 (background). */
  classValues: number[];
  axis?: SliceAxis;
  patchSize?: [number, number, number];
  normalization: 'zscore-nonzero';
}

export interface TrainedModel {
  meta: ModelMeta;
  /** encodeWeightsFile(saveWeights(model)). */
  weights: Uint8Array;
  /**
   * Weights files of further networks of the same architecture whose softmax is averaged with
   * the first's at inference (inference/ensemble.ts): the exemplar method's second network.
   * Absent for one network.
   */
  partners?: Uint8Array[];
}

export interface Checkpoint {
  config: ResolvedTrainConfig;
  /** The network used for inference (the method's models[0]). */
  model: TrainedModel;
  /** Everything else the method needs to continue (teacher, second network, heads), as a weights file; null for none. */
  methodState: Uint8Array | null;
  /** The optimisers' moments; null in checkpoints written before they were saved. */
  optimizerState: Uint8Array | null;
  /** Iterations completed when the checkpoint was taken. */
  iteration: number;
}

export interface TrainResult {
  model: TrainedModel;
  config: ResolvedTrainConfig;
  /** Iterations completed in total, a resumed run's earlier ones included. */
  iterations: number;
  /** Wall-clock time of this call. */
  seconds: number;
  msPerIteration: number;
  valDice: number | null;
  validation: ValidationKind;
  probe: ProbeFigures | null;
  stoppedBy: 'iterations' | 'time' | 'cancelled';
}

/** Does something with the model as it is at `iteration` (e.g. predicts with it); awaited before the next step. */
export type SnapshotHandler = (model: TrainedModel, iteration: number) => Promise<void>;

export interface TrainHooks {
  onProgress?(p: TrainProgress): void;
  /** Awaited: a checkpoint written through the API (a WebGPU job) is stored before training goes on. */
  onCheckpoint?(c: Checkpoint): void | Promise<void>;
  /** Polled between steps; true ends training after the current step, keeping the model. */
  shouldStop?(): boolean;
  /** Polled between steps; a handler it returns is given the model so far (a prediction asked for mid-run). */
  snapshotRequest?(): SnapshotHandler | null;
}
