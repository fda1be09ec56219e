/**
 * Stacks training samples into the tensors a training step consumes.
 *
 * - `images`: float32, channels-last `[B, H, W, 1]` (2D) or `[B, D, H, W, 1]` (3D). A 3D
 *   sample of NIfTI shape `[pi, pj, pk]` becomes `[pk, pj, pi]` = (D, H, W), its natural
 *   row-major view (`volume.ts`).
 * - `targets`: int32 class indices `[B, H, W]` / `[B, D, H, W]`, with UNKNOWN (and missing
 *   labels) replaced by 0 so that one-hot encoding and gathers stay in range.
 * - `mask`: float32 of the same shape, 1 where the label is known and 0 where it is UNKNOWN,
 *   padded or absent; losses multiply by it so unknown voxels contribute nothing.
 *
 * Samples of different spatial shapes (e.g. non-square slices after an odd rot90, or scans of
 * different sizes) are padded, centred, to a common shape: images with 0, labels with
 * UNKNOWN. The tensors belong to the caller, who must dispose them (`tf.dispose(batch)`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { UNKNOWN } from './labels.ts';
import { applyPadding, planPadding } from './padToMultiple.ts';
import type { Sample2d, Sample3d } from './sample.ts';

// A type alias rather than an interface so that it is a `tf.TensorContainer` for `tf.dispose`.
export type Batch = {
  readonly images: tf.Tensor;
  readonly targets: tf.Tensor;
  readonly mask: tf.Tensor;
  /**
   * Where each sample came from (e.g. "scan:slice"), when the source knows: methods that keep
   * state per labelled case (CAML's memory bank) key it by this.
   */
  readonly ids?: string[];
};

export interface BatchOptions {
  /**
   * The common spatial shape is rounded up to a multiple of this per axis, default 1 (no
   * rounding). Pass the model's spatial multiple (16) when samples are not already a multiple.
   */
  readonly multiple?: number;
}

/** Stacks 2D samples (row-major `[H, W]`) into `[B, H, W, 1]` images and `[B, H, W]` targets and mask. */
export function batch2d(samples: readonly Sample2d[], options: BatchOptions = {}): Batch {
  return stack(
    samples.map((s) => ({ image: s.image, label: s.label, shape: [...s.shape] })),
    options,
  );
}

/** Stacks 3D samples (NIfTI `[pi, pj, pk]`) into `[B, pk, pj, pi, 1]` images and `[B, pk, pj, pi]` targets and mask. */
export function batch3d(samples: readonly Sample3d[], options: BatchOptions = {}): Batch {
  return stack(
    samples.map((s) => ({ image: s.image, label: s.label, shape: [...s.shape].reverse() })),
    options,
  );
}

interface RowMajorSample {
  readonly image: Float32Array;
  readonly label: Uint8Array | undefined;
  readonly shape: number[];
}

function stack(samples: readonly RowMajorSample[], { multiple = 1 }: BatchOptions): Batch {
  if (samples.length === 0) throw new RangeError('cannot batch zero samples');
  const rank = samples[0]!.shape.length;
  const common = samples[0]!.shape.map((_, a) => Math.max(...samples.map((s) => s.shape[a]!)));
  const size = planPadding(common, { multiple }).padded;
  const voxels = size.reduce((p, n) => p * n, 1);
  const images = new Float32Array(samples.length * voxels);
  const targets = new Int32Array(samples.length * voxels);
  const mask = new Float32Array(samples.length * voxels);
  samples.forEach((s, b) => {
    if (s.shape.length !== rank) throw new RangeError('samples of a batch must have the same rank');
    const padding = planPadding(s.shape, { multiple, minimum: size });
    images.set(applyPadding(s.image, padding, 0), b * voxels);
    if (!s.label) return;
    const label = applyPadding(s.label, padding, UNKNOWN);
    for (let v = 0, o = b * voxels; v < voxels; v++, o++) {
      const c = label[v]!;
      if (c === UNKNOWN) continue;
      targets[o] = c;
      mask[o] = 1;
    }
  });
  const shape = [samples.length, ...size];
  return {
    images: tf.tensor(images, [...shape, 1], 'float32'),
    targets: tf.tensor(targets, shape, 'int32'),
    mask: tf.tensor(mask, shape, 'float32'),
  };
}
