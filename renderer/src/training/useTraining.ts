import { useCallback, useEffect, useRef, useState } from 'react';
import type { MethodSpec } from '../../../shared/methods.ts';
import type { JobEndedEvent, JobProgressEvent, TrainPreflight } from '../../../shared/types.ts';
import { useApi } from '../api/ApiProvider.tsx';
import { appendProgress, emptySeries, type ProgressSeries } from './progressSeries.ts';
import type { TrainRequest } from './trainDefaults.ts';

/** The job the panel follows: a training run, then the prediction that comes after it. */
export interface ActiveJob {
  runId: string;
  kind: 'train' | 'predict';
  progress: JobProgressEvent['progress'] | null;
  /** The backend the job runs on, once its process has said. */
  backend: string | null;
  /** Learning curves of the training run (kept while its prediction runs). */
  series: ProgressSeries;
  cancelling: boolean;
}

export interface TrainingState {
  methods: readonly MethodSpec[] | null;
  active: ActiveJob | null;
  /** How the last run this window followed ended, until the next one starts. */
  ended: (JobEndedEvent & { series: ProgressSeries }) | null;
  /** The run whose predictions are ready to show. */
  predictionRunId: string | null;
  /** A prediction with the running model so far was asked for and has not come yet. */
  snapshotPending: boolean;
  /** Predicts every scan with the model the running job has so far, without stopping it. */
  predictSoFar(): Promise<void>;
  /** Makes a run's model the project's current one (a rollback), and predicts with it where it has not yet. */
  makeCurrent(runId: string): Promise<void>;
  /** What a new run with `request` would use and cost, or what stops it (see `jobs.preflight`). */
  preflight(request: TrainRequest): Promise<TrainPreflight>;
  /** Starts a run (or resumes one: `request.resume`); throws what the API refuses. */
  train(request: TrainRequest): Promise<void>;
  cancel(): Promise<void>;
}

/**
 * Follows training from this window: starts and cancels runs, turns `job.progress` events into
 * learning curves, and when a run ends with a model, predicts every scan with it. Picks up a
 * job already running (started before a reload, or by another window) through `jobs.list`.
 */
