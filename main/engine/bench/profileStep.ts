/**
 * Where a training step spends its time, kernel by kernel, on the cpu backend with the
 * native kernels (ATRIUM_NATIVE=0 for pure JS). For optimisation work; prints, asserts nothing.
 *
 *   node --import tsx main/engine/bench/profileStep.ts [unet|vnet] [H W | D H W] [--batch B] [--steps N] [--infer]
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { installNativeKernels } from '../native/nativeKernels.ts';
import { createModel } from '../models/createModel.ts';
import { supervisedLoss } from '../losses/supervisedLoss.ts';
import { Sgd } from '../optim/sgd.ts';
import { minimize } from '../optim/minimize.ts';
import { formatProfile, profileKernels } from './kernelProfile.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const kind = args[0] === 'vnet' ? 'vnet3d' : 'unet2d';
const dims = args.slice(1).filter((a, i, all) => /^\d+$/.test(a) && !all[i - 1]?.startsWith('--')).map(Number);
const size = dims.length ? dims : kind === 'unet2d' ? [96, 112] : [48, 64, 64];
const batch = flag('--batch', kind === 'unet2d' ? 4 : 2);
const steps = flag('--steps', 2);
const classes = kind === 'unet2d' ? 4 : 2;

await tf.setBackend('cpu');
(tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
const status = installNativeKernels();
console.log(`native: ${status.reason}`);
const model = createModel({ kind, numClasses: classes, width: 16, seed: 1 });
const x = tf.randomNormal([batch, ...size, 1]);
const y = tf.randomUniformInt([batch, ...size], 0, classes);
const optimizer = new Sgd(model.trainableVariables(), { learningRate: 0.01, momentum: 0.9, weightDecay: 1e-4 });
const step = args.includes('--infer')
  ? () => tf.tidy(() => { model.apply(x, { training: false }).dataSync(); })
  : () => { minimize(optimizer, model.trainableVariables(), () => supervisedLoss(model.apply(x, { training: true }), y)); };
step();
const profiler = profileKernels();
let total = 0;
let best = Infinity;
const cpu = process.cpuUsage();
for (let s = 0; s < steps; s++) {
  const start = performance.now();
  step();
  const ms = performance.now() - start;
  total += ms;
  best = Math.min(best, ms);
}
const used = process.cpuUsage(cpu);
console.log(`${kind} b${batch} ${size.join('×')}: ${(total / steps).toFixed(0)} ms per ${args.includes('--infer') ? 'forward' : 'step'} (best ${best.toFixed(0)}; CPU ${((used.user + used.system) / 1000 / steps).toFixed(0)} ms of which system ${(used.system / 1000 / steps).toFixed(0)})`);
const profile = profiler.report().map((t) => ({ ...t, ms: t.ms / steps, calls: t.calls / steps }));
for (const line of formatProfile(profile, 25)) console.log(line);
profiler.stop();
