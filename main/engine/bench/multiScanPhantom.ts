/**
 * Benchmark (and test) task: several MRI-like phantom scans for semi-supervised training,
 * annotated on a few slices of some scans only. Every scan has a "body" (intensity 100) with a
 * bright round blob (class 1) and a dark elongated blob (class 2) whose positions and sizes
 * vary from scan to scan (and, being 3D shapes, from slice to slice), with Gaussian noise and a
 * smooth multiplicative bias field of random direction.
 *
 * The annotated and the unannotated scans may be given different appearances (class
 * intensities, noise, bias): a shift of acquisition between the scans a person annotated and
 * the rest, which only the unannotated images reveal to training.
 */
import { dice } from '../metrics/dice.ts';
import { predictVolume } from '../predict/predictVolume.ts';
import { Rng } from '../random/rng.ts';
import type { TrainedModel, TrainingScan } from '../training/trainRequest.ts';

/** How a scan looks, in intensity units where the body is 100. */
export interface PhantomAppearance {
  /** Range `[min, max]` the class-1 intensity of a scan is drawn from. */
  class1: [number, number];
  /** Range `[min, max]` the class-2 intensity of a scan is drawn from. */
  class2: [number, number];
  /** Noise standard deviation. */
  noise: number;
  /** Strength of the bias field (log-gain slope across the field of view). */
  bias: number;
}

export interface MultiScanPhantomOptions {
  /** Number of scans. */
  scans: number;
  /** Shape `[ni, nj, nk]` of every scan; slices are taken along k. */
  shape: [number, number, number];
  /** Slices (along k) annotated on each annotated scan. */
  annotatedSlices: number[];
  /** Indices of the scans whose `annotatedSlices` are annotated; the others are unannotated. */
  annotatedScans: number[];
  seed: number;
  /** Appearance of the annotated scans. */
  annotated: PhantomAppearance;
  /** Appearance of the unannotated scans; that of the annotated ones when absent. */
  unannotated?: PhantomAppearance;
  /**
   * How the unannotated scans' class intensities fill their ranges: 'random' (default) draws
   * each scan's uniformly from the whole range; 'even' splits each range into one stratum per
   * unannotated scan, the first such scan drawing from the top stratum and each next one from
   * the stratum below, so that together they cover the range without gaps whatever the seed.
   */
  spread?: 'random' | 'even';
  /**
   * Keep the blobs apart: class 1 left of x = 0.01 and class 2 right of x = 0.04 (field of view
   * −0.5…0.5), at least a voxel between them at 32 voxels. By default they may touch.
   */
  separateBlobs?: boolean;
}

/**
 * The task where unannotated data must help: six 32×32×8 scans, slices 2 and 5 of scan 0
 * annotated. The bright blob (class 1) is ≈ 3× the body on scan 0 and fades from scan to scan
 * down to ≈ 1.3× on the five unannotated scans, which cover 130–230 evenly (a 20-unit
 * stratum each, noise σ 10, body 100); the dark blob (class 2) looks alike everywhere.
 *
 * Why the unannotated scans carry information (the cluster assumption): from the annotated
 * slices alone, a class-1 boundary anywhere between the body (100) and 300 fits, and where a
 * supervised network puts it depends on its initialisation; scans fainter than that boundary
 * lose their class 1. The unannotated scans fill the intensities between 130 and 230 with
 * class-1 voxels, in steps smaller than the gap to the body, so a low-density region separates
 * class 1 from the body only below 130: a method that makes predictions on unannotated data
 * consistent and confident carries the label from the bright scans down that chain of
 * neighbours and puts the boundary in the gap. The blobs are kept apart, so that errors at a
 * bright/dark contact do not swamp that effect.
 */
export const CONTRAST_CONTINUUM_TASK: Omit<MultiScanPhantomOptions, 'seed'> = {
  scans: 6,
  shape: [32, 32, 8],
  annotatedSlices: [2, 5],
  annotatedScans: [0],
  annotated: { class1: [290, 310], class2: [35, 45], noise: 10, bias: 0.2 },
  unannotated: { class1: [130, 230], class2: [35, 45], noise: 10, bias: 0.2 },
  spread: 'even',
  separateBlobs: true,
};

export interface PhantomScan extends TrainingScan {
  /** Complete reference labels (0, 1, 2). */
  truth: Uint8Array;
  /** Slices along k that are annotated (empty for an unannotated scan). */
  annotatedSlices: number[];
}

export function multiScanPhantom(options: MultiScanPhantomOptions): PhantomScan[] {
  const { scans, shape, annotatedSlices, annotatedScans, seed } = options;
  const root = new Rng(`multi-scan-phantom:${seed}`);
  const unannotatedCount = scans - annotatedScans.filter((s) => s >= 0 && s < scans).length;
  let unannotatedRank = 0;
  return Array.from({ length: scans }, (_, s) => {
    const isAnnotated = annotatedScans.includes(s);
    let appearance = isAnnotated ? options.annotated : (options.unannotated ?? options.annotated);
    if (!isAnnotated && options.spread === 'even') appearance = stratum(appearance, unannotatedRank++, unannotatedCount);
    return phantomScan(shape, root.fork(`scan:${s}`), appearance, `scan-${s}`, isAnnotated ? annotatedSlices : [], options.separateBlobs === true);
  });
}

