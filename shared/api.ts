/**
 * The typed API contract between the UI and the main process, one interface per domain.
 * Request shapes are zod schemas so every transport (Electron IPC, loopback HTTP) validates
 * them at the boundary with the same rules; results are plain types. Voxel data travels as
 * ArrayBuffer (NIfTI bytes), never as JSON arrays.
 */
import { z } from 'zod';
import { DISPLAY_CONVENTIONS, RENDER_3D_CHOICES } from './display.ts';
import { METHOD_NAMES, type MethodSpec } from './methods.ts';
import { MODEL_CHOICES } from './networks.ts';
import { OPTIMIZER_NAMES, trainParameterProblem, type RangedTrainParameter } from './training.ts';
import { scanNameProblem } from './scanName.ts';
import type {
  AnnotationSnapshot,
  AnnotationUpdate,
  AppInfo,
  ExportedLabels,
  FillPreview,
  GpuHostCommand,
  GpuHostStatus,
  JobInfo,
  JobProgressEvent,
  JobEndedEvent,
  LabelClass,
  PredictionComparisonResult,
  PredictionsSavedEvent,
  ProjectInfo,
  ReviewQueueEntry,
  ReviewRound,
  TrainPreflight,
  ScanInfo,
} from './types.ts';
import { EXPORT_CONTENTS, type ExportContent } from './types.ts';

const projectPath = z.string().trim().min(1, 'a project path is required').max(4096);
const scanId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a scan id');
const fileName = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .regex(/^[^/\\\0]+$/, 'a file name, not a path');
const scanName = z
  .string()
  .trim()
  .superRefine((name, ctx) => {
    const problem = scanNameProblem(name);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  });
const runId = z.string().regex(/^[a-f0-9]{12}$/, 'not a run id');
const axis = z.enum(['i', 'j', 'k']);
const sliceIndex = z.number().int().min(0).max(65_535);
const classValue = z.number().int().min(1).max(254);
const className = z.string().trim().min(1).max(64);
const colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour like #e6194b');
const bytes = z.instanceof(ArrayBuffer).refine((b) => b.byteLength > 0, 'the file is empty');

/** Where and with what a fill starts (annotations.fillPreview, annotations.fill). */
const fillRequest = {
  scanId,
  axis,
  slice: sliceIndex,
  seed: z.tuple([sliceIndex, sliceIndex, sliceIndex]),
  value: z.number().int().min(0).max(254),
  /** Intensity units (the scan's real-world values) either side of the seed's; the slice's default without it. */
  tolerance: z.number().min(0).finite().optional(),
};

function ranged(key: RangedTrainParameter) {
  return z
    .number()
    .superRefine((n, ctx) => {
      const problem = trainParameterProblem(key, n);
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
    })
    .optional();
}

/** What a training run can be asked for (every field optional: defaults come from the data and the backend). */
const trainParameters = z.object({
  /** DEFAULT_METHOD for a new run; a resumed run keeps its own unless given. */
  method: z.enum(METHOD_NAMES).optional(),
  /** The method's options by key (see `methods.list`); unknown keys and bad values are refused by the engine. */
  methodOptions: z.record(z.string().regex(/^[A-Za-z]{1,40}$/), z.union([z.number(), z.boolean(), z.string().max(40)])).optional(),
  model: z.enum(MODEL_CHOICES).optional(),
  axis: axis.optional(),
  iterations: ranged('iterations'),
  /** Time budget; without it (and without iterations) DEFAULT_TIME_BUDGET_MINUTES. */
  maxMinutes: ranged('maxMinutes'),
  batchSize: ranged('batchSize'),
  width: ranged('width'),
  seed: z.number().int().min(0).optional(),
  optimizer: z.enum(OPTIMIZER_NAMES).optional(),
  learningRate: z.number().positive().max(10).optional(),
  /** Start from this run's model ('current': the project's current one), fine-tuning it with the annotations as they are now. */
  continueFrom: z.union([runId, z.literal('current')]).optional(),
});
/** The training parameters as the schema passes them on: what the engine's jobs are given (main/engine/jobs/jobSpec.ts). */
export type TrainRequestParameters = z.output<typeof trainParameters>;

