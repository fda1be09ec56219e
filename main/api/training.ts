import { join, relative } from 'node:path';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { ApiError } from '../../shared/api.ts';
import { DEFAULT_METHOD } from '../../shared/methods.ts';
import type { Axis, RunInfo, TrainPreflight } from '../../shared/types.ts';
import { AXES } from '../../shared/types.ts';
import { JobFailedError, type JobHandle, type JobRunner } from '../engine/jobs/jobRunner.ts';
import type {
  InitialModel,
  JobProgress,
  JobScan,
  PredictedScan,
  PredictJobResult,
  PredictJobSpec,
  PreflightJobResult,
  TrainJobResult,
  TrainParameters,
  TrainRequestParameters,
} from '../engine/jobs/jobSpec.ts';
import type { ResolvedTrainConfig } from '../engine/training/trainRequest.ts';
import type { ProjectStore } from '../store/projectStore.ts';
import { RunOwnedError } from '../store/runOwnership.ts';
import { countSlices, type AnnotatedSlices } from './reviewRounds.ts';
import { annotationService } from '../annotation/annotationService.ts';
import { codeVersion } from './codeVersion.ts';
import { withCurrentLabels } from './trainingLabels.ts';

export interface StartedJob<R> {
  runId: string;
  job: JobHandle;
  /** Settles once the store records how the job ended. */
  finished: Promise<R>;
}

/** The project's scans as a job reads them: files, annotated slices, rejected slices. */
export function jobScans(store: ProjectStore, scanIds?: string[]): JobScan[] {
  return store
    .scans()
    .filter((v) => !scanIds || scanIds.includes(v.id))
    .map((v) => {
      const files = store.scanFiles(v.id)!;
      return {
        id: v.id,
        name: v.name,
        scanPath: store.file(files.imageFile),
        labelsPath: files.labelsFile ? store.file(files.labelsFile) : null,
        annotated: Object.fromEntries(AXES.map((a) => [a, store.annotatedSlices(v.id, a)])) as Record<Axis, number[]>,
        rejected: rejectedSlices(store, v.id),
      };
    });
}

function rejectedSlices(store: ProjectStore, scanId: string): Record<Axis, number[]> {
  const reviews = annotationService(store).sliceReviews(scanId);
  return Object.fromEntries(AXES.map((a) => [a, reviews[a].filter((r) => r.decision === 'rejected').map((r) => r.slice)])) as Record<Axis, number[]>;
}

/** Where a run's checkpoint is, relative to the project folder. */
const checkpointFile = (runId: string) => join('models', runId, 'checkpoint.atrium-checkpoint');

/**
 * Starts a training run: records it, owned by this process (see store/runOwnership.ts), hands
 * the job to the runner and keeps the run's row in step with the job (progress, backend, how it
 * ended, the model file). The model is kept whether the run finished, ran out of time or was
 * cancelled. `resume` continues a run from its checkpoint; `settingsFrom` starts a new run with
 * another run's parameters (those given in `requested` replace theirs).
 */
