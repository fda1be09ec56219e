import { ApiError } from '../../shared/api.ts';
import type { JobInfo, JobProgressEvent, TrainPreflight } from '../../shared/types.ts';
import { JobRunner, type JobHandle } from '../engine/jobs/jobRunner.ts';
import type { TrainRequestParameters } from '../engine/jobs/jobSpec.ts';
import type { ProjectStore } from '../store/projectStore.ts';
import type { EventHub } from './events.ts';
import { runPreflight, startPrediction, startTraining } from './training.ts';

interface Tracked {
  runId: string;
  kind: JobInfo['kind'];
  handle: JobHandle;
  progress: JobProgressEvent['progress'] | null;
  backend: string | null;
}

/**
 * The jobs domain of the API: starts training and prediction through the runner, remembers
 * each job's latest progress for UIs that connect late, and turns job events into API events.
 */
export class JobsService {
  /** Keyed by job: a run may have a training and a prediction job at once. */
  private readonly tracked = new Map<string, Tracked>();

  constructor(
    private readonly hub: EventHub,
    private readonly runner = new JobRunner(),
    private readonly onRunChanged: () => void = () => undefined,
  ) {}

  train(store: ProjectStore, parameters: TrainRequestParameters & { resume?: string; settingsFrom?: string }): JobInfo {
    const { resume, settingsFrom, ...rest } = parameters;
    if (resume && this.jobsOf(resume).some((t) => t.kind === 'train')) throw new ApiError('conflict', `run ${resume} is still training`);
    const started = startTraining(store, this.runner, rest, { resume, settingsFrom });
    return this.track(
      started.runId,
      'train',
      started.job,
      started.finished.then((run) => run.status),
    );
  }

  /** See runPreflight; refused while a job runs, which it would wait for and be slowed by. */
  async preflight(store: ProjectStore, parameters: TrainRequestParameters): Promise<TrainPreflight> {
    if (this.runner.jobs().length > 0) throw new ApiError('conflict', 'a job is running: check the next run when it has ended');
    return runPreflight(store, this.runner, parameters);
  }

  predict(store: ProjectStore, opts: { runId?: string; scanId?: string }): JobInfo {
    const training = opts.runId ? this.jobsOf(opts.runId).find((t) => t.kind === 'train') : undefined;
    if (training) {
      if (training.handle.state() !== 'running') throw new ApiError('conflict', `run ${opts.runId} has not started yet: nothing to predict with`);
      training.handle.requestSnapshot();
      return this.info(training);
    }
    const started = startPrediction(store, this.runner, opts);
    const saved = started.finished.then((result) => {
      this.hub.emit('predictions.saved', { runId: started.runId, scanIds: result.scans.map((v) => v.id), iteration: null });
      return 'finished' as const;
    });
    return this.track(started.runId, 'predict', started.job, saved);
  }

  /** Cancels every job of the run (its training, or its prediction). */
  cancel(runId: string): JobInfo {
    const jobs = this.jobsOf(runId);
    if (jobs.length === 0) throw new ApiError('not-found', `no running job for run ${runId}`);
    for (const t of jobs) t.handle.cancel();
    return this.info(jobs[0]);
  }

  list(): JobInfo[] {
    return [...this.tracked.values()].map((t) => this.info(t));
  }

  async shutdown(): Promise<void> {
    await this.runner.shutdown();
  }

  private jobsOf(runId: string): Tracked[] {
    return [...this.tracked.values()].filter((t) => t.runId === runId);
  }

  private track(runId: string, kind: JobInfo['kind'], handle: JobHandle, finished: Promise<string>): JobInfo {
    const t: Tracked = { runId, kind, handle, progress: null, backend: null };
    this.tracked.set(handle.id, t);
    handle.onBackend((b) => (t.backend = b.name));
    // startTraining recorded the files before this listener runs (listeners run in order)
    handle.onSnapshot((s) => {
      this.hub.emit('predictions.saved', { runId, scanIds: s.scans.map((v) => v.id), iteration: s.iteration });
      this.onRunChanged();
    });
    handle.onProgress((progress) => {
      t.progress = progress;
      this.hub.emit('job.progress', { runId, kind, backend: t.backend, progress });
    });
    finished.then(
      (status) => this.ended(t, status === 'cancelled' ? 'cancelled' : 'finished'),
      (err: Error & { kind?: string }) => this.ended(t, err.kind === 'cancelled' ? 'cancelled' : 'failed', err.message),
    );
    this.onRunChanged();
    return this.info(t);
  }

  private ended(t: Tracked, status: 'finished' | 'cancelled' | 'failed', error?: string): void {
    this.tracked.delete(t.handle.id);
    this.hub.emit('job.ended', { runId: t.runId, kind: t.kind, status, ...(error ? { error } : {}) });
    this.onRunChanged();
  }

  private info(t: Tracked): JobInfo {
    return { runId: t.runId, kind: t.kind, state: t.handle.state(), progress: t.progress, backend: t.backend };
  }
}
