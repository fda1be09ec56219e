/**
 * `npm run bench:quality`: what one click on Train gives on real MRI, for every method, judged
 * only where the model never saw a label. The figure every training change is judged by.
 *
 * Case (qualityCases/): a real scan with a few slices annotated and several scans of "other
 * subjects" made from it by smooth deformation, rotation, scaling, bias field, gamma and noise
 * (default: Colin 27 at 2 mm, three axial slices through the deep grey nuclei annotated, four
 * unannotated subjects). Each method trains through the real train() at the app's defaults for
 * the time budget (the run plans its iterations from its measured pace), predicts every scan,
 * and is scored by Dice per class on the unannotated subjects; supervised stands beside it, and
 * a PyTorch reference of the same U-Net (scripts/quality_torch.py: the plain SSL4MIS recipe,
 * supervised and Mean Teacher) trains on the same case for the same budget and threads where
 * PyTorch is installed (scripts/with-torch.js finds or installs it).
 *
 *   --case NAME       colin27-deep-grey (default), colin27-brain, inia19-striatum
 *   --minutes M       time budget per method (default: the app's, DEFAULT_TIME_BUDGET_MINUTES)
 *   --iterations N    a fixed run length per method instead of a budget (every method and the
 *                     PyTorch reference make N steps, however long they take)
 *   --methods a,b     methods to train (default: all; supervised always first)
 *   --seeds 1,2       training seeds; each row is the mean over them (default 1)
 *   --subjects N      unannotated subjects (default 4)
 *   --slices N        annotated slices of scan 0 (default 3)
 *   --exemplar        scan 0 annotated completely instead (the exemplar setting: one scan
 *                     annotated throughout, the others not at all)
 *   --model M         auto (default: what one click trains), unet2d or vnet3d
 *   --python PATH     a python3 with torch, for the reference (with-torch.js adds it)
 *   --threads N       threads of both (default ATRIUM_THREADS or all cores)
 */
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { METHOD_NAMES, methodSpec, type MethodName } from '../../../shared/methods.ts';
import type { ModelChoice } from '../../../shared/networks.ts';
import { DEFAULT_TIME_BUDGET_MINUTES } from '../../../shared/training.ts';
import { selectBackend } from '../backend/selectBackend.ts';
import { train } from '../training/train.ts';
import { qualityCase, type QualityCase } from './qualityCases/qualityCase.ts';
import { labelCopyScore, mean, scoreCase } from './qualityCases/scoreCase.ts';
import { TEMPLATE_TASKS, templatesInstalled, type TemplateName } from './qualityCases/templates.ts';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = args.indexOf(`--${name}`);
  return at < 0 ? undefined : args[at + 1];
};
const list = (name: string): string[] | undefined =>
  option(name)
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** How long each method trains: a time budget (planned from the pace, as the app) or a fixed step count. */
type RunLength = { minutes: number } | { iterations: number };

const describeLength = (length: RunLength): string => ('minutes' in length ? `${length.minutes} min` : `${length.iterations} iterations`);

interface Row {
  name: string;
  iterations: number;
  minutes: number;
  perClass: number[];
  mean: number;
  otherSlices: number | null;
  note?: string;
}

async function main(): Promise<void> {
  const template = (option('case') ?? 'colin27-deep-grey') as TemplateName;
  if (!(template in TEMPLATE_TASKS)) throw new Error(`--case must be one of ${Object.keys(TEMPLATE_TASKS).join(', ')}`);
  if (!templatesInstalled(template)) {
    console.log(`bench:quality needs Debian's mricron-data (apt-get install mricron-data): ${template} is not installed`);
    return;
  }
  const iterations = option('iterations') === undefined ? null : Number(option('iterations'));
  if (iterations !== null && !(Number.isInteger(iterations) && iterations > 0)) throw new Error('--iterations must be a positive whole number');
  const length: RunLength = iterations === null ? { minutes: Number(option('minutes') ?? DEFAULT_TIME_BUDGET_MINUTES) } : { iterations };
  const seeds = (list('seeds') ?? ['1']).map(Number);
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const threads = Number(option('threads') ?? process.env.ATRIUM_THREADS ?? cores);
  process.env.ATRIUM_THREADS = String(threads);
  const requested = (list('methods') ?? [...METHOD_NAMES]).map((m) => methodSpec(m).name);
  const methods: MethodName[] = ['supervised', ...requested.filter((m) => m !== 'supervised')];
  const c = await qualityCase({
    template,
    factor: template === 'inia19-striatum' ? 1 : 2,
    subjects: Number(option('subjects') ?? 4),
    annotatedCount: Number(option('slices') ?? 3),
    ...(args.includes('--exemplar') ? { annotatedSlices: 'all' as const } : {}),
    seed: 1,
  });
  const backend = await selectBackend();
  console.log(
    `bench:quality — ${c.name}: scan 0 annotated ${c.annotatedSlices.length === c.shape[c.axis === 'i' ? 0 : c.axis === 'j' ? 1 : 2] ? 'throughout' : `on ${c.axis} slices ${c.annotatedSlices.join(', ')}`} (${c.classNames.join(', ')}); ` +
      `${c.scans.length - 1} unannotated subjects; ${describeLength(length)} per method; seeds ${seeds.join(', ')}; backend ${backend.name} (${backend.device}), ${threads} threads; ${os.cpus()[0]?.model ?? 'CPU'}`,
  );
  console.log('Dice on the unannotated subjects (every slice), per class and mean; "scan 0" is the annotated scan\'s other slices.');
  console.log(header(c));
  const copied = labelCopyScore(c);
  console.log(
    format(
      { name: 'scan 0 labels copied', iterations: 0, minutes: 0, ...copied, otherSlices: null, note: "no model: scan 0's reference labels as they lie" },
      null,
    ),
  );
  const rows: Row[] = [];
  for (const method of methods) {
    const row = await trainRow(c, method, length, seeds);
    rows.push(row);
    console.log(format(row, rows[0]!));
  }
  const python = option('python');
  if (!python) {
    console.log('PyTorch reference: not available (install python3-torch; scripts/with-torch.js does it when run as root)');
    return;
  }
  for (const method of ['supervised', 'mean-teacher'] as const) {
    const row = torchRow(c, python, method, length, threads, seeds);
    rows.push(row);
    console.log(format(row, rows[0]!));
  }
}

