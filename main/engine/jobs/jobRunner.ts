import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { JobProgress, JobResult, JobSpec, PredictedScan, RunnerMessage, WorkerMessage } from './jobSpec.ts';

export class JobFailedError extends Error {
  constructor(
    message: string,
    readonly kind: 'input' | 'internal' | 'cancelled',
  ) {
    super(message);
    this.name = 'JobFailedError';
  }
}

export interface JobHandle {
  readonly id: string;
  readonly spec: JobSpec;
  /** 'queued' until its turn, then 'running' until the promise settles. */
  state(): 'queued' | 'running' | 'ended';
  onProgress(listener: (p: JobProgress) => void): () => void;
  onBackend(listener: (b: { name: string; device: string; reason: string }) => void): () => void;
  /** A queued job is dropped; a running one finishes its current step, keeps its model and ends. */
  cancel(): void;
  /**
   * Asks a running training job to predict its snapshot scans with the model so far, between
   * two steps; onSnapshot reports the files. Ignored by jobs that are not training.
   */
  requestSnapshot(): void;
  onSnapshot(listener: (s: { iteration: number; scans: PredictedScan[] }) => void): () => void;
  readonly result: Promise<JobResult>;
}

export interface JobRunnerOptions {
  /** Worker entry module and the node options that load it; default: the TypeScript source through tsx. */
  workerEntry?: string;
  execArgv?: string[];
  /** Extra environment for the worker (e.g. ATRIUM_BACKEND). */
  env?: Record<string, string>;
  /** Hosts outside this process tree that may run a job instead (a window's WebGPU adapter). */
  remote?: RemoteJobHosts;
}

/** The runner's end of a job's worker, wherever it runs. */
export interface JobChannel {
  send(m: RunnerMessage): void;
  /** The job has ended: the worker is told nothing more and may be let go. */
  close(): void;
}

export interface JobChannelEvents {
  message(m: WorkerMessage): void;
  /** The worker is gone before it reported an end (crash, window closed, device lost): why. */
  exit(problem: string): void;
}

/**
 * Where a job may run other than a forked Node process (main/api/gpuHosts.ts): `open` runs it
 * there; `none` runs it in the job process, `why` joining the backend's reason; `refuse`
 * fails it (a backend was forced that nobody offers).
 */
export interface RemoteJobHosts {
  pick(spec: JobSpec, jobId: string): { open: (events: JobChannelEvents) => JobChannel } | { none: string } | { refuse: string };
}

/** The TypeScript worker and its loader, for running from a checkout (the desktop build passes a bundled worker). */
function sourceWorker(): { entry: string; execArgv: string[] } {
  // Resolved here, not by name in the child: `--import tsx` would be looked up from the user's cwd.
  return { entry: new URL('./jobWorker.ts', import.meta.url).pathname, execArgv: ['--import', import.meta.resolve('tsx')] };
}

/**
 * Runs jobs in a separate process, one at a time (one compute device), the rest queued. The
 * process boundary keeps long synchronous tensor work off the caller's event loop and
 * contains its crashes: a worker that dies is reported as a failed job, never takes the app down.
 */
export class JobRunner {
  private readonly queue: Job[] = [];
  private running: Job | null = null;

  constructor(private readonly options: JobRunnerOptions = {}) {}

  submit(spec: JobSpec): JobHandle {
    const job = new Job(spec);
    this.queue.push(job);
    job.onSettled(() => {
      if (this.running === job) this.running = null;
      const i = this.queue.indexOf(job);
      if (i >= 0) this.queue.splice(i, 1);
      this.next();
    });
    this.next();
    return job.handle;
  }

  /** Jobs not yet ended, the running one first. */
  jobs(): JobHandle[] {
    return [...(this.running ? [this.running.handle] : []), ...this.queue.map((j) => j.handle)];
  }

  /** Cancels everything, e.g. when the app quits; resolves once the running worker is gone. */
  async shutdown(): Promise<void> {
    for (const job of [...this.queue]) job.handle.cancel();
    const running = this.running;
    if (running) {
      running.handle.cancel();
      await running.handle.result.catch(() => undefined);
    }
  }

  private next(): void {
    if (this.running || this.queue.length === 0) return;
    const job = this.queue.shift()!;
    this.running = job;
    job.start(this.options);
  }
}

