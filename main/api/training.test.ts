import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '../../shared/api.ts';
import { JobFailedError, type JobHandle, type JobRunner } from '../engine/jobs/jobRunner.ts';
import type { JobSpec, TrainJobSpec } from '../engine/jobs/jobSpec.ts';
import { ProjectStore } from '../store/projectStore.ts';
import { makePhantom } from '../../tests/support/phantom.ts';
import { startTraining } from './training.ts';
import { importScan } from './scanImport.ts';

const CLAIMER = new URL('../../tests/support/claimRunChild.ts', import.meta.url).pathname;
const holders: ReturnType<typeof spawn>[] = [];
after(() => {
  for (const h of holders) h.kill('SIGKILL');
});

/** A runner that records what it is given and whose jobs are cancelled before they start. */
function recordingRunner(): { runner: JobRunner; submitted: JobSpec[] } {
  const submitted: JobSpec[] = [];
  const off = () => () => undefined;
  const runner = {
    submit(spec: JobSpec): JobHandle {
      submitted.push(spec);
      const result = Promise.reject(new JobFailedError('cancelled before it started', 'cancelled'));
      return {
        id: 'job',
        spec,
        state: () => 'ended',
        onProgress: off,
        onBackend: off,
        onSnapshot: off,
        cancel: () => undefined,
        requestSnapshot: () => undefined,
        result,
      };
    },
  };
  return { runner: runner as unknown as JobRunner, submitted };
}

function projectWithScan(): ProjectStore {
  const store = ProjectStore.create(join(mkdtempSync(join(tmpdir(), 'atrium-training-')), 'p'));
  store.addClasses([{ value: 1, name: 'A', color: '#e6194b' }]);
  importScan(store, { scan: makePhantom({ shape: [8, 8, 4] }).scanBytes, scanFileName: 'scan.nii.gz' });
  return store;
}

/** A run recorded as a cancelled one would be, with the given parameters and no files. */
function stoppedRun(store: ProjectStore, id: string, parameters: Record<string, unknown> = { method: 'supervised', model: 'auto', iterations: 50 }): void {
  store.createRun({ id, method: 'supervised', model: 'auto', config: { parameters } });
  store.finishRun(id, { status: 'cancelled', summary: {} });
}

test('resuming a run stopped before its first checkpoint fails it with a message that says how to start it again', () => {
  const store = projectWithScan();
  stoppedRun(store, 'aaaaaaaaaaaa');
  const { runner, submitted } = recordingRunner();
  assert.throws(
    () => startTraining(store, runner, {}, { resume: 'aaaaaaaaaaaa' }),
    (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.code, 'conflict');
      assert.match(err.message, /^run aaaaaaaaaaaa was stopped before its first checkpoint, so there is nothing to resume it from; it is marked failed\./);
      assert.match(err.message, /atrium train <project> --settings-from aaaaaaaaaaaa/);
      assert.match(err.message, /jobs\.train with settingsFrom "aaaaaaaaaaaa"/);
      assert.doesNotMatch(err.message, /ENOENT|\//);
      return true;
    },
  );
  assert.deepEqual(submitted, [], 'no job started');
  const record = store.runRecord('aaaaaaaaaaaa')!;
  assert.equal(record.info.status, 'failed');
  assert.match(String(record.summary?.error), /stopped before its first checkpoint/);
  assert.equal(store.runOwner('aaaaaaaaaaaa'), null, 'nobody owns it');
  store.close();
});

test('settingsFrom starts a new run with the parameters of another, the ones given replacing theirs; the run is owned until its job ends', async () => {
  const store = projectWithScan();
  stoppedRun(store, 'bbbbbbbbbbbb', { method: 'mean-teacher', model: 'unet2d', iterations: 50, width: 4, seed: 3 });
  const { runner, submitted } = recordingRunner();
  const started = startTraining(store, runner, { seed: 9 }, { settingsFrom: 'bbbbbbbbbbbb' });
  assert.notEqual(started.runId, 'bbbbbbbbbbbb');
  assert.deepEqual((submitted[0] as TrainJobSpec).parameters, { method: 'mean-teacher', model: 'unet2d', iterations: 50, width: 4, seed: 9 });
  assert.equal(store.runOwner(started.runId)?.pid, process.pid);
  await assert.rejects(started.finished, /cancelled before it started/);
  assert.equal(store.runRecord(started.runId)!.info.status, 'cancelled');
  assert.equal(store.runOwner(started.runId), null, 'ownership ends with the job');
  assert.throws(() => startTraining(store, runner, {}, { resume: 'bbbbbbbbbbbb', settingsFrom: 'bbbbbbbbbbbb' }), /give one of them/);
  store.close();
});

test('resuming a run that a live process trains is refused with that process named, and the run is left alone', async () => {
  const store = projectWithScan();
  stoppedRun(store, 'cccccccccccc');
  const holder = spawn(process.execPath, ['--import', 'tsx', CLAIMER, store.folder, 'cccccccccccc'], { stdio: ['pipe', 'pipe', 'inherit'] });
  holders.push(holder);
  let out = '';
  holder.stdout!.setEncoding('utf8');
  await new Promise<void>((resolve) =>
    holder.stdout!.on('data', (chunk: string) => {
      out += chunk;
      if (out === 'ready\n') holder.stdin!.write('go\n');
      if (out.includes('"won":true')) resolve();
    }),
  );
  store.updateRun('cccccccccccc', { status: 'running' });

  const { runner, submitted } = recordingRunner();
  assert.throws(
    () => startTraining(store, runner, {}, { resume: 'cccccccccccc' }),
    (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.code, 'conflict');
      assert.match(err.message, new RegExp(`^run cccccccccccc is being trained by process ${holder.pid} on .+ \\(started .+\\): wait for it to end`));
      return true;
    },
  );
  assert.deepEqual(submitted, []);
  assert.equal(store.runRecord('cccccccccccc')!.info.status, 'running');
  assert.equal(store.runOwner('cccccccccccc')?.pid, holder.pid);
  holder.kill('SIGKILL');
  store.close();
});
