/**
 * `npm run bench`: how fast this machine trains and predicts with Atrium's engine. Prints
 * figures, asserts nothing. Each figure comes with the backend it ran on and, as a reference
 * measured in the same run, the backend's dense matmul throughput, so runs on different
 * machines or backends can be compared as ratios.
 *
 *   --quick      reduced sizes only (a minute or two on a laptop CPU)
 *   --steps N    timed training steps per configuration (default 1, after one untimed warm-up step when N > 1)
 */
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/selectBackend.ts';
import { createModel } from '../models/createModel.ts';
import type { NetworkKind } from '../../../shared/networks.ts';
import { supervisedLoss } from '../losses/supervisedLoss.ts';
import { Sgd } from '../optim/sgd.ts';
import { minimize } from '../optim/minimize.ts';
import { defaultStride, windowStarts } from '../inference/slidingWindow3d.ts';

interface Case {
  name: string;
  kind: NetworkKind;
  batch: number;
  /** Spatial input size in tensor order: [H, W] or [D, H, W]. */
  size: number[];
  classes: number;
}

const SCAN: [number, number, number] = [181, 217, 181];
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const stepsArg = args.indexOf('--steps');
const steps = stepsArg >= 0 ? Math.max(1, Number(args[stepsArg + 1])) : 1;

const cases: Case[] = [
  { name: 'U-Net 2D w16 b4 96×112', kind: 'unet2d', batch: 4, size: [96, 112], classes: 4 },
  ...(quick ? [] : [{ name: 'U-Net 2D w16 b4 256×256', kind: 'unet2d' as const, batch: 4, size: [256, 256], classes: 4 }]),
  { name: 'V-Net 3D w16 b2 48×64×64', kind: 'vnet3d', batch: 2, size: [48, 64, 64], classes: 2 },
  ...(quick ? [] : [{ name: 'V-Net 3D w16 b2 80×112×112', kind: 'vnet3d' as const, batch: 2, size: [80, 112, 112], classes: 2 }]),
];

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

function matmulGflops(): number {
  const n = 1024;
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  tf.tidy(() => tf.matMul(a, b).dataSync());
  const ms = time(() => tf.tidy(() => tf.matMul(a, b).dataSync()));
  tf.dispose([a, b]);
  return (2 * n ** 3) / (ms / 1000) / 1e9;
}

function trainStepMs(c: Case): number {
  const model = createModel({ kind: c.kind, numClasses: c.classes, width: 16, seed: 1 });
  const x = tf.randomNormal([c.batch, ...c.size, 1]);
  const y = tf.randomUniformInt([c.batch, ...c.size], 0, c.classes);
  const optimizer = new Sgd(model.trainableVariables(), { learningRate: 0.01, momentum: 0.9, weightDecay: 1e-4 });
  const step = () => tf.dispose(minimize(optimizer, model.trainableVariables(), () => supervisedLoss(model.apply(x, { training: true }), y)));
  if (steps > 1) step();
  let total = 0;
  for (let s = 0; s < steps; s++) total += time(step);
  optimizer.dispose();
  model.dispose();
  tf.dispose([x, y]);
  return total / steps;
}

/** One forward pass at inference size; the scan time is that times the passes a whole scan needs. */
function inferenceMs(c: Case): { ms: number; passes: number; unit: string } {
  const model = createModel({ kind: c.kind, numClasses: c.classes, width: 16, seed: 1 });
  const pad = (n: number) => Math.ceil(n / 16) * 16;
  let input: number[];
  let passes: number;
  let unit: string;
  if (c.kind === 'unet2d') {
    input = [c.batch, pad(SCAN[1]), pad(SCAN[0]), 1];
    passes = Math.ceil(SCAN[2] / c.batch);
    unit = `${passes} batches of ${c.batch} axial slices`;
  } else {
    const patch: [number, number, number] = [c.size[2], c.size[1], c.size[0]];
    const stride = defaultStride(patch);
    passes = [0, 1, 2].reduce((n, a) => n * windowStarts(SCAN[a], patch[a], stride[a]).length, 1);
    input = [1, ...c.size, 1];
    unit = `${passes} windows, stride ${stride.join('×')}`;
  }
  const x = tf.randomNormal(input);
  const ms = time(() => tf.tidy(() => model.apply(x, { training: false }).dataSync()));
  model.dispose();
  x.dispose();
  return { ms, passes, unit };
}

const backend = await selectBackend();
console.log(`backend: ${backend.name} (${backend.device}) — ${backend.reason}`);
const gflops = matmulGflops();
console.log(`reference: dense matmul 1024×1024 on this backend: ${gflops.toFixed(2)} GFLOP/s`);
console.log(`scan for inference: ${SCAN.join('×')} voxels (the sample brain)\n`);
console.log('configuration                     | train ms/iter | forward ms | forwards per scan | ms per scan (est.)');
for (const c of cases) {
  const train = trainStepMs(c);
  const inf = inferenceMs(c);
  console.log(
    `${c.name.padEnd(33)} | ${train.toFixed(0).padStart(13)} | ${inf.ms.toFixed(0).padStart(10)} | ${String(inf.passes).padStart(17)} | ${(inf.ms * inf.passes).toFixed(0).padStart(10)}  (${inf.unit})`,
  );
}
console.log('\nms per scan = one timed forward pass × the passes a whole scan needs (2D: slice batches; 3D: sliding windows at the default stride).');
