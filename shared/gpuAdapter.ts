import type { GpuAdapterInfo } from './types.ts';

/** "nvidia ampere NVIDIA GeForce RTX 3080": how an adapter is named to the user, in run records and messages. */
export function describeAdapter(a: GpuAdapterInfo): string {
  const name = [a.vendor, a.architecture, a.description || a.device].filter(Boolean).join(' ');
  return name || 'an unnamed WebGPU adapter';
}
