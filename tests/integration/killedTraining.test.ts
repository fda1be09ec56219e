import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makePhantom } from '../support/phantom.ts';

const BIN = new URL('../../bin/atrium.js', import.meta.url).pathname;

function atrium(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Starts `atrium train` and SIGKILLs it as soon as its run is recorded and its worker has
 * started (the backend line), long before the first checkpoint. Resolves once the worker has
 * exited too: it shares the command's stdout and stderr, which close only when both are gone.
 */
function trainThenKill(project: string): Promise<{ runId: string; output: string }> {
  const train = spawn(process.execPath, [BIN, 'train', project, '--iterations', '100000', '--width', '2', '--batch-size', '2'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let runId = '';
  return new Promise((resolve) => {
    train.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    train.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const m = /run ([a-f0-9]{12}): backend/.exec(output);
      if (m && !runId) {
        runId = m[1];
        train.kill('SIGKILL');
      }
    });
    train.on('close', () => resolve({ runId, output }));
  });
}

test('after kill -9 of atrium train, atrium info shows its run as failed and resume says why it cannot continue', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-killed-'));
  const project = join(dir, 'p');
  assert.equal(atrium('init', project).code, 0);
  const p = makePhantom({ shape: [16, 16, 6], seed: 3 });
  writeFileSync(join(dir, 'scan.nii.gz'), p.scanBytes);
  writeFileSync(join(dir, 'seg.nii.gz'), p.labelBytes);
  const imported = atrium('import', project, join(dir, 'scan.nii.gz'), '--labels', join(dir, 'seg.nii.gz'), '--annotated-slices', 'k:2,3');
  assert.equal(imported.code, 0, imported.stderr);

  const { runId, output } = await trainThenKill(project);
  assert.ok(runId, `the run was recorded: ${output}`);
  assert.doesNotMatch(output, /EPIPE|\n\s+at /, 'the orphaned worker printed no stack trace');

  const info = JSON.parse(atrium('info', project, '--json').stdout) as { runs: { id: string; status: string }[] };
  assert.equal(info.runs.find((r) => r.id === runId)?.status, 'failed');

  const resumed = atrium('train', project, '--resume', runId);
  assert.equal(resumed.code, 1);
  assert.match(resumed.stderr, new RegExp(`run ${runId} was stopped before its first checkpoint`));
  assert.match(resumed.stderr, new RegExp(`--settings-from ${runId}`));
  assert.doesNotMatch(resumed.stderr, /ENOENT/);
});
