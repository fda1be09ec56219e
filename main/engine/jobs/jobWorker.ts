/**
 * The job process: receives one JobSpec from the runner, trains or predicts, writes its files
 * atomically and reports progress. It never touches the project database; the caller records
 * what the files mean.
 */
import { readFile } from 'node:fs/promises';
import { readNiftiFile, scaledData, writeNifti } from '../../io/index.ts';
import { writeFileAtomic } from '../../io/atomicWrite.ts';
import { encodeProbabilityFile } from '../../io/probabilityFile.ts';
import { selectBackend } from '../backend/selectBackend.ts';
import { predictVolume } from '../predict/predictVolume.ts';
import { preflight } from '../training/preflight.ts';
import { train } from '../training/train.ts';
import { TrainingInputError } from '../training/trainingInputError.ts';
import type { TrainedModel, TrainRequest } from '../training/trainRequest.ts';
import type { InitialModel, JobResult, PredictedScan, PredictJobSpec, PreflightJobSpec, RunnerMessage, TrainJobSpec, WorkerMessage } from './jobSpec.ts';
import { loadTrainingScan } from './jobInputs.ts';
import { decodeCheckpointFile, decodeModelFile, encodeCheckpointFile, encodeModelFile } from './modelFiles.ts';

let cancelled = false;
/** A prediction with the model so far was asked for (RunnerMessage `snapshot`). */
let snapshotWanted = false;
/** The result is sent and this worker closes the channel itself. */
let ending = false;

// The parent is gone (killed, crashed, or exited without shutting its runner down): nobody will
// record what this job produces, and the stdout/stderr it shared may be closed, so stop at once
// and quietly. The checkpoints written so far stay for a resume.
process.on('disconnect', () => {
  if (!ending) process.exit();
});
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

function send(m: WorkerMessage): void {
  // A send racing the parent's death fails with EPIPE; without a callback that error would be
  // thrown as an unhandled 'error' event with its stack trace. 'disconnect' follows and ends the worker.
  if (process.connected) process.send?.(m, undefined, undefined, () => undefined);
}

async function loadInitialModel(initial: InitialModel | undefined): Promise<TrainRequest['initialModel']> {
  return initial && { runId: initial.runId, model: decodeModelFile(await readFile(initial.path)) };
}

async function runTrain(spec: TrainJobSpec, backend: Awaited<ReturnType<typeof selectBackend>>): Promise<JobResult> {
  const scans = await Promise.all(spec.scans.map(loadTrainingScan));
  const resume = spec.resumeFrom ? decodeCheckpointFile(await readFile(spec.resumeFrom)) : undefined;
  const result = await train(
    { ...spec.parameters, scans, classValues: spec.classValues, backend: { name: backend.name }, initialModel: await loadInitialModel(spec.initialModel) },
    {
      shouldStop: () => cancelled,
      snapshotRequest: () => {
        if (!snapshotWanted || !spec.snapshotScans) return null;
        snapshotWanted = false;
        const scans = spec.snapshotScans;
        return async (model, iteration) => {
          const done: PredictedScan[] = [];
          for (const v of scans) done.push(await predictInto(model, v));
          send({ type: 'snapshot', iteration, scans: done });
        };
      },
      onCheckpoint: (c) => writeFileAtomic(spec.checkpointPath, encodeCheckpointFile(c)),
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
  writeFileAtomic(spec.modelPath, encodeModelFile(result.model));
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

async function runPreflight(spec: PreflightJobSpec, backend: Awaited<ReturnType<typeof selectBackend>>): Promise<JobResult> {
  const scans = await Promise.all(spec.scans.map(loadTrainingScan));
  const report = await preflight({
    ...spec.parameters,
    scans,
    classValues: spec.classValues,
    backend: { name: backend.name },
    initialModel: await loadInitialModel(spec.initialModel),
  });
  return { kind: 'preflight', backend, ...report, config: report.config as unknown as Record<string, unknown> };
}

/** Predicts one scan with `model` and writes its label map (on the scan's header) and probabilities. */
async function predictInto(model: TrainedModel, v: PredictJobSpec['scans'][number]): Promise<PredictedScan> {
  const started = performance.now();
  const scan = await readNiftiFile(v.scanPath);
  const out = await predictVolume(model, scaledData(scan), scan.shape);
  writeFileAtomic(v.labelsOut, writeNifti(scan.header, out.labels, { gzip: true, intentCode: 1002 }));
  writeFileAtomic(v.probabilitiesOut, encodeProbabilityFile({ shape: scan.shape, classValues: out.classValues, probabilities: out.probabilities }));
  return { id: v.id, labelsOut: v.labelsOut, probabilitiesOut: v.probabilitiesOut, seconds: (performance.now() - started) / 1000 };
}

async function runPredict(spec: PredictJobSpec, backend: Awaited<ReturnType<typeof selectBackend>>): Promise<JobResult> {
  const model = decodeModelFile(await readFile(spec.modelPath));
  const done: PredictedScan[] = [];
  for (const [n, v] of spec.scans.entries()) {
    if (cancelled) break;
    done.push(await predictInto(model, v));
    send({ type: 'progress', progress: { step: n + 1, steps: spec.scans.length, message: `predicted ${n + 1} of ${spec.scans.length} scans` } });
  }
  return { kind: 'predict', backend, scans: done };
}

process.on('message', (m: RunnerMessage) => {
  if (m.type === 'cancel') {
    cancelled = true;
    return;
  }
  if (m.type === 'snapshot') {
    snapshotWanted = true;
    return;
  }
  void (async () => {
    try {
      const backend = await selectBackend();
      send({ type: 'backend', backend });
      const result =
        m.spec.kind === 'train'
          ? await runTrain(m.spec, backend)
          : m.spec.kind === 'predict'
            ? await runPredict(m.spec, backend)
            : await runPreflight(m.spec, backend);
      send({ type: 'done', result });
    } catch (err) {
      const input = err instanceof TrainingInputError;
      send({ type: 'failed', error: err instanceof Error ? err.message : String(err), kind: input ? 'input' : 'internal' });
    } finally {
      ending = true;
      process.disconnect?.();
    }
  })();
});
