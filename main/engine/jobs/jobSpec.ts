/**
 * What the job runner hands its worker process, and what comes back. Plain JSON: paths and
 * numbers, no tensors, no database handles — the worker reads and writes files only.
 */
import type { TrainRequestParameters } from '../../../shared/api.ts';
import type { Axis, JobProgressEvent, ProbeFigures, TrainingDataSummary, ValidationKind } from '../../../shared/types.ts';

export interface JobScan {
  id: string;
  /** The scan's name in the project, for messages. */
  name?: string;
  scanPath: string;
  labelsPath: string | null;
  /** Annotated slice indices per voxel axis: a voxel is known when any of its three slices is annotated. */
  annotated: Record<Axis, number[]>;
  /**
   * Unannotated slices per voxel axis whose prediction a person rejected: a 2D model does not
   * draw them as unlabelled data, so no pseudo-label or consistency target is taken from a
   * slice known to be predicted wrong. A 3D model's random patches still cover them.
   */
  rejected?: Record<Axis, number[]>;
}

/**
 * What a caller asks for: the API schema's training parameters (shared/api.ts), every one
 * optional, so that resuming a run keeps the run's own method and model unless they are given.
 */
export type { TrainRequestParameters };

/** A run's parameters: a new run has its method and model (DEFAULT_METHOD, model auto unless given). */
export type TrainParameters = TrainRequestParameters & Required<Pick<TrainRequestParameters, 'method' | 'model'>>;

/** An earlier run's model file that a training job continues from. */
export interface InitialModel {
  runId: string;
  path: string;
}

export interface TrainJobSpec {
  kind: 'train';
  runId: string;
  scans: JobScan[];
  classValues: number[];
  parameters: TrainParameters;
  /** Final model file, written atomically when training ends (finished, cancelled or out of time). */
  modelPath: string;
  /** Checkpoint file, rewritten atomically every few iterations. */
  checkpointPath: string;
  /** Continue from this checkpoint instead of starting afresh. */
  resumeFrom?: string;
  /** Start the network from this earlier model (TrainParameters.continueFrom, resolved). */
  initialModel?: InitialModel;
  /** Where a prediction asked for mid-run (RunnerMessage `snapshot`) writes each scan's files. */
  snapshotScans?: PredictJobSpec['scans'];
}

export interface PredictJobSpec {
  kind: 'predict';
  runId: string;
  modelPath: string;
  scans: { id: string; scanPath: string; labelsOut: string; probabilitiesOut: string }[];
}

/** A dry run of a training request: what it would use and cost (engine/training/preflight.ts). */
export interface PreflightJobSpec {
  kind: 'preflight';
  scans: JobScan[];
  classValues: number[];
  parameters: TrainParameters;
  initialModel?: InitialModel;
}

export type JobSpec = TrainJobSpec | PredictJobSpec | PreflightJobSpec;

/** Training: iteration of iterations; prediction: scans done. The same shape the API's job.progress event carries. */
export type JobProgress = JobProgressEvent['progress'];

export interface TrainJobResult {
  kind: 'train';
  backend: { name: string; device: string; reason: string };
  config: Record<string, unknown>;
  iterations: number;
  seconds: number;
  msPerIteration: number;
  valDice: number | null;
  validation: ValidationKind;
  probe: ProbeFigures | null;
  stoppedBy: 'iterations' | 'time' | 'cancelled';
}

export interface PredictJobResult {
  kind: 'predict';
  backend: { name: string; device: string; reason: string };
  scans: { id: string; labelsOut: string; probabilitiesOut: string; seconds: number }[];
}

export interface PreflightJobResult {
  kind: 'preflight';
  backend: { name: string; device: string; reason: string };
  config: Record<string, unknown>;
  data: TrainingDataSummary;
  msPerIteration: number;
  estimatedSeconds: number;
  peakTensorBytes: number;
}

export type JobResult = TrainJobResult | PredictJobResult | PreflightJobResult;

/** Scans a prediction wrote: its files and how long each took. */
export type PredictedScan = PredictJobResult['scans'][number];

/** Messages from the worker process to the runner. */
export type WorkerMessage =
  | { type: 'backend'; backend: { name: string; device: string; reason: string } }
  | { type: 'progress'; progress: JobProgress }
  /** A training job predicted its snapshotScans with the model after `iteration` steps. */
  | { type: 'snapshot'; iteration: number; scans: PredictedScan[] }
  | { type: 'done'; result: JobResult }
  | { type: 'failed'; error: string; kind: 'input' | 'internal' };

/** Messages from the runner to the worker process. */
export type RunnerMessage = { type: 'start'; spec: JobSpec } | { type: 'cancel' } | { type: 'snapshot' };
