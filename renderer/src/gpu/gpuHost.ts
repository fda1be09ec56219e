import { ApiError, type ApiClient, type Method } from '../../../shared/api.ts';
import type { GpuWorkerToPage, PageToGpuWorker } from '../../../shared/gpuHostProtocol.ts';

/** How often the window says it is alive (the main process forgets a host silent for 30 s). */
const HEARTBEAT_MS = 5000;

/** The engine's WebGPU job Worker: a bundle of its own (Vite builds it from the URL), sharing no module with the page. */
function engineWorker(): Worker {
  return new Worker(new URL('../../../main/engine/jobs/webJobWorker.ts', import.meta.url), { type: 'module', name: 'atrium-webgpu-job' });
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Offers this window's WebGPU adapter to the main process for training and prediction (issue
 * 16): a Worker probes the adapter and, when the main process sends a job, runs the engine
 * there. This window only relays — the job's orders from the `gpuHost.command` event, its reads
 * and writes and its reports to `gpuHost.*` — and never reads the job's data. After each job the
 * Worker is replaced by a fresh one, as the job process is. Returns the function that stops it.
 */
export function startGpuHost(api: ApiClient, createWorker: () => Worker = engineWorker): () => void {
  if (!('gpu' in navigator)) return () => undefined;
  let stopped = false;
  let hostId: string | null = null;
  let jobId: string | null = null;
  let worker = spawn();
  worker.postMessage({ type: 'probe' } satisfies PageToGpuWorker);

  function spawn(): Worker {
    const w = createWorker();
    w.onmessage = (e: MessageEvent<GpuWorkerToPage>) => void onWorker(e.data);
    w.onerror = (e) => {
      e.preventDefault();
      void endJob({ type: 'failed', error: `the WebGPU job worker crashed: ${e.message || 'no message'}`, kind: 'internal' });
    };
    return w;
  }

  const post = (m: PageToGpuWorker) => worker.postMessage(m);

  async function attach(m: Extract<GpuWorkerToPage, { type: 'adapter' }>): Promise<void> {
    if (!m.adapter || stopped) return;
    hostId = (await api.call('gpuHost.attach', { adapter: m.adapter })).hostId;
  }

  /** Reports the job's end, then swaps the Worker for a fresh one: GPU memory and state start clean. */
  async function endJob(message: { type: 'done' | 'failed' } & Record<string, unknown>): Promise<void> {
    const [host, job] = [hostId, jobId];
    jobId = null;
    worker.terminate();
    if (!stopped) worker = spawn();
    if (host && job) await api.call('gpuHost.report', { hostId: host, jobId: job, message }).catch(() => undefined);
  }

  async function onWorker(m: GpuWorkerToPage): Promise<void> {
    if (m.type === 'adapter') return attach(m).catch(() => undefined);
    if (!hostId || !jobId) return;
    const [host, job] = [hostId, jobId];
    if (m.type === 'io') {
      try {
        // The parameters are the job's (validated by the API's schema); this window only adds whose they are.
        const call = api.call.bind(api) as (method: Method, req: unknown) => Promise<unknown>;
        const value = await call(m.request.method, { ...m.request.params, hostId: host, jobId: job });
        post({ type: 'io-reply', id: m.id, value });
      } catch (err) {
        post({ type: 'io-reply', id: m.id, error: messageOf(err) });
      }
      return;
    }
    if (m.message.type === 'done' || m.message.type === 'failed') return endJob(m.message as { type: 'done' | 'failed' });
    await api.call('gpuHost.report', { hostId: host, jobId: job, message: m.message }).catch(() => undefined);
  }

  const offCommand = api.on('gpuHost.command', (c) => {
    if (c.hostId !== hostId) return;
    if (c.message.type === 'start') {
      jobId = c.jobId;
      post({ type: 'start', spec: c.message.spec });
    } else if (c.jobId === jobId) post(c.message);
  });

  const beat = setInterval(() => {
    if (!hostId) return;
    api.call('gpuHost.heartbeat', { hostId }).catch((err: unknown) => {
      // Forgotten (this window was silent too long, e.g. a throttled background tab): offer the adapter again.
      if (err instanceof ApiError && err.code === 'not-found') {
        hostId = null;
        post({ type: 'probe' });
      }
    });
  }, HEARTBEAT_MS);

  const detach = () => {
    if (hostId) void api.call('gpuHost.detach', { hostId, reason: 'the window hosting WebGPU jobs closed' }).catch(() => undefined);
  };
  window.addEventListener('pagehide', detach);

  return () => {
    stopped = true;
    clearInterval(beat);
    offCommand();
    window.removeEventListener('pagehide', detach);
    detach();
    hostId = null;
    worker.terminate();
  };
}
