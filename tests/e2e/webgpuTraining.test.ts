/**
 * The webgpu backend through the real job path in browser mode (issue 16). Debian's Chromium
 * with --enable-unsafe-webgpu offers a SwiftShader adapter; a software adapter is never used
 * unless asked, so the server runs with ATRIUM_BACKEND=webgpu and its jobs run in the page's
 * Worker, reading and writing through the API. A tiny U-Net trains there (its loss falls) and
 * predicts like the same run on the CPU backend of a second server; a run is cancelled with its
 * model kept and resumed; closing the page fails the running job with its cause.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { Request, Results } from '../../shared/api.ts';
import type { RunInfo } from '../../shared/types.ts';
import { ownedArrayBuffer } from '../../main/io/bytes.ts';
import { readNifti } from '../../main/io/index.ts';
import { api, ensureRendererBuilt, launchBrowser, openApp, poll, startServer, type AppPage, type ServerHandle } from './harness.ts';
import { cubeLabels, cubePhantom } from './nifti.ts';

/** 60 SGD steps at 0.05 find the phantom's cube with a width-4 network (Dice 1.0 on the CPU); seeded, so both backends start alike. */
const RUN: Request<'jobs.train'> = { method: 'supervised', model: 'unet2d', iterations: 60, width: 4, batchSize: 2, learningRate: 0.05, seed: 3 };

async function setUpProject(server: ServerHandle): Promise<string> {
  await api(server, 'projects.create', { path: join(server.home, 'webgpu.atrium') });
  const scan = await api(server, 'scans.import', {
    scan: ownedArrayBuffer(cubePhantom()),
    scanFileName: 'cube.nii.gz',
    name: 'cube',
    labels: ownedArrayBuffer(cubeLabels()),
    labelsFileName: 'cube_seg.nii.gz',
    annotatedSlices: { axis: 'k', slices: [5, 9] },
  });
  return scan.id;
}

async function run(server: ServerHandle, runId: string): Promise<RunInfo> {
  return (await api(server, 'projects.current', {}))!.runs.find((r) => r.id === runId)!;
}

/** Waits for a run to end, sampling its supervised loss on the way. */
async function finish(server: ServerHandle, job: Results['jobs.train'], timeout = 240_000): Promise<{ run: RunInfo; losses: number[] }> {
  const losses: number[] = [];
  const ended = await poll(
    async () => {
      const progress = (await api(server, 'jobs.list', {})).find((j) => j.runId === job.runId && j.kind === 'train')?.progress;
      if (progress?.losses?.supervised !== undefined) losses.push(progress.losses.supervised);
      return run(server, job.runId);
    },
    (r) => r.status !== 'queued' && r.status !== 'running',
    timeout,
  );
  return { run: ended, losses };
}

/** Predicts the scan with the run's model (a predict job, on webgpu where the server uses it) and reads the label map. */
async function predicted(server: ServerHandle, runId: string, scanId: string): Promise<Uint8Array> {
  await api(server, 'predictions.start', { runId, scanId });
  await poll(
    () => run(server, runId),
    (r) => r.predicted.includes(scanId),
    120_000,
  );
  const file = await api(server, 'predictions.labels', { runId, scanId });
  assert.ok(file, `run ${runId} has a prediction of scan ${scanId}`);
  return new Uint8Array(readNifti(new Uint8Array(file), 'prediction.nii.gz').data);
}

function foregroundDice(a: Uint8Array, b: Uint8Array): number {
  let both = 0;
  let sum = 0;
  for (let v = 0; v < a.length; v++) {
    if (a[v]! > 0 && a[v] === b[v]) both++;
    sum += (a[v]! > 0 ? 1 : 0) + (b[v]! > 0 ? 1 : 0);
  }
  return sum === 0 ? 1 : (2 * both) / sum;
}