/** The appearance whose class ranges are stratum `rank` (0 = top) of `count` equal parts of each range. */
function stratum(appearance: PhantomAppearance, rank: number, count: number): PhantomAppearance {
  const part = ([lo, hi]: [number, number]): [number, number] => {
    const step = (hi - lo) / count;
    return [hi - (rank + 1) * step, hi - rank * step];
  };
  return { ...appearance, class1: part(appearance.class1), class2: part(appearance.class2) };
}

function phantomScan(
  shape: [number, number, number],
  rng: Rng,
  appearance: PhantomAppearance,
  id: string,
  annotated: number[],
  separate: boolean,
): PhantomScan {
  const [ni, nj, nk] = shape;
  const { noise, bias } = appearance;
  const voxels = ni * nj * nk;
  const image = new Float32Array(voxels);
  const truth = new Uint8Array(voxels);
  // Geometry in units of the in-plane size, centred; z in units of the slice count.
  const blob1 = {
    centre: [separate ? rng.uniform(-0.25, -0.15) : rng.uniform(-0.22, 0.0), rng.uniform(-0.2, 0.2), rng.uniform(-0.1, 0.1)],
    radius: separate ? rng.uniform(0.1, 0.16) : rng.uniform(0.1, 0.18),
  };
  const blob2 = {
    centre: [separate ? rng.uniform(0.14, 0.22) : rng.uniform(0.08, 0.22), rng.uniform(-0.15, 0.15), rng.uniform(-0.1, 0.1)],
    radii: [separate ? rng.uniform(0.07, 0.1) : rng.uniform(0.07, 0.11), rng.uniform(0.15, 0.25), rng.uniform(0.35, 0.5)],
  };
  const intensity1 = rng.uniform(...appearance.class1);
  const intensity2 = rng.uniform(...appearance.class2);
  const field = [rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)];
  for (let k = 0; k < nk; k++) {
    for (let j = 0; j < nj; j++) {
      for (let i = 0; i < ni; i++) {
        const x = (i + 0.5) / ni - 0.5;
        const y = (j + 0.5) / nj - 0.5;
        const z = (k + 0.5) / nk - 0.5;
        const v = i + ni * (j + nj * k);
        let value = (x / 0.46) ** 2 + (y / 0.46) ** 2 <= 1 ? 100 : 0;
        const d1 = ((x - blob1.centre[0]!) ** 2 + (y - blob1.centre[1]!) ** 2) / blob1.radius ** 2 + ((z - blob1.centre[2]!) / 0.45) ** 2;
        const d2 =
          ((x - blob2.centre[0]!) / blob2.radii[0]!) ** 2 + ((y - blob2.centre[1]!) / blob2.radii[1]!) ** 2 + ((z - blob2.centre[2]!) / blob2.radii[2]!) ** 2;
        if (d1 <= 1) {
          truth[v] = 1;
          value = intensity1;
        } else if (d2 <= 1) {
          truth[v] = 2;
          value = intensity2;
        }
        const gain = Math.exp(bias * (field[0]! * x + field[1]! * y + field[2]! * x * y * 2));
        image[v] = value * gain + noise * rng.normal();
      }
    }
  }
  const known = new Uint8Array(voxels);
  const slices = new Set(annotated);
  for (let v = 0; v < voxels; v++) if (slices.has(Math.floor(v / (ni * nj)))) known[v] = 1;
  return {
    id,
    image,
    labels: annotated.length > 0 ? truth.slice() : null,
    known: annotated.length > 0 ? known : null,
    shape,
    spacing: [1, 1, 2],
    truth,
    annotatedSlices: [...annotated],
  };
}

/**
 * Dice per foreground class (1, 2) of a trained model's predictions over the unannotated
 * slices of `scans`, voxels pooled across scans.
 */
export async function unannotatedDice(model: TrainedModel, scans: readonly PhantomScan[]): Promise<number[]> {
  const pred: number[][] = [[], []];
  const ref: number[][] = [[], []];
  for (const scan of scans) {
    const { labels } = await predictVolume(model, scan.image, scan.shape);
    const plane = scan.shape[0] * scan.shape[1];
    const annotated = new Set(scan.annotatedSlices);
    for (let v = 0; v < labels.length; v++) {
      if (annotated.has(Math.floor(v / plane))) continue;
      for (const c of [1, 2]) {
        pred[c - 1]!.push(labels[v] === c ? 1 : 0);
        ref[c - 1]!.push(scan.truth[v] === c ? 1 : 0);
      }
    }
  }
  return [0, 1].map((c) => dice(Uint8Array.from(pred[c]!), Uint8Array.from(ref[c]!)));
}
