/**
 * 2D training samples from a set of scans along one axis (`volumeSlice.ts` fixes the slice
 * orientation).
 *
 * Labeled samples are the annotated slices: those with at least one known (≠ UNKNOWN) voxel,
 * since a user usually paints a few slices of a scan, partially. Unlabeled samples are all
 * the other slices of every scan, including every slice of scans without a label map. Slices
 * are indexed up front (one pass over each label map) and copied out only on request, so the
 * sampler holds no second copy of the data.
 */
import { UNKNOWN } from './labels.ts';
import type { Sample2d } from './sample.ts';
import { assertVolumeSize, type Scan } from './volume.ts';
import { readSlice, sliceLayout, type SliceAxis } from './volumeSlice.ts';

/** A slice of one scan: `scan` indexes the sampler's scans, `index` is along the axis. */
export interface SliceRef {
  readonly scan: number;
  readonly index: number;
}

export class SliceSampler {
  /** Annotated slices, ordered by scan then slice index. */
  readonly labeled: readonly SliceRef[];
  /** Every other slice except the scan's rejected ones along the axis, ordered by scan then slice index. */
  readonly unlabeled: readonly SliceRef[];

  /**
   * @param scans images with optional label maps (class indices, UNKNOWN = unannotated).
   * @param axis the axis slices are taken across.
   */
  constructor(
    private readonly scans: readonly Scan[],
    readonly axis: SliceAxis,
  ) {
    const labeled: SliceRef[] = [];
    const unlabeled: SliceRef[] = [];
    scans.forEach((scan, s) => {
      assertVolumeSize(scan.shape, scan.image, ...(scan.label ? [scan.label] : []));
      const annotated = annotatedSlices(scan, axis);
      const rejected = new Set(scan.rejectedSlices?.[axis]);
      for (let index = 0; index < annotated.length; index++) {
        if (annotated[index]) labeled.push({ scan: s, index });
        else if (!rejected.has(index)) unlabeled.push({ scan: s, index });
      }
    });
    this.labeled = labeled;
    this.unlabeled = unlabeled;
  }

  /**
   * A copy of the slice's image, `[height, width]` row-major, with its label slice (UNKNOWN
   * preserved) when the scan has a label map.
   */
  sample(ref: SliceRef): Sample2d {
    const scan = this.scans[ref.scan];
    if (!scan) throw new RangeError(`no scan ${ref.scan}`);
    const layout = sliceLayout(scan.shape, this.axis);
    const image = readSlice(scan.image, layout, ref.index);
    const shape = [layout.height, layout.width] as const;
    return scan.label ? { image, label: readSlice(scan.label, layout, ref.index), shape } : { image, shape };
  }
}

function annotatedSlices(scan: Scan, axis: SliceAxis): Uint8Array {
  const [ni, nj, nk] = scan.shape;
  const annotated = new Uint8Array(sliceLayout(scan.shape, axis).count);
  const label = scan.label;
  if (!label) return annotated;
  let v = 0;
  for (let k = 0; k < nk; k++)
    for (let j = 0; j < nj; j++)
      for (let i = 0; i < ni; i++, v++) {
        if (label[v] !== UNKNOWN) annotated[axis === 'i' ? i : axis === 'j' ? j : k] = 1;
      }
  return annotated;
}
