/**
 * `npm run bench:crash`: kill -9 during import, annotation, training, prediction and export,
 * again and again, on a project made from the bundled sample (Colin 27), and check after every
 * kill that the project is whole. Prints one line per kill and a tally per operation.
 *
 * A kill lands at a random moment of the operation: uniform over 10–95 % of how long an
 * uninterrupted run of it took on this machine (measured first), or, for painting, within
 * 0.4 s of its first edit. Training kills alternate between the CLI alone (its job worker must
 * notice and stop) and the CLI with its worker (a crash of the whole app); imports alternate
 * between the sample's scan with its labels and a large uncompressed scan (about 80 MB, the kind
 * whose interrupted write leaves big temp files).
 *
 * After each kill, the project is "damaged" if any of these fails: `atrium info` opens it
 * (exit 0, no stack trace); SQLite's integrity_check is ok; every scan, label map, model and
 * prediction file a row points at exists and every NIfTI among them reads; every scan's
 * annotation loads (snapshot + journal). Also counted, not as damage: runs still shown as
 * running when nothing runs, hidden temp files left after the project was opened (opening
 * removes only those older than LEFTOVER_MIN_AGE_MS, so at the end they are aged past it and
 * the project opened once more, which must remove them all).
 *
 *   --kills N   kills per operation (default 10, so 50 in all)
 *   --seed S    seed of the kill moments (default 1)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnnotationService } from '../annotation/annotationService.ts';
import { Rng } from '../engine/random/rng.ts';
import { createNiftiHeader, readNifti, writeNifti } from '../io/index.ts';
import { inspectDatabase } from '../store/databaseCheck.ts';
import { projectFiles } from '../store/projectCheck.ts';
import { DATABASE_FILE } from '../store/projectFolder.ts';
import { LEFTOVER_MIN_AGE_MS } from '../store/projectLeftovers.ts';
import { ProjectStore } from '../store/projectStore.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/atrium.js');
const PAINTER = new URL('./crashPainter.ts', import.meta.url).pathname;
const SAMPLE = join(ROOT, 'resources/sample');
const STACK_LINE = /^\s+at .+(\(|:\d+:\d+)/m;

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(args[at + 1]);
};

type Operation = 'import' | 'annotation' | 'training' | 'prediction' | 'export';

interface Outcome {
  operation: Operation;
  delayMs: number;
  damage: string[];
  staleRuns: number;
  tempFiles: number;
}

function atrium(argv: string[]): ChildProcess {
  return spawn(process.execPath, [BIN, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
}

function atriumSync(argv: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...argv], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}

async function timed(argv: string[]): Promise<number> {
  const started = performance.now();
  const child = atrium(argv);
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += c));
  await exited(child);
  if (child.exitCode !== 0) throw new Error(`atrium ${argv.join(' ')} failed: ${stderr}`);
  return performance.now() - started;
}

function childrenOf(pid: number): number[] {
  const r = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .map((s) => Number(s.trim()))
    .filter((n) => n > 0);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitGone(pids: number[], ms: number): Promise<number[]> {
  const until = Date.now() + ms;
  while (Date.now() < until && pids.some(alive)) await new Promise((r) => setTimeout(r, 100));
  return pids.filter(alive);
}

function hiddenTempFiles(project: string): string[] {
  const found: string[] = [];
  for (const sub of readdirSync(project, { withFileTypes: true })) {
    if (!sub.isDirectory()) continue;
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else if (/^\..*\.tmp$/.test(e.name)) found.push(join(dir, e.name));
      }
    };
    walk(join(project, sub.name));
  }
  return found;
}

/** What is wrong with the project now, as a user (the CLI) and the files see it. */
function inspect(project: string): { damage: string[]; staleRuns: number; tempFiles: number } {
  const damage: string[] = [];
  const info = atriumSync(['info', project, '--json']);
  if (info.status !== 0) damage.push(`atrium info exit ${info.status}: ${info.stderr.trim().split('\n')[0]}`);
  if (STACK_LINE.test(info.stderr)) damage.push('atrium info printed a stack trace');
  let staleRuns = 0;
  if (info.status === 0) {
    const runs = (JSON.parse(info.stdout.trim().split('\n').at(-1)!) as { runs: { status: string }[] }).runs;
    staleRuns = runs.filter((r) => r.status === 'running' || r.status === 'queued').length;
  }
  const tempFiles = hiddenTempFiles(project).length;
  try {
    const database = inspectDatabase(join(project, DATABASE_FILE), 'full');
    if (database.state !== 'ok') damage.push(`integrity_check: ${database.problems.join('; ') || database.state}`);
    for (const f of projectFiles(project)) {
      const path = join(project, f);
      if (!existsSync(path)) damage.push(`missing ${f}`);
      else if (/\.nii(\.gz)?$/.test(f)) {
        try {
          readNifti(readFileSync(path), f);
        } catch (err) {
          damage.push(`unreadable ${f}: ${(err as Error).message}`);
        }
      }
    }
    if (damage.length === 0) {
      const store = ProjectStore.open(project);
      try {
        const service = new AnnotationService(store);
        for (const v of store.scans()) service.snapshot(v.id);
      } finally {
        store.close();
      }
    }
  } catch (err) {
    damage.push(`could not read the project: ${(err as Error).message}`);
  }
  return { damage, staleRuns, tempFiles };
}