export function startTraining(
  store: ProjectStore,
  runner: JobRunner,
  requested: TrainRequestParameters,
  opts: { resume?: string; settingsFrom?: string } = {},
): StartedJob<RunInfo> {
  if (opts.resume && opts.settingsFrom) throw new ApiError('bad-input', 'resume continues a run and settingsFrom starts a new one: give one of them');
  const { scans, classValues, problem } = trainingInputs(store);
  if (problem) throw new ApiError('conflict', problem);

  let runId: string;
  let resumeFrom: string | undefined;
  let parameters: TrainParameters;
  let initialModel: InitialModel | undefined;
  if (opts.resume) {
    runId = opts.resume;
    const previous = takeOverForResume(store, runId);
    resumeFrom = store.file(checkpointFile(runId));
    parameters = { ...(previous.config.parameters as TrainParameters), ...definedOnly(requested) };
    store.updateRun(runId, { status: 'queued' });
  } else {
    runId = store.newId();
    parameters = newRunParameters({ ...settingsOf(store, opts.settingsFrom), ...definedOnly(requested) });
    initialModel = continuedModel(store, parameters.continueFrom);
    const annotatedAtStart: AnnotatedSlices = Object.fromEntries(scans.map((v) => [v.id, v.annotated]));
    store.createOwnedRun({
      id: runId,
      method: parameters.method,
      model: parameters.model,
      config: { parameters, code: codeVersion(), annotatedAtStart },
      annotatedSlices: countSlices(annotatedAtStart),
    });
  }
  const dir = join('models', runId);
  const modelFile = join(dir, 'model.atrium-model');
  let job: JobHandle;
  try {
    mkdirSync(store.file(dir), { recursive: true });
    job = runner.submit({
      kind: 'train',
      runId,
      scans: withCurrentLabels(store, scans, dir),
      classValues,
      parameters,
      ...(initialModel ? { initialModel } : {}),
      modelPath: store.file(modelFile),
      checkpointPath: store.file(checkpointFile(runId)),
      resumeFrom,
      snapshotScans: predictionOutputs(store, runId, scans),
    });
  } catch (err) {
    store.finishRun(runId, { status: 'failed', summary: { error: err instanceof Error ? err.message : String(err) } });
    throw err;
  }
  job.onSnapshot((s) => recordPredictions(store, runId, s.scans, s.iteration));
  job.onBackend((b) => store.updateRun(runId, { status: 'running', backend: b.name }));
  // The row is what a reopened project shows of a run still going: a write a second is plenty
  // (each is an fsync), but never skip a validation result.
  let lastWrite = 0;
  let lastValidation: number | null | undefined;
  job.onProgress((p: JobProgress) => {
    const now = Date.now();
    const validated = p.valDice !== undefined && p.valDice !== lastValidation;
    if (!validated && now - lastWrite < 1000) return;
    lastWrite = now;
    lastValidation = p.valDice;
    store.updateRun(runId, { iterations: p.step, ...(validated ? { valDice: p.valDice, validation: p.validation, probe: p.probe } : {}) });
  });
  const finished = job.result.then(
    (r) => {
      const result = r as TrainJobResult;
      store.finishRun(runId, {
        status: result.stoppedBy === 'cancelled' ? 'cancelled' : 'finished',
        summary: result,
        // What was recorded at the start (the annotated slices) stays beside what the run used.
        config: { ...store.runRecord(runId)?.config, parameters, resolved: result.config, backend: result.backend, code: codeVersion() },
        model: { file: modelFile, iteration: result.iterations },
        iterations: result.iterations,
        valDice: result.valDice,
        validation: result.validation,
        probe: result.probe,
      });
      return store.runRecord(runId)!.info;
    },
    (err: Error & { kind?: string }) => {
      store.finishRun(runId, { status: err.kind === 'cancelled' ? 'cancelled' : 'failed', summary: { error: err.message } });
      throw err.kind === 'input' ? new ApiError('bad-input', err.message) : err;
    },
  );
  return { runId, job, finished };
}

/**
 * Takes run `runId` over to resume it: it must exist, not have finished, be owned by no live
 * process, and have a checkpoint. One stopped before its first checkpoint has nothing to resume
 * from: it is failed, and the error says how to start it again.
 * @returns the run's record.
 */
function takeOverForResume(store: ProjectStore, runId: string): NonNullable<ReturnType<ProjectStore['runRecord']>> {
  const previous = store.runRecord(runId);
  if (!previous) throw new ApiError('not-found', `no run ${runId}`);
  if (previous.info.status === 'finished') throw new ApiError('conflict', `run ${runId} already finished; start a new run instead`);
  try {
    store.claimRun(runId);
  } catch (err) {
    if (err instanceof RunOwnedError) throw new ApiError('conflict', `${err.message}: wait for it to end, or stop it there, before resuming it`);
    throw err;
  }
  if (!existsSync(store.file(checkpointFile(runId)))) {
    const message =
      `run ${runId} was stopped before its first checkpoint, so there is nothing to resume it from; it is marked failed. ` +
      `Start a new run with the same settings instead: atrium train <project> --settings-from ${runId} (API: jobs.train with settingsFrom "${runId}")`;
    store.finishRun(runId, { status: 'failed', summary: { error: message } });
    throw new ApiError('conflict', message);
  }
  return previous;
}

/** The parameters a run was started with, for a new run with the same settings; none without a run. */
function settingsOf(store: ProjectStore, runId: string | undefined): Partial<TrainParameters> {
  if (!runId) return {};
  const record = store.runRecord(runId);
  if (!record) throw new ApiError('not-found', `no run ${runId}`);
  return record.config.parameters as TrainParameters;
}

/**
 * A dry run of `requested` in the job process (see engine/training/preflight.ts) on the
 * project's current annotations, frozen into `<project>/preflight/` for the job and removed
 * after. What the engine refuses comes back as problems, not as an error.
 */
