/**
 * Per-voxel projection and prediction heads of CAML (docs/methods.md §3 caml) and of the pixel
 * contrastive method: two MLPs on the channels of a decoder feature map.
 */
import * as tf from '@tensorflow/tfjs-core';
import { batchNorm, type BatchNormParameters } from '../ops/batchNorm.ts';
import type { ConvParameters } from '../models/parameterStore.ts';
import { StoredParametersModel } from '../models/storedParametersModel.ts';
import type { ForwardOptions } from '../models/segmentationModel.ts';
import { Rng } from '../random/rng.ts';

export interface ProjectionHeadOptions {
  /** Channels of the feature map the head reads (the network's width). */
  inChannels: number;
  /** Embedding size e (32 in the CAML code, 64 in its paper). */
  embeddingDim: number;
  /** Seeds the initial weights. */
  seed?: number;
  /** Whether to build the prediction head too (CAML's); default true. */
  withPrediction?: boolean;
}

/** Linear → BatchNorm1d → ReLU → Linear, PyTorch nn.Sequential indices 0, 1, 3. */
interface Mlp {
  first: ConvParameters;
  bn: BatchNormParameters;
  second: ConvParameters;
}

/**
 * The projection head `Linear(C→e) → BN → ReLU → Linear(e→e)` and the prediction head of the
 * same shape on e channels, as CAML's projection_head / prediction_head (the latter optional:
 * the pixel contrastive method uses the projection alone). Both act on every
 * voxel independently: a feature map [B, …, C] is read as rows [N, C] (BN statistics over
 * the N rows in training) and returned as [B, …, e]; a matrix [N, C] of gathered voxels
 * stays a matrix. Parameters are named as the reference's (`projection_head.0.weight`, …)
 * with tfjs' [in, out] weight layout.
 */
export class ProjectionHead extends StoredParametersModel {
  readonly inChannels: number;
  readonly embeddingDim: number;
  private readonly projection: Mlp;
  private readonly prediction: Mlp | null;

  constructor({ inChannels, embeddingDim, seed = 0, withPrediction = true }: ProjectionHeadOptions) {
    super(new Rng(seed).fork('projection-head'));
    this.inChannels = inChannels;
    this.embeddingDim = embeddingDim;
    this.projection = this.mlp('projection_head', inChannels);
    this.prediction = withPrediction ? this.mlp('prediction_head', embeddingDim) : null;
  }

  /** Projected embeddings [B, …, e] of features [B, …, C]; training uses and updates batch statistics. */
  project(features: tf.Tensor, options: ForwardOptions): tf.Tensor {
    return this.perVoxel(features, this.inChannels, (rows) => this.run(rows, this.projection, options));
  }

  /** The prediction head on projected embeddings [B, …, e]. */
  predict(embeddings: tf.Tensor, options: ForwardOptions): tf.Tensor {
    const prediction = this.prediction;
    if (!prediction) throw new Error('this projection head was built without a prediction head');
    return this.perVoxel(embeddings, this.embeddingDim, (rows) => this.run(rows, prediction, options));
  }

  private mlp(prefix: string, inChannels: number): Mlp {
    return {
      first: this.store.linear(`${prefix}.0`, inChannels, this.embeddingDim),
      bn: this.store.batchNorm(`${prefix}.1`, this.embeddingDim),
      second: this.store.linear(`${prefix}.3`, this.embeddingDim, this.embeddingDim),
    };
  }

  private run(rows: tf.Tensor2D, { first, bn, second }: Mlp, options: ForwardOptions): tf.Tensor2D {
    const hidden = tf.relu(batchNorm(tf.add(tf.matMul(rows, first.weight as tf.Tensor2D), first.bias), bn, options));
    return tf.add(tf.matMul(hidden as tf.Tensor2D, second.weight as tf.Tensor2D), second.bias);
  }

  private perVoxel(x: tf.Tensor, channels: number, f: (rows: tf.Tensor2D) => tf.Tensor2D): tf.Tensor {
    if (x.shape[x.rank - 1] !== channels) throw new Error(`projection head expects ${channels} channels, got [${x.shape}]`);
    return tf.tidy(() => {
      const out = f(tf.reshape(x, [-1, channels]) as tf.Tensor2D);
      return tf.reshape(out, [...x.shape.slice(0, -1), this.embeddingDim]);
    });
  }
}