export function useTraining(report: (err: unknown, context: string) => void, onRunsChanged: () => void): TrainingState {
  const api = useApi();
  const [methods, setMethods] = useState<readonly MethodSpec[] | null>(null);
  const [active, setActiveState] = useState<ActiveJob | null>(null);
  const [ended, setEnded] = useState<TrainingState['ended']>(null);
  const [predictionRunId, setPredictionRunId] = useState<string | null>(null);
  const [snapshotPending, setSnapshotPending] = useState(false);
  // Events are applied to this copy as they come, so an end that follows a progress report in
  // the same tick sees that report (React state would still hold the one before).
  const activeRef = useRef<ActiveJob | null>(null);
  const setActive = useCallback((next: ActiveJob | null) => {
    activeRef.current = next;
    setActiveState(next);
  }, []);
  // A run refused by the engine may end before `jobs.train` has answered with its id.
  const endedEarly = useRef(new Map<string, JobEndedEvent>());
  const callbacks = useRef({ report, onRunsChanged });
  callbacks.current = { report, onRunsChanged };

  const predict = useCallback(
    async (runId: string, series: ProgressSeries) => {
      try {
        await api.call('predictions.start', { runId });
        setActive({ runId, kind: 'predict', progress: null, backend: null, series, cancelling: false });
      } catch (err) {
        callbacks.current.report(err, 'Could not predict with the new model');
      }
    },
    [api, setActive],
  );

  const finish = useCallback(
    (a: ActiveJob, e: JobEndedEvent) => {
      setActive(null);
      setSnapshotPending(false);
      if (e.kind === 'train') {
        setEnded({ ...e, series: a.series });
        if (e.status === 'finished') void predict(e.runId, a.series);
      } else if (e.status === 'finished') {
        setPredictionRunId(e.runId);
      } else if (e.error) {
        callbacks.current.report(new Error(e.error), 'The prediction failed');
      }
    },
    [predict, setActive],
  );

  useEffect(() => {
    let live = true;
    api.call('methods.list', {}).then(
      (list) => live && setMethods(list),
      (err) => callbacks.current.report(err, 'Could not list the training methods'),
    );
    api.call('jobs.list', {}).then(
      (jobs) => {
        const job = jobs.find((j) => j.kind === 'train') ?? jobs[0];
        if (!live || !job || activeRef.current) return;
        const series = job.progress && job.kind === 'train' ? appendProgress(emptySeries(), job.progress) : emptySeries();
        setActive({ runId: job.runId, kind: job.kind, progress: job.progress, backend: job.backend, series, cancelling: false });
      },
      (err) => callbacks.current.report(err, 'Could not list the running jobs'),
    );
    const offProgress = api.on('job.progress', (e) => {
      const a = activeRef.current;
      if (!a || a.runId !== e.runId || a.kind !== e.kind) return;
      setActive({ ...a, progress: e.progress, backend: e.backend ?? a.backend, series: e.kind === 'train' ? appendProgress(a.series, e.progress) : a.series });
    });
    const offSaved = api.on('predictions.saved', (e) => {
      setPredictionRunId(e.runId);
      if (activeRef.current?.runId === e.runId) setSnapshotPending(false);
    });
    const offEnded = api.on('job.ended', (e) => {
      callbacks.current.onRunsChanged();
      const a = activeRef.current;
      if (a && a.runId === e.runId && a.kind === e.kind) finish(a, e);
      else if (e.kind === 'train') endedEarly.current.set(e.runId, e);
    });
    return () => {
      live = false;
      offProgress();
      offSaved();
      offEnded();
    };
  }, [api, finish, setActive]);

  const train = useCallback(
    async (request: TrainRequest) => {
      const job = await api.call('jobs.train', request);
      setEnded(null);
      // a resumed run keeps its curves up to the checkpoint
      const series = request.resume && ended?.runId === request.resume ? ended.series : emptySeries();
      const a: ActiveJob = { runId: job.runId, kind: 'train', progress: job.progress, backend: job.backend, series, cancelling: false };
      const early = endedEarly.current.get(job.runId);
      endedEarly.current.delete(job.runId);
      if (early) finish(a, early);
      else setActive(a);
    },
    [api, ended, finish, setActive],
  );

  const predictSoFar = useCallback(async () => {
    const a = activeRef.current;
    if (!a || a.kind !== 'train') return;
    setSnapshotPending(true);
    try {
      await api.call('predictions.start', { runId: a.runId });
    } catch (err) {
      setSnapshotPending(false);
      callbacks.current.report(err, 'Could not predict with the model so far');
    }
  }, [api]);

  const makeCurrent = useCallback(
    async (runId: string) => {
      const info = await api.call('models.setCurrent', { runId });
      const run = info.runs.find((r) => r.id === runId);
      if (run && run.predicted.length < info.scans.length) await predict(runId, emptySeries());
      else setPredictionRunId(runId);
    },
    [api, predict],
  );

  const preflight = useCallback(
    (request: TrainRequest) => {
      const { resume: _, ...parameters } = request;
      return api.call('jobs.preflight', parameters);
    },
    [api],
  );

  const cancel = useCallback(async () => {
    const a = activeRef.current;
    if (!a) return;
    setActive({ ...a, cancelling: true });
    try {
      await api.call('jobs.cancel', { runId: a.runId });
    } catch (err) {
      if (activeRef.current) setActive({ ...activeRef.current, cancelling: false });
      callbacks.current.report(err, 'Could not cancel');
    }
  }, [api, setActive]);

  return { methods, active, ended, predictionRunId, snapshotPending, predictSoFar, makeCurrent, preflight, train, cancel };
}
