import { DEFAULT_TIME_BUDGET_MINUTES } from '../../shared/training.ts';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobEndedEvent, JobInfo, JobProgressEvent, PredictionsSavedEvent, ProjectInfo, TrainPreflight } from '../../shared/types.ts';
import { readNifti } from '../io/index.ts';
import { makePhantom } from '../../tests/support/phantom.ts';
import { createAppContext, type AppContext } from './appContext.ts';
import { dispatch } from './handlers.ts';

let ctx: AppContext;
const progress: JobProgressEvent[] = [];
const ended: JobEndedEvent[] = [];

before(async () => {
  const home = mkdtempSync(join(tmpdir(), 'atrium-jobs-api-'));
  ctx = createAppContext({ shell: 'browser', home });
  ctx.workspace.create(join(home, 'P'));
  const p = makePhantom({ shape: [16, 16, 8], seed: 4 });
  await dispatch(ctx.handlers, 'scans.import', {
    scan: p.scanBytes.buffer as ArrayBuffer,
    scanFileName: 'phantom.nii.gz',
    labels: p.labelBytes.buffer as ArrayBuffer,
    labelsFileName: 'seg.nii.gz',
    annotatedSlices: { axis: 'k', slices: [2, 5] },
  });
  ctx.hub.on('job.progress', (e) => progress.push(e));
  ctx.hub.on('job.ended', (e) => ended.push(e));
});

after(async () => {
  await ctx.jobs.shutdown();
  ctx.workspace.close();
});

