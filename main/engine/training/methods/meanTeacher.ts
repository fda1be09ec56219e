/**
 * Mean Teacher (Tarvainen & Valpola 2017) as the UA-MT and SSL4MIS code trains it
 * (docs/methods.md §3): the student minimises `L_s + λ(t) · mean((p_s - p_t)²)` on a batch of
 * labelled and unlabelled images fed together, where p_t is the softmax of an EMA teacher on
 * the unlabelled images plus clamped Gaussian noise; the teacher follows the student after each
 * step. `λ(t) = consistencyWeight · r(⌊t/q⌋, 40)`, ramped over `rampFraction` of the run
 * (ssl/ramps.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '../../data/batch.ts';
import { supervisedLoss } from '../../losses/supervisedLoss.ts';
import type { SegmentationModel } from '../../models/segmentationModel.ts';
import { minimizeTerms } from '../../optim/minimize.ts';
import type { Optimizer } from '../../optim/optimizer.ts';
import { maskedConsistency, meanSquaredConsistency } from '../../ssl/consistencyLoss.ts';
import { EmaTeacher } from '../../ssl/emaTeacher.ts';
import { jointForward } from '../../ssl/jointForward.ts';
import { rampFractionFor, rampWeight } from '../../ssl/ramps.ts';
import { teacherNoise } from '../../ssl/teacherNoise.ts';
import { createOptimizer } from '../createOptimizer.ts';
import type { ResolvedTrainConfig } from '../trainRequest.ts';
import { MethodBase, type StatefulPart } from './methodBase.ts';
import type { StepContext, StepLosses } from './trainingMethod.ts';

/** Ramp length L of the consistency weight in ramp steps (docs/methods.md: `r(⌊t/150⌋, 40)`). */
export const MEAN_TEACHER_RAMP_LENGTH = 40;
/** The reference run's length (UA-MT on LA: 6000 iterations), which an `auto` ramp reaches at full length. */
export const MEAN_TEACHER_REFERENCE_ITERATIONS = 6000;

/** What the teacher contributes to one step: a constant target, optionally masked, and terms to report. */
export interface TeacherTarget {
  /** [B, …, C] teacher probabilities on the unlabelled batch. */
  probabilities: tf.Tensor;
  /** [B, …] 0/1 voxels that count; null = all, with the plain mean consistency. */
  mask: tf.Tensor | null;
  /** Extra figures for the progress report (StepLosses: a tensor is read after the step). */
  report: StepLosses;
}

export class MeanTeacherMethod extends MethodBase {
  readonly models: readonly SegmentationModel[];
  readonly usesUnlabeled = true;
  protected readonly teacher: EmaTeacher;
  protected readonly options: { emaDecay: number; noise: number; consistencyWeight: number; rampFraction: number | string };
  private readonly optimizer: Optimizer;

  /**
   * @param student the network trained and used for inference (models[0]).
   * @param config its `methodOptions` carry emaDecay, noise, consistencyWeight and rampFraction.
   */
  constructor(
    protected readonly student: SegmentationModel,
    config: ResolvedTrainConfig,
  ) {
    super();
    const o = config.methodOptions;
    this.options = {
      emaDecay: Number(o.emaDecay),
      noise: Number(o.noise),
      consistencyWeight: Number(o.consistencyWeight),
      rampFraction: o.rampFraction as number | string,
    };
    this.models = [student];
    this.optimizer = createOptimizer(config.optimizer, student.trainableVariables());
    // Its own dropout stream; the weights are the student's.
    this.teacher = new EmaTeacher(student, config.seed + 1);
  }

  override get partner(): SegmentationModel {
    return this.teacher.network;
  }

  step(labeled: Batch, unlabeled: Batch | null, context: StepContext): StepLosses {
    if (!unlabeled) throw new Error(`${this.constructor.name} needs an unlabelled batch`);
    const { iteration, iterations, learningRate } = context;
    this.optimizer.learningRate = learningRate;
    const weight = rampWeight(iteration, iterations, {
      weight: this.options.consistencyWeight,
      length: MEAN_TEACHER_RAMP_LENGTH,
      fraction: rampFractionFor(this.options.rampFraction, iterations, MEAN_TEACHER_REFERENCE_ITERATIONS),
    });
    // Outside the gradient tape: the teacher's output is a constant to the student.
    const target = this.teacherTarget(unlabeled.images, context);
    try {
      const terms = tf.tidy(() =>
        minimizeTerms([this.optimizer], this.student.trainableVariables(), () => {
          const [labeledLogits, unlabeledLogits] = jointForward(this.student, labeled.images, unlabeled.images, { training: true });
          const supervised = supervisedLoss(labeledLogits, labeled.targets, labeled.mask);
          const studentProbabilities = tf.softmax(unlabeledLogits);
          const consistency = target.mask
            ? maskedConsistency(studentProbabilities, target.probabilities, target.mask)
            : meanSquaredConsistency(studentProbabilities, target.probabilities);
          const unsupervised = tf.mul(consistency, weight) as tf.Scalar;
          return { total: tf.add(supervised, unsupervised) as tf.Scalar, terms: { supervised, consistency, unsupervised } };
        }),
      );
      this.teacher.update(iteration, this.options.emaDecay);
      return { ...terms, weight, ...target.report };
    } finally {
      tf.dispose([target.probabilities, ...(target.mask ? [target.mask] : [])]);
    }
  }

  /**
   * The teacher's softmax on the unlabelled images plus noise, one training-mode pass, all
   * voxels counted.
   */
  protected teacherTarget(images: tf.Tensor, { rng }: StepContext): TeacherTarget {
    const probabilities = tf.tidy(() =>
      tf.softmax(this.teacher.network.apply(teacherNoise(images, this.options.noise, rng.fork('noise')), { training: true })),
    );
    return { probabilities, mask: null, report: {} };
  }

  protected optimizers(): Record<string, Optimizer> {
    return { student: this.optimizer };
  }

  protected override auxiliaryParts(): Record<string, StatefulPart> {
    return { teacher: this.teacher };
  }

  protected disposeParts(): void {
    this.teacher.dispose();
    this.student.dispose();
  }
}
