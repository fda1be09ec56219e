/**
 * `npm run bench:cpu` (via scripts/with-torch.js): Atrium's engine on the tfjs cpu backend —
 * pure JavaScript and with the oneDNN kernels (main/engine/native) — against PyTorch on the CPU
 * (scripts/bench_cpu_torch.py, the same networks), with the same thread count. Prints a table
 * of wall time, process CPU time and the ratio to PyTorch; asserts nothing.
 *
 *   --quick        skip the large pure-JS cases (they take minutes each)
 *   --threads N    threads for oneDNN and PyTorch (default ATRIUM_THREADS or all cores)
 *   --reps N       timed training steps after one warm-up, oneDNN and PyTorch (default 3; pure JS: 1, no warm-up)
 *   --python PATH  a python3 with torch (default: none, no PyTorch column)
 *   --only TEXT    only cases whose name contains TEXT
 *
 * Each (backend, case) runs in its own child process, so neither memory nor the kernel
 * registry carries over. Pure-JS inference is timed on its first batches and extrapolated.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { NetworkKind } from '../../../shared/networks.ts';

type Mode = 'train' | 'infer-slices' | 'infer-window';
interface Case {
  name: string;
  kind: NetworkKind;
  mode: Mode;
  batch: number;
  /** Tensor order: [H, W] or [D, H, W] (inference: the window [pk, pj, pi]). */
  size: number[];
  classes: number;
  /** Large: pure JS skipped with --quick. */
  large: boolean;
  scan?: [number, number, number];
  stride?: [number, number, number];
}
interface Result {
  ms: number;
  cpuMs: number;
  params: number;
  detail: string;
}

const SCAN: [number, number, number] = [181, 217, 181];
const cases: Case[] = [
  { name: 'U-Net 2D train b4 256×256', kind: 'unet2d', mode: 'train', batch: 4, size: [256, 256], classes: 4, large: true },
  { name: 'U-Net 2D train b4 96×112', kind: 'unet2d', mode: 'train', batch: 4, size: [96, 112], classes: 4, large: false },
  { name: 'V-Net 3D train b2 112×112×80', kind: 'vnet3d', mode: 'train', batch: 2, size: [80, 112, 112], classes: 2, large: true },
  { name: 'V-Net 3D train b2 64×64×48', kind: 'vnet3d', mode: 'train', batch: 2, size: [48, 64, 64], classes: 2, large: false },
  { name: 'U-Net 2D infer scan, slices', kind: 'unet2d', mode: 'infer-slices', batch: 4, size: [], classes: 4, large: true, scan: SCAN },
  {
    name: 'V-Net 3D infer scan, windows',
    kind: 'vnet3d',
    mode: 'infer-window',
    batch: 1,
    size: [80, 112, 112],
    classes: 2,
    large: true,
    scan: SCAN,
    stride: [56, 56, 40],
  },
];

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

async function worker(c: Case, reps: number, pureJs: boolean): Promise<Result> {
  const { selectBackend } = await import('../backend/selectBackend.ts');
  const { createModel } = await import('../models/createModel.ts');
  const { supervisedLoss } = await import('../losses/supervisedLoss.ts');
  const { benchOptimizer } = await import('./benchOptimizer.ts');
  const { minimize } = await import('../optim/minimize.ts');
  const { inferSlices } = await import('../inference/sliceInference.ts');
  const { slidingWindow3d } = await import('../inference/slidingWindow3d.ts');
  const selection = await selectBackend({ env: { ...process.env, ATRIUM_BACKEND: 'cpu' } });
  process.stderr.write(`  [${selection.device}]\n`);
  const model = createModel({ kind: c.kind, numClasses: c.classes, width: 16, seed: 1 });
  const params = model.parameterCount();
  const cpu0 = process.cpuUsage();
  const cpuMs = (n: number) => {
    const u = process.cpuUsage(cpu0);
    return (u.user + u.system) / 1000 / n;
  };
  if (c.mode === 'train') {
    const x = tf.randomNormal([c.batch, ...c.size, 1]);
    const y = tf.randomUniformInt([c.batch, ...c.size], 0, c.classes);
    const optimizer = benchOptimizer(c.kind, model.trainableVariables());
    const step = () => tf.dispose(minimize(optimizer, model.trainableVariables(), () => supervisedLoss(model.apply(x, { training: true }), y)));
    if (!pureJs) step();
    const start = process.cpuUsage();
    const times: number[] = [];
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      step();
      times.push(performance.now() - t0);
    }
    const used = process.cpuUsage(start);
    times.sort((a, b) => a - b);
    return {
      ms: times[Math.floor(times.length / 2)],
      cpuMs: (used.user + used.system) / 1000 / reps,
      params,
      detail: `median of ${reps} step${reps > 1 ? 's' : ''}`,
    };
  }
  // bench:gpu's quick cases bring a smaller scan of their own.
  const scan = c.scan ?? SCAN;
  const image = new Float32Array(scan[0] * scan[1] * scan[2]).map(() => Math.random() - 0.5);
  const logits = (x: tf.Tensor) => model.apply(x, { training: false });
  // Pure JS: stop after the first batches and extrapolate.
  const budget = pureJs ? (c.mode === 'infer-slices' ? 2 * c.batch : 1) : Infinity;
  let done = 0;
  let total = 0;
  const stop = new Error('enough');
  const onProgress = (d: number, t: number) => {
    done = d;
    total = t;
    if (d >= budget && d < t) throw stop;
  };
  const start = performance.now();
  try {
    if (c.mode === 'infer-slices') await inferSlices(logits, image, scan, { axis: 'k', batchSize: c.batch, onProgress });
    else await slidingWindow3d(logits, image, scan, { patchSize: [c.size[2], c.size[1], c.size[0]], stride: c.stride, batchSize: 1, onProgress });
  } catch (error) {
    if (error !== stop) throw error;
  }
  const elapsed = performance.now() - start;
  // onProgress counts slices (2-D) or windows (3-D).
  const unit = c.mode === 'infer-slices' ? `slices in batches of ${c.batch}` : `windows of ${c.size.join('×')}, stride ${c.stride!.join('×')}`;
  const partial = done < total;
  return {
    ms: partial ? (elapsed * total) / done : elapsed,
    cpuMs: partial ? (cpuMs(1) * total) / done : cpuMs(1),
    params,
    detail: partial ? `est. from ${done} of ${total} ${unit}` : `${total} ${unit}`,
  };
}