const hostId = z.string().regex(/^[0-9a-f-]{36}$/, 'a host id');
const jobId = z.string().regex(/^[0-9a-f-]{36}$/, 'a job id');
const gpuAdapter = z
  .object({
    vendor: z.string().max(200),
    architecture: z.string().max(200),
    device: z.string().max(200),
    description: z.string().max(500),
    isFallback: z.boolean(),
    limits: z
      .object({
        maxBufferSize: z.number().min(0),
        maxStorageBufferBindingSize: z.number().min(0),
        maxComputeWorkgroupStorageSize: z.number().min(0),
        maxComputeInvocationsPerWorkgroup: z.number().min(0),
      })
      .strict(),
  })
  .strict();

export const requestSchemas = {
  'app.info': z.object({}).strict(),
  /** Remembers in the app's settings that the first-run guide was finished or skipped, across restarts. */
  'app.dismissGuide': z.object({}).strict(),
  /** Remembers how the views are shown (orientation convention, what the 3D view renders), across restarts. */
  'app.setDisplay': z.object({ convention: z.enum(DISPLAY_CONVENTIONS), render3d: z.enum(RENDER_3D_CHOICES) }).strict(),
  'projects.current': z.object({}).strict(),
  'projects.open': z.object({ path: projectPath }).strict(),
  'projects.create': z.object({ path: projectPath }).strict(),
  'projects.openSample': z.object({}).strict(),
  'scans.list': z.object({}).strict(),
  'scans.import': z
    .object({
      scan: bytes,
      scanFileName: fileName,
      labels: bytes.optional(),
      labelsFileName: fileName.optional(),
      name: scanName.optional(),
      /** Import only the first 3D frame of a 4D file (otherwise 4D files are refused). */
      firstFrameOnly: z.boolean().optional(),
      /** Only these slices of the label map are annotations; without it the label map is fully annotated. */
      annotatedSlices: z
        .object({ axis: z.enum(['i', 'j', 'k']), slices: z.array(z.number().int().min(0)).min(1) })
        .strict()
        .optional(),
    })
    .strict()
    .refine((r) => (r.labels === undefined) === (r.labelsFileName === undefined), {
      message: 'labels and labelsFileName go together',
    })
    .refine((r) => r.annotatedSlices === undefined || r.labels !== undefined, {
      message: 'annotatedSlices needs a label map',
    }),
  'scans.image': z.object({ id: scanId }).strict(),
  'scans.labels': z.object({ id: scanId }).strict(),
  'scans.remove': z.object({ id: scanId }).strict(),
  'jobs.train': trainParameters
    .extend({
      /** Continue this cancelled or failed run from its last checkpoint. */
      resume: runId.optional(),
      /** Start a new run with this run's parameters (those given here replace theirs), e.g. one stopped before its first checkpoint. */
      settingsFrom: runId.optional(),
    })
    .strict(),
  /**
   * What `jobs.train` with these parameters would use and cost, measured by a few real steps
   * in the job process: backend and device, the resolved run, the data it samples from, time
   * per iteration and in all, peak tensor memory; or the problems that stop it. Refused while a
   * job runs (the measurement would be wrong and would wait for it).
   */
  'jobs.preflight': trainParameters.strict(),
  'classes.add': z.object({ name: className, color: colour, value: classValue.optional() }).strict(),
  'classes.update': z.object({ value: classValue, name: className.optional(), color: colour.optional() }).strict(),
  /** How many voxels of each scan hold the class, so the UI can ask before deleting. */
  'classes.usage': z.object({ value: classValue }).strict(),
  /** Deletes the class; voxels holding it become background (undoable per scan). Refused while in use unless `force`. */
  'classes.remove': z.object({ value: classValue, force: z.boolean().default(false) }).strict(),
  'annotations.load': z.object({ scanId }).strict(),
  /**
   * Sets `indices` (NIfTI order, a Uint32Array's buffer) of one slice to `value` (0 erases);
   * an unconfirmed slice becomes `painted` along `axis` (an annotated one stays annotated).
   */
  'annotations.paint': z.object({ scanId, axis, slice: sliceIndex, indices: bytes, value: z.number().int().min(0).max(254) }).strict(),
  /**
   * The region a fill from `seed` would set, changing nothing (the Fill tool's preview): the
   * seed's 4-connected region in the slice that holds the seed's label (never another class's
   * voxels; a seed on another class is refused) and whose intensity is within `tolerance` of the
   * seed's (by default a tenth of the slice's robust intensity range).
   */
  'annotations.fillPreview': z.object(fillRequest).strict(),
  /**
   * Sets the region `annotations.fillPreview` gives to `value`, as a stroke would (one undoable
   * edit). With the preview's `revision`, refused (conflict) when the labels changed since, so
   * what lands is exactly what was previewed.
   */
  'annotations.fill': z.object({ ...fillRequest, revision: z.number().int().min(0).optional() }).strict(),
  /** Fills the slices strictly between two annotated slices, marked interpolated. */
  'annotations.interpolate': z.object({ scanId, axis, from: sliceIndex, to: sliceIndex }).strict(),
  /** Marks slices annotated (confirmed complete: a painted slice, an accepted interpolation, background only) or back to unknown. */
  'annotations.setSliceState': z.object({ scanId, axis, slices: z.array(sliceIndex).min(1).max(100_000), state: z.enum(['annotated', 'unknown']) }).strict(),
  /** Clears one slice to background and marks it annotated, as one undoable edit ("all background"). */
  'annotations.markBackground': z.object({ scanId, axis, slice: sliceIndex }).strict(),
  'annotations.undo': z.object({ scanId }).strict(),
  'annotations.redo': z.object({ scanId }).strict(),
  /** One scan's current label map (and optionally its sidecar) for saving by the UI. */
  /** A scan's label map as NIfTI in its geometry; a run is needed (and only allowed) for `content: 'prediction'`. */
  'annotations.export': z
    .object({
      scanId,
      sidecar: z.boolean().default(true),
      content: z.enum(EXPORT_CONTENTS as [ExportContent, ...ExportContent[]]).default('with-accepted'),
      runId: runId.optional(),
    })
    .strict()
    .refine((r) => (r.content === 'prediction') === (r.runId !== undefined), {
      message: 'runId is needed for content "prediction" and only for it',
      path: ['runId'],
    }),
  /** Puts an existing label map (same geometry) onto a scan; unknown values are refused unless `createClasses`. */
  'scans.importLabels': z
    .object({
      id: scanId,
      labels: bytes,
      labelsFileName: fileName,
      createClasses: z.boolean().default(false),
      annotatedSlices: z
        .object({ axis, slices: z.array(sliceIndex).min(1) })
        .strict()
        .optional(),
    })
    .strict(),
  'jobs.cancel': z.object({ runId }).strict(),
  /** The training methods with their options, defaults and one-line descriptions. */
  'methods.list': z.object({}).strict(),
  'jobs.list': z.object({}).strict(),
  /**
   * Predicts every (or one) scan with a run's model, the current model by default. For a run
   * still training, predicts every scan with the model so far, between two of its steps
   * (`predictions.saved` tells when), and answers with the training job.
   */
  'predictions.start': z.object({ runId: runId.optional(), scanId: scanId.optional() }).strict(),
  /**
   * Where two runs' predictions of a scan agree and differ: a label map (NIfTI, gzip, the
   * scan's geometry) coding each voxel 0 both background, 1 same class, 2 only `runId` says
   * foreground, 3 only `otherRunId` does, 4 different classes; with their Dice over the scan
   * and per slice of each axis.
   */
  'predictions.compare': z.object({ runId, otherRunId: runId, scanId }).strict(),
  /** Makes a run's model the project's current one: a rollback to an earlier model (a newer run's model replaces it again). */
  'models.setCurrent': z.object({ runId }).strict(),
  /** The predicted label map of a scan (NIfTI, gzip, the scan's geometry), or null when there is none. */
  'predictions.labels': z.object({ runId, scanId }).strict(),
  /**
   * Per-voxel uncertainty of a run's prediction: entropy of the class probabilities divided by
   * ln C (0 certain, 1 all classes equally likely) as NIfTI (gzip, float32) in the scan's
   * geometry, or null when the run has no prediction (with probabilities) for the scan.
   */
  'predictions.uncertainty': z.object({ runId, scanId }).strict(),
  /**
   * Slices of a run's prediction still to review along `axis` (neither annotated nor painted,
   * no decision in effect), those whose annotation should teach the next model most first, each with why
   * (main/api/reviewQueue.ts). Without `scanId`, every scan the run predicted. Near-empty slices
   * (little or no predicted structure) only with `includeNearEmpty`.
   */
  'review.queue': z
    .object({
      runId,
      scanId: scanId.optional(),
      axis,
      limit: z.number().int().min(1).max(1_000_000).default(100),
      includeNearEmpty: z.boolean().default(false),
    })
    .strict(),
  /** The rounds of the corrective loop: each model, the slices annotated after it, and its Dice on them. */
  'review.rounds': z.object({}).strict(),
  /**
   * The run's predicted labels become the slices' annotation (annotated, a training target): one
   * undoable edit, with provenance. On a painted slice the prediction replaces the painting.
   */
  'review.accept': z.object({ runId, scanId, axis, slices: z.array(sliceIndex).min(1).max(65_536) }).strict(),
  /**
   * As `review.accept`, recorded as `corrected`: the person takes the prediction in order to
   * paint over it (painting over an accepted slice also turns it into `corrected`).
   */
  'review.correct': z.object({ runId, scanId, axis, slices: z.array(sliceIndex).min(1).max(65_536) }).strict(),
  /** Records that the run's prediction of the slices is wrong; voxels and states stay. One undoable edit. */
  'review.reject': z.object({ runId, scanId, axis, slices: z.array(sliceIndex).min(1).max(65_536) }).strict(),
  /**
   * A window offers its WebGPU adapter for training and prediction (main/api/gpuHosts.ts): the
   * answer says whether jobs will run there and why (not). A window whose host is forgotten
   * (its heartbeat stopped for too long) attaches again.
   */
  'gpuHost.attach': z.object({ adapter: gpuAdapter }).strict(),
  /** The hosting window is alive; a job on a host that stops beating fails, its checkpoint kept. */
  'gpuHost.heartbeat': z.object({ hostId }).strict(),
  /** The window closes or loses its adapter: a job running there fails with `reason`, its checkpoint kept. */
  'gpuHost.detach': z.object({ hostId, reason: z.string().max(2000).optional() }).strict(),
  /** Where jobs run now: the offered adapter, whether it is used, and why. */
  'gpuHost.status': z.object({}).strict(),
  /** A job on the host reads its inputs by role (main/engine/jobs/jobIo.ts), never by path. */
  'gpuHost.read': z
    .object({
      hostId,
      jobId,
      what: z.enum(['trainingScans', 'resumeCheckpoint', 'initialModel', 'predictModel', 'scanToPredict']),
      target: z.enum(['predict', 'snapshot']).optional(),
      index: z.number().int().min(0).max(100_000).optional(),
    })
    .strict(),
  /** A job on the host writes its model, a checkpoint or a predicted scan; the main process puts it where the run keeps it. */
  'gpuHost.write': z.discriminatedUnion('what', [
    z.object({ hostId, jobId, what: z.literal('model'), bytes }).strict(),
    z.object({ hostId, jobId, what: z.literal('checkpoint'), bytes }).strict(),
    z
      .object({
        hostId,
        jobId,
        what: z.literal('prediction'),
        target: z.enum(['predict', 'snapshot']),
        index: z.number().int().min(0).max(100_000),
        labels: bytes,
        probabilities: bytes,
        classValues: z.array(z.number().int().min(0).max(255)).min(1).max(256),
        seconds: z.number().min(0),
      })
      .strict(),
  ]),
  /** What the job on the host says: its backend, progress, a mid-run prediction, its result or its failure (main/engine/jobs/jobSpec.ts WorkerMessage). */
  'gpuHost.report': z
    .object({
      hostId,
      jobId,
      message: z.looseObject({ type: z.enum(['backend', 'progress', 'snapshot', 'done', 'failed']) }),
    })
    .strict(),
} as const;

