import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobRunner } from '../../main/engine/jobs/jobRunner.ts';
import type { TrainJobResult } from '../../main/engine/jobs/jobSpec.ts';
import { makePhantom } from '../support/phantom.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

/**
 * The desktop build cannot start Electron here, but its bundles are plain CommonJS: build them,
 * check the sandboxed preload needs nothing but electron, and run a real training job through
 * the bundled worker exactly as the packaged app forks it.
 */
test('the Electron bundles build, and the bundled job worker trains', async () => {
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build-electron.js')], { encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  const preload = readFileSync(join(ROOT, 'dist/electron/preload.cjs'), 'utf8');
  const required = [...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
  assert.deepEqual([...new Set(required)], ['electron'], 'a sandboxed preload may only require electron');

  const dir = mkdtempSync(join(tmpdir(), 'atrium-bundle-'));
  const p = makePhantom({ shape: [16, 16, 6], seed: 5 });
  writeFileSync(join(dir, 'scan.nii.gz'), p.scanBytes);
  writeFileSync(join(dir, 'labels.nii.gz'), p.labelBytes);
  // The bundles are not in the source tree: the Electron main gives the native addon's place, as here.
  const addon = join(ROOT, 'native/build/Release/atrium_native.node');
  const runner = new JobRunner({ workerEntry: join(ROOT, 'dist/electron/jobWorker.cjs'), execArgv: [], env: { ATRIUM_NATIVE_ADDON: addon } });
  const job = runner.submit({
    kind: 'train',
    runId: 'bundle',
    scans: [{ id: 'v', scanPath: join(dir, 'scan.nii.gz'), labelsPath: join(dir, 'labels.nii.gz'), annotated: { i: [], j: [], k: [2] } }],
    classValues: [1, 2],
    parameters: { method: 'supervised', model: 'unet2d', iterations: 2, width: 2, batchSize: 2, seed: 1 },
    modelPath: join(dir, 'm'),
    checkpointPath: join(dir, 'c'),
  });
  const result = (await job.result) as TrainJobResult;
  assert.equal(result.iterations, 2);
  assert.equal(result.backend.name, 'cpu', 'the bundle registers the cpu backend');
  if (existsSync(addon) && process.env.ATRIUM_NATIVE?.trim() !== '0')
    assert.match(result.backend.device, /oneDNN/, 'the bundled worker loads the native kernels');
});