async function waitFor<T>(fn: () => T | undefined, what: string, ms = 120_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const run = (id: string) => ctx.workspace.describe()!.runs.find((r) => r.id === id);

test('train through the API: progress events, a finished run with its backend, then predictions', async () => {
  const job = (await dispatch(ctx.handlers, 'jobs.train', { iterations: 3, width: 2, batchSize: 2, seed: 7 })) as { runId: string; state: string };
  assert.equal(run(job.runId)?.status === 'queued' || run(job.runId)?.status === 'running', true);
  const end = await waitFor(() => ended.find((e) => e.runId === job.runId), 'job.ended');
  assert.equal(end.status, 'finished');
  assert.deepEqual(
    progress.filter((p) => p.runId === job.runId).map((p) => p.progress.step),
    [1, 2, 3],
  );
  const info = run(job.runId)!;
  assert.equal(info.status, 'finished');
  assert.equal(info.backend, 'cpu');
  assert.equal(info.iterations, 3);
  const record = ctx.workspace.requireProject().runRecord(job.runId)!;
  assert.equal((record.config.parameters as { seed: number }).seed, 7);
  assert.match(String(record.config.code), /^\d+\.\d+\.\d+/);
  assert.equal((record.config.resolved as { model: string }).model, 'unet2d');

  const pred = (await dispatch(ctx.handlers, 'predictions.start', { runId: job.runId })) as { runId: string };
  await waitFor(() => ended.find((e) => e.runId === pred.runId && e.kind === 'predict'), 'prediction');
  const scan = ctx.workspace.describe()!.scans[0];
  const labels = (await dispatch(ctx.handlers, 'predictions.labels', { runId: job.runId, scanId: scan.id })) as ArrayBuffer;
  assert.deepEqual(readNifti(new Uint8Array(labels), 'pred').shape, [16, 16, 8]);
});

test('cancel keeps the model; resume continues from the checkpoint with its own method; switching projects waits for jobs', async () => {
  const job = (await dispatch(ctx.handlers, 'jobs.train', { method: 'mean-teacher', iterations: 80, width: 2, batchSize: 2, seed: 8 })) as { runId: string };
  await waitFor(() => progress.find((p) => p.runId === job.runId && p.progress.step >= 2), 'two iterations');
  await assert.rejects(dispatch(ctx.handlers, 'projects.openSample', {}), /job is running/);
  await dispatch(ctx.handlers, 'jobs.cancel', { runId: job.runId });
  const end = await waitFor(() => ended.find((e) => e.runId === job.runId), 'cancel');
  assert.equal(end.status, 'cancelled');
  const cancelled = run(job.runId)!;
  assert.equal(cancelled.status, 'cancelled');
  assert.ok(cancelled.iterations >= 2 && cancelled.iterations < 80);
  assert.ok(ctx.workspace.requireProject().modelFile(job.runId), 'the model so far is kept');

  ended.length = 0;
  // The resumed run keeps its checkpoint's configuration, 80 iterations included.
  const resumed = (await dispatch(ctx.handlers, 'jobs.train', { resume: job.runId })) as { runId: string };
  assert.equal(resumed.runId, job.runId);
  const firstStep = await waitFor(() => progress.find((p) => p.runId === job.runId && p.progress.step > cancelled.iterations), 'resumed progress');
  assert.equal(firstStep.progress.step, cancelled.iterations + 1, 'resumes after the checkpoint, not from zero');
  await waitFor(() => ended.find((e) => e.runId === job.runId), 'resumed end');
  assert.equal(run(job.runId)!.status, 'finished');
  const record = ctx.workspace.requireProject().runRecord(job.runId)!;
  assert.equal((record.config.resolved as { method: string }).method, 'mean-teacher', "a plain resume keeps the run's method");
});

test('preflight: backend, the resolved run, the slices it samples, measured pace and memory; problems instead of a plan; nothing left behind', async () => {
  const runsBefore = ctx.workspace.describe()!.runs.length;
  const answer = (await dispatch(ctx.handlers, 'jobs.preflight', { method: 'mean-teacher', iterations: 40, width: 2, batchSize: 2 })) as TrainPreflight;
  assert.deepEqual(answer.problems, []);
  const plan = answer.plan!;
  assert.equal(plan.backend.name, 'cpu');
  assert.deepEqual(
    [plan.method, plan.model, plan.axis, plan.iterations, plan.planned, plan.batchSize, plan.width],
    ['mean-teacher', 'unet2d', 'k', 40, false, 2, 2],
  );
  assert.deepEqual(plan.data, { unit: 'slice', labeled: 2, heldOut: 0, unlabeled: 6 }, 'k 2 and 5 annotated of 8');
  // 40 steps at the measured pace, and six validation passes.
  assert.ok(plan.msPerIteration > 0 && plan.estimatedSeconds > (40 * plan.msPerIteration) / 1000);

  // Without iterations, the run is planned to fill the default budget at the measured pace.
  const budgeted = (await dispatch(ctx.handlers, 'jobs.preflight', { width: 2, batchSize: 2 })) as TrainPreflight;
  assert.equal(budgeted.plan!.planned, true);
  assert.equal(budgeted.plan!.maxMinutes, DEFAULT_TIME_BUDGET_MINUTES);
  assert.ok(budgeted.plan!.iterations > 1000, `${budgeted.plan!.iterations} iterations of a tiny network in 5 min`);
  assert.ok(budgeted.plan!.estimatedSeconds <= DEFAULT_TIME_BUDGET_MINUTES * 60);
  // A budget too short for a useful model is a problem, with the budget needed.
  // (at the default width: even a fast machine takes more than 5 ms a step)
  const short = (await dispatch(ctx.handlers, 'jobs.preflight', { maxMinutes: 0.01 })) as TrainPreflight;
  assert.equal(short.plan, null);
  assert.match(short.problems[0]!, /time budget of 0.01 min allows only \d+ training steps .* allow at least [\d.]+ min/);
  assert.ok(plan.peakTensorBytes > 0);
  assert.equal(existsSync(join(ctx.workspace.requireProject().folder, 'preflight')), false, 'the frozen labels are removed');
  assert.equal(ctx.workspace.describe()!.runs.length, runsBefore, 'a preflight is not a run');

  const caml = (await dispatch(ctx.handlers, 'jobs.preflight', { method: 'caml', batchSize: 1 })) as TrainPreflight;
  assert.equal(caml.plan, null);
  assert.match(caml.problems[0], /caml needs a batch of at least 2 samples/i);

  const job = (await dispatch(ctx.handlers, 'jobs.train', { iterations: 200, width: 2, batchSize: 2, seed: 9 })) as { runId: string };
  await assert.rejects(dispatch(ctx.handlers, 'jobs.preflight', {}), /a job is running/);
  await dispatch(ctx.handlers, 'jobs.cancel', { runId: job.runId });
  await waitFor(() => ended.find((e) => e.runId === job.runId), 'cancel');
});

test('a prediction asked for while training uses the model so far, and training goes on', async () => {
  const saved: PredictionsSavedEvent[] = [];
  const off = ctx.hub.on('predictions.saved', (e) => saved.push(e));
  const job = (await dispatch(ctx.handlers, 'jobs.train', { iterations: 400, width: 2, batchSize: 2, seed: 10 })) as { runId: string };
  await waitFor(() => progress.find((p) => p.runId === job.runId && p.progress.step >= 2), 'two iterations');
  const answer = (await dispatch(ctx.handlers, 'predictions.start', { runId: job.runId })) as JobInfo;
  assert.deepEqual([answer.runId, answer.kind], [job.runId, 'train'], 'the training job serves it');
  const event = await waitFor(() => saved.find((e) => e.runId === job.runId), 'predictions.saved');
  const scan = ctx.workspace.describe()!.scans[0];
  assert.deepEqual(event.scanIds, [scan.id]);
  assert.ok(event.iteration !== null && event.iteration >= 2 && event.iteration < 400, `taken at iteration ${event.iteration}`);
  assert.equal(
    ended.some((e) => e.runId === job.runId),
    false,
    'training is still going',
  );
  const info = run(job.runId)!;
  assert.deepEqual([info.predicted, info.predictedIteration, info.hasModel, info.annotatedSlices], [[scan.id], event.iteration, false, 2]);
  const labels = (await dispatch(ctx.handlers, 'predictions.labels', { runId: job.runId, scanId: scan.id })) as ArrayBuffer;
  assert.deepEqual(readNifti(new Uint8Array(labels), 'snapshot').shape, [16, 16, 8]);
  await waitFor(() => progress.find((p) => p.runId === job.runId && p.progress.step > event.iteration! + 1), 'steps after the snapshot');
  await dispatch(ctx.handlers, 'jobs.cancel', { runId: job.runId });
  await waitFor(() => ended.find((e) => e.runId === job.runId), 'cancel');
  off();
});

test('models.setCurrent rolls back to an earlier model, which predictions then use, until a newer run has one', async () => {
  const runs = ctx.workspace.describe()!.runs.filter((r) => r.hasModel);
  assert.ok(runs.length >= 2);
  const [earliest, newest] = [runs[0]!, runs.at(-1)!];
  assert.equal(ctx.workspace.describe()!.currentModelRunId, newest.id, 'the newest model is current');
  const info = (await dispatch(ctx.handlers, 'models.setCurrent', { runId: earliest.id })) as ProjectInfo;
  assert.equal(info.currentModelRunId, earliest.id);
  const predicting = (await dispatch(ctx.handlers, 'predictions.start', {})) as JobInfo;
  assert.equal(predicting.runId, earliest.id, 'predict uses the current model');
  await waitFor(() => ended.find((e) => e.runId === earliest.id && e.kind === 'predict'), 'prediction');
  await assert.rejects(dispatch(ctx.handlers, 'models.setCurrent', { runId: 'abcdefabcdef' }), /no run abcdefabcdef/);

  const job = (await dispatch(ctx.handlers, 'jobs.train', { iterations: 2, width: 2, batchSize: 2, seed: 11 })) as { runId: string };
  await waitFor(() => ended.find((e) => e.runId === job.runId), 'new run');
  assert.equal(ctx.workspace.describe()!.currentModelRunId, job.runId, 'a new model replaces the rollback');
});

test('malformed or impossible job requests are refused', async () => {
  await assert.rejects(dispatch(ctx.handlers, 'jobs.cancel', { runId: 'abcdefabcdef' }), /no running job/);
  await assert.rejects(dispatch(ctx.handlers, 'jobs.train', { iterations: 0 }), /iterations/);
});
