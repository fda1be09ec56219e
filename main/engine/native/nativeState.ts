/**
 * Whether the oneDNN kernels serve the cpu backend, and the addon that serves them. Kept apart
 * from the installer (nativeKernels.ts, which loads the addon from disk) so that the kernels'
 * fallbacks, and the models that call them, carry no Node module into a browser Worker.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon.ts';

export interface NativeKernelsStatus {
  /** The native kernels are registered for the cpu backend. */
  loaded: boolean;
  /** One line: what runs and why (or why not). */
  reason: string;
  /** OpenMP threads the kernels use (0 when not loaded). */
  threads: number;
  /** Kernel names replaced. */
  kernels: string[];
  /** oneDNN version, when the addon loaded. */
  onednn?: string;
}

let addon: NativeAddon | null = null;
let status: NativeKernelsStatus = { loaded: false, reason: 'native kernels not installed', threads: 0, kernels: [] };

/** Records what the installer loaded and registered. */
export function setNativeState(next: { addon?: NativeAddon | null; status: NativeKernelsStatus }): void {
  if (next.addon !== undefined) addon = next.addon;
  status = next.status;
}

export function nativeKernelsStatus(): NativeKernelsStatus {
  return { ...status, kernels: [...status.kernels] };
}

/** The loaded addon, for benchmarks and tests. */
export function nativeAddon(): NativeAddon | null {
  return addon;
}

/**
 * The addon as `T` while its kernels serve the cpu backend and it has every function named
 * (an addon built before a source file was added lacks that file's); null otherwise, and the
 * caller falls back to tfjs ops.
 */
export function servingAddon<T>(...functions: (keyof T & string)[]): T | null {
  if (!status.loaded || !addon || tf.getBackend() !== 'cpu') return null;
  const members = addon as unknown as Record<string, unknown>;
  return functions.every((name) => typeof members[name] === 'function') ? (addon as unknown as T) : null;
}

/** The cpu backend's own array of `t`, read from its data store: dataSync would bar it from the buffer pool (bufferPool.ts). */
export function storedValues(t: tf.Tensor): unknown {
  return (tf.backend() as unknown as { data: { get(dataId: object): { values?: unknown } | undefined } }).data.get(t.dataId)?.values;
}
