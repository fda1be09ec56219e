/**
 * Messages between a window and its WebGPU job Worker (main/engine/jobs/webJobWorker.ts); the
 * window (renderer/src/gpu/gpuHost.ts) relays them to and from the API's `gpuHost.*` methods and
 * the `gpuHost.command` event without reading the job's spec or data.
 */
import type { GpuAdapterInfo } from './types.ts';

/** An API call the window makes for the job: the method and its parameters less hostId and jobId. */
export interface GpuJobIoRequest {
  method: 'gpuHost.read' | 'gpuHost.write';
  params: Record<string, unknown>;
}

/** What the job tells the runner (main/engine/jobs/jobSpec.ts WorkerMessage), opaque to the window but for its kind. */
export type GpuJobReport = { type: 'backend' | 'progress' | 'snapshot' | 'done' | 'failed' } & Record<string, unknown>;

export type PageToGpuWorker =
  | { type: 'probe' }
  | { type: 'start'; spec: unknown }
  | { type: 'cancel' }
  | { type: 'snapshot' }
  | { type: 'io-reply'; id: number; value?: unknown; error?: string };

export type GpuWorkerToPage =
  | { type: 'adapter'; adapter: GpuAdapterInfo | null; reason?: string }
  | { type: 'io'; id: number; request: GpuJobIoRequest }
  | { type: 'job'; message: GpuJobReport };
