/**
 * Test support: training scans made from the phantom of phantom.ts, annotated on chosen
 * slices the way the job runner marks painted slices (whole slices known).
 */
import type { SliceAxis } from '../../main/engine/data/volumeSlice.ts';
import { makePhantom } from './phantom.ts';
import type { TrainingScan } from '../../main/engine/training/trainRequest.ts';

export interface PhantomScan extends TrainingScan {
  /** The complete reference labels (0, 1, 2), whatever is marked known. */
  truth: Uint8Array;
}

export function phantomScan(options: {
  shape: [number, number, number];
  seed?: number;
  axis?: SliceAxis;
  /** Slices marked known along `axis`; 'all' marks every voxel. */
  annotated: number[] | 'all';
}): PhantomScan {
  const { shape, seed = 1, axis = 'k', annotated } = options;
  const phantom = makePhantom({ shape, seed, spacing: [1, 1, 2] });
  const [ni, nj] = shape;
  const known = new Uint8Array(phantom.labels.length);
  if (annotated === 'all') known.fill(1);
  else {
    const slices = new Set(annotated);
    for (let v = 0; v < known.length; v++) {
      const coordinate = axis === 'i' ? v % ni : axis === 'j' ? Math.floor(v / ni) % nj : Math.floor(v / (ni * nj));
      if (slices.has(coordinate)) known[v] = 1;
    }
  }
  return {
    id: `phantom-${seed}`,
    image: Float32Array.from(phantom.image),
    labels: phantom.labels.slice(),
    known,
    shape,
    spacing: [1, 1, 2],
    truth: phantom.labels,
  };
}
