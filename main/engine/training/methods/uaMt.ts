/**
 * UA-MT, uncertainty-aware Mean Teacher (Yu et al. 2019; docs/methods.md §3): Mean Teacher whose
 * consistency counts only voxels where the teacher is certain. T stochastic teacher passes
 * (dropout on, fresh input noise each) give the mean softmax μ and its entropy
 * `U = -Σ μ ln(μ + 1e-6)`; voxels with `U < (0.75 + 0.25 r(t, T_max)) ln 2` are kept (ln 2 for any
 * number of classes, as the references), and the
 * loss is `Σ mask (p_s - p_t)² / (2 Σ mask + 1e-16)` with p_t one further noisy teacher pass,
 * as in the reference.
 *
 * The passes are grouped into forwards as the references group them (UA-MT's LA script,
 * SSL4MIS's 2D one), which sets the batches the teacher's BatchNorm normalises over (it runs in
 * training mode): the target pass alone (`ema_model(ema_inputs)` on the unlabelled batch), then
 * the T uncertainty passes two at a time (`unlabeled_volume_batch.repeat(2, …)` plus fresh noise,
 * T/2 forwards); an odd T ends with one pass alone.
 */
import * as tf from '@tensorflow/tfjs-core';
import { belowThreshold, predictiveEntropy, uncertaintyThreshold } from '../../ssl/confidenceMask.ts';
import { teacherNoise } from '../../ssl/teacherNoise.ts';
import type { SegmentationModel } from '../../models/segmentationModel.ts';
import type { ResolvedTrainConfig } from '../trainRequest.ts';
import { MeanTeacherMethod, type TeacherTarget } from './meanTeacher.ts';
import type { StepContext } from './trainingMethod.ts';

/** Uncertainty passes per teacher forward, as the references' `repeat(2)` stacks them. */
export const UNCERTAINTY_PASSES_PER_FORWARD = 2;

export class UaMtMethod extends MeanTeacherMethod {
  private readonly passes: number;

  constructor(student: SegmentationModel, config: ResolvedTrainConfig) {
    super(student, config);
    this.passes = Number(config.methodOptions.passes);
  }

  /**
   * Pass 0 is the consistency target; passes 1…T give the uncertainty. Each has its own noise
   * (from the step's stream) and, being one sample of a training-mode batch, its own dropout;
   * the forwards group them as the file comment says.
   */
  protected override teacherTarget(images: tf.Tensor, { iteration, iterations, rng }: StepContext): TeacherTarget {
    const threshold = uncertaintyThreshold(iteration, iterations);
    const noisy = (pass: number) => teacherNoise(images, this.options.noise, rng.fork(`noise:${pass}`));
    const forward = (x: tf.Tensor) => tf.softmax(this.teacher.network.apply(x, { training: true }));
    const { target, mask } = tf.tidy(() => {
      const first = forward(noisy(0));
      const stochastic: tf.Tensor[] = [];
      for (let pass = 1; pass <= this.passes; pass += UNCERTAINTY_PASSES_PER_FORWARD) {
        const count = Math.min(UNCERTAINTY_PASSES_PER_FORWARD, this.passes - pass + 1);
        const inputs = Array.from({ length: count }, (_, k) => noisy(pass + k));
        stochastic.push(...tf.split(forward(tf.concat(inputs, 0)), count, 0));
      }
      const mean = tf.div(tf.addN(stochastic), this.passes);
      return { target: first, mask: belowThreshold(predictiveEntropy(mean), threshold) };
    });
    const certain = tf.mean(mask) as tf.Scalar;
    return { probabilities: target, mask, report: { certain, threshold } };
  }
}
