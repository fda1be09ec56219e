/**
 * How good a trained model is on a quality case, measured only where it never saw a label:
 * each unannotated subject scan as a whole, and the annotated scan's other slices.
 */
import { dice } from '../../metrics/dice.ts';
import { predictVolume } from '../../predict/predictVolume.ts';
import type { TrainedModel } from '../../training/trainRequest.ts';
import type { QualityCase } from './qualityCase.ts';

export interface CaseScore {
  /** [subject][class] Dice over each unannotated scan (class order of case.classNames). */
  subjects: number[][];
  /** Mean over the unannotated scans and classes: the headline figure. */
  meanSubjects: number;
  /** Per class, the annotated scan's Dice over its unannotated slices (NaN when it has none). */
  annotatedScanOtherSlices: number[];
  /** Mean per class over the unannotated scans. */
  perClass: number[];
}

export async function scoreCase(model: TrainedModel, c: QualityCase): Promise<CaseScore> {
  const perScan: number[][] = [];
  for (let s = 0; s < c.scans.length; s++) {
    const scan = c.scans[s]!;
    const { labels } = await predictVolume(model, scan.image, c.shape);
    const keep = s === 0 ? scan.known!.map((k) => (k ? 0 : 1)) : null;
    // Annotated throughout (the exemplar setting), scan 0 has no other slice to judge: NaN, not the 1 of two empty masks.
    if (keep && !keep.includes(1)) {
      perScan.push(c.classValues.map(() => NaN));
      continue;
    }
    perScan.push(classDice(labels, c.truths[s]!, c.classValues, keep));
  }
  const subjects = perScan.slice(1);
  const perClass = meanPerClass(subjects, c.classValues.length);
  return { subjects, meanSubjects: mean(perClass), annotatedScanOtherSlices: perScan[0]!, perClass };
}

/**
 * The case's difficulty without a model: Dice between the annotated scan's complete reference
 * labels, copied unchanged, and each unannotated subject's (per class, mean over subjects, and
 * their mean). What a model must beat to have learnt more than where the structures lie in the
 * annotated scan.
 */
export function labelCopyScore(c: QualityCase): { perClass: number[]; mean: number } {
  const subjects = c.truths.slice(1).map((truth) => classDice(c.truths[0]!, truth, c.classValues, null));
  const perClass = meanPerClass(subjects, c.classValues.length);
  return { perClass, mean: mean(perClass) };
}

/** [subject][class] → per class, the mean over subjects. */
function meanPerClass(subjects: number[][], classes: number): number[] {
  return Array.from({ length: classes }, (_, n) => mean(subjects.map((d) => d[n]!)));
}

function classDice(labels: Uint8Array, truth: Uint8Array, classValues: number[], keep: Uint8Array | null): number[] {
  return classValues.map((value) => dice(maskOf(labels, value, keep), maskOf(truth, value, keep)));
}

function maskOf(labels: Uint8Array, value: number, keep: Uint8Array | null): Uint8Array {
  const mask = new Uint8Array(labels.length);
  for (let v = 0; v < labels.length; v++) mask[v] = labels[v] === value && (!keep || keep[v]) ? 1 : 0;
  return mask;
}

export function mean(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
}
