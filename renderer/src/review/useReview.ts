import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AnnotationUpdate, Axis, LabelClass, PredictionComparisonResult, ReviewQueueEntry, ReviewRound, RunInfo } from '../../../shared/types.ts';
import { comparisonLut } from './comparisonLut.ts';
import { PendingDecisions } from './pendingDecisions.ts';
import { RecentCache } from './recentCache.ts';
import { useApi } from '../api/ApiProvider.tsx';
import { labelLut } from '../viewer/labelColormap.ts';
import { SupersededError, type ViewerController } from '../viewer/ViewerController.ts';

/** Which overlay of the chosen run is drawn over the scan (`compare`: against a second run); null for none. */
export type OverlayLayer = 'prediction' | 'uncertainty' | 'compare' | null;

/**
 * `none`: no overlay asked for (or no run to show); `loading`; `shown`; `not-predicted`: the
 * chosen run has no prediction of the shown scan; `failed`: it could not be shown.
 */
export type OverlayStatus = 'none' | 'loading' | 'shown' | 'not-predicted' | 'failed';

import type { ReviewAction } from './reviewDecisions.ts';

const REVIEW_METHOD = { accept: 'review.accept', correct: 'review.correct', reject: 'review.reject' } as const;
const QUEUE_LENGTH = 500;
/** Overlays kept read: a scan's prediction and uncertainty, and the pair of the scan seen before. */
const OVERLAYS_KEPT = 4;

interface UseReviewArgs {
  controllerRef: { readonly current: ViewerController | null };
  /** The scan shown and ready in the viewer; null while none is. */
  scanId: string | null;
  runs: RunInfo[];
  /** A run that has just predicted every scan: shown as soon as it is known. */
  newestPredictionRunId: string | null;
  /** The project's current model; shown until another run is chosen. */
  currentModelRunId: string | null;
  axis: Axis | null;
  /** Changes whenever the shown scan's slice states or reviews change (the queue is re-read). */
  annotationKey: string;
  classes: LabelClass[];
  /** Queues an edit of the shown scan like a stroke (see useAnnotation). */
  edit(send: (scanId: string) => Promise<AnnotationUpdate>): Promise<boolean>;
  report(err: unknown, context: string): void;
}

export interface ReviewState {
  /** Runs with a model (finished or cancelled) or with predictions, newest first. */
  runs: RunInfo[];
  runId: string | null;
  setRunId(runId: string): void;
  layer: OverlayLayer;
  /** Shows `layer`, or hides it when it is the one shown. */
  toggleLayer(layer: Exclude<OverlayLayer, null>): void;
  setLayer(layer: OverlayLayer): void;
  opacity: number;
  setOpacity(opacity: number): void;
  status: OverlayStatus;
  /**
   * Slices of the shown scan still to review along the axis, the most to gain first; null while
   * unknown. A decided slice leaves it at once, before the queue is read again.
   */
  queue: ReviewQueueEntry[] | null;
  /** Whether the queue holds slices with little or no predicted structure (main/api/reviewQueue.ts). */
  includeNearEmpty: boolean;
  setIncludeNearEmpty(include: boolean): void;
  /** The rounds of the corrective loop, oldest first; null while unknown. */
  rounds: ReviewRound[] | null;
  /** Whether the chosen run has predicted the shown scan. */
  predictedHere: boolean;
  /** The run the shown one is compared with (the `compare` layer), among those that predicted the scan. */
  compareRunId: string | null;
  setCompareRunId(runId: string | null): void;
  /** Agreement of the two while the comparison is shown. */
  comparison: Pick<PredictionComparisonResult, 'dice' | 'sliceDice'> | null;
  /** A decision on the shown run's prediction of some slices along the axis, as one undoable edit. */
  decide(action: ReviewAction, slices: number[]): Promise<boolean>;
  /** Predicts the shown scan with the chosen run (a run trained before the scan was imported). */
  predictScan(): Promise<void>;
  predicting: boolean;
}

/**
 * The review of a run's predictions on the shown scan: which run and which overlay (labels or
 * uncertainty) the viewer draws, the queue of slices to review, and the decisions on the
 * current slice, sent as annotation edits so that they are saved, undone and redone like
 * strokes. A run that has just predicted every scan is shown at once.
 */
