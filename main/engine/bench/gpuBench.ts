/**
 * `npm run bench:gpu` (via scripts/with-torch.js): the engine's U-Net 2D and V-Net 3D on the
 * webgpu backend in Chromium, on whatever adapter it finds, against the engine's CPU backend
 * (oneDNN kernels, bench:cpu's worker) and PyTorch on CUDA where there is one
 * (scripts/bench_cpu_torch.py --device cuda), all in the same run. Prints ms per training step
 * and per predicted scan, and the ratios; asserts nothing.
 *
 *   --quick        small cases (a software adapter or a laptop), not the papers' sizes
 *   --software     SwiftShader's WebGPU (this workplace's Chromium has no GPU): checks the command
 *   --reps N       timed training steps after two warm-ups (default 5; the CPU backend: 1)
 *   --no-cpu       skip the CPU column (at the papers' sizes it takes minutes on few cores)
 *   --python PATH  a python3 with torch (scripts/with-torch.js passes it)
 *
 * Chromium: ATRIUM_CHROMIUM or /usr/bin/chromium, headless, with WebGPU enabled (and Vulkan on
 * Linux). The page is served from http://localhost/ through Playwright, WebGPU needing a secure context.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { PAPER_CASES, QUICK_CASES, type GpuBenchCase } from './gpuBenchCases.ts';

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const cases = args.includes('--quick') ? QUICK_CASES : PAPER_CASES;
const reps = Number(option('--reps') ?? 5);
const threads = os.availableParallelism();

async function webgpu(): Promise<{ adapter: unknown; results: Map<string, number | string> }> {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./gpuBenchPage.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]!.text;
  const flags = args.includes('--software')
    ? ['--use-angle=swiftshader', '--enable-unsafe-swiftshader']
    : ['--ignore-gpu-blocklist', ...(process.platform === 'linux' ? ['--enable-features=Vulkan', '--use-angle=vulkan'] : [])];
  const browser = await chromium.launch({
    executablePath: process.env.ATRIUM_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', ...flags],
  });
  try {
    const page = await browser.newPage();
    page.on('crash', () => console.error('the page crashed (out of memory, or the GPU process died)'));
    page.on('console', (m) => m.type() === 'error' && console.error(`page: ${m.text()}`));
    await page.route('http://localhost/**', (route) =>
      route.request().url().endsWith('/bench.js')
        ? route.fulfill({ body: script, contentType: 'text/javascript' })
        : route.fulfill({ body: '<!doctype html><title>bench:gpu</title>', contentType: 'text/html' }),
    );
    await page.goto('http://localhost/');
    page.setDefaultTimeout(0);
    const out = await page.evaluate(
      async ({ cases, reps }) => {
        // A variable, not a literal: the module exists only in the page (served by the route above).
        const url = '/bench.js';
        await import(url);
        const run = (globalThis as unknown as { runGpuBench: (c: unknown, r: number) => Promise<unknown> }).runGpuBench;
        return run(cases, reps);
      },
      { cases, reps },
    );
    const { adapter, results } = out as { adapter: unknown; results: ({ name: string; ms: number } | { name: string; error: string })[] };
    return { adapter, results: new Map(results.map((r) => [r.name, 'ms' in r ? r.ms : `failed: ${r.error}`])) };
  } finally {
    await browser.close();
  }
}

function cpuBackend(c: GpuBenchCase): number | string {
  const worker = fileURLToPath(new URL('./cpuBench.ts', import.meta.url));
  const child = spawnSync(process.execPath, ['--import', 'tsx', worker, '--worker', JSON.stringify({ c, reps: 1, pureJs: false })], {
    encoding: 'utf8',
    env: { ...process.env, ATRIUM_NATIVE: '1', ATRIUM_THREADS: String(threads) },
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 1 << 24,
  });
  try {
    return (JSON.parse(child.stdout.trim().split('\n').pop() ?? '') as { ms: number }).ms;
  } catch {
    return `failed (exit ${child.status ?? child.signal})`;
  }
}

function torchCuda(python: string | undefined): { device: string; results: Map<string, number> } | string {
  if (!python) return 'no PyTorch';
  const probe = spawnSync(python, ['-c', 'import torch; print(torch.cuda.is_available())'], { encoding: 'utf8' });
  if (probe.stdout.trim() !== 'True') return 'PyTorch has no CUDA device here';
  const script = fileURLToPath(new URL('../../../scripts/bench_cpu_torch.py', import.meta.url));
  const child = spawnSync(python, [script, '--device', 'cuda', '--threads', String(threads), '--cases', JSON.stringify(cases.map((c) => ({ ...c, reps })))], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (child.status !== 0) return `PyTorch failed: ${child.stderr.trim().split('\n').pop()}`;
  const lines = child.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { name?: string; ms?: number; device?: string });
  return { device: String(lines[0]!.device), results: new Map(lines.slice(1).map((l) => [l.name!, l.ms!])) };
}

const fmt = (v: number | string | undefined) => (typeof v === 'number' ? `${v.toFixed(v < 100 ? 1 : 0)}` : (v ?? '–'));
const ratio = (a: number | string | undefined, b: number | string | undefined) =>
  typeof a === 'number' && typeof b === 'number' ? `${(a / b).toFixed(2)}×` : '–';

const gpu = await webgpu();
console.log(`WebGPU adapter: ${JSON.stringify(gpu.adapter)}`);
const torch = torchCuda(option('--python'));
console.log(`PyTorch CUDA: ${typeof torch === 'string' ? torch : torch.device}`);
console.log(`CPU backend: cpu + oneDNN on ${threads} threads (${os.cpus()[0]?.model.trim()})`);
console.log('');
console.log(
  `${'case'.padEnd(36)} ${'webgpu ms'.padStart(10)} ${'cpu ms'.padStart(10)} ${'cpu/webgpu'.padStart(10)} ${'torch ms'.padStart(10)} ${'webgpu/torch'.padStart(12)}`,
);
for (const c of cases) {
  const w = gpu.results.get(c.name);
  const cpu = args.includes('--no-cpu') ? undefined : cpuBackend(c);
  const t = typeof torch === 'string' ? undefined : torch.results.get(c.name);
  console.log(
    `${c.name.padEnd(36)} ${fmt(w).padStart(10)} ${fmt(cpu).padStart(10)} ${ratio(cpu, w).padStart(10)} ${fmt(t).padStart(10)} ${ratio(w, t).padStart(12)}`,
  );
}
