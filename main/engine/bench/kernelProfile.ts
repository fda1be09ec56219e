/**
 * Time per tfjs kernel: wraps every kernel registered for a backend with a timer
 * (re-registering it), so a training step can be broken down by kernel. Wrap after
 * the native kernels are installed; `stop()` restores the kernels it wrapped.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface KernelTime {
  name: string;
  calls: number;
  ms: number;
}

export interface KernelProfiler {
  reset(): void;
  /** Kernels by total time, longest first. */
  report(): KernelTime[];
  stop(): void;
}

export function profileKernels(backendName = 'cpu'): KernelProfiler {
  const times = new Map<string, KernelTime>();
  const wrapped: tf.KernelConfig[] = [];
  for (const config of tf.getKernelsForBackend(backendName)) {
    const inner = config.kernelFunc;
    const entry: KernelTime = { name: config.kernelName, calls: 0, ms: 0 };
    times.set(config.kernelName, entry);
    const kernelFunc = ((args: Parameters<tf.KernelFunc>[0]) => {
      const start = performance.now();
      try {
        return inner(args);
      } finally {
        entry.ms += performance.now() - start;
        entry.calls++;
      }
    }) as tf.KernelFunc;
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel({ ...config, kernelFunc });
    wrapped.push(config);
  }
  return {
    reset() {
      for (const t of times.values()) {
        t.calls = 0;
        t.ms = 0;
      }
    },
    report() {
      return [...times.values()]
        .filter((t) => t.calls > 0)
        .sort((a, b) => b.ms - a.ms)
        .map((t) => ({ ...t }));
    },
    stop() {
      for (const config of wrapped) {
        tf.unregisterKernel(config.kernelName, backendName);
        tf.registerKernel(config);
      }
    },
  };
}

/** The profile as text lines: kernel, calls, ms, share of the total. */
export function formatProfile(profile: KernelTime[], top = 20): string[] {
  const total = profile.reduce((s, t) => s + t.ms, 0);
  return [
    `${'kernel'.padEnd(26)} ${'calls'.padStart(6)} ${'ms'.padStart(9)} ${'share'.padStart(6)}`,
    ...profile
      .slice(0, top)
      .map((t) => `${t.name.padEnd(26)} ${String(t.calls).padStart(6)} ${t.ms.toFixed(1).padStart(9)} ${((100 * t.ms) / total).toFixed(1).padStart(5)}%`),
    `${'total in kernels'.padEnd(26)} ${''.padStart(6)} ${total.toFixed(1).padStart(9)}`,
  ];
}
