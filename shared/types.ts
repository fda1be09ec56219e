/** Plain data types shared by the main process, the bridge and the renderer. No platform imports. */
import type { DisplaySettings } from './display.ts';
import type { NetworkKind } from './networks.ts';

/** A voxel axis of the scan as stored (NIfTI dim[1], dim[2], dim[3]). */
export type Axis = 'i' | 'j' | 'k';
export const AXES: readonly Axis[] = ['i', 'j', 'k'];

export interface LabelClass {
  /** Voxel value written in label maps, 1..254 (0 is background, 255 is reserved for "unknown"). */
  value: number;
  name: string;
  /** CSS hex colour, e.g. "#e6194b". */
  color: string;
}

export interface ScanInfo {
  id: string;
  name: string;
  shape: [number, number, number];
  /** Voxel size in mm along i, j, k. */
  spacing: [number, number, number];
  /** Datatype of the scan as stored, e.g. "int16". */
  datatype: string;
  /** Axis codes of the voxel axes in world space, e.g. "RAS", "LPI". */
  orientation: string;
  /** 4×4 voxel-to-world (mm) affine, row-major, as nibabel's get_best_affine. */
  affine: number[];
  hasLabels: boolean;
  /** Number of annotated slices (training targets) along each voxel axis. */
  annotatedSlices: Record<Axis, number>;
  /** Number of slices painted but not confirmed complete along each voxel axis: not used for training. */
  paintedSlices: Record<Axis, number>;
  importedAt: string;
}

/**
 * What a run's validation Dice measures: Dice on annotated slices (2D) or scans (3D) held out
 * from training, or, with too few annotations to hold any out, only the fit on the training
 * ones, which is not an accuracy; 'none' when nothing was validated.
 */
export type ValidationKind = 'held-out' | 'training-slices' | 'none';

/** Figures on unannotated data taken with each validation (main/engine/training/probeFigures.ts). */
export interface ProbeFigures {
  /** Share of the voxels it labels as a structure on unannotated probe slices that it labels with probability ≥ 0.9; null when it labels none. */
  confident: number | null;
  /** Dice between the run's two networks (teacher and student, or the pair) there; null for one network. */
  agreement: number | null;
}

export interface RunInfo {
  id: string;
  method: string;
  model: string;
  backend: string;
  status: 'queued' | 'running' | 'finished' | 'cancelled' | 'failed';
  createdAt: string;
  finishedAt: string | null;
  iterations: number;
  valDice: number | null;
  /** What valDice measures; null for runs recorded before this was kept. */
  validation: ValidationKind | null;
  /** The latest figures on unannotated data; null before the first validation or for older runs. */
  probe: ProbeFigures | null;
  /** What the run warned about (a plan shortened when the pace fell, classes never painted…); empty before it ends. */
  warnings: string[];
  /** Ids of the scans this run's model has predicted (predictions kept in the project). */
  predicted: string[];
  /** When its newest prediction was saved; null before any. */
  predictedAt: string | null;
  /** The iteration of the model that made its newest prediction when taken mid-run; null for the run's final model. */
  predictedIteration: number | null;
  /** Slices annotated in the project when the run started (null for runs recorded before this was kept). */
  annotatedSlices: number | null;
  /** Whether the run has a model (finished, cancelled, or stopped by its time budget). */
  hasModel: boolean;
  /** Why a failed run failed, in words meant for the user; null unless failed. */
  error: string | null;
}

export interface ProjectInfo {
  /** Absolute path of the NAME.atrium folder. */
  path: string;
  name: string;
  schemaVersion: number;
  isSample: boolean;
  scans: ScanInfo[];
  classes: LabelClass[];
  runs: RunInfo[];
  /** The run whose model is the project's current one: the newest model, unless an earlier one was chosen. Null before any. */
  currentModelRunId: string | null;
}

export interface AppInfo {
  version: string;
  /** "electron" or "browser". */
  shell: 'electron' | 'browser';
  /** Folder where new projects are created by default. */
  projectsHome: string;
  recentProjects: string[];
  /**
   * Recent projects that could not be reopened when the app started (a damaged or missing
   * database…), each with why and what to do: the app opened another project instead, and says so.
   */
  startupProblems: string[];
  /** Whether the sample's first-run guide was finished or skipped (`app.dismissGuide`): it then opens only when asked. */
  guideDismissed: boolean;
  /** How the views are shown (`app.setDisplay`). */
  display: DisplaySettings;
}

export interface JobInfo {
  runId: string;
  kind: 'train' | 'predict';
  state: 'queued' | 'running' | 'ended';
  /** The latest progress, when any arrived. */
  progress: JobProgressEvent['progress'] | null;
  backend: string | null;
}

