import { randomUUID } from 'node:crypto';
import { ApiError, type Request } from '../../shared/api.ts';
import { describeAdapter } from '../../shared/gpuAdapter.ts';
import type { GpuAdapterInfo, GpuHostStatus } from '../../shared/types.ts';
import { fileJobIo } from '../engine/jobs/fileJobIo.ts';
import type { JobIo } from '../engine/jobs/jobIo.ts';
import { decodePrediction, encodeScanVolume, encodeTrainingScan, specWithoutPaths } from '../engine/jobs/jobIoWire.ts';
import type { JobChannelEvents, RemoteJobHosts } from '../engine/jobs/jobRunner.ts';
import type { JobSpec, PredictedScan, WorkerMessage } from '../engine/jobs/jobSpec.ts';
import { webgpuProblem } from '../engine/training/webgpuSupport.ts';
import { decodeCheckpointFile, decodeModelFile, encodeCheckpointFile, encodeModelFile } from '../engine/jobs/modelFiles.ts';
import { ownedArrayBuffer } from '../io/bytes.ts';
import type { EventHub } from './events.ts';

/** A host that has not beaten for this long is taken for gone: its window closed or hangs. */
export const HOST_TIMEOUT_MS = 30_000;

interface Host {
  id: string;
  adapter: GpuAdapterInfo;
  lastSeen: number;
}

interface RemoteJob {
  hostId: string;
  /** Why the job runs on this host, the run record's backend reason. */
  reason: string;
  spec: JobSpec;
  io: JobIo;
  events: JobChannelEvents;
}

/**
 * The windows that offer their WebGPU adapter for jobs (issue 16). WebGPU exists only in a
 * renderer (not in Node or Electron's utilityProcess), so a job on WebGPU runs in a Worker of a
 * window, which reads and writes through the API by role and never sees a file path; this
 * side answers with the job's files (fileJobIo) and relays the runner's orders as the
 * `gpuHost.command` event.
 *
 * Backend order: a real (non-fallback) adapter, then the Node job process (tfjs-node-gpu where
 * CUDA truly works, else the CPU). A software adapter is used only when ATRIUM_BACKEND=webgpu
 * asks for it; any other forced backend keeps jobs in the job process.
 */