class Job {
  readonly id = randomUUID();
  private readonly events = new EventEmitter();
  private channel: JobChannel | null = null;
  /** Why no remote host runs this job, told with the job process's backend reason. */
  private notRemote = '';
  private phase: 'queued' | 'running' | 'ended' = 'queued';
  private cancelRequested = false;
  readonly handle: JobHandle;
  private settle!: { resolve: (r: JobResult) => void; reject: (e: Error) => void };

  constructor(readonly spec: JobSpec) {
    const result = new Promise<JobResult>((resolve, reject) => (this.settle = { resolve, reject }));
    // Callers that only listen to events must not crash the process with an unhandled rejection.
    result.catch(() => undefined);
    this.handle = {
      id: this.id,
      spec,
      state: () => this.phase,
      onProgress: (l) => this.listen('progress', l),
      onBackend: (l) => this.listen('backend', l),
      cancel: () => this.cancel(),
      requestSnapshot: () => {
        if (spec.kind === 'train' && this.phase === 'running') this.send({ type: 'snapshot' });
      },
      onSnapshot: (l) => this.listen('snapshot', l),
      result,
    };
  }

  onSettled(fn: () => void): void {
    this.events.once('settled', fn);
  }

  start(options: JobRunnerOptions): void {
    this.phase = 'running';
    const events: JobChannelEvents = { message: (m) => this.onMessage(m), exit: (problem) => this.end(new JobFailedError(problem, 'internal')) };
    const remote = options.remote?.pick(this.spec, this.id);
    if (remote && 'refuse' in remote) {
      this.end(new JobFailedError(remote.refuse, 'input'));
      return;
    }
    if (remote && 'none' in remote) this.notRemote = remote.none;
    this.channel = remote && 'open' in remote ? remote.open(events) : forkChannel(options, events);
    this.send({ type: 'start', spec: this.spec });
    if (this.cancelRequested) this.send({ type: 'cancel' });
  }

  private cancel(): void {
    if (this.phase === 'ended') return;
    this.cancelRequested = true;
    if (this.phase === 'queued') this.end(new JobFailedError('cancelled before it started', 'cancelled'));
    else this.send({ type: 'cancel' });
  }

  private onMessage(m: WorkerMessage): void {
    if (m.type === 'progress') this.events.emit('progress', m.progress);
    else if (m.type === 'backend') this.events.emit('backend', this.notRemote ? { ...m.backend, reason: `${this.notRemote}; ${m.backend.reason}` } : m.backend);
    else if (m.type === 'snapshot') this.events.emit('snapshot', { iteration: m.iteration, scans: m.scans });
    else if (m.type === 'done') this.end(m.result);
    else if (m.type === 'failed') this.end(new JobFailedError(m.error, m.kind));
  }

  private send(m: RunnerMessage): void {
    this.channel?.send(m);
  }

  private end(outcome: JobResult | Error): void {
    if (this.phase === 'ended') return;
    this.phase = 'ended';
    this.channel?.close();
    if (outcome instanceof Error) this.settle.reject(outcome);
    else this.settle.resolve(outcome);
    this.events.emit('settled');
  }

  private listen<T>(event: string, listener: (v: T) => void): () => void {
    this.events.on(event, listener);
    return () => this.events.off(event, listener);
  }
}

/** Runs the job in a forked Node process: long synchronous tensor work off the caller's event loop, its crashes contained. */
function forkChannel(options: JobRunnerOptions, events: JobChannelEvents): JobChannel {
  const worker = options.workerEntry ? { entry: options.workerEntry, execArgv: options.execArgv ?? [] } : sourceWorker();
  const child: ChildProcess = fork(worker.entry, [], {
    execArgv: worker.execArgv,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  // A caller that exits without shutdown() (process.exit, an uncaught error) takes its worker
  // with it rather than leave it computing for nobody.
  const stopWorker = () => child.kill();
  process.once('exit', stopWorker);
  child.once('exit', () => process.off('exit', stopWorker));
  child.on('message', (m: WorkerMessage) => events.message(m));
  child.on('error', (err) => events.exit(`could not start the job process: ${err.message}`));
  child.on('exit', (code, signal) => events.exit(`the job process stopped unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`})`));
  return {
    send: (m) => {
      if (child.connected) child.send(m);
    },
    close: () => {
      if (child.connected) child.disconnect();
    },
  };
}
