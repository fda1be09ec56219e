/**
 * Validation score during training: Dice of the argmax prediction over known voxels,
 * pooled over all validation samples per class, then averaged over the foreground classes
 * present in the reference (a class nobody painted in the validation data has no Dice).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '../data/batch.ts';
import type { Predictor } from '../inference/ensemble.ts';

/**
 * @param batches consumed and disposed here, one at a time.
 * @returns the mean Dice, or null when no foreground class occurs in the known voxels.
 */
export async function validationDice(model: Predictor, batches: Iterable<Batch>): Promise<number | null> {
  const classes = model.numClasses;
  const intersection = new Float64Array(classes);
  const predicted = new Float64Array(classes);
  const reference = new Float64Array(classes);
  for (const batch of batches) {
    try {
      const prediction = tf.tidy(() => tf.argMax(model.apply(batch.images, { training: false }), -1));
      // Read asynchronously: the only read the webgpu backend can do.
      const [p, t, m] = await Promise.all([prediction.data(), batch.targets.data(), batch.mask.data()]);
      prediction.dispose();
      for (let v = 0; v < p.length; v++) {
        if (m[v] === 0) continue;
        predicted[p[v]!]++;
        reference[t[v]!]++;
        if (p[v] === t[v]) intersection[t[v]!]++;
      }
    } finally {
      tf.dispose(batch);
    }
  }
  const dices: number[] = [];
  for (let c = 1; c < classes; c++) {
    if (reference[c]! > 0) dices.push((2 * intersection[c]!) / (predicted[c]! + reference[c]!));
  }
  return dices.length === 0 ? null : dices.reduce((a, b) => a + b, 0) / dices.length;
}