export type Method = keyof typeof requestSchemas;
export type Request<M extends Method> = z.input<(typeof requestSchemas)[M]>;

export interface Results {
  'app.info': AppInfo;
  'app.dismissGuide': AppInfo;
  'app.setDisplay': AppInfo;
  'projects.current': ProjectInfo | null;
  'projects.open': ProjectInfo;
  'projects.create': ProjectInfo;
  'projects.openSample': ProjectInfo;
  'scans.list': ScanInfo[];
  'scans.import': ScanInfo;
  /** The scan as a NIfTI file (gzip), exactly as imported. */
  'scans.image': ArrayBuffer;
  /** The label map as a NIfTI file (gzip) in the scan's geometry, or null when the scan has none. */
  'scans.labels': ArrayBuffer | null;
  'scans.remove': ProjectInfo;
  /** The run, queued; progress follows as job.progress events. */
  'jobs.train': JobInfo;
  'jobs.preflight': TrainPreflight;
  'classes.add': LabelClass[];
  'classes.update': LabelClass[];
  'classes.usage': { value: number; voxels: number; scans: Array<{ scanId: string; voxels: number }> };
  'classes.remove': LabelClass[];
  'annotations.load': AnnotationSnapshot;
  'annotations.paint': AnnotationUpdate;
  'annotations.fillPreview': FillPreview;
  'annotations.fill': AnnotationUpdate;
  'annotations.interpolate': AnnotationUpdate;
  'annotations.setSliceState': AnnotationUpdate;
  'annotations.markBackground': AnnotationUpdate;
  'annotations.undo': AnnotationUpdate;
  'annotations.redo': AnnotationUpdate;
  'annotations.export': ExportedLabels;
  'scans.importLabels': ScanInfo;
  'jobs.cancel': JobInfo;
  'jobs.list': JobInfo[];
  'methods.list': readonly MethodSpec[];
  'predictions.start': JobInfo;
  'models.setCurrent': ProjectInfo;
  'predictions.compare': PredictionComparisonResult;
  'predictions.labels': ArrayBuffer | null;
  'predictions.uncertainty': ArrayBuffer | null;
  'review.queue': ReviewQueueEntry[];
  'review.rounds': ReviewRound[];
  'review.accept': AnnotationUpdate;
  'review.correct': AnnotationUpdate;
  'review.reject': AnnotationUpdate;
  'gpuHost.attach': GpuHostStatus & { hostId: string };
  'gpuHost.heartbeat': null;
  'gpuHost.detach': null;
  'gpuHost.status': GpuHostStatus;
  /** The job's own wire form of what it asked for (main/engine/jobs/jobIoWire.ts), opaque to the window that relays it. */
  'gpuHost.read': unknown;
  /** A written prediction: which scan and how long it took; null for a model or checkpoint. */
  'gpuHost.write': { id: string; seconds: number } | null;
  'gpuHost.report': null;
}

