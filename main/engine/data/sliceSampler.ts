/**
 * 2D training samples from a set of scans along one axis (`volumeSlice.ts` fixes the slice
 * orientation).
 *
 * Labeled samples are the annotated slices: those with at least one known (≠ UNKNOWN) voxel,
 * since a user usually paints a few slices of a scan, partially. Unlabeled samples are the
 * other slices of every scan that hold tissue (TISSUE_SHARE), including those of scans
 * without a label map: the slices above the head or below the field of view teach a
 * consistency loss nothing and would take a share of every unlabelled batch. Slices
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
  /** Every other slice that holds tissue, except the scan's rejected ones along the axis, ordered by scan then slice index. */
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
      const tissue = tissueSlices(scan, axis);
      for (let index = 0; index < annotated.length; index++) {
        if (annotated[index]) labeled.push({ scan: s, index });
        else if (!rejected.has(index) && tissue[index]) unlabeled.push({ scan: s, index });
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

/**
 * A slice holds tissue when its count of tissue voxels reaches this share of the scan's largest
 * slice count. Tissue: above the scan's normalised mean less half a standard deviation (z >
 * -0.5), which in a skull-stripped scan is grey and white matter and in a whole head leaves out
 * the air around it, noise included.
 */
export const TISSUE_SHARE = 0.1;
const TISSUE_Z = -0.5;

/** 1 for each slice along `axis` of the normalised scan that holds tissue. */
export function tissueSlices(scan: Scan, axis: SliceAxis): Uint8Array {
  const [ni, nj, nk] = scan.shape;
  const counts = new Float64Array(sliceLayout(scan.shape, axis).count);
  const image = scan.image;
  let v = 0;
  for (let k = 0; k < nk; k++)
    for (let j = 0; j < nj; j++)
      for (let i = 0; i < ni; i++, v++) {
        const x = image[v]!;
        if (x !== 0 && x > TISSUE_Z) counts[axis === 'i' ? i : axis === 'j' ? j : k]!++;
      }
  let most = 0;
  for (const c of counts) most = Math.max(most, c);
  return Uint8Array.from(counts, (c) => (most > 0 && c >= TISSUE_SHARE * most ? 1 : 0));
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