describe('training on WebGPU in a browser Worker', { timeout: 900_000 }, () => {
  let gpu: ServerHandle;
  let cpu: ServerHandle;
  let browser: Browser;
  let app: AppPage;
  let gpuScan = '';
  let cpuScan = '';

  before(async () => {
    await ensureRendererBuilt();
    [gpu, cpu, browser] = await Promise.all([startServer({ env: { ATRIUM_BACKEND: 'webgpu' } }), startServer(), launchBrowser(['--enable-unsafe-webgpu'])]);
    [gpuScan, cpuScan] = await Promise.all([setUpProject(gpu), setUpProject(cpu)]);
    app = await openApp(browser, gpu.appUrl);
  });

  after(async () => {
    await browser?.close();
    await Promise.all([gpu?.stop(), cpu?.stop()]);
  });

  test('the page offers its adapter; a software one is used only because ATRIUM_BACKEND=webgpu asks', async () => {
    const status = await poll(
      () => api(gpu, 'gpuHost.status', {}),
      (s) => s.adapter !== null,
      60_000,
    );
    assert.equal(status.adapter!.isFallback, true, 'SwiftShader is a fallback adapter');
    assert.equal(status.used, true);
    assert.match(status.reason, /ATRIUM_BACKEND=webgpu/);
    // Without the variable the same adapter would be refused for real work; the CPU server has no page at all.
    const cpuStatus = await api(cpu, 'gpuHost.status', {});
    assert.deepEqual([cpuStatus.adapter, cpuStatus.used], [null, false]);
  });

  test('a tiny U-Net trains on webgpu, its loss falls, and it predicts like the same run on the CPU', async (t) => {
    const [onGpu, onCpu] = await Promise.all([api(gpu, 'jobs.train', RUN), api(cpu, 'jobs.train', RUN)]);
    const [g, c] = await Promise.all([finish(gpu, onGpu), finish(cpu, onCpu)]);
    assert.equal(g.run.status, 'finished', `webgpu run: ${g.run.error}\n${gpu.output().slice(-2000)}`);
    assert.equal(c.run.status, 'finished', `cpu run: ${c.run.error}`);
    assert.equal(g.run.backend, 'webgpu');
    assert.equal(c.run.backend, 'cpu');
    assert.equal(g.run.iterations, RUN.iterations);
    assert.ok(g.losses.length >= 2, `losses sampled: ${g.losses}`);
    assert.ok(g.losses.at(-1)! < 0.6 * g.losses[0]!, `the loss falls: ${g.losses.map((l) => l.toFixed(3)).join(' ')}`);
    const [fromGpu, fromCpu] = await Promise.all([predicted(gpu, onGpu.runId, gpuScan), predicted(cpu, onCpu.runId, cpuScan)]);
    const truth = new Uint8Array(readNifti(cubeLabels(), 'truth.nii.gz').data);
    const agreement = foregroundDice(fromGpu, fromCpu);
    t.diagnostic(
      `Dice webgpu vs cpu prediction ${agreement.toFixed(4)}; vs truth ${foregroundDice(fromGpu, truth).toFixed(4)}; loss ${g.losses[0]?.toFixed(3)} → ${g.losses.at(-1)?.toFixed(3)}`,
    );
    assert.ok(agreement >= 0.95, `Dice between the webgpu and the cpu model's predictions ${agreement.toFixed(3)}`);
    assert.ok(foregroundDice(fromGpu, truth) > 0.8, `the webgpu model found the cube: Dice ${foregroundDice(fromGpu, truth).toFixed(3)}`);
  });

  test('a cancelled run keeps its model and resumes from its checkpoint on webgpu', async () => {
    const job = await api(gpu, 'jobs.train', { ...RUN, iterations: 30 });
    await poll(
      async () => (await api(gpu, 'jobs.list', {})).find((j) => j.runId === job.runId)?.progress?.step ?? 0,
      (step) => step >= 10,
      240_000,
    );
    await api(gpu, 'jobs.cancel', { runId: job.runId });
    const cancelled = (await finish(gpu, job)).run;
    assert.equal(cancelled.status, 'cancelled');
    assert.ok(cancelled.hasModel, 'the model so far is kept');
    assert.ok(cancelled.iterations >= 10 && cancelled.iterations < 30, `stopped at ${cancelled.iterations}`);
    const resumed = (await finish(gpu, await api(gpu, 'jobs.train', { resume: job.runId }))).run;
    assert.equal(resumed.status, 'finished', resumed.error ?? '');
    assert.equal(resumed.iterations, 30);
    assert.equal(resumed.backend, 'webgpu');
  });

  test('closing the window that hosts the job fails it with that cause; the UI of another window shows why', async () => {
    const job = await api(gpu, 'jobs.train', { ...RUN, iterations: 400 });
    await poll(
      async () => (await api(gpu, 'jobs.list', {})).find((j) => j.runId === job.runId)?.progress?.step ?? 0,
      (step) => step >= 2,
      240_000,
    );
    await app.page.close();
    const failed = (await finish(gpu, job, 90_000)).run;
    assert.equal(failed.status, 'failed');
    assert.match(failed.error ?? '', /window hosting WebGPU jobs (closed|stopped answering)/);
    assert.match(failed.error ?? '', /resume it to continue on another backend/);
    const other = await openApp(browser, gpu.appUrl);
    await other.page.getByTestId('tab-train').click();
    await poll(
      () => other.page.getByTestId('run-error').first().textContent(),
      (text) => /window hosting WebGPU jobs/.test(text ?? ''),
      30_000,
    );
  });
});