/** Events pushed from the main process to every connected UI. */
export interface Events {
  'project.changed': ProjectInfo;
  'job.progress': JobProgressEvent;
  'job.ended': JobEndedEvent;
  'predictions.saved': PredictionsSavedEvent;
  /** To the window hosting WebGPU jobs: start a job (its spec, without file paths), cancel it, or predict with the model so far. */
  'gpuHost.command': GpuHostCommand;
}
export type EventName = keyof Events;
export const EVENT_NAMES: readonly EventName[] = ['project.changed', 'job.progress', 'job.ended', 'predictions.saved', 'gpuHost.command'];

/** The one implementation of the API (main/api) and every client expose this shape. */
export type ApiHandlers = { [M in Method]: (req: z.output<(typeof requestSchemas)[M]>) => Promise<Results[M]> };

/** Failure crossing the boundary: a stable code and a message meant for the user. */
export interface ApiErrorShape {
  code: 'invalid-request' | 'not-found' | 'bad-input' | 'conflict' | 'unauthorized' | 'internal';
  message: string;
}

export class ApiError extends Error implements ApiErrorShape {
  constructor(
    readonly code: ApiErrorShape['code'],
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Validates a request against its schema, turning zod's report into one readable ApiError. */
export function parseRequest<M extends Method>(method: M, raw: unknown): z.output<(typeof requestSchemas)[M]> {
  const schema = requestSchemas[method];
  if (!schema) throw new ApiError('invalid-request', `unknown method "${String(method)}"`);
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
    throw new ApiError('invalid-request', `${method}: ${detail}`);
  }
  return parsed.data as z.output<(typeof requestSchemas)[M]>;
}

export function isMethod(name: string): name is Method {
  return Object.prototype.hasOwnProperty.call(requestSchemas, name);
}

/** What a client offers the renderer: call any method, listen to events. */
export interface ApiClient {
  call<M extends Method>(method: M, req: Request<M>): Promise<Results[M]>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}
