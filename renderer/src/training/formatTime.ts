import type { RunInfo } from '../../../shared/types.ts';

/** "12 s", "4 min 05 s", "2 h 03 min": seconds for a progress bar or a run's duration. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  const minutes = Math.round(s / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** The ETA a progress report carries, as the progress bar says it; null/undefined while unknown. */
export function formatEta(etaSeconds: number | null | undefined): string {
  if (etaSeconds === null || etaSeconds === undefined || !Number.isFinite(etaSeconds)) return 'estimating…';
  return etaSeconds < 1 ? 'almost done' : `about ${formatDuration(etaSeconds)} left`;
}

/** How long a run took, from its row; null while it has not ended or the times do not parse. */
export function runDurationSeconds(run: Pick<RunInfo, 'createdAt' | 'finishedAt'>): number | null {
  if (!run.finishedAt) return null;
  const ms = Date.parse(run.finishedAt) - Date.parse(run.createdAt);
  return Number.isFinite(ms) && ms >= 0 ? ms / 1000 : null;
}