/** 256×256×320 float32 noise, uncompressed: large enough that its import spends a while writing. */
function largeScan(rng: Rng): Uint8Array {
  const shape: [number, number, number] = [256, 256, 320];
  const data = new Float32Array(shape[0] * shape[1] * shape[2]);
  for (let n = 0; n < data.length; n++) data[n] = rng.uniform(0, 1000);
  return writeNifti(createNiftiHeader({ shape, spacing: [1, 1, 1], datatype: 'float32' }), data);
}

async function killAfter(child: ChildProcess, delayMs: number, withChildren: boolean): Promise<void> {
  await new Promise((r) => setTimeout(r, delayMs));
  const pid = child.pid!;
  const workers = withChildren ? childrenOf(pid) : [];
  for (const p of [pid, ...workers]) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // already gone: the operation ended before the kill
    }
  }
  await exited(child);
}

async function main(): Promise<void> {
  const kills = option('kills', 10);
  const rng = new Rng(option('seed', 1));
  const dir = mkdtempSync(join(tmpdir(), 'atrium-crash-'));
  const project = join(dir, 'crash.atrium');
  const scan = join(SAMPLE, 'colin27-t1.nii.gz');
  const labels = join(SAMPLE, 'colin27-deep-grey.nii.gz');
  const out = join(dir, 'out');
  console.log(`bench:crash — ${kills} kill -9s per operation, project ${project}`);

  if (atriumSync(['init', project]).status !== 0) throw new Error('atrium init failed');
  const importArgs = ['import', project, scan, '--labels', labels, '--annotated-slices', 'k:66,76,86'];
  const importMs = await timed(importArgs);
  const large = join(dir, 'large.nii');
  writeFileSync(large, largeScan(rng));
  const largeArgs = ['import', project, large];
  const largeMs = await timed(largeArgs);
  const scanId = (JSON.parse(atriumSync(['info', project, '--json']).stdout) as { scans: { id: string }[] }).scans[0].id;
  const trainArgs = ['train', project, '--iterations', '400', '--width', '8'];
  await timed(['train', project, '--iterations', '20', '--width', '8']);
  const predictArgs = ['predict', project, '--scan', scanId, '--out', out];
  const predictMs = await timed(predictArgs);
  const exportArgs = ['export', project, '--out', out];
  const exportMs = await timed(exportArgs);
  console.log(
    `uninterrupted: import ${(importMs / 1000).toFixed(1)} s (large scan ${(largeMs / 1000).toFixed(1)} s), predict ${(predictMs / 1000).toFixed(1)} s, export ${(exportMs / 1000).toFixed(1)} s`,
  );

  const outcomes: Outcome[] = [];
  const record = (operation: Operation, delayMs: number, note = ''): void => {
    const o = { operation, delayMs, ...inspect(project) };
    outcomes.push(o);
    const verdict = o.damage.length ? `DAMAGED: ${o.damage.join('; ')}` : 'intact';
    console.log(
      `${operation.padEnd(10)} kill at ${(delayMs / 1000).toFixed(2).padStart(6)} s${note}: ${verdict}` +
        `${o.staleRuns ? `, ${o.staleRuns} run(s) shown running` : ''}${o.tempFiles ? `, ${o.tempFiles} temp file(s) left` : ''}`,
    );
  };

  for (let n = 0; n < kills; n++) {
    const big = n % 2 === 1;
    const at = rng.uniform(0.1, 0.95) * (big ? largeMs : importMs);
    await killAfter(atrium(big ? largeArgs : importArgs), at, false);
    record('import', at, big ? ' (large scan)' : '');

    const painter = spawn(process.execPath, ['--import', 'tsx', PAINTER, project, scanId], { stdio: ['ignore', 'pipe', 'inherit'] });
    const started = performance.now();
    await new Promise<void>((resolve) => painter.stdout.once('data', () => resolve()));
    const paintAt = performance.now() - started + rng.uniform(0, 400);
    await killAfter(painter, paintAt - (performance.now() - started), false);
    record('annotation', paintAt);

    const whole = n % 2 === 1;
    const trainer = atrium(trainArgs);
    const trainAt = rng.uniform(2000, 20000);
    const workers = new Promise<number[]>((resolve) => setTimeout(() => resolve(childrenOf(trainer.pid!)), trainAt - 50));
    await killAfter(trainer, trainAt, whole);
    const orphans = await waitGone(await workers, 10_000);
    for (const p of orphans) process.kill(p, 'SIGKILL');
    await waitGone(orphans, 5000);
    record('training', trainAt, `${whole ? ' (CLI and worker)' : ' (CLI only)'}${orphans.length ? ` — its worker was still running 10 s later` : ''}`);

    const predictAt = rng.uniform(0.1, 0.95) * predictMs;
    const predictor = atrium(predictArgs);
    const predictWorkers = new Promise<number[]>((resolve) => setTimeout(() => resolve(childrenOf(predictor.pid!)), predictAt - 50));
    await killAfter(predictor, predictAt, true);
    for (const p of await waitGone(await predictWorkers, 5000)) process.kill(p, 'SIGKILL');
    record('prediction', predictAt);

    const exportAt = rng.uniform(0.1, 0.95) * exportMs;
    await killAfter(atrium(exportArgs), exportAt, false);
    record('export', exportAt);
  }

  const left = hiddenTempFiles(project);
  const aged = (Date.now() - LEFTOVER_MIN_AGE_MS - 60_000) / 1000;
  for (const f of left) utimesSync(f, aged, aged);
  const reopened = atriumSync(['info', project]);
  const remaining = hiddenTempFiles(project).length;
  console.log(
    `\n${left.length} temp file(s) left by the kills, aged past ${LEFTOVER_MIN_AGE_MS / 60_000} min: opening the project again removed ` +
      `${left.length - remaining}, ${remaining} remain${reopened.stderr.trim() ? ` (${reopened.stderr.trim().split('\n')[0]})` : ''}`,
  );

  console.log('\noperation   kills  damaged  runs shown running  temp files left (younger than the cleanup age)');
  for (const op of ['import', 'annotation', 'training', 'prediction', 'export'] as Operation[]) {
    const mine = outcomes.filter((o) => o.operation === op);
    console.log(
      `${op.padEnd(11)} ${String(mine.length).padStart(5)}  ${String(mine.filter((o) => o.damage.length).length).padStart(7)}  ` +
        `${String(mine.filter((o) => o.staleRuns > 0).length).padStart(18)}  ${String(mine.filter((o) => o.tempFiles > 0).length).padStart(15)}`,
    );
  }
  const damaged = outcomes.filter((o) => o.damage.length).length;
  console.log(`\n${outcomes.length} kill -9s, ${damaged} left the project damaged`);
  rmSync(dir, { recursive: true, force: true });
  process.exitCode = damaged === 0 && remaining === 0 ? 0 : 1;
}

await main();
