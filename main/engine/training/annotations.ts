/**
 * What the user has annotated in one training scan: which slices along each axis hold an
 * annotated voxel, how many voxels are annotated, and which class values were painted. The
 * model choice, the input checks and the warnings all read this one pass over the scan.
 */
import type { SliceAxis } from '../data/volumeSlice.ts';
import type { TrainingScan } from './trainRequest.ts';
import { TrainingInputError } from './trainingInputError.ts';

export interface AnnotationSummary {
  /** Per axis, 1 for each slice that holds at least one annotated voxel. */
  readonly slices: Readonly<Record<SliceAxis, Uint8Array>>;
  readonly annotatedVoxels: number;
  /** Raw values found on annotated voxels, background included. */
  readonly paintedValues: ReadonlySet<number>;
  /** Per painted foreground value, per axis, 1 for each slice where it is painted. */
  readonly classSlices: ReadonlyMap<number, Readonly<Record<SliceAxis, Uint8Array>>>;
  /** Whether the image holds anything but one value (an all-zero or constant scan has no tissue to learn from). */
  readonly hasTissue: boolean;
}

/**
 * @param allowedValues raw values an annotated voxel may hold (0 and the project's classes).
 * @throws TrainingInputError when the arrays do not match the shape, or an annotated voxel
 *   holds a value that is not a class of the project.
 */
export function summarizeAnnotations(scan: TrainingScan, allowedValues: ReadonlySet<number>): AnnotationSummary {
  const { id, shape, image, labels, known } = scan;
  const [ni, nj, nk] = shape;
  if (!shape.every((n) => Number.isInteger(n) && n > 0)) {
    throw new TrainingInputError(`scan ${id}: shape [${shape.join(', ')}] is not three positive integers`);
  }
  const voxels = ni * nj * nk;
  for (const [name, array] of [
    ['image', image],
    ['labels', labels],
    ['known', known],
  ] as const) {
    if (array && array.length !== voxels) {
      throw new TrainingInputError(`scan ${id}: ${name} has ${array.length} values, the shape [${shape.join(', ')}] needs ${voxels}`);
    }
  }
  const slices = { i: new Uint8Array(ni), j: new Uint8Array(nj), k: new Uint8Array(nk) };
  const paintedValues = new Set<number>();
  const classSlices = new Map<number, Record<SliceAxis, Uint8Array>>();
  const hasTissue = image.some((x) => x !== image[0]);
  let annotatedVoxels = 0;
  if (!known) return { slices, annotatedVoxels, paintedValues, classSlices, hasTissue };
  if (!labels && known.some((m) => m !== 0)) {
    throw new TrainingInputError(`scan ${id}: voxels are marked annotated but the scan has no label map`);
  }
  let v = 0;
  for (let k = 0; k < nk; k++) {
    for (let j = 0; j < nj; j++) {
      for (let i = 0; i < ni; i++, v++) {
        if (known[v] === 0) continue;
        const value = labels![v]!;
        if (!allowedValues.has(value)) {
          throw new TrainingInputError(
            `scan ${id}: annotated voxel (${i}, ${j}, ${k}) has label value ${value}, which is not a class of the project (${[...allowedValues].join(', ')})`,
          );
        }
        paintedValues.add(value);
        if (value !== 0) {
          let own = classSlices.get(value);
          if (!own) classSlices.set(value, (own = { i: new Uint8Array(ni), j: new Uint8Array(nj), k: new Uint8Array(nk) }));
          own.i[i] = 1;
          own.j[j] = 1;
          own.k[k] = 1;
        }
        slices.i[i] = 1;
        slices.j[j] = 1;
        slices.k[k] = 1;
        annotatedVoxels++;
      }
    }
  }
  return { slices, annotatedVoxels, paintedValues, classSlices, hasTissue };
}
