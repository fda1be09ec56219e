/**
 * A multi-scan semi-supervised case from real MRI, the situation a clinician starts from: one
 * scan with a few slices annotated, several scans of "other subjects" not annotated at all
 * (syntheticSubject.ts), and the complete reference labels of every scan to judge a model on the
 * voxels it never saw labelled.
 */
import type { Shape3, Spacing3 } from '../../data/volume.ts';
import type { SliceAxis } from '../../data/volumeSlice.ts';
import { Rng } from '../../random/rng.ts';
import type { TrainingScan } from '../../training/trainRequest.ts';
import { downsample } from './downsample.ts';
import { DEFAULT_VARIATION, syntheticSubject, type SubjectVariation } from './syntheticSubject.ts';
import { loadTemplate, type TemplateName } from './templates.ts';

export interface QualityCaseOptions {
  template: TemplateName;
  /** Integer downsampling of the template grid: 2 turns Colin's 1 mm into 2 mm. */
  factor: number;
  /** Unannotated scans of other subjects. */
  subjects: number;
  /**
   * Slices of scan 0 annotated across `axis`; by default `annotatedCount` evenly through the
   * labelled structures; 'all' annotates scan 0 completely (the exemplar setting of issue 15).
   */
  annotatedSlices?: number[] | 'all';
  annotatedCount?: number;
  axis?: SliceAxis;
  seed: number;
  variation?: SubjectVariation;
}

export interface QualityCase {
  name: string;
  classNames: string[];
  /** Foreground class values, 1…C. */
  classValues: number[];
  shape: Shape3;
  spacing: Spacing3;
  axis: SliceAxis;
  /** Scan 0's annotated slices across `axis` (every slice in the exemplar setting). */
  annotatedSlices: number[];
  /** Scan 0 annotated on `annotatedSlices`, then the unannotated subjects. */
  scans: TrainingScan[];
  /** Complete reference labels of each scan. */
  truths: Uint8Array[];
}

const cache = new Map<string, QualityCase>();

export async function qualityCase(options: QualityCaseOptions): Promise<QualityCase> {
  const key = JSON.stringify(options);
  const cached = cache.get(key);
  if (cached) return cached;
  const template = await loadTemplate(options.template);
  const base = downsample(template.image, template.labels, template.shape, template.spacing, options.factor);
  const axis = options.axis ?? 'k';
  const d = axis === 'i' ? 0 : axis === 'j' ? 1 : 2;
  const annotatedSlices =
    options.annotatedSlices === 'all'
      ? Array.from({ length: base.shape[d] }, (_, n) => n)
      : (options.annotatedSlices ?? spreadThroughLabels(base.labels, base.shape, axis, options.annotatedCount ?? 3));
  const rng = new Rng(`quality-case:${options.template}:${options.seed}`);
  const subjects = Array.from({ length: options.subjects }, (_, n) =>
    syntheticSubject(base.image, base.labels, base.shape, rng.fork(`subject:${n}`), options.variation ?? DEFAULT_VARIATION),
  );
  const classValues = template.classNames.map((_, n) => n + 1);
  const annotated: TrainingScan = {
    id: 'scan-0',
    image: base.image,
    labels: base.labels,
    known: sliceMask(base.shape, axis, annotatedSlices),
    shape: [...base.shape],
    spacing: [...base.spacing],
  };
  const others: TrainingScan[] = subjects.map((s, n) => ({
    id: `scan-${n + 1}`,
    image: s.image,
    labels: null,
    known: null,
    shape: [...base.shape],
    spacing: [...base.spacing],
  }));
  const made: QualityCase = {
    name: `${options.template} at ${base.spacing.map((s) => s.toFixed(1)).join('×')} mm`,
    classNames: template.classNames,
    classValues,
    shape: base.shape,
    spacing: base.spacing,
    axis,
    annotatedSlices,
    scans: [annotated, ...others],
    truths: [base.labels, ...subjects.map((s) => s.labels)],
  };
  cache.set(key, made);
  return made;
}

/** `count` slices evenly inside the span of slices that hold any label (at (n + 1) / (count + 1) of it). */
export function spreadThroughLabels(labels: Uint8Array, shape: Shape3, axis: SliceAxis, count: number): number[] {
  const d = axis === 'i' ? 0 : axis === 'j' ? 1 : 2;
  const [ni, nj] = shape;
  let lo = Infinity,
    hi = -Infinity;
  for (let v = 0; v < labels.length; v++) {
    if (!labels[v]) continue;
    const index = d === 0 ? v % ni : d === 1 ? Math.floor(v / ni) % nj : Math.floor(v / (ni * nj));
    lo = Math.min(lo, index);
    hi = Math.max(hi, index);
  }
  if (lo > hi) throw new Error('the template has no labelled voxel');
  return Array.from({ length: count }, (_, n) => Math.round(lo + ((n + 1) * (hi - lo)) / (count + 1)));
}

function sliceMask(shape: Shape3, axis: SliceAxis, slices: number[]): Uint8Array {
  const [ni, nj, nk] = shape;
  const wanted = new Set(slices);
  const known = new Uint8Array(ni * nj * nk);
  for (let k = 0, v = 0; k < nk; k++)
    for (let j = 0; j < nj; j++) for (let i = 0; i < ni; i++, v++) if (wanted.has(axis === 'i' ? i : axis === 'j' ? j : k)) known[v] = 1;
  return known;
}
