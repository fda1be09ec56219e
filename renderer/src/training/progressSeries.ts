import type { JobProgressEvent, ValidationKind } from '../../../shared/types.ts';

/** The curves the Train panel draws, each indexed like `step`. */
export const CURVES = ['supervised', 'unsupervised', 'weight', 'valDice', 'confident', 'agreement'] as const;
export type Curve = (typeof CURVES)[number];

/**
 * Learning curves of one run as columns (uPlot's data layout): `step` and, per curve, the value
 * at that step or null where the run did not report it (a supervised run has no unsupervised
 * loss, validation Dice is null before the first validation; agreement needs two networks).
 */
export interface ProgressSeries {
  step: number[];
  values: Record<Curve, (number | null)[]>;
  /** Keep every `stride`-th step: doubles each time the series is thinned. */
  stride: number;
  /** What valDice measures, as the run reports it. */
  validation: ValidationKind | null;
}

export function emptySeries(): ProgressSeries {
  return { step: [], values: { supervised: [], unsupervised: [], weight: [], valDice: [], confident: [], agreement: [] }, stride: 1, validation: null };
}

function finiteOrNull(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * Adds one progress report, keeping at most `maxPoints` points: when full, every other point is
 * dropped and from then on only steps on the doubled stride are kept, so a run of any length
 * keeps an evenly spaced picture of its whole history in bounded memory. The latest report is
 * always shown (it replaces the last point when it falls between strides).
 * @returns a new series; the input is not changed (React state).
 */
export function appendProgress(series: ProgressSeries, progress: JobProgressEvent['progress'], maxPoints = 512): ProgressSeries {
  if (maxPoints < 2) throw new RangeError('maxPoints must be at least 2');
  const point: Record<Curve, number | null> = {
    supervised: finiteOrNull(progress.losses?.supervised),
    unsupervised: finiteOrNull(progress.losses?.unsupervised),
    weight: finiteOrNull(progress.losses?.weight),
    valDice: finiteOrNull(progress.valDice),
    confident: finiteOrNull(progress.probe?.confident),
    agreement: finiteOrNull(progress.probe?.agreement),
  };
  let { step, values, stride } = series;
  const last = step.length - 1;
  // a resumed run starts over from its checkpoint's step: keep what came before it
  const keepUpTo = step.findIndex((s) => s >= progress.step);
  const cut = keepUpTo === -1 ? step.length : keepUpTo;
  // the previous point was kept only as "the latest": the new one replaces it
  const replaceLast = cut === step.length && last >= 0 && step[last] % stride !== 0;
  const end = replaceLast ? last : cut;
  step = [...step.slice(0, end), progress.step];
  values = Object.fromEntries(CURVES.map((c) => [c, [...values[c].slice(0, end), point[c]]])) as ProgressSeries['values'];
  while (step.length > maxPoints) {
    stride *= 2;
    const keep = step.map((s, n) => s % stride === 0 || n === step.length - 1);
    step = step.filter((_, n) => keep[n]);
    values = Object.fromEntries(CURVES.map((c) => [c, values[c].filter((_, n) => keep[n])])) as ProgressSeries['values'];
  }
  return { step, values, stride, validation: progress.validation ?? series.validation };
}

/** Which curves have at least one value, so the chart shows only what the method reports. */
export function reportedCurves(series: ProgressSeries): Curve[] {
  return CURVES.filter((c) => series.values[c].some((v) => v !== null));
}
