import { createNiftiHeader, writeNifti, type NiftiHeader } from '../../main/io/index.ts';
import { Rng } from '../../main/engine/random/rng.ts';

export interface PhantomOptions {
  shape?: [number, number, number];
  spacing?: [number, number, number];
  affine?: number[][];
  seed?: number;
  /** Standard deviation of the Gaussian noise, in intensity units (tissue contrast is 100). */
  noise?: number;
  /** Strength of the smooth multiplicative bias field (0 = none). */
  bias?: number;
}

export interface Phantom {
  header: NiftiHeader;
  shape: [number, number, number];
  image: Int16Array;
  /** 0 background, 1 sphere, 2 ellipsoid. */
  labels: Uint8Array;
  /** Exact copies (not views into a larger Node buffer), so `.buffer` holds the file and nothing else. */
  scanBytes: Uint8Array;
  labelBytes: Uint8Array;
}

/**
 * An MRI-like phantom with known geometry: a sphere (class 1, bright) and an ellipsoid (class 2,
 * darker) inside a "body" of medium intensity, with Gaussian noise and a smooth bias field, so
 * a segmentation method has real work to do and an answer to be checked against.
 */
export function makePhantom(opts: PhantomOptions = {}): Phantom {
  const shape = opts.shape ?? [48, 48, 24];
  const spacing = opts.spacing ?? [1, 1, 2];
  const rng = new Rng(opts.seed ?? 1);
  const noise = opts.noise ?? 15;
  const bias = opts.bias ?? 0.3;
  const [ni, nj, nk] = shape;
  const image = new Int16Array(ni * nj * nk);
  const labels = new Uint8Array(ni * nj * nk);
  // Positions in mm relative to the volume centre, so the geometry is independent of the grid.
  const c = shape.map((n, a) => ((n - 1) * spacing[a]) / 2);
  const extent = shape.map((n, a) => n * spacing[a]);
  const sphere = { centre: [-0.18 * extent[0], -0.1 * extent[1], 0], radius: 0.2 * Math.min(extent[0], extent[1]) };
  const ellipsoid = { centre: [0.2 * extent[0], 0.15 * extent[1], 0.05 * extent[2]], radii: [0.12 * extent[0], 0.22 * extent[1], 0.35 * extent[2]] };
  const body = [0.45 * extent[0], 0.45 * extent[1], 0.48 * extent[2]];
  for (let k = 0; k < nk; k++) {
    for (let j = 0; j < nj; j++) {
      for (let i = 0; i < ni; i++) {
        const x = i * spacing[0] - c[0];
        const y = j * spacing[1] - c[1];
        const z = k * spacing[2] - c[2];
        const idx = i + ni * (j + nj * k);
        let value = 0;
        if ((x / body[0]) ** 2 + (y / body[1]) ** 2 + (z / body[2]) ** 2 <= 1) value = 100;
        const ds = Math.hypot(x - sphere.centre[0], y - sphere.centre[1], z - sphere.centre[2]);
        const de =
          ((x - ellipsoid.centre[0]) / ellipsoid.radii[0]) ** 2 +
          ((y - ellipsoid.centre[1]) / ellipsoid.radii[1]) ** 2 +
          ((z - ellipsoid.centre[2]) / ellipsoid.radii[2]) ** 2;
        if (ds <= sphere.radius) {
          labels[idx] = 1;
          value = 300;
        } else if (de <= 1) {
          labels[idx] = 2;
          value = 200;
        }
        const field = Math.exp(bias * ((x / extent[0]) * 1.2 - (y / extent[1]) * 0.8 + (x * y) / (extent[0] * extent[1])));
        image[idx] = Math.round(value * field + noise * rng.normal());
      }
    }
  }
  const header = createNiftiHeader({ shape, spacing, affine: opts.affine, datatype: 'int16', description: 'Atrium phantom' });
  return {
    header,
    shape,
    image,
    labels,
    scanBytes: Uint8Array.from(writeNifti(header, image, { gzip: true })),
    labelBytes: Uint8Array.from(writeNifti(header, labels, { gzip: true })),
  };
}
