import type { Axis } from '../../shared/types.ts';
import { AXES } from '../../shared/types.ts';

/**
 * Voxel codes of a comparison of two predicted label maps A and B: where both say background,
 * where they agree on a class, where only one of them says foreground, and where both say
 * foreground but name different classes.
 */
export const COMPARISON = { background: 0, agree: 1, onlyA: 2, onlyB: 3, classesDiffer: 4 } as const;

export interface PredictionComparison {
  /** One COMPARISON code per voxel, NIfTI order. */
  codes: Uint8Array;
  /** Dice of A and B over the scan: 2·|same class, foreground| / (|A foreground| + |B foreground|); null when both are empty. */
  dice: number | null;
  /** The same Dice per slice along each axis. */
  sliceDice: Record<Axis, (number | null)[]>;
}

/** Compares two label maps of the same scan (`shape` [ni, nj, nk], NIfTI order, 0 = background). */
export function comparePredictions(a: Uint8Array, b: Uint8Array, shape: readonly [number, number, number]): PredictionComparison {
  const [ni, nj, nk] = shape;
  if (a.length !== ni * nj * nk || b.length !== a.length)
    throw new RangeError(`label maps of ${a.length} and ${b.length} voxels do not fit ${shape.join('×')}`);
  const codes = new Uint8Array(a.length);
  // per axis and slice: [voxels agreeing on a foreground class, A foreground + B foreground]
  const counts = AXES.map((_, d) => Array.from({ length: shape[d] }, () => [0, 0]));
  let n = 0;
  for (let k = 0; k < nk; k++) {
    for (let j = 0; j < nj; j++) {
      for (let i = 0; i < ni; i++, n++) {
        const p = a[n];
        const q = b[n];
        const code =
          p === 0 ? (q === 0 ? COMPARISON.background : COMPARISON.onlyB) : q === 0 ? COMPARISON.onlyA : p === q ? COMPARISON.agree : COMPARISON.classesDiffer;
        codes[n] = code;
        if (code === COMPARISON.background) continue;
        const same = code === COMPARISON.agree ? 1 : 0;
        const foreground = (p !== 0 ? 1 : 0) + (q !== 0 ? 1 : 0);
        for (const [d, s] of [
          [0, i],
          [1, j],
          [2, k],
        ] as const) {
          counts[d]![s]![0] += same;
          counts[d]![s]![1] += foreground;
        }
      }
    }
  }
  const diceOf = ([same, total]: number[]) => (total === 0 ? null : (2 * same!) / total!);
  const totals = counts[2]!.reduce((t, c) => [t[0]! + c[0]!, t[1]! + c[1]!], [0, 0]);
  return {
    codes,
    dice: diceOf(totals),
    sliceDice: Object.fromEntries(AXES.map((axis, d) => [axis, counts[d]!.map(diceOf)])) as Record<Axis, (number | null)[]>,
  };
}