async function trainRow(c: QualityCase, method: MethodName, length: RunLength, seeds: number[]): Promise<Row> {
  const results: Row[] = [];
  for (const seed of seeds) {
    try {
      const started = performance.now();
      const result = await train({
        scans: c.scans,
        classValues: c.classValues,
        method,
        model: (option('model') ?? 'auto') as ModelChoice,
        ...('minutes' in length ? { maxMinutes: length.minutes } : { iterations: length.iterations }),
        seed,
        backend: { name: (await selectBackend()).name },
      });
      const trainedMinutes = (performance.now() - started) / 60_000;
      if (seed === seeds[0]) console.log(`  ${method}: ${result.config.modelReason}`);
      const score = await scoreCase(result.model, c);
      results.push({
        name: method,
        iterations: result.iterations,
        minutes: trainedMinutes,
        perClass: score.perClass,
        mean: score.meanSubjects,
        otherSlices: mean(score.annotatedScanOtherSlices),
        ...(result.stoppedBy === 'time' ? { note: 'stopped by the budget before its plan ended' } : {}),
      });
    } catch (error) {
      return {
        name: method,
        iterations: 0,
        minutes: 0,
        perClass: [],
        mean: NaN,
        otherSlices: null,
        note: `failed: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }
  return average(method, results);
}

/** The PyTorch reference on the same case: the raw scans and masks written for scripts/quality_torch.py. */
function torchRow(c: QualityCase, python: string, method: 'supervised' | 'mean-teacher', length: RunLength, threads: number, seeds: number[]): Row {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-quality-'));
  try {
    const scans = c.scans.map((v, n) => {
      writeFileSync(join(dir, `image${n}.f32`), v.image);
      writeFileSync(join(dir, `truth${n}.u8`), c.truths[n]!);
      if (v.known) writeFileSync(join(dir, `known${n}.u8`), v.known);
      return { image: `image${n}.f32`, truth: `truth${n}.u8`, known: v.known ? `known${n}.u8` : null };
    });
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ shape: c.shape, axis: c.axis, classes: c.classValues.length + 1, scans }));
    const script = fileURLToPath(new URL('../../../scripts/quality_torch.py', import.meta.url));
    const env = { ...process.env, OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
    const results: Row[] = [];
    for (const seed of seeds) {
      const child = spawnSync(
        python,
        [
          script,
          ...['--case', dir, '--method', method, '--threads', String(threads), '--seed', String(seed)],
          ...('minutes' in length ? ['--minutes', String(length.minutes)] : ['--iterations', String(length.iterations)]),
        ],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'inherit'],
          env,
        },
      );
      if (child.status !== 0)
        return { name: `PyTorch ${method}`, iterations: 0, minutes: 0, perClass: [], mean: NaN, otherSlices: null, note: `failed (exit ${child.status})` };
      const out = JSON.parse(child.stdout.trim().split('\n').pop()!) as { iterations: number; seconds: number; dice: number[][]; mean: number };
      const perClass = c.classValues.map((_, k) => mean(out.dice.map((d) => d[k]!)));
      results.push({ name: `PyTorch ${method}`, iterations: out.iterations, minutes: out.seconds / 60, perClass, mean: out.mean, otherSlices: null });
    }
    return average(`PyTorch ${method}`, results);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function average(name: string, rows: Row[]): Row {
  return {
    name,
    iterations: Math.round(mean(rows.map((r) => r.iterations))),
    minutes: mean(rows.map((r) => r.minutes)),
    perClass: rows[0]!.perClass.map((_, k) => mean(rows.map((r) => r.perClass[k]!))),
    mean: mean(rows.map((r) => r.mean)),
    otherSlices: rows.every((r) => r.otherSlices !== null) ? mean(rows.map((r) => r.otherSlices!)) : null,
    ...(rows.some((r) => r.note) ? { note: rows.find((r) => r.note)!.note } : {}),
  };
}

function header(c: QualityCase): string {
  return ['method'.padEnd(22), 'iters'.padStart(6), '  min', ...c.classNames.map((n) => n.slice(0, 8).padStart(8)), '    mean', 'vs supervised', 'scan 0'].join(
    '  ',
  );
}

/** One table line; `baseline` null for a line that is not a trained model (no delta, no iterations). */
function format(row: Row, baseline: Row | null): string {
  if (!Number.isFinite(row.mean)) return `${row.name.padEnd(22)}  ${row.note ?? 'no result'}`;
  const delta = !baseline || row === baseline ? '' : `${row.mean - baseline.mean >= 0 ? '+' : ''}${(row.mean - baseline.mean).toFixed(3)}`;
  return [
    row.name.padEnd(22),
    (baseline ? String(row.iterations) : '–').padStart(6),
    (baseline ? row.minutes.toFixed(1) : '–').padStart(5),
    ...row.perClass.map((d) => d.toFixed(3).padStart(8)),
    row.mean.toFixed(3).padStart(8),
    delta.padStart(13),
    row.otherSlices === null || !Number.isFinite(row.otherSlices) ? '     –' : row.otherSlices.toFixed(3).padStart(6),
    ...(row.note ? [` (${row.note})`] : []),
  ].join('  ');
}

await main();
