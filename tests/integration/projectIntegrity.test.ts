import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNiftiHeader, writeNifti } from '../../main/io/index.ts';
import { LEFTOVER_MIN_AGE_MS } from '../../main/store/projectLeftovers.ts';
import { corruptLeafOf, databaseOf, populatedProject, sha256 } from '../support/damagedProject.ts';

const BIN = new URL('../../bin/atrium.js', import.meta.url).pathname;

function atrium(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function atriumAsync(...args: string[]): { child: ReturnType<typeof spawn>; done: Promise<{ code: number | null; signal: string | null; stderr: string }> } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return { child, done: new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr }))) };
}

/** An uncompressed scan of ~26 MB, so an import spends a while writing it. */
function largeScan(dir: string): string {
  const shape: [number, number, number] = [256, 256, 200];
  const header = createNiftiHeader({ shape, datatype: 'int16', spacing: [1, 1, 1] });
  const data = new Int16Array(shape[0] * shape[1] * shape[2]);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 1000;
  const file = join(dir, 'large.nii');
  writeFileSync(file, writeNifti(header, data, { gzip: false }));
  return file;
}

/** Every file under the project's subfolders, relative to it. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((f) => !f.startsWith('lost+found') && statSync(join(folder, f)).isFile());
}

/** Makes every file in the project look as old as one left behind long ago (the next open happens later). */
function ageProject(folder: string): void {
  const when = (Date.now() - LEFTOVER_MIN_AGE_MS - 60_000) / 1000;
  for (const f of filesUnder(folder)) utimesSync(join(folder, f), when, when);
}

test('a damaged database: commands refuse it, `atrium check` reports it and `--repair` salvages it into a project that opens', () => {
  const folder = populatedProject(mkdtempSync(join(tmpdir(), 'atrium-integrity-')));
  corruptLeafOf(databaseOf(folder), 'events');
  const before = sha256(databaseOf(folder));

  const info = atrium('info', folder);
  assert.equal(info.code, 1);
  assert.match(info.stderr, /atrium\.sqlite is damaged.*atrium check .* --repair/s);
  assert.equal(sha256(databaseOf(folder)), before, 'info did not write to the damaged file');

  const check = atrium('check', folder);
  assert.equal(check.code, 1, check.stdout + check.stderr);
  assert.match(check.stdout, /database atrium\.sqlite: damaged/);
  assert.equal(sha256(databaseOf(folder)), before, 'check without --repair changes nothing');

  const repair = atrium('check', folder, '--repair');
  assert.equal(repair.code, 0, repair.stdout + repair.stderr);
  assert.match(repair.stdout, /kept the damaged original as atrium\.sqlite\.damaged-\d{8}T\d{6}Z/);
  assert.match(repair.stdout, /events: \d+ rows recovered, up to \d+ lost \(unreadable rowids \d+–\d+\)/);
  assert.match(repair.stdout, /scans: 2 rows recovered\n/);

  const after = JSON.parse(atrium('info', folder, '--json').stdout);
  assert.deepEqual(after.scans.map((v: { name: string }) => v.name).sort(), ['a', 'b']);
  assert.equal(atrium('check', folder).code, 0);
});

test('kill -9 during large imports leaves nothing that the next open does not clean or report', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-killed-'));
  const project = join(dir, 'study');
  assert.equal(atrium('init', project).code, 0);
  const folder = `${project}.atrium`;
  const scan = largeScan(dir);
  const started = Date.now();
  const whole = atrium('import', folder, scan, '--name', 'complete');
  assert.equal(whole.code, 0, whole.stderr);
  const importMs = Date.now() - started;

  for (let trial = 0; trial < 3; trial++) {
    const { child, done } = atriumAsync('import', folder, scan);
    const at = importMs * (0.3 + 0.8 * Math.random());
    setTimeout(() => child.kill('SIGKILL'), at);
    await done;
  }
  // and once exactly while the scan is being written, so a temp file is surely left
  const { child, done } = atriumAsync('import', folder, scan);
  let caughtWriting = false;
  const poll = setInterval(() => {
    if (readdirSync(join(folder, 'scans')).some((f) => f.endsWith('.tmp'))) {
      caughtWriting = child.kill('SIGKILL');
      clearInterval(poll);
    }
  }, 1);
  await done;
  clearInterval(poll);
  ageProject(folder);

  const info = atrium('info', folder, '--json');
  assert.equal(info.code, 0, info.stderr);
  if (caughtWriting) assert.match(info.stderr, /removed \d+ temp files? \(\d[\d,]* kB\) left by interrupted writes/);
  const cleaned = filesUnder(folder).filter((f) => f.endsWith('.tmp'));
  assert.deepEqual(cleaned, [], 'no temp file survives the next open');
  const check = atrium('check', folder);
  assert.equal(check.code, 0, check.stdout + check.stderr);
  const scans = JSON.parse(info.stdout).scans as { name: string }[];
  assert.equal(filesUnder(join(folder, 'scans')).length, scans.length, 'every scan file left in scans/ has its row');
});

test('two imports of the same file started together both succeed under two names', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-twice-'));
  const project = join(dir, 'study');
  assert.equal(atrium('init', project).code, 0);
  const scan = largeScan(dir);
  const runs = [atriumAsync('import', project, scan), atriumAsync('import', project, scan), atriumAsync('import', project, scan)];
  const results = await Promise.all(runs.map((r) => r.done));
  for (const r of results) {
    assert.doesNotMatch(r.stderr, /UNIQUE constraint/);
    assert.equal(r.code, 0, r.stderr);
  }
  const info = JSON.parse(atrium('info', project, '--json').stdout);
  assert.deepEqual(info.scans.map((v: { name: string }) => v.name).sort(), ['large', 'large-2', 'large-3']);
});
