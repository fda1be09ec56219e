/**
 * Where a training step spends its time, kernel by kernel, on the cpu backend with the
 * native kernels (ATRIUM_NATIVE=0 for pure JS). The fused native calls that replace chains of
 * tfjs ops (batch norm, activation gradients, optimiser updates, the supervised loss) are no
 * tfjs kernels and are listed as `native <name>`; what the table does not cover is tfjs and
 * JavaScript overhead (dispatch, the tape, dropout's random numbers, garbage collection).
 * For optimisation work; prints, asserts nothing.
 *
 *   node --import tsx main/engine/bench/profileStep.ts [unet|vnet] [H W | D H W] [--batch B] [--steps N] [--infer]
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { installNativeKernels, nativeAddon } from '../native/nativeKernels.ts';
import { createModel } from '../models/createModel.ts';
import { supervisedLoss } from '../losses/supervisedLoss.ts';
import { AdamW } from '../optim/adamW.ts';
import { Sgd } from '../optim/sgd.ts';
import { minimize } from '../optim/minimize.ts';
import { formatProfile, profileKernels } from './kernelProfile.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const kind = args[0] === 'vnet' ? 'vnet3d' : 'unet2d';
const dims = args
  .slice(1)
  .filter((a, i, all) => /^\d+$/.test(a) && !all[i - 1]?.startsWith('--'))
  .map(Number);
const size = dims.length ? dims : kind === 'unet2d' ? [96, 112] : [48, 64, 64];
const batch = flag('--batch', kind === 'unet2d' ? 4 : 2);
const steps = flag('--steps', 2);
const classes = kind === 'unet2d' ? 4 : 2;

await tf.setBackend('cpu');
(tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
const status = installNativeKernels();
console.log(`native: ${status.reason}`);
const fusedCalls = ['batchNormForward', 'batchNormBackward', 'leakyReluGrad', 'sgdUpdate', 'adamWUpdate', 'supervisedLoss'];
const fusedTimes = new Map<string, { calls: number; ms: number }>();
const addon = nativeAddon() as unknown as Record<string, unknown> | null;
for (const name of addon ? fusedCalls : []) {
  const call = addon![name];
  if (typeof call !== 'function') continue;
  const entry = { calls: 0, ms: 0 };
  fusedTimes.set(name, entry);
  // The fused wrappers look the function up on the addon at each call.
  addon![name] = (...callArgs: unknown[]) => {
    const start = performance.now();
    try {
      return call(...callArgs);
    } finally {
      entry.ms += performance.now() - start;
      entry.calls++;
    }
  };
}
const model = createModel({ kind, numClasses: classes, width: 16, seed: 1 });
const x = tf.randomNormal([batch, ...size, 1]);
const y = tf.randomUniformInt([batch, ...size], 0, classes);
// As cpuBench (and docs/methods.md's CrossMatch): SGD with Nesterov momentum for the 2-D net, AdamW for the 3-D one.
const optimizer =
  kind === 'unet2d'
    ? new Sgd(model.trainableVariables(), { learningRate: 0.01, momentum: 0.9, nesterov: true, weightDecay: 1e-4 })
    : new AdamW(model.trainableVariables(), { learningRate: 1e-3, weightDecay: 1e-4 });
const step = args.includes('--infer')
  ? () =>
      tf.tidy(() => {
        model.apply(x, { training: false }).dataSync();
      })
  : () => {
      tf.dispose(minimize(optimizer, model.trainableVariables(), () => supervisedLoss(model.apply(x, { training: true }), y)));
    };
step();
const profiler = profileKernels();
for (const entry of fusedTimes.values()) Object.assign(entry, { calls: 0, ms: 0 });
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
console.log(
  `${kind} b${batch} ${size.join('×')}: ${(total / steps).toFixed(0)} ms per ${args.includes('--infer') ? 'forward' : 'step'} (best ${best.toFixed(0)}; CPU ${((used.user + used.system) / 1000 / steps).toFixed(0)} ms of which system ${(used.system / 1000 / steps).toFixed(0)})`,
);
const fused = [...fusedTimes].filter(([, t]) => t.calls > 0).map(([name, t]) => ({ name: `native ${name}`, ...t }));
const profile = [...profiler.report(), ...fused].sort((a, b) => b.ms - a.ms).map((t) => ({ ...t, ms: t.ms / steps, calls: t.calls / steps }));
for (const line of formatProfile(profile, 25)) console.log(line);
const inKernels = profile.reduce((sum, t) => sum + t.ms, 0);
console.log(`${'outside kernels'.padEnd(26)} ${''.padStart(6)} ${(total / steps - inKernels).toFixed(1).padStart(9)}`);
profiler.stop();
