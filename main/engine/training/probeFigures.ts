/**
 * What can honestly be said about a model on data nobody annotated, while it trains: on a
 * fixed set of unannotated "probe" slices, how much of what it labels as a structure it labels
 * with confidence, and, for methods that train a second network (Mean Teacher's teacher, CPS's
 * second network, CAML's auxiliary one), how far the two agree. Neither is an accuracy: a model
 * can be confidently and unanimously wrong. They say whether the model has settled on the
 * unannotated data, which the fit on a few annotated slices cannot. Background is left out of
 * the confident share: it covers most of every slice and would read 99 % for any model.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '../data/batch.ts';
import type { SegmentationModel } from '../models/segmentationModel.ts';
import type { ProbeFigures } from '../../../shared/types.ts';

/** Class probability from which a voxel counts as confident. */
export const CONFIDENT_PROBABILITY = 0.9;

export type { ProbeFigures };

/**
 * @param batches the probe slices, consumed and disposed here; tissue = non-zero image voxels.
 * @returns null when there is no probe slice. `agreement` is the mean Dice between the argmax
 *   labels of the model and its partner over the foreground classes either predicts; null
 *   without a partner or when neither predicts any foreground.
 */
export async function probeFigures(model: SegmentationModel, partner: SegmentationModel | null, batches: Iterable<Batch>): Promise<ProbeFigures | null> {
  const classes = model.numClasses;
  const intersection = new Float64Array(classes);
  const total = new Float64Array(classes);
  let tissue = 0;
  let structure = 0;
  let confident = 0;
  for (const batch of batches) {
    try {
      const [top, labels] = tf.tidy(() => {
        const p = tf.softmax(model.apply(batch.images, { training: false }));
        return [tf.max(p, -1), tf.argMax(p, -1)];
      });
      const partnerLabels = partner ? tf.tidy(() => tf.argMax(partner.apply(batch.images, { training: false }), -1)) : null;
      // Read asynchronously: the only read the webgpu backend can do.
      const [t, a, b, image] = await Promise.all([top!.data(), labels!.data(), partnerLabels?.data(), batch.images.data()]);
      tf.dispose([top!, labels!, ...(partnerLabels ? [partnerLabels] : [])]);
      for (let v = 0; v < a.length; v++) {
        if (image[v] === 0) continue;
        tissue++;
        if (a[v] !== 0) {
          structure++;
          if (t[v]! >= CONFIDENT_PROBABILITY) confident++;
        }
        if (!b) continue;
        total[a[v]!]++;
        total[b[v]!]++;
        if (a[v] === b[v]) intersection[a[v]!]++;
      }
    } finally {
      tf.dispose(batch);
    }
  }
  if (tissue === 0) return null;
  const dices: number[] = [];
  for (let c = 1; c < classes; c++) if (total[c]! > 0) dices.push((2 * intersection[c]!) / total[c]!);
  return {
    confident: structure > 0 ? confident / structure : null,
    agreement: partner && dices.length ? dices.reduce((x, y) => x + y, 0) / dices.length : null,
  };
}
