/**
 * The job process of the WebGPU backend: a dedicated Worker of a window (renderer/src/gpu/
 * gpuHost.ts starts it and relays to the API). It runs jobs with the same execution as the Node
 * job process (jobExecution.ts), reading and writing through the API by role (JobIo), never by path.
 *
 * Page → Worker: `probe`; the runner's messages (`start`, `cancel`, `snapshot`); `io-reply`.
 * Worker → page: `adapter` (the probe's answer); `io` (an API call to make for the job);
 * `job` (a WorkerMessage for the runner). After a job's `done` or `failed` the page ends this
 * Worker and starts a fresh one, as the runner does with a process.
 */
import { ownedArrayBuffer } from '../../io/bytes.ts';
import type { GpuJobIoRequest, GpuJobReport, GpuWorkerToPage, PageToGpuWorker } from '../../../shared/gpuHostProtocol.ts';
import { probeWebGpu, selectWebGpuBackend } from '../backend/webgpuBackend.ts';
import { TrainingInputError } from '../training/trainingInputError.ts';
import type { JobIo } from './jobIo.ts';
import { decodeScanVolume, decodeTrainingScan, encodePrediction, type WireScanVolume, type WireTrainingScan } from './jobIoWire.ts';
import { executeJob, jobControl } from './jobExecution.ts';
import type { JobSpec, WorkerMessage } from './jobSpec.ts';
import { decodeCheckpointFile, decodeModelFile, encodeCheckpointFile, encodeModelFile } from './modelFiles.ts';

const scope = globalThis as unknown as {
  postMessage(message: GpuWorkerToPage, transfer?: ArrayBuffer[]): void;
  addEventListener(type: 'message', listener: (e: { data: PageToGpuWorker }) => void): void;
};

/** Set when the GPU failed under the job (device lost, out of memory): reported once, the job stops. */
let fatal: string | null = null;
let nextId = 0;
const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

function post(message: GpuWorkerToPage, transfer: ArrayBuffer[] = []): void {
  scope.postMessage(message, transfer);
}

function report(message: WorkerMessage): void {
  post({ type: 'job', message: message as unknown as GpuJobReport });
}

function call(method: GpuJobIoRequest['method'], params: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<unknown> {
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    post({ type: 'io', id, request: { method, params } }, transfer);
  });
}

const io: JobIo = {
  trainingScans: async () => ((await call('gpuHost.read', { what: 'trainingScans' })) as WireTrainingScan[]).map(decodeTrainingScan),
  resumeCheckpoint: async () => {
    const bytes = (await call('gpuHost.read', { what: 'resumeCheckpoint' })) as ArrayBuffer | null;
    return bytes ? decodeCheckpointFile(new Uint8Array(bytes)) : undefined;
  },
  initialModel: async () => {
    const initial = (await call('gpuHost.read', { what: 'initialModel' })) as { runId: string; model: ArrayBuffer } | null;
    return initial ? { runId: initial.runId, model: decodeModelFile(new Uint8Array(initial.model)) } : undefined;
  },
  predictModel: async () => decodeModelFile(new Uint8Array((await call('gpuHost.read', { what: 'predictModel' })) as ArrayBuffer)),
  scanToPredict: async (target, index) => decodeScanVolume((await call('gpuHost.read', { what: 'scanToPredict', target, index })) as WireScanVolume),
  saveModel: async (model) => {
    const bytes = ownedArrayBuffer(encodeModelFile(model));
    await call('gpuHost.write', { what: 'model', bytes }, [bytes]);
  },
  saveCheckpoint: async (checkpoint) => {
    const bytes = ownedArrayBuffer(encodeCheckpointFile(checkpoint));
    await call('gpuHost.write', { what: 'checkpoint', bytes }, [bytes]);
  },
  savePrediction: async (target, index, prediction, seconds) => {
    const wire = encodePrediction(prediction);
    const saved = (await call('gpuHost.write', { what: 'prediction', target, index, seconds, ...wire }, [wire.labels, wire.probabilities])) as {
      id: string;
      seconds: number;
    };
    // The paths are the main process's to fill in (main/api/gpuHosts.ts).
    return { id: saved.id, labelsOut: '', probabilitiesOut: '', seconds: saved.seconds };
  },
};

// A failed GPU stops the job at the next step, as a cancel would; the failure is what it reports.
const orders = jobControl(() => fatal !== null);

function failOnce(problem: string): void {
  if (fatal !== null) return;
  fatal = problem;
  report({ type: 'failed', error: problem, kind: 'internal' });
}

async function run(spec: JobSpec): Promise<void> {
  try {
    const backend = await selectWebGpuBackend(failOnce);
    report({ type: 'backend', backend: { name: backend.name, device: backend.device, reason: backend.reason } });
    const result = await executeJob(spec, backend, io, orders.control, report);
    if (fatal === null) report({ type: 'done', result });
  } catch (err) {
    const input = err instanceof TrainingInputError;
    if (fatal === null) report({ type: 'failed', error: err instanceof Error ? err.message : String(err), kind: input ? 'input' : 'internal' });
    fatal ??= 'failed';
  }
}

scope.addEventListener('message', ({ data }) => {
  switch (data.type) {
    case 'probe':
      void probeWebGpu().then((p) => post({ type: 'adapter', adapter: p.adapter, ...('reason' in p ? { reason: p.reason } : {}) }));
      return;
    case 'start':
      void run(data.spec as JobSpec);
      return;
    case 'cancel':
      orders.cancel();
      return;
    case 'snapshot':
      orders.requestSnapshot();
      return;
    case 'io-reply': {
      const waiting = pending.get(data.id);
      pending.delete(data.id);
      if (data.error !== undefined) waiting?.reject(new Error(data.error));
      else waiting?.resolve(data.value);
    }
  }
});
