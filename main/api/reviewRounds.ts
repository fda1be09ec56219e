/**
 * The corrective loop in figures: for each model, how many slices were annotated when its run
 * started, how many were annotated after (the corrections of the next round), and how well the
 * model agreed with them — the Dice of its prediction against the labels a person then gave
 * those slices. The model never saw them, so this is an honest estimate of its accuracy that
 * needs no held-out set, and its rise from round to round is what the clinician's time bought.
 */
import type { Axis, ReviewRound } from '../../shared/types.ts';
import { AXES } from '../../shared/types.ts';
import { annotationService } from '../annotation/annotationService.ts';
import { slicePlane } from '../annotation/slicePlane.ts';
import type { ProjectStore } from '../store/projectStore.ts';
import { storedPrediction } from './predictionUncertainty.ts';

/** Annotated slice indices per scan and axis, as a run records them when it starts. */
export type AnnotatedSlices = Record<string, Record<Axis, number[]>>;

/** How many slices, over scans and axes. */
export function countSlices(slices: AnnotatedSlices): number {
  return Object.values(slices).reduce((n, axes) => n + AXES.reduce((m, a) => m + axes[a].length, 0), 0);
}

/** What the project has annotated now, in the form a run records. */
export function annotatedSlicesNow(store: ProjectStore): AnnotatedSlices {
  return Object.fromEntries(
    store.scans().map((v) => [v.id, Object.fromEntries(AXES.map((a) => [a, store.annotatedSlices(v.id, a)])) as Record<Axis, number[]>]),
  );
}

/** The rounds, oldest first: every run with a model that recorded what was annotated when it started. */
export function reviewRounds(store: ProjectStore): ReviewRound[] {
  const runs = store
    .runs()
    .filter((r) => r.hasModel)
    .map((r) => ({ info: r, start: startedWith(store, r.id) }))
    .filter((r): r is { info: typeof r.info; start: AnnotatedSlices } => r.start !== null)
    .sort((a, b) => a.info.createdAt.localeCompare(b.info.createdAt));
  const now = annotatedSlicesNow(store);
  return runs.map(({ info, start }, n) => {
    const later = difference(runs[n + 1]?.start ?? now, start);
    const count = countSlices(later);
    return {
      runId: info.id,
      method: info.method,
      createdAt: info.createdAt,
      annotatedSlices: countSlices(start),
      laterSlices: count,
      diceOnLater: count > 0 ? diceOn(store, info.id, later) : null,
    };
  });
}

function startedWith(store: ProjectStore, runId: string): AnnotatedSlices | null {
  const config = store.runRecord(runId)?.config as { annotatedAtStart?: AnnotatedSlices } | undefined;
  return config?.annotatedAtStart ?? null;
}

/** Slices in `a` but not in `b`, per scan and axis. */
function difference(a: AnnotatedSlices, b: AnnotatedSlices): AnnotatedSlices {
  return Object.fromEntries(
    Object.entries(a).map(([scanId, axes]) => [
      scanId,
      Object.fromEntries(AXES.map((axis) => [axis, axes[axis].filter((s) => !(b[scanId]?.[axis] ?? []).includes(s))])) as Record<Axis, number[]>,
    ]),
  );
}

/**
 * Mean over the foreground classes present (in the prediction or the labels) of the Dice,
 * pooled over the given slices, between the run's stored prediction and the current labels;
 * null when the run predicted none of those scans, or no class is present there.
 */
function diceOn(store: ProjectStore, runId: string, slices: AnnotatedSlices): number | null {
  const service = annotationService(store);
  const intersection = new Map<number, number>();
  const total = new Map<number, number>();
  let seen = false;
  for (const [scanId, axes] of Object.entries(slices)) {
    if (AXES.every((a) => axes[a].length === 0) || !store.scanFiles(scanId)) continue;
    const prediction = storedPrediction(store, runId, scanId, { probabilities: false });
    if (!prediction) continue;
    seen = true;
    const labels = service.currentLabels(scanId);
    const shape = [...prediction.scanHeader.dim.slice(1, 4)] as [number, number, number];
    const counted = new Set<number>();
    for (const axis of AXES) {
      for (const s of axes[axis]) {
        const plane = slicePlane(shape, axis, s);
        for (let v = 0; v < plane.height; v++) {
          for (let u = 0; u < plane.width; u++) {
            const voxel = plane.voxel(u, v);
            // A voxel on two corrected slices (of two axes) counts once.
            if (counted.has(voxel)) continue;
            counted.add(voxel);
            const p = prediction.labels[voxel]!;
            const t = labels[voxel]!;
            if (p !== 0) total.set(p, (total.get(p) ?? 0) + 1);
            if (t !== 0) total.set(t, (total.get(t) ?? 0) + 1);
            if (p !== 0 && p === t) intersection.set(p, (intersection.get(p) ?? 0) + 1);
          }
        }
      }
    }
  }
  if (!seen || total.size === 0) return null;
  const dices = [...total].map(([c, n]) => (2 * (intersection.get(c) ?? 0)) / n);
  return dices.reduce((a, b) => a + b, 0) / dices.length;
}