export class GpuHosts implements RemoteJobHosts {
  private readonly hosts = new Map<string, Host>();
  private readonly jobs = new Map<string, RemoteJob>();
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly hub: EventHub,
    private readonly env: Record<string, string | undefined> = process.env,
    private readonly now: () => number = Date.now,
  ) {}

  attach(adapter: GpuAdapterInfo): GpuHostStatus & { hostId: string } {
    const host: Host = { id: randomUUID(), adapter, lastSeen: this.now() };
    this.hosts.set(host.id, host);
    this.timer ??= setInterval(() => this.expire(), HOST_TIMEOUT_MS / 6);
    this.timer.unref?.();
    return { hostId: host.id, ...this.status() };
  }

  heartbeat(hostId: string): void {
    this.host(hostId).lastSeen = this.now();
  }

  /** The host is gone: its jobs fail with `reason`; their checkpoints stay for a resume on any backend. */
  detach(hostId: string, reason = 'the window hosting WebGPU jobs closed'): void {
    if (!this.hosts.delete(hostId)) return;
    for (const [jobId, job] of this.jobs) {
      if (job.hostId !== hostId) continue;
      this.jobs.delete(jobId);
      job.events.exit(`${reason}; the run's last checkpoint is kept: resume it to continue on another backend`);
    }
    if (this.hosts.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  /** Takes hosts that stopped beating for gone (a closed tab sends no detach when it crashes). */
  expire(): void {
    for (const host of [...this.hosts.values()]) {
      if (this.now() - host.lastSeen > HOST_TIMEOUT_MS)
        this.detach(host.id, `the window hosting WebGPU jobs stopped answering for ${HOST_TIMEOUT_MS / 1000} s`);
    }
  }

  status(): GpuHostStatus {
    const choice = this.choose();
    return { adapter: choice.host?.adapter ?? null, used: choice.use, reason: choice.reason };
  }

  pick(spec: JobSpec, jobId: string): ReturnType<RemoteJobHosts['pick']> {
    const choice = this.choose();
    const problem = spec.kind === 'predict' ? null : webgpuProblem(spec.parameters);
    if (choice.use && choice.host && problem) {
      return this.forced() === 'webgpu' ? { refuse: `ATRIUM_BACKEND=webgpu: ${problem}` } : { none: `WebGPU not used: ${problem}` };
    }
    if (!choice.use || !choice.host) {
      return this.forced() === 'webgpu' ? { refuse: `ATRIUM_BACKEND=webgpu: ${choice.reason}` } : { none: choice.reason };
    }
    const hostId = choice.host.id;
    return {
      open: (events) => {
        this.jobs.set(jobId, { hostId, reason: choice.reason, spec, io: fileJobIo(spec), events });
        return {
          send: (m) => {
            const message = m.type === 'start' ? { type: 'start' as const, spec: specWithoutPaths(m.spec) } : m;
            this.hub.emit('gpuHost.command', { hostId, jobId, message });
          },
          close: () => {
            this.jobs.delete(jobId);
          },
        };
      },
    };
  }

  async read(req: Request<'gpuHost.read'>): Promise<unknown> {
    const { io } = this.job(req.hostId, req.jobId);
    switch (req.what) {
      case 'trainingScans':
        return (await io.trainingScans()).map(encodeTrainingScan);
      case 'resumeCheckpoint': {
        const checkpoint = await io.resumeCheckpoint();
        return checkpoint ? ownedArrayBuffer(encodeCheckpointFile(checkpoint)) : null;
      }
      case 'initialModel': {
        const initial = await io.initialModel();
        return initial ? { runId: initial.runId, model: ownedArrayBuffer(encodeModelFile(initial.model)) } : null;
      }
      case 'predictModel':
        return ownedArrayBuffer(encodeModelFile(await io.predictModel()));
      case 'scanToPredict':
        return encodeScanVolume(await io.scanToPredict(req.target ?? 'predict', req.index ?? 0));
    }
  }

  async write(req: Request<'gpuHost.write'>): Promise<{ id: string; seconds: number } | null> {
    const { io } = this.job(req.hostId, req.jobId);
    if (req.what === 'model') await io.saveModel(decodeModelFile(new Uint8Array(req.bytes)));
    else if (req.what === 'checkpoint') await io.saveCheckpoint(decodeCheckpointFile(new Uint8Array(req.bytes)));
    else {
      const scan = await io.scanToPredict(req.target, req.index);
      const prediction = decodePrediction({ labels: req.labels, probabilities: req.probabilities, classValues: req.classValues }, scan.image.length);
      const saved = await io.savePrediction(req.target, req.index, prediction, req.seconds);
      return { id: saved.id, seconds: saved.seconds };
    }
    return null;
  }

  /** A message of the job: predicted scans get back the file paths the host never saw. */
  report(req: Request<'gpuHost.report'>): void {
    const job = this.job(req.hostId, req.jobId);
    const message = req.message as unknown as WorkerMessage;
    if (message.type === 'snapshot') job.events.message({ ...message, scans: this.withPaths(job.spec, 'snapshot', message.scans) });
    else if (message.type === 'done' && message.result.kind === 'predict') {
      job.events.message({ ...message, result: { ...message.result, scans: this.withPaths(job.spec, 'predict', message.result.scans) } });
    } else if (message.type === 'backend') job.events.message({ ...message, backend: { ...message.backend, reason: job.reason } });
    else job.events.message(message);
  }

  private withPaths(spec: JobSpec, target: 'predict' | 'snapshot', scans: PredictedScan[]): PredictedScan[] {
    const outputs = target === 'predict' ? (spec.kind === 'predict' ? spec.scans : []) : spec.kind === 'train' ? (spec.snapshotScans ?? []) : [];
    return scans.map((s) => {
      const out = outputs.find((o) => o.id === s.id);
      if (!out) throw new ApiError('bad-input', `the job predicted scan ${s.id}, which it was not given`);
      return { id: s.id, labelsOut: out.labelsOut, probabilitiesOut: out.probabilitiesOut, seconds: s.seconds };
    });
  }

  private forced(): string | undefined {
    return this.env.ATRIUM_BACKEND?.trim() || undefined;
  }

  private choose(): { host: Host | null; use: boolean; reason: string } {
    const hosts = [...this.hosts.values()];
    const host = hosts.filter((h) => !h.adapter.isFallback).at(-1) ?? hosts.at(-1) ?? null;
    const forced = this.forced();
    if (!host) return { host, use: false, reason: 'no window has offered a WebGPU adapter' };
    const name = describeAdapter(host.adapter);
    if (forced && forced !== 'webgpu') return { host, use: false, reason: `WebGPU adapter ${name} not used: ATRIUM_BACKEND=${forced}` };
    if (host.adapter.isFallback && forced !== 'webgpu') {
      return { host, use: false, reason: `WebGPU adapter ${name} is a software fallback: not used for real work unless ATRIUM_BACKEND=webgpu` };
    }
    return { host, use: true, reason: `WebGPU on ${name}${forced ? ' (ATRIUM_BACKEND=webgpu)' : ''}` };
  }

  private host(hostId: string): Host {
    const host = this.hosts.get(hostId);
    if (!host) throw new ApiError('not-found', 'no such WebGPU host: attach again');
    return host;
  }

  private job(hostId: string, jobId: string): RemoteJob {
    const job = this.jobs.get(jobId);
    if (!job || job.hostId !== hostId) throw new ApiError('not-found', `no job ${jobId} runs on this host`);
    this.heartbeat(hostId);
    return job;
  }
}