function runWorker(c: Case, backend: 'js' | 'onednn', threads: number, reps: number): Result | string {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--worker', JSON.stringify({ c, reps, pureJs: backend === 'js' })],
    {
      encoding: 'utf8',
      env: { ...process.env, ATRIUM_NATIVE: backend === 'js' ? '0' : '1', ATRIUM_THREADS: String(threads) },
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 24,
    },
  );
  const line = child.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as Result;
  } catch {
    return `failed (exit ${child.status ?? child.signal})`;
  }
}

function runTorch(python: string, threads: number, reps: number, selected: Case[]): { version: string; results: Map<string, Result> } | string {
  const script = fileURLToPath(new URL('../../../scripts/bench_cpu_torch.py', import.meta.url));
  const torchCases = selected.map((c) => ({ ...c, reps }));
  // torch.set_num_threads alone leaves Debian's torch 1.13 a second busy OpenMP thread
  const env = { ...process.env, OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
  const child = spawnSync(python, [script, '--threads', String(threads), '--cases', JSON.stringify(torchCases)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 24,
    env,
  });
  if (child.status !== 0) return `PyTorch run failed (exit ${child.status ?? child.signal})`;
  const lines = child.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const results = new Map<string, Result>();
  for (const l of lines.slice(1)) results.set(l.name as string, l as unknown as Result);
  return { version: String(lines[0].torch), results };
}

async function main(): Promise<void> {
  const quick = args.includes('--quick');
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const threads = Number(option('--threads') ?? process.env.ATRIUM_THREADS ?? cores);
  const reps = Number(option('--reps') ?? 3);
  const python = option('--python');
  const only = option('--only');
  const selected = cases.filter((c) => !only || c.name.includes(only));
  const { loadAddon } = await import('../native/addon.ts');
  const addon = loadAddon();
  console.log(
    `CPU: ${os.cpus()[0]?.model.trim()} (${cores} cores), ${threads} thread${threads > 1 ? 's' : ''} for oneDNN and PyTorch; load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(`oneDNN kernels: ${addon.addon ? `oneDNN ${addon.addon.version().onednn}` : addon.reason}`);
  let torch: ReturnType<typeof runTorch> | undefined;
  if (python) {
    console.log(`PyTorch: running ${selected.length} cases…`);
    torch = runTorch(python, threads, reps, selected);
    console.log(typeof torch === 'string' ? torch : `PyTorch ${torch.version}`);
  } else {
    console.log('PyTorch: not available (scripts/with-torch.js installs python3-torch when run as root)');
  }
  const rows: string[][] = [];
  const params = new Map<string, { atrium: number; torch?: number }>();
  for (const c of selected) {
    const reference = torch && typeof torch !== 'string' ? torch.results.get(c.name) : undefined;
    const backends: Array<'js' | 'onednn'> = addon.addon ? ['onednn', 'js'] : ['js'];
    for (const backend of backends) {
      const label = backend === 'js' ? 'cpu (pure JS)' : 'cpu + oneDNN';
      if (backend === 'js' && quick && c.large) {
        rows.push([c.name, label, 'skipped (--quick)', '', '', '']);
        continue;
      }
      process.stderr.write(`${c.name}, ${label}…\n`);
      const r = runWorker(c, backend, backend === 'js' ? 1 : threads, backend === 'js' ? 1 : reps);
      if (typeof r === 'string') {
        rows.push([c.name, label, r, '', '', '']);
        continue;
      }
      params.set(c.kind, { atrium: r.params, torch: reference?.params });
      rows.push([c.name, label, r.ms.toFixed(0), r.cpuMs.toFixed(0), reference ? `${(r.ms / reference.ms).toFixed(2)}×` : '', r.detail]);
    }
    if (reference) rows.push([c.name, 'PyTorch', reference.ms.toFixed(0), reference.cpuMs.toFixed(0), '1.00×', reference.detail]);
  }
  const header = ['case', 'backend', 'ms', 'CPU ms', 'vs PyTorch', 'detail'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((cell, i) => (i >= 2 && i <= 4 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join(' | ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}`);
  for (const r of rows) console.log(line(r));
  console.log('\nms: wall time (training: per step; inference: whole 181×217×181 scan); CPU ms: process CPU time for the same work.');
  console.log('pure JS runs on one thread; it is not a thread-count question but tfjs-cpu kernels.');
  for (const [kind, p] of params) {
    console.log(
      `parameters ${kind}: Atrium ${p.atrium.toLocaleString('en-US')}, PyTorch ${p.torch?.toLocaleString('en-US') ?? '—'}${p.torch !== undefined ? (p.torch === p.atrium ? ' (match)' : ' (DIFFER)') : ''}`,
    );
  }
}

const workerIndex = args.indexOf('--worker');
if (workerIndex >= 0) {
  const { c, reps, pureJs } = JSON.parse(args[workerIndex + 1]) as { c: Case; reps: number; pureJs: boolean };
  const result = await worker(c, reps, pureJs);
  console.log(JSON.stringify(result));
} else {
  await main();
}
