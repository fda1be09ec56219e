/**
 * Runs one job on the backend already selected, reading and writing through a JobIo: the same
 * code for the Node job process (jobWorker.ts) and a browser Worker on WebGPU (webJobWorker.ts).
 */
import { predictVolume } from '../predict/predictVolume.ts';
import { preflight } from '../training/preflight.ts';
import { train } from '../training/train.ts';
import type { BackendName, TrainedModel } from '../training/trainRequest.ts';
import type { JobIo, PredictionTarget } from './jobIo.ts';
import type { JobResult, JobSpec, PredictedScan, PredictJobSpec, PreflightJobSpec, TrainJobSpec, WorkerMessage } from './jobSpec.ts';

/** The backend a job runs on, as reported to the runner and recorded with the run. */
export interface JobBackend {
  name: BackendName;
  device: string;
  reason: string;
}

/** What the host tells a running job: a cancel, or a wish for a prediction with the model so far. */
export interface JobControl {
  cancelled(): boolean;
  /** True once per request (RunnerMessage `snapshot`): the request is consumed. */
  takeSnapshotRequest(): boolean;
}

/**
 * The control of a job and the two orders that set it, for a host that receives them as
 * messages (jobWorker.ts, webJobWorker.ts). `stopAlso` stops the job too (a GPU that failed).
 */
export function jobControl(stopAlso: () => boolean = () => false): { control: JobControl; cancel(): void; requestSnapshot(): void } {
  let cancelled = false;
  let snapshotWanted = false;
  return {
    control: {
      cancelled: () => cancelled || stopAlso(),
      takeSnapshotRequest: () => {
        const wanted = snapshotWanted;
        snapshotWanted = false;
        return wanted;
      },
    },
    cancel: () => (cancelled = true),
    requestSnapshot: () => (snapshotWanted = true),
  };
}

export function executeJob(spec: JobSpec, backend: JobBackend, io: JobIo, control: JobControl, send: (m: WorkerMessage) => void): Promise<JobResult> {
  if (spec.kind === 'train') return runTrain(spec, backend, io, control, send);
  if (spec.kind === 'predict') return runPredict(spec, backend, io, control, send);
  return runPreflight(spec, backend, io);
}

async function predictInto(model: TrainedModel, io: JobIo, target: PredictionTarget, index: number): Promise<PredictedScan> {
  const started = performance.now();
  const scan = await io.scanToPredict(target, index);
  const prediction = await predictVolume(model, scan.image, scan.shape);
  return io.savePrediction(target, index, prediction, (performance.now() - started) / 1000);
}

async function runTrain(spec: TrainJobSpec, backend: JobBackend, io: JobIo, control: JobControl, send: (m: WorkerMessage) => void): Promise<JobResult> {
  const scans = await io.trainingScans();
  const resume = await io.resumeCheckpoint();
  const result = await train(
    { ...spec.parameters, scans, classValues: spec.classValues, backend: { name: backend.name }, initialModel: await io.initialModel() },
    {
      shouldStop: () => control.cancelled(),
      snapshotRequest: () => {
        const count = spec.snapshotScans?.length ?? 0;
        if (count === 0 || !control.takeSnapshotRequest()) return null;
        return async (model, iteration) => {
          const done: PredictedScan[] = [];
          for (let n = 0; n < count; n++) done.push(await predictInto(model, io, 'snapshot', n));
          send({ type: 'snapshot', iteration, scans: done });
        };
      },
      onCheckpoint: (c) => io.saveCheckpoint(c),
      onProgress: (p) =>
        send({
          type: 'progress',
          progress: {
            step: p.iteration,
            steps: p.iterations,
            message: `iteration ${p.iteration}/${p.iterations}`,
            losses: p.losses,
            learningRate: p.learningRate,
            valDice: p.valDice,
            validation: p.validation,
            probe: p.probe,
            etaSeconds: p.etaSeconds,
            msPerIteration: p.msPerIteration,
          },
        }),
    },
    resume,
  );
  await io.saveModel(result.model);
  return {
    kind: 'train',
    backend,
    config: result.config as unknown as Record<string, unknown>,
    iterations: result.iterations,
    seconds: result.seconds,
    msPerIteration: result.msPerIteration,
    valDice: result.valDice,
    validation: result.validation,
    probe: result.probe,
    stoppedBy: result.stoppedBy,
  };
}

async function runPreflight(spec: PreflightJobSpec, backend: JobBackend, io: JobIo): Promise<JobResult> {
  const report = await preflight({
    ...spec.parameters,
    scans: await io.trainingScans(),
    classValues: spec.classValues,
    backend: { name: backend.name },
    initialModel: await io.initialModel(),
  });
  return { kind: 'preflight', backend, ...report, config: report.config as unknown as Record<string, unknown> };
}

async function runPredict(spec: PredictJobSpec, backend: JobBackend, io: JobIo, control: JobControl, send: (m: WorkerMessage) => void): Promise<JobResult> {
  const model = await io.predictModel();
  const done: PredictedScan[] = [];
  for (let n = 0; n < spec.scans.length; n++) {
    if (control.cancelled()) break;
    done.push(await predictInto(model, io, 'predict', n));
    send({ type: 'progress', progress: { step: n + 1, steps: spec.scans.length, message: `predicted ${n + 1} of ${spec.scans.length} scans` } });
  }
  return { kind: 'predict', backend, scans: done };
}
