/**
 * Puts the oneDNN kernels (native/, see kernels.ts) in place of tfjs-backend-cpu's own
 * kernels of the same names, for the `cpu` backend. Each replaced kernel keeps the
 * original as its fallback for the cases the addon does not cover, so results never
 * depend on what the addon supports. The gradients need no change: the engine's
 * gradient functions call kernels (Conv2DBackpropFilter, …) through tfjs, so they reach
 * these.
 *
 *   ATRIUM_NATIVE=0            keep the pure-JS kernels
 *   ATRIUM_THREADS=N           oneDNN/OpenMP threads (default: all CPU cores)
 *   ATRIUM_NATIVE_LAYOUT=any   let oneDNN pick blocked layouts for activations, with reorders
 *                              from/to channels-last around each primitive, instead of running
 *                              on channels-last data as given (measured slightly slower here)
 *   ATRIUM_NATIVE_MALLOC=0     leave glibc's allocator settings alone (see below)
 *   ATRIUM_NATIVE_POOL_MB=N    memory the kernels' output-buffer pool may hold (bufferPool.ts;
 *                              default a quarter of the machine's, 0 for none)
 *
 * tfjs allocates a new zero-filled array for every kernel output. With glibc's defaults,
 * arrays above a few MiB are fresh mappings whose pages fault in on first write, which costs
 * more than an element-wise kernel's arithmetic; installing therefore raises glibc's mmap
 * threshold to its 32 MiB maximum and the trim threshold to 1 GiB, so freed arrays are reused
 * from the heap. The price: the process keeps its peak heap instead of returning it.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import os from 'node:os';
import { loadAddon } from './addon.ts';
import { nativeKernels, type KernelArgs } from './kernels.ts';
import { elementwiseKernels } from './elementwiseKernels.ts';
import { disableBufferPool, enableBufferPool } from './bufferPool.ts';
import { nativeAddon, nativeKernelsStatus, setNativeState, type NativeKernelsStatus } from './nativeState.ts';

export { nativeAddon, nativeKernelsStatus, type NativeKernelsStatus };

export interface InstallOptions {
  env?: Record<string, string | undefined>;
}

type KernelFunc = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];

const originals = new Map<string, tf.KernelConfig>();
const counts = new Map<string, { native: number; fallback: number }>();

/** Thread count from ATRIUM_THREADS, default the machine's cores. */
export function threadSetting(env: Record<string, string | undefined> = process.env): number {
  const raw = env.ATRIUM_THREADS?.trim();
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  if (!raw) return Math.max(1, cores);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`ATRIUM_THREADS="${raw}" is not a positive integer`);
  return n;
}

/**
 * Loads the addon and registers its kernels for `cpu` (idempotent; a second call only
 * re-applies the thread setting). Never throws for a missing addon: the status says why.
 */
export function installNativeKernels(options: InstallOptions = {}): NativeKernelsStatus {
  const env = options.env ?? process.env;
  if (env.ATRIUM_NATIVE?.trim() === '0') {
    uninstallNativeKernels();
    setNativeState({ status: { loaded: false, reason: 'native kernels disabled by ATRIUM_NATIVE=0', threads: 0, kernels: [] } });
    return nativeKernelsStatus();
  }
  const threads = threadSetting(env);
  let addon = nativeAddon();
  if (!addon) {
    const load = loadAddon(env);
    if (!load.addon) {
      setNativeState({ status: { loaded: false, reason: load.reason, threads: 0, kernels: [] } });
      return nativeKernelsStatus();
    }
    addon = load.addon;
  }
  addon.setNumThreads(threads);
  if (env.ATRIUM_NATIVE_MALLOC?.trim() !== '0') addon.tuneAllocator(32 << 20, 1 << 30);
  addon.setLayoutPolicy(env.ATRIUM_NATIVE_LAYOUT?.trim() === 'any' ? 0 : 1);
  enableBufferPool(env, os.totalmem());
  const all = { ...nativeKernels, ...elementwiseKernels(addon) };
  for (const [name, kernel] of Object.entries(all)) {
    if (originals.has(name)) continue;
    const original = tf.getKernel(name, 'cpu');
    if (!original) continue;
    originals.set(name, original);
    const fallback = original.kernelFunc as unknown as KernelFunc;
    const native = addon;
    const count = counts.get(name) ?? { native: 0, fallback: 0 };
    counts.set(name, count);
    const kernelFunc = (args: KernelArgs) => {
      const result = kernel(native, args);
      if (result) {
        count.native++;
        return result;
      }
      count.fallback++;
      return fallback(args);
    };
    tf.unregisterKernel(name, 'cpu');
    tf.registerKernel({ ...original, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
  const { onednn } = addon.version();
  setNativeState({
    addon,
    status: {
      loaded: true,
      reason: `oneDNN ${onednn} kernels for ${originals.size} ops on ${threads} thread${threads === 1 ? '' : 's'}`,
      threads,
      kernels: [...originals.keys()],
      onednn,
    },
  });
  return nativeKernelsStatus();
}

/** Puts tfjs's own kernels back. */
export function uninstallNativeKernels(): void {
  disableBufferPool();
  for (const [name, config] of originals) {
    tf.unregisterKernel(name, 'cpu');
    tf.registerKernel(config);
  }
  originals.clear();
  if (nativeKernelsStatus().loaded) setNativeState({ status: { loaded: false, reason: 'native kernels uninstalled', threads: 0, kernels: [] } });
}

/** tfjs-backend-cpu's own kernel of that name (the reference the native one is tested against). */
export function originalKernel(name: string): tf.KernelConfig | undefined {
  return originals.get(name) ?? tf.getKernel(name, 'cpu');
}

/** How often each replaced kernel ran natively and how often it fell back to tfjs's own. */
export function nativeCallCounts(): Record<string, { native: number; fallback: number }> {
  return Object.fromEntries([...counts].map(([name, c]) => [name, { ...c }]));
}
