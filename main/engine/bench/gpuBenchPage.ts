/**
 * The browser side of `npm run bench:gpu` (gpuBench.ts bundles it for a page): the engine's
 * networks on tfjs's webgpu backend, a training step (forward, loss, backward, SGD/AdamW) and
 * the prediction of a whole scan, each timed to a value read back (the GPU has finished).
 */
import * as tf from '@tensorflow/tfjs-core';
import { probeWebGpu, selectWebGpuBackend } from '../backend/webgpuBackend.ts';
import { inferSlices } from '../inference/sliceInference.ts';
import { slidingWindow3d } from '../inference/slidingWindow3d.ts';
import { supervisedLoss } from '../losses/supervisedLoss.ts';
import { createModel } from '../models/createModel.ts';
import { minimize } from '../optim/minimize.ts';
import { benchOptimizer } from './benchOptimizer.ts';
import type { GpuBenchCase, GpuBenchResult } from './gpuBenchCases.ts';

async function trainCase(c: GpuBenchCase, reps: number): Promise<GpuBenchResult> {
  const model = createModel({ kind: c.kind, numClasses: c.classes, width: 16, seed: 1 });
  const x = tf.randomNormal([c.batch, ...c.size, 1]);
  const y = tf.randomUniformInt([c.batch, ...c.size], 0, c.classes);
  const optimizer = benchOptimizer(c.kind, model.trainableVariables());
  const step = async () => {
    const loss = minimize(optimizer, model.trainableVariables(), () => supervisedLoss(model.apply(x, { training: true }), y));
    await loss.data();
    loss.dispose();
  };
  // Two warm-ups: the first compiles every shader program.
  await step();
  await step();
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await step();
    times.push(performance.now() - t0);
  }
  optimizer.dispose();
  model.dispose();
  tf.dispose([x, y]);
  times.sort((a, b) => a - b);
  return { name: c.name, ms: times[Math.floor(times.length / 2)]!, detail: `median of ${reps} steps` };
}

async function inferCase(c: GpuBenchCase): Promise<GpuBenchResult> {
  const model = createModel({ kind: c.kind, numClasses: c.classes, width: 16, seed: 1 });
  const scan = c.scan!;
  const image = new Float32Array(scan[0] * scan[1] * scan[2]).map(() => Math.random() - 0.5);
  const logits = (x: tf.Tensor) => model.apply(x, { training: false });
  const run = () =>
    c.mode === 'infer-slices'
      ? inferSlices(logits, image, scan, { axis: 'k', batchSize: c.batch })
      : slidingWindow3d(logits, image, scan, { patchSize: [c.size[2]!, c.size[1]!, c.size[0]!], stride: c.stride, batchSize: 1 });
  await run(); // compiles the programs
  const t0 = performance.now();
  await run();
  const ms = performance.now() - t0;
  model.dispose();
  return { name: c.name, ms, detail: `whole ${scan.join('×')} scan, after one warm-up scan` };
}

/** Runs the cases on webgpu: the adapter, then each case's time or failure. */
export async function runGpuBench(
  cases: GpuBenchCase[],
  reps: number,
): Promise<{ adapter: unknown; results: (GpuBenchResult | { name: string; error: string })[] }> {
  const probe = await probeWebGpu();
  if (!probe.adapter) return { adapter: probe.reason, results: [] };
  let fatal: string | null = null;
  await selectWebGpuBackend((problem) => (fatal = problem));
  const results: (GpuBenchResult | { name: string; error: string })[] = [];
  for (const c of cases) {
    try {
      results.push(c.mode === 'train' ? await trainCase(c, reps) : await inferCase(c));
    } catch (error) {
      results.push({ name: c.name, error: error instanceof Error ? error.message : String(error) });
    }
    if (fatal) {
      results.push({ name: c.name, error: fatal });
      break;
    }
  }
  return { adapter: probe.adapter, results };
}

(globalThis as { runGpuBench?: typeof runGpuBench }).runGpuBench = runGpuBench;
