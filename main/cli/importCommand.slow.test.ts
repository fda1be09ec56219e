import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { hasStackTrace, runAtrium, type AtriumRun } from '../bench/badInputChild.ts';
import { zeroBomb } from '../bench/badInputCorpus.ts';
import { MAX_SCAN_BYTES_ENV } from '../io/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'atrium-import-cli-'));
const project = join(dir, 'project');
/** The default limit (a quarter of memory, at most a Buffer's 4 GiB on Node 20), not one a developer's shell set. */
const env = { ...process.env, [MAX_SCAN_BYTES_ENV]: '' };

before(() => {
  const init = runAtrium(['init', project], 60_000, env);
  assert.equal(init.status, 0, init.stderr);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function importRefused(path: string, problem: RegExp, timeoutMs = 20_000): AtriumRun {
  const run = runAtrium(['import', project, path], timeoutMs, env);
  assert.ok(!run.timedOut, `atrium import ${path} still running after ${timeoutMs} ms`);
  assert.equal(run.status, 1, run.stderr);
  assert.ok(!hasStackTrace(run.stderr), run.stderr);
  assert.match(run.stderr, problem);
  return run;
}

test('a 3 MiB .nii.gz declaring 8 GiB (holding 3 GiB of zeros) is refused within seconds, under 200 MB', () => {
  const bomb = join(dir, 'bomb.nii.gz');
  writeFileSync(bomb, zeroBomb([2048, 2048, 2048], 3072));
  const run = importRefused(
    bomb,
    /^atrium import: bomb\.nii\.gz: its header declares 8\.0 GiB of data \(2048×2048×2048 uint8 voxels after byte 352\), over the limit/,
  );
  assert.ok(run.peakRssMiB < 200, `peak memory ${run.peakRssMiB.toFixed(0)} MiB`);
});

test('a FIFO is refused at once instead of waiting for a writer forever', () => {
  const fifo = join(dir, 'scan.nii.gz');
  execFileSync('mkfifo', [fifo]);
  importRefused(fifo, /scan\.nii\.gz: is not a regular file \(it is a pipe \(FIFO\)\)/, 10_000);
});

test('/dev/zero is refused instead of filling memory', () => {
  const run = importRefused('/dev/zero', /^atrium import: \/dev\/zero: is not a regular file \(it is a device\)/, 10_000);
  assert.ok(run.peakRssMiB < 200, `peak memory ${run.peakRssMiB.toFixed(0)} MiB`);
});

test('a folder is refused as a folder, not with a raw EISDIR', () => {
  const folder = join(dir, 'scans.nii.gz');
  mkdirSync(folder);
  const run = importRefused(folder, /scans\.nii\.gz: is a folder, not a NIfTI file; give the path of a \.nii or \.nii\.gz file inside it/);
  assert.doesNotMatch(run.stderr, /EISDIR/);
});
