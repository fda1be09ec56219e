/**
 * Everything a job reads and writes, by role rather than by path: the job process reads and
 * writes files (fileJobIo.ts), a WebGPU job in a browser Worker asks the main process through
 * the API (webJobWorker.ts). One execution (jobExecution.ts) serves both, so every backend
 * trains and predicts with the same code.
 */
import type { Shape3 } from '../data/volume.ts';
import type { Prediction } from '../predict/predictVolume.ts';
import type { Checkpoint, TrainedModel, TrainingScan, TrainRequest } from '../training/trainRequest.ts';
import type { PredictedScan } from './jobSpec.ts';

/** Which list of scans a prediction belongs to: a predict job's, or a training job's mid-run snapshot. */
export type PredictionTarget = 'predict' | 'snapshot';

/** A scan to predict: scaled intensities in NIfTI voxel order. */
export interface ScanVolume {
  image: Float32Array;
  shape: Shape3;
}

export interface JobIo {
  /** The training or preflight job's scans with their annotations. */
  trainingScans(): Promise<TrainingScan[]>;
  /** The checkpoint a resumed training job continues from; undefined for a new run. */
  resumeCheckpoint(): Promise<Checkpoint | undefined>;
  /** The earlier run's model a training job starts from; undefined when none. */
  initialModel(): Promise<TrainRequest['initialModel']>;
  /** The model a predict job predicts with. */
  predictModel(): Promise<TrainedModel>;
  /** Scan `index` of the predict job's scans or of the training job's snapshot scans. */
  scanToPredict(target: PredictionTarget, index: number): Promise<ScanVolume>;
  /** Writes the final model of a training job (atomically: a reader sees the old or the new file). */
  saveModel(model: TrainedModel): Promise<void>;
  /** Writes a training checkpoint (atomically). */
  saveCheckpoint(checkpoint: Checkpoint): Promise<void>;
  /** Writes a predicted scan's label map and probabilities; `seconds` is how long predicting it took. */
  savePrediction(target: PredictionTarget, index: number, prediction: Prediction, seconds: number): Promise<PredictedScan>;
}
