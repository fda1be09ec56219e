/**
 * The `webgpu` backend, for the engine running in a browser Worker (jobs/webJobWorker.ts):
 * WebGPU exists in a renderer only, not in Node or Electron's utilityProcess. tfjs-backend-webgpu
 * registers every kernel the networks need; the engine's own gradients are registered on top,
 * as on every backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import { describeAdapter } from '../../../shared/gpuAdapter.ts';
import type { GpuAdapterInfo } from '../../../shared/types.ts';
import { registerGradients } from '../ops/registerGradients.ts';
import type { JobBackend } from '../jobs/jobExecution.ts';

/** The parts of the WebGPU API used here; typed locally so the Node program needs no DOM types. */
interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
  limits: Record<string, number>;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<GpuAdapterLike | null>;
}
interface GpuDeviceLike {
  lost: Promise<{ reason: string; message: string }>;
  addEventListener(type: 'uncapturederror', listener: (e: { error: { message: string; constructor: { name: string } } }) => void): void;
}

function gpu(): GpuLike | undefined {
  return (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
}

/** The adapter tfjs will use (it asks for the high-performance one too), or why there is none. */
export async function probeWebGpu(): Promise<{ adapter: GpuAdapterInfo } | { adapter: null; reason: string }> {
  const api = gpu();
  if (!api) return { adapter: null, reason: 'this window has no WebGPU (navigator.gpu is missing)' };
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await api.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { adapter: null, reason: `WebGPU refused an adapter: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!adapter) return { adapter: null, reason: 'WebGPU found no adapter (on Linux the GPU may need --enable-unsafe-webgpu --enable-features=Vulkan)' };
  const info = adapter.info ?? {};
  const limit = (name: string) => Number(adapter.limits[name] ?? 0);
  return {
    adapter: {
      vendor: info.vendor ?? '',
      architecture: info.architecture ?? '',
      device: info.device ?? '',
      description: info.description ?? '',
      // Chromium moved the flag from the adapter to its info; either says the adapter is software.
      isFallback: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter),
      limits: {
        maxBufferSize: limit('maxBufferSize'),
        maxStorageBufferBindingSize: limit('maxStorageBufferBindingSize'),
        maxComputeWorkgroupStorageSize: limit('maxComputeWorkgroupStorageSize'),
        maxComputeInvocationsPerWorkgroup: limit('maxComputeInvocationsPerWorkgroup'),
      },
    },
  };
}

/**
 * Makes `webgpu` the tfjs backend. `onFatal` hears of what ends a job on the GPU without an
 * exception reaching the training loop: the device lost (driver reset, GPU process crash) or
 * an error WebGPU reports only as an event (out of GPU memory).
 */
export async function selectWebGpuBackend(onFatal: (problem: string) => void): Promise<JobBackend & { adapter: GpuAdapterInfo }> {
  const probe = await probeWebGpu();
  if (!probe.adapter) throw new Error(probe.reason);
  if (!(await tf.setBackend('webgpu'))) throw new Error(`the webgpu backend failed to initialise on ${describeAdapter(probe.adapter)}`);
  await tf.ready();
  registerGradients();
  const device = (tf.backend() as unknown as { device: GpuDeviceLike }).device;
  void device.lost.then((lost) => onFatal(`the GPU device was lost (${lost.reason || 'unknown reason'}${lost.message ? `: ${lost.message}` : ''})`));
  device.addEventListener('uncapturederror', (e) => {
    const kind = e.error.constructor.name === 'GPUOutOfMemoryError' ? 'out of GPU memory' : 'GPU error';
    onFatal(`${kind}: ${e.error.message}`);
  });
  const name = describeAdapter(probe.adapter);
  return {
    name: 'webgpu',
    device: `WebGPU on ${name}${probe.adapter.isFallback ? ' (software adapter)' : ''}`,
    reason: `a window offered WebGPU adapter ${name}`,
    adapter: probe.adapter,
  };
}