export interface JobProgressEvent {
  runId: string;
  kind: 'train' | 'predict';
  /** The backend the job process selected (null until it has said), so a UI that missed the start still shows it. */
  backend: string | null;
  progress: {
    step: number;
    steps: number;
    message: string;
    losses?: Record<string, number>;
    learningRate?: number;
    valDice?: number | null;
    /** What valDice measures. */
    validation?: ValidationKind;
    probe?: ProbeFigures | null;
    etaSeconds?: number | null;
    msPerIteration?: number;
  };
}

/** A run's predictions of some scans were saved: by a prediction job, or mid-run from the model so far. */
export interface PredictionsSavedEvent {
  runId: string;
  scanIds: string[];
  /** The iteration of the model when taken mid-run; null for the run's final model. */
  iteration: number | null;
}

export interface JobEndedEvent {
  runId: string;
  kind: 'train' | 'predict';
  status: 'finished' | 'cancelled' | 'failed';
  /** Why it failed, in words meant for the user. */
  error?: string;
}

/**
 * What the project knows about one slice along one axis. `unknown`: never touched (not a
 * training target); `painted`: a person painted on it but has not confirmed that every
 * structure on it is drawn (saved and shown, not a training target: its unpainted voxels would
 * teach the model background; issue 17); `annotated`: confirmed complete by a person (marked
 * complete, all background, an accepted interpolation or prediction, or an imported label map):
 * the only training target; `interpolated`: filled between annotated slices, not yet accepted;
 * `predicted`: holds a model's prediction under review (issue 7).
 */
export type SliceState = 'unknown' | 'painted' | 'annotated' | 'interpolated' | 'predicted';
/** Every state; a state's index here is its code in the edit journal's diffs (labelDiff.ts): new states go at the end. */
export const SLICE_STATES: readonly SliceState[] = ['unknown', 'annotated', 'interpolated', 'predicted', 'painted'];

/** Per-slice states of one scan along each axis: `states[axis][slice]`. */
export type SliceStates = Record<Axis, SliceState[]>;

/**
 * A person's decision on a run's prediction of a slice. `accepted`: the prediction became the
 * slice's annotation as it was; `corrected`: it became the annotation and was then painted
 * over (or taken with "Correct"); `rejected`: the prediction is wrong and the slice stays
 * unannotated.
 */
export type ReviewDecision = 'accepted' | 'corrected' | 'rejected';

/** The decision in effect on one slice (the newest one not undone), with the run it was about. */
export interface SliceReview {
  slice: number;
  decision: ReviewDecision;
  runId: string;
  /** ISO time of the decision. */
  decidedAt: string;
}

/** The reviewed slices of one scan along each axis, in slice order. */
export type SliceReviews = Record<Axis, SliceReview[]>;

/**
 * The outcome of an annotation edit (paint, erase, fill, interpolate, state change, undo,
 * redo): enough for a viewer to patch its copy of the label map without reloading it.
 */
export interface AnnotationUpdate {
  scanId: string;
  /** Increases by one with every edit, undo and redo of the scan. */
  revision: number;
  /** Voxel indices (NIfTI order, i fastest) as a Uint32Array's buffer… */
  indices: ArrayBuffer;
  /** …and the value each now holds, as a Uint8Array's buffer of the same length. */
  values: ArrayBuffer;
  slices: SliceStates;
  /** Review decisions in effect after the edit (an undo can switch one off). */
  reviews: SliceReviews;
  canUndo: boolean;
  canRedo: boolean;
}

/**
 * The region a fill would set, shown before it lands (`annotations.fillPreview`): the seed's
 * 4-connected region within its slice that holds the seed's label and whose intensity lies in
 * [low, high] = seed intensity ± tolerance. Intensities are the scan's real-world values.
 */
export interface FillPreview {
  scanId: string;
  /** The label map's revision the region was computed on: `annotations.fill` with it commits exactly this region. */
  revision: number;
  axis: Axis;
  slice: number;
  seed: [number, number, number];
  /** The region's voxel indices (NIfTI order, ascending) as a Uint32Array's buffer. */
  indices: ArrayBuffer;
  voxels: number;
  /** The region's area in the slice, mm². */
  areaMm2: number;
  seedIntensity: number;
  /** The tolerance used (the default unless one was asked for) and the intensities it lets in. */
  tolerance: number;
  low: number;
  high: number;
  /** The slice's default tolerance (a tenth of its robust intensity range)… */
  defaultTolerance: number;
  /** …and the one at which intensity bounds nothing (the slice's full range). */
  maxTolerance: number;
}

/** A scan's annotation as the viewer loads it. */
export interface AnnotationSnapshot {
  scanId: string;
  revision: number;
  /** The current label map, NIfTI (gzip) in the scan's geometry; background-only when nothing was painted. */
  labels: ArrayBuffer;
  slices: SliceStates;
  reviews: SliceReviews;
  canUndo: boolean;
  canRedo: boolean;
}

/**
 * What an exported label map holds. `annotations`: what people drew (corrected predictions
 * included, accepted ones left out); `with-accepted`: the label map as the project has it,
 * annotations plus accepted predictions; `prediction`: a run's raw prediction.
 */
