import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makePhantom } from '../../../tests/support/phantom.ts';
import { JobFailedError, JobRunner } from './jobRunner.ts';
import type { TrainJobResult, TrainJobSpec } from './jobSpec.ts';
import { decodeModelFile } from './modelFiles.ts';
import { readFileSync } from 'node:fs';

function tinyTrainSpec(dir: string, name: string, iterations: number): TrainJobSpec {
  const p = makePhantom({ shape: [16, 16, 6], seed: 2 });
  writeFileSync(join(dir, 'scan.nii.gz'), p.scanBytes);
  writeFileSync(join(dir, 'labels.nii.gz'), p.labelBytes);
  return {
    kind: 'train',
    runId: name,
    scans: [{ id: 'v', scanPath: join(dir, 'scan.nii.gz'), labelsPath: join(dir, 'labels.nii.gz'), annotated: { i: [], j: [], k: [2, 3] } }],
    classValues: [1, 2],
    parameters: { method: 'supervised', model: 'unet2d', axis: 'k', iterations, width: 2, batchSize: 2, seed: 1 },
    modelPath: join(dir, `${name}.model`),
    checkpointPath: join(dir, `${name}.checkpoint`),
  };
}

test('a worker that dies is a failed job, not a dead app', async () => {
  const runner = new JobRunner({ workerEntry: new URL('../../../tests/support/crashingWorker.mjs', import.meta.url).pathname });
  const job = runner.submit(tinyTrainSpec(mkdtempSync(join(tmpdir(), 'atrium-jobs-')), 'a', 1));
  await assert.rejects(job.result, (err: unknown) => err instanceof JobFailedError && /stopped unexpectedly \(exit code 3\)/.test(err.message));
  assert.equal(job.state(), 'ended');
  assert.deepEqual(runner.jobs(), []);
});

test('jobs run one at a time; a queued job can be cancelled; a running one keeps its model when cancelled', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-jobs-'));
  const runner = new JobRunner();
  const first = runner.submit(tinyTrainSpec(dir, 'first', 2000));
  const second = runner.submit(tinyTrainSpec(dir, 'second', 1));
  const third = runner.submit(tinyTrainSpec(dir, 'third', 1));
  assert.equal(first.state(), 'running');
  assert.equal(second.state(), 'queued');
  third.cancel();
  await assert.rejects(third.result, (err: unknown) => err instanceof JobFailedError && err.kind === 'cancelled');

  let progressed = 0;
  await new Promise<void>((resolve) =>
    first.onProgress((p) => {
      progressed = p.step;
      if (p.step >= 3) resolve();
    }),
  );
  assert.equal(second.state(), 'queued', 'the second job waits for the first');
  first.cancel();
  const result = (await first.result) as TrainJobResult;
  assert.equal(result.stoppedBy, 'cancelled');
  assert.ok(result.iterations >= progressed && result.iterations < 2000);
  assert.ok(existsSync(join(dir, 'first.model')));
  assert.equal(decodeModelFile(readFileSync(join(dir, 'first.model'))).meta.kind, 'unet2d');

  const done = (await second.result) as TrainJobResult;
  assert.equal(done.stoppedBy, 'iterations');
  assert.equal(done.iterations, 1);
  assert.equal(done.backend.name, 'cpu');
});

test('bad training input fails the job with the reason', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-jobs-'));
  const spec = tinyTrainSpec(dir, 'nothing', 5);
  spec.scans[0].annotated = { i: [], j: [], k: [] };
  const job = new JobRunner().submit(spec);
  await assert.rejects(job.result, (err: unknown) => err instanceof JobFailedError && err.kind === 'input' && /no annotated slice/.test(err.message));
});