export function useReview(args: UseReviewArgs): ReviewState {
  const { controllerRef, scanId, axis, annotationKey, newestPredictionRunId, currentModelRunId } = args;
  const api = useApi();
  const [chosenRunId, setRunId] = useState<string | null>(null);
  const [layer, setLayer] = useState<OverlayLayer>('prediction');
  const [opacity, setOpacity] = useState(0.45);
  const [status, setStatus] = useState<OverlayStatus>('none');
  const [queue, setQueue] = useState<ReviewQueueEntry[] | null>(null);
  const [includeNearEmpty, setIncludeNearEmpty] = useState(false);
  const pendingRef = useRef(new PendingDecisions());
  const queueIdentityRef = useRef('');
  /** Bumped to read the queue again where nothing else changed (a decision that failed). */
  const [queueReads, setQueueReads] = useState(0);
  const [rounds, setRounds] = useState<ReviewRound[] | null>(null);
  const [predicting, setPredicting] = useState<string | null>(null);
  const [compareRunId, setCompare] = useState<string | null>(null);
  const [comparison, setComparison] = useState<ReviewState['comparison']>(null);
  const overlaysRef = useRef(new RecentCache<ArrayBuffer>(OVERLAYS_KEPT));
  const reportRef = useRef(args.report);
  reportRef.current = args.report;
  const opacityRef = useRef(opacity);
  opacityRef.current = opacity;

  const runs = useMemo(
    () =>
      args.runs
        .filter((r) => r.predicted.length > 0 || r.status === 'finished' || r.status === 'cancelled')
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
    [args.runs],
  );
  useEffect(() => {
    if (newestPredictionRunId) {
      setRunId(newestPredictionRunId);
      setLayer('prediction');
    }
  }, [newestPredictionRunId]);
  // A rollback shows the model rolled back to.
  useEffect(() => setRunId(null), [currentModelRunId]);
  // Until one is chosen: the current model, else the newest run that predicted this scan, else the newest run.
  const runId =
    chosenRunId ?? (runs.find((r) => r.id === currentModelRunId) ?? runs.find((r) => scanId !== null && r.predicted.includes(scanId)) ?? runs[0])?.id ?? null;
  const run = runs.find((r) => r.id === runId);
  const predictedHere = scanId !== null && (run?.predicted.includes(scanId) ?? false);
  // a new prediction by the same run (mid-run, or predicted again) replaces the shown one
  const predictedAt = run?.predictedAt ?? null;

  // the compared run must have predicted this scan too, and differ from the shown one
  const compared = runs.find((r) => r.id === compareRunId && r.id !== runId && scanId !== null && r.predicted.includes(scanId));
  const comparedId = compared?.id ?? null;
  const comparedAt = compared?.predictedAt ?? null;
  const shownLayer = layer === 'compare' && !comparedId ? 'prediction' : layer;

  const classesKey = JSON.stringify(args.classes);
  useEffect(() => {
    const controller = controllerRef.current;
    setComparison(null);
    if (!controller || !scanId) return;
    const hide = (next: OverlayStatus) => {
      setStatus(next);
      void controller.setOverlay(null);
    };
    if (!runId || !shownLayer) return hide('none');
    if (!predictedHere) return hide('not-predicted');
    let live = true;
    setStatus('loading');
    (async () => {
      const opacity = opacityRef.current;
      if (shownLayer === 'compare') {
        const result = await api.call('predictions.compare', { runId, otherRunId: comparedId!, scanId });
        if (!live) return;
        await controller.setOverlay({ kind: 'comparison', bytes: result.map, lut: comparisonLut(), opacity });
        if (live) setComparison({ dice: result.dice, sliceDice: result.sliceDice });
      } else {
        // predictedAt in the key: a run that predicts again shows its new prediction
        const key = JSON.stringify([shownLayer, runId, scanId, predictedAt]);
        const bytes =
          overlaysRef.current.get(key) ?? (await api.call(shownLayer === 'prediction' ? 'predictions.labels' : 'predictions.uncertainty', { runId, scanId }));
        if (!live) return;
        if (!bytes) return hide('not-predicted');
        overlaysRef.current.set(key, bytes);
        const lut = labelLut(JSON.parse(classesKey) as LabelClass[]);
        await controller.setOverlay(shownLayer === 'prediction' ? { kind: 'prediction', bytes, lut, opacity } : { kind: 'uncertainty', bytes, opacity });
      }
      if (live) setStatus('shown');
    })().catch((err) => {
      if (!live || err instanceof SupersededError) return;
      setStatus('failed');
      reportRef.current(err, `Could not show the ${shownLayer} of run ${runId.slice(0, 6)}`);
    });
    return () => {
      live = false;
    };
  }, [api, controllerRef, scanId, runId, shownLayer, predictedHere, predictedAt, comparedId, comparedAt, classesKey]);

  useEffect(() => {
    controllerRef.current?.setOverlayOpacity(opacity);
  }, [controllerRef, opacity]);

  useEffect(() => {
    // Another queue (run, scan, axis, filter) is shown from scratch; a decision or a new prediction
    // re-reads this one, shown meanwhile, so it never reads "0 to review" while the ranking runs.
    const identity = JSON.stringify([runId, scanId, axis, includeNearEmpty]);
    if (identity !== queueIdentityRef.current) {
      queueIdentityRef.current = identity;
      pendingRef.current = new PendingDecisions();
      setQueue(null);
    }
    if (!runId || !scanId || !axis || !predictedHere) return setQueue(null);
    const pending = pendingRef.current;
    const read = pending.startRead();
    let live = true;
    api.call('review.queue', { runId, scanId, axis, limit: QUEUE_LENGTH, includeNearEmpty }).then(
      (entries) => live && setQueue(pending.received(read, entries)),
      (err) => live && reportRef.current(err, 'Could not read the review queue'),
    );
    return () => {
      live = false;
    };
  }, [api, runId, scanId, axis, predictedHere, predictedAt, annotationKey, includeNearEmpty, queueReads]);

  // Every edit may be a correction of the latest round; every new run a new round.
  const runsKey = args.runs.map((r) => `${r.id}:${r.status}:${r.hasModel}:${r.predictedAt}`).join();
  useEffect(() => {
    let live = true;
    api.call('review.rounds', {}).then(
      (list) => live && setRounds(list),
      (err) => live && reportRef.current(err, 'Could not read the rounds'),
    );
    return () => {
      live = false;
    };
  }, [api, runsKey, annotationKey]);

  // A prediction asked for here ends with job.ended; the runs list then names the scan.
  useEffect(() => {
    if (!predicting) return;
    return api.on('job.ended', (e) => {
      if (e.kind !== 'predict' || e.runId !== predicting) return;
      setPredicting(null);
      if (e.status === 'failed') reportRef.current(new Error(e.error ?? 'the prediction stopped'), 'Could not predict this scan');
    });
  }, [api, predicting]);

  const { edit } = args;
  const decide = useCallback(
    async (action: ReviewAction, slices: number[]) => {
      if (!runId || !axis || !predictedHere || slices.length === 0) return false;
      const pending = pendingRef.current;
      pending.decided(slices);
      setQueue((shown) => shown && pending.hide(shown));
      const stored = await edit((id) => api.call(REVIEW_METHOD[action], { runId, scanId: id, axis, slices }));
      if (stored) pending.stored(slices);
      else {
        pending.failed(slices);
        setQueueReads((n) => n + 1);
      }
      return stored;
    },
    [api, edit, runId, axis, predictedHere],
  );

  const predictScan = useCallback(async () => {
    if (!runId || !scanId) return;
    setPredicting(runId);
    try {
      await api.call('predictions.start', { runId, scanId });
    } catch (err) {
      setPredicting(null);
      reportRef.current(err, 'Could not predict this scan');
    }
  }, [api, runId, scanId]);

  const toggleLayer = useCallback((next: Exclude<OverlayLayer, null>) => setLayer((shown) => (shown === next ? null : next)), []);
  const setCompareRunId = useCallback((id: string | null) => {
    setCompare(id);
    setLayer(id ? 'compare' : 'prediction');
  }, []);

  return {
    runs,
    runId,
    setRunId,
    layer: shownLayer,
    setLayer,
    toggleLayer,
    opacity,
    setOpacity,
    status,
    queue,
    includeNearEmpty,
    setIncludeNearEmpty,
    rounds,
    predictedHere,
    decide,
    predictScan,
    compareRunId: comparedId,
    setCompareRunId,
    comparison,
    predicting: predicting !== null && predicting === runId,
  };
}
