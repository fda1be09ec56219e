import type * as tf from '@tensorflow/tfjs-core';
import type { NetworkKind } from '../../../shared/networks.ts';

export interface ForwardOptions {
  /** Batch statistics (updating the running ones) and dropout when true; running statistics, no dropout when false. */
  training: boolean;
  /**
   * V-Net's channel dropout on the last decoder feature in training (default true); CrossMatch's
   * perturbed decodes run without it, as its reference's `no_drop=True` does.
   */
  decoderDropout?: boolean;
}

/**
 * A segmentation network on explicit tf.Variables, channels-last:
 * x [B, H, W, inChannels] (unet2d) or [B, D, H, W, inChannels] (vnet3d) →
 * logits with numClasses channels at the input resolution.
 */
export interface SegmentationModel {
  readonly kind: NetworkKind;
  readonly numClasses: number;
  /** Base channel count (channels of the first stage). */
  readonly width: number;
  readonly inChannels: number;
  /** Every spatial size of the input must be divisible by this (four ×2 downsamplings). */
  readonly spatialMultiple: number;
  /** Full forward pass: decode(encode(x)). */
  apply(x: tf.Tensor, options: ForwardOptions): tf.Tensor;
  /** Encoder feature maps, finest first: the four skips, then the bottleneck. */
  encode(x: tf.Tensor, options: ForwardOptions): tf.Tensor[];
  /**
   * Logits from encoder features of the shapes encode() returns. Features may
   * be perturbed and concatenated along the batch axis before decoding.
   */
  decode(features: tf.Tensor[], options: ForwardOptions): tf.Tensor;
  /**
   * decode() that also returns the last decoder feature map, the `width`-channel map at input
   * resolution the output convolution reads (after V-Net's dropout): what projection heads of
   * contrastive and correlation losses embed.
   */
  decodeWithFeature(features: tf.Tensor[], options: ForwardOptions): { logits: tf.Tensor; feature: tf.Tensor };
  /** What an optimiser updates: conv weights and biases, BN γ and β. */
  trainableVariables(): tf.Variable[];
  /** Number of trainable scalars (PyTorch's count). */
  parameterCount(): number;
  /** Copies of all variables by name, BN running statistics included; the caller disposes them. */
  getWeights(): Map<string, tf.Tensor>;
  setWeights(weights: Map<string, tf.Tensor>): void;
  dispose(): void;
}

export interface ModelSpec {
  kind: NetworkKind;
  numClasses: number;
  /** Base channels; the papers use 16. */
  width?: number;
  inChannels?: number;
  /** Seeds weight initialisation and the dropout masks. */
  seed?: number;
}

/** Throws unless x has the rank and spatial divisibility the model needs. */
export function assertInputShape(model: SegmentationModel, x: tf.Tensor): void {
  const rank = model.kind === 'unet2d' ? 4 : 5;
  const spatial = x.shape.slice(1, -1);
  if (x.rank !== rank || x.shape[rank - 1] !== model.inChannels || spatial.some((s) => s % model.spatialMultiple !== 0)) {
    const layout = model.kind === 'unet2d' ? 'B, H, W' : 'B, D, H, W';
    throw new Error(`${model.kind} needs input [${layout}, ${model.inChannels}] with spatial sizes divisible by ${model.spatialMultiple}; got [${x.shape}]`);
  }
}