export type ExportContent = 'annotations' | 'with-accepted' | 'prediction';
export const EXPORT_CONTENTS: readonly ExportContent[] = ['annotations', 'with-accepted', 'prediction'];

/** One scan's label map for export, with its JSON sidecar. */
export interface ExportedLabels {
  scanId: string;
  /** Suggested file name, e.g. "brain_labels.nii.gz". */
  fileName: string;
  nifti: ArrayBuffer;
  /** JSON text: classes, and per axis which slices are annotated; null when not asked for. */
  sidecar: string | null;
}

/** What a training run samples from: annotated slices (2D) or scans (3D) trained on, held out, and unannotated ones. */
export interface TrainingDataSummary {
  /** 2D models sample slices, 3D models patches of scans. */
  unit: 'slice' | 'scan';
  /** Annotated slices (2D) or scans (3D) trained on. */
  labeled: number;
  /** Annotated ones held out for validation (0 when validation reuses the training ones). */
  heldOut: number;
  /** Unannotated slices or scans, the unlabelled data of semi-supervised methods (rejected slices left out). */
  unlabeled: number;
  /** Synthetic annotated scans made from the annotated ones and trained on (the exemplar method); absent when none. */
  synthetic?: number;
}

/** What a training run will use and cost (`jobs.preflight`), measured by a few real steps. */
export interface TrainPlan {
  backend: { name: string; device: string; reason: string };
  method: string;
  model: NetworkKind;
  /** Slice axis of a 2D model. */
  axis: Axis | null;
  iterations: number;
  /** Whether `iterations` was planned from the time budget at the measured pace (else the user fixed it). */
  planned: boolean;
  /** The run whose model this one would continue from; null for a fresh start. */
  continuedFrom: string | null;
  batchSize: number;
  width: number;
  maxMinutes: number | null;
  data: TrainingDataSummary;
  msPerIteration: number;
  /** The whole run at the measured pace, validations included, within the time budget. */
  estimatedSeconds: number;
  /** Largest tensor memory during one step: weights, optimiser state and activations. */
  peakTensorBytes: number;
  warnings: string[];
}

/** The answer of a preflight: a plan, or the problems that stop the run (then `plan` is null). */
export interface TrainPreflight {
  problems: string[];
  plan: TrainPlan | null;
}

/** Two runs' predictions of one scan compared (`predictions.compare`). */
export interface PredictionComparisonResult {
  /** NIfTI (gzip) of voxel codes: 0 both background, 1 same class, 2 only the first run's foreground, 3 only the second's, 4 classes differ. */
  map: ArrayBuffer;
  /** Dice of the two over the scan; null when both are empty. */
  dice: number | null;
  sliceDice: Record<Axis, (number | null)[]>;
}

/** One round of the corrective loop (`review.rounds`): a model and the corrections made after it. */
export interface ReviewRound {
  runId: string;
  method: string;
  createdAt: string;
  /** Slices annotated when the run started (what the model learnt from). */
  annotatedSlices: number;
  /** Slices annotated after it started, up to the next run's start (or now): corrections it never saw. */
  laterSlices: number;
  /** Dice of its prediction against the labels those slices were then given; null without them or without a prediction of their scans. */
  diceOnLater: number | null;
}

/** One slice waiting for review in a run's prediction (`review.queue`). */
export interface ReviewQueueEntry {
  scanId: string;
  axis: Axis;
  slice: number;
  /**
   * Mean normalised entropy (0..1) over the slice's voxels that are predicted foreground or
   * at least 0.25 uncertain; 0 when it has none.
   */
  uncertainty: number;
  /** What annotating it is expected to teach the next model (main/api/reviewQueue.ts): the queue's order. */
  gain: number;
  /** Why it was proposed, in words. */
  reason: string;
  /** The slice's state now (never `annotated`: those are not queued). */
  state: SliceState;
}

/** A WebGPU adapter a window offers for training and prediction (GPUAdapter.info and limits). */
export interface GpuAdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A software adapter (SwiftShader, WARP): correct but slow, never chosen for real work unless asked. */
  isFallback: boolean;
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number; maxComputeWorkgroupStorageSize: number; maxComputeInvocationsPerWorkgroup: number };
}

/** Whether jobs run on a window's WebGPU adapter, and why (not). */
export interface GpuHostStatus {
  /** The adapter of the window that hosts WebGPU jobs; null when no window has offered one. */
  adapter: GpuAdapterInfo | null;
  /** Training and prediction run on it (otherwise in the Node job process). */
  used: boolean;
  reason: string;
}

/** An order to the window hosting WebGPU jobs (the API event `gpuHost.command`). */
export interface GpuHostCommand {
  hostId: string;
  jobId: string;
  /** `start` carries the job's spec without file paths (main/engine/jobs/jobSpec.ts), opaque to the window. */
  message: { type: 'start'; spec: unknown } | { type: 'cancel' } | { type: 'snapshot' };
}
