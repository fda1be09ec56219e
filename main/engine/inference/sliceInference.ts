/**
 * 2D inference over a whole volume, slice by slice along one axis (docs/methods.md §2).
 *
 * Slices are taken with the orientation of `volumeSlice.ts` (the one `SliceSampler` trains
 * on), padded, centred, with 0 to the model's spatial multiple, run in batches, and the
 * softmax of each pixel is written back to its voxel; the padded border is discarded.
 */
import { planPadding } from '../data/padToMultiple.ts';
import { assertVolumeSize, voxelCount, type Shape3 } from '../data/volume.ts';
import { sliceLayout, type SliceAxis } from '../data/volumeSlice.ts';
import { runLogits } from './runLogits.ts';
import { argmaxClasses, type LogitsFunction, type Segmentation } from './segmentation.ts';
import { softmaxAt } from './softmax.ts';

export interface SliceInferenceOptions {
  /** Axis the slices are taken across; use the axis the model was trained on. */
  readonly axis: SliceAxis;
  /** Slices per model call, default 4. */
  readonly batchSize?: number;
  /** Spatial multiple the model needs, default 16. */
  readonly multiple?: number;
  /** Smallest padded `[height, width]`, default none. */
  readonly minimumSize?: readonly [number, number];
  /** Called after each batch with the number of slices done and the total. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * @param model logits function (channels-last, `[B, H, W, 1]` → `[B, H, W, C]`).
 * @param image normalised scan in NIfTI voxel order.
 * @param shape `[ni, nj, nk]`.
 * @returns class-planar probabilities and argmax labels (see `segmentation.ts`).
 */
export async function inferSlices(model: LogitsFunction, image: Float32Array, shape: Shape3, options: SliceInferenceOptions): Promise<Segmentation> {
  assertVolumeSize(shape, image);
  const { axis, batchSize = 4, multiple = 16, minimumSize = [0, 0], onProgress } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const layout = sliceLayout(shape, axis);
  const { count, height, width, sliceStride, rowStride, columnStride } = layout;
  const padding = planPadding([height, width], { multiple, minimum: minimumSize });
  const [ph, pw] = padding.padded as [number, number];
  const [oy, ox] = padding.offset as [number, number];
  const plane = ph * pw;
  const voxels = voxelCount(shape);
  let probabilities: Float32Array | undefined;
  let classes = 0;

  for (let first = 0; first < count; first += batchSize) {
    const size = Math.min(batchSize, count - first);
    const input = new Float32Array(size * plane);
    for (let b = 0; b < size; b++) {
      const slice = (first + b) * sliceStride;
      for (let y = 0; y < height; y++) {
        const to = b * plane + (y + oy) * pw + ox;
        const from = slice + y * rowStride;
        for (let x = 0; x < width; x++) input[to + x] = image[from + x * columnStride]!;
      }
    }
    await runLogits(model, input, [size, ph, pw], (logits, c) => {
      if (probabilities === undefined) {
        classes = c;
        probabilities = new Float32Array(classes * voxels);
      } else if (c !== classes) {
        throw new RangeError(`model returned ${c} classes after ${classes}`);
      }
      const p = new Float64Array(classes);
      for (let b = 0; b < size; b++) {
        const slice = (first + b) * sliceStride;
        for (let y = 0; y < height; y++) {
          const row = (b * plane + (y + oy) * pw + ox) * classes;
          const voxelRow = slice + y * rowStride;
          for (let x = 0; x < width; x++) {
            softmaxAt(logits, row + x * classes, classes, p);
            const v = voxelRow + x * columnStride;
            for (let k = 0; k < classes; k++) probabilities![k * voxels + v] = p[k]!;
          }
        }
      }
    });
    onProgress?.(first + size, count);
  }
  return { probabilities: probabilities!, labels: argmaxClasses(probabilities!, classes, voxels), classes, shape };
}