export async function runPreflight(store: ProjectStore, runner: JobRunner, requested: TrainRequestParameters): Promise<TrainPreflight> {
  const { scans, classValues, problem } = trainingInputs(store);
  if (problem) return { problems: [problem], plan: null };
  const parameters = newRunParameters(requested);
  const dir = 'preflight';
  try {
    const initialModel = continuedModel(store, parameters.continueFrom);
    const job = runner.submit({
      kind: 'preflight',
      scans: withCurrentLabels(store, scans, dir),
      classValues,
      parameters,
      ...(initialModel ? { initialModel } : {}),
    });
    const result = (await job.result) as PreflightJobResult;
    const config = result.config as unknown as ResolvedTrainConfig;
    return {
      problems: [],
      plan: {
        backend: result.backend,
        method: config.method,
        model: config.model,
        axis: config.axis ?? null,
        iterations: config.iterations,
        planned: config.length === 'planned',
        continuedFrom: config.continuedFrom,
        batchSize: config.batchSize,
        width: config.width,
        maxMinutes: config.maxMinutes,
        data: result.data,
        msPerIteration: result.msPerIteration,
        estimatedSeconds: result.estimatedSeconds,
        peakTensorBytes: result.peakTensorBytes,
        warnings: config.warnings,
      },
    };
  } catch (err) {
    if (err instanceof JobFailedError && err.kind === 'input') return { problems: [err.message], plan: null };
    throw err;
  } finally {
    rmSync(store.file(dir), { recursive: true, force: true });
  }
}

/** Predicts every (or one) scan with a run's model; labels and probabilities are kept in the project. */
export function startPrediction(store: ProjectStore, runner: JobRunner, opts: { runId?: string; scanId?: string } = {}): StartedJob<PredictJobResult> {
  const runId = opts.runId ?? store.currentModelRun();
  if (!runId) throw new ApiError('conflict', 'no trained model yet: train first');
  const modelFile = store.modelFile(runId);
  if (!modelFile) throw new ApiError('not-found', `run ${runId} has no model`);
  const scans = jobScans(store, opts.scanId ? [opts.scanId] : undefined);
  if (opts.scanId && scans.length === 0) throw new ApiError('not-found', `no scan with id ${opts.scanId}`);
  const job = runner.submit({ kind: 'predict', runId, modelPath: store.file(modelFile), scans: predictionOutputs(store, runId, scans) });
  const finished = job.result.then((r) => {
    const result = r as PredictJobResult;
    recordPredictions(store, runId, result.scans);
    return result;
  });
  return { runId, job, finished };
}

/** Where a run's prediction of each scan goes: `predictions/<run>/<scan>.*`, one file pair per scan, replaced by each new prediction. */
function predictionOutputs(store: ProjectStore, runId: string, scans: JobScan[]): PredictJobSpec['scans'] {
  const dir = join('predictions', runId);
  mkdirSync(store.file(dir), { recursive: true });
  return scans.map((v) => ({
    id: v.id,
    scanPath: v.scanPath,
    labelsOut: store.file(join(dir, `${v.id}.nii.gz`)),
    probabilitiesOut: store.file(join(dir, `${v.id}.atrium-probabilities`)),
  }));
}

/** @param iteration for a prediction taken mid-run, the iteration of its model. */
export function recordPredictions(store: ProjectStore, runId: string, scans: PredictedScan[], iteration?: number): void {
  for (const v of scans) {
    store.recordPrediction({
      runId,
      scanId: v.id,
      labelsFile: relative(store.folder, v.labelsOut),
      probabilitiesFile: relative(store.folder, v.probabilitiesOut),
      iteration,
    });
  }
}

/** What a training job reads from the project, or why the project cannot train at all. */
function trainingInputs(store: ProjectStore): { scans: JobScan[]; classValues: number[]; problem: string | null } {
  const scans = jobScans(store);
  const classValues = store.classes().map((c) => c.value);
  const problem =
    scans.length === 0
      ? 'the project has no scans: import one first'
      : classValues.length === 0
        ? 'the project has no label classes: paint or import a label map first'
        : null;
  return { scans, classValues, problem };
}

/**
 * The model file a run continues from: the named run's, or the project's current model for
 * 'current' (none when the project has no model yet: the run starts fresh).
 * @throws ApiError not-found for a run without a model.
 */
function continuedModel(store: ProjectStore, continueFrom: string | undefined): InitialModel | undefined {
  if (!continueFrom) return undefined;
  const runId = continueFrom === 'current' ? store.currentModelRun() : continueFrom;
  if (!runId) return undefined;
  const file = store.modelFile(runId);
  if (!file) throw new ApiError('not-found', `run ${runId} has no model to continue from`);
  return { runId, path: store.file(file) };
}

/** A new run's parameters: what was asked for, DEFAULT_METHOD and model auto unless given. */
function newRunParameters(requested: TrainRequestParameters): TrainParameters {
  return { ...definedOnly(requested), method: requested.method ?? DEFAULT_METHOD, model: requested.model ?? 'auto' };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
