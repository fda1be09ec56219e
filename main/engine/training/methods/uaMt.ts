/**
 * UA-MT, uncertainty-aware Mean Teacher (Yu et al. 2019; docs/methods.md §3): Mean Teacher whose
 * consistency counts only voxels where the teacher is certain. T stochastic teacher passes
 * (dropout on, fresh input noise each) give the mean softmax μ and its entropy
 * `U = -Σ μ ln(μ + 1e-6)`; voxels with `U < (0.75 + 0.25 r(t, T_max)) ln 2` are kept (ln 2 for any
 * number of classes, as the references), and the
 * loss is `Σ mask (p_s - p_t)² / (2 Σ mask + 1e-16)` with p_t one further noisy teacher pass,
 * as in the reference.
 */
import * as tf from '@tensorflow/tfjs-core';
import { belowThreshold, predictiveEntropy, uncertaintyThreshold } from '../../ssl/confidenceMask.ts';
import { teacherNoise } from '../../ssl/teacherNoise.ts';
import type { SegmentationModel } from '../../models/segmentationModel.ts';
import type { ResolvedTrainConfig } from '../trainRequest.ts';
import { MeanTeacherMethod, type TeacherTarget } from './meanTeacher.ts';
import type { StepContext } from './trainingMethod.ts';

/**
 * Most input voxels in one teacher forward. The passes are stacked along the batch axis and
 * run together as far as this allows: all of them for 2D slices, about the reference's two
 * copies of a batch of two 112×112×80 patches per forward in 3D.
 */
export const TEACHER_VOXELS_PER_FORWARD = 2 ** 22;

export class UaMtMethod extends MeanTeacherMethod {
  private readonly passes: number;

  constructor(student: SegmentationModel, config: ResolvedTrainConfig) {
    super(student, config);
    this.passes = Number(config.methodOptions.passes);
  }

  /**
   * Pass 0 is the consistency target; passes 1…T give the uncertainty. Each has its own noise
   * (from the step's stream) and, being one sample of a training-mode batch, its own dropout.
   */
  protected override teacherTarget(images: tf.Tensor, { iteration, iterations, rng }: StepContext): TeacherTarget {
    const copies = this.passes + 1;
    const perForward = Math.max(1, Math.floor(TEACHER_VOXELS_PER_FORWARD / images.size));
    const threshold = uncertaintyThreshold(iteration, iterations);
    const { target, mask } = tf.tidy(() => {
      const probabilities: tf.Tensor[] = [];
      for (let start = 0; start < copies; start += perForward) {
        const count = Math.min(perForward, copies - start);
        const noisy = Array.from({ length: count }, (_, k) => teacherNoise(images, this.options.noise, rng.fork(`noise:${start + k}`)));
        const logits = this.teacher.network.apply(tf.concat(noisy, 0), { training: true });
        probabilities.push(...tf.split(tf.softmax(logits), count, 0));
      }
      const [first, ...stochastic] = probabilities;
      const mean = tf.div(tf.addN(stochastic), this.passes);
      return { target: first!, mask: belowThreshold(predictiveEntropy(mean), threshold) };
    });
    const certain = tf.tidy(() => tf.mean(mask).dataSync()[0]!);
    return { probabilities: target, mask, report: { certain, threshold } };
  }
}
