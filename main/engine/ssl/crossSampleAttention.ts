/**
 * CAML's Cross-sample Mutual Attention (CMA, docs/methods.md §3 caml): transformer encoder layers
 * over the tokens of one sample and across the samples of a batch.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ConvParameters, ParameterStore } from '../models/parameterStore.ts';
import type { ForwardOptions } from '../models/segmentationModel.ts';
import { Rng } from '../random/rng.ts';

export interface LayerNormParameters {
  gamma: tf.Tensor;
  beta: tf.Tensor;
}

/** One nn.TransformerEncoderLayer: self-attention, then the feed-forward network, each with a residual and LayerNorm after it. */
export interface TransformerLayerParameters {
  /** Query, key and value projections side by side: weight [d, 3d]. */
  inProjection: ConvParameters;
  outProjection: ConvParameters;
  linear1: ConvParameters;
  linear2: ConvParameters;
  norm1: LayerNormParameters;
  norm2: LayerNormParameters;
}

/** A linear map's weight [in, out] and bias. */
export interface Dense {
  weight: tf.Tensor;
  bias: tf.Tensor;
}

/** Draws a dropout; null where none is applied (inference, or rate 0). */
export type Dropout = ((x: tf.Tensor) => tf.Tensor) | null;

/**
 * The parameters of one post-norm transformer encoder layer in `store`, named as PyTorch's
 * nn.TransformerEncoderLayer (`self_attn.in_proj`, `self_attn.out_proj`, `linear1`, `linear2`,
 * `norm1`, `norm2`; PyTorch's `in_proj_weight` / `in_proj_bias` become `in_proj.weight` /
 * `in_proj.bias`) and initialised as PyTorch does: Xavier-uniform input projection with zero
 * bias, zero output-projection bias, nn.Linear's default elsewhere.
 */
export function createTransformerLayer(store: ParameterStore, prefix: string, channels: number, feedForward: number): TransformerLayerParameters {
  const inProjection = store.linear(`${prefix}.self_attn.in_proj`, channels, 3 * channels, Math.sqrt(6 / (4 * channels)), 0);
  const outProjection = store.linear(`${prefix}.self_attn.out_proj`, channels, channels, 1 / Math.sqrt(channels), 0);
  return {
    inProjection,
    outProjection,
    linear1: store.linear(`${prefix}.linear1`, channels, feedForward),
    linear2: store.linear(`${prefix}.linear2`, feedForward, channels),
    norm1: store.layerNorm(`${prefix}.norm1`, channels),
    norm2: store.layerNorm(`${prefix}.norm2`, channels),
  };
}

/** LayerNorm over the last axis, PyTorch's ε = 1e-5 and biased variance. */
export function layerNorm(x: tf.Tensor, { gamma, beta }: LayerNormParameters, epsilon = 1e-5): tf.Tensor {
  return tf.tidy(() => {
    const axis = x.rank - 1;
    const centred = tf.sub(x, tf.mean(x, axis, true));
    const variance = tf.mean(tf.square(centred), axis, true);
    return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, epsilon))), gamma), beta);
  });
}

function linear(rows: tf.Tensor2D, { weight, bias }: Dense): tf.Tensor2D {
  return tf.add(tf.matMul(rows, weight as tf.Tensor2D), bias);
}

/**
 * Multi-head scaled dot-product self-attention of x [S, L, d]: S independent sequences of L
 * tokens, `heads` heads of d / heads channels each; `dropout` acts on the attention weights.
 */
export function multiHeadSelfAttention(
  x: tf.Tensor3D,
  parameters: { inProjection: Dense; outProjection: Dense },
  heads: number,
  dropout: Dropout,
): tf.Tensor3D {
  const [sequences, length, channels] = x.shape;
  if (channels % heads !== 0) throw new Error(`attention: ${channels} channels do not split into ${heads} heads`);
  const headChannels = channels / heads;
  return tf.tidy(() => {
    const qkv = linear(tf.reshape(x, [sequences * length, channels]) as tf.Tensor2D, parameters.inProjection);
    const [q, k, v] = tf
      .split(qkv, 3, 1)
      .map((t) => tf.reshape(tf.transpose(tf.reshape(t, [sequences, length, heads, headChannels]), [0, 2, 1, 3]), [sequences * heads, length, headChannels]));
    let weights = tf.softmax(tf.mul(tf.matMul(q!, k!, false, true), 1 / Math.sqrt(headChannels)));
    if (dropout) weights = dropout(weights) as tf.Tensor3D;
    const attended = tf.reshape(tf.matMul(weights, v!), [sequences, heads, length, headChannels]);
    const merged = tf.reshape(tf.transpose(attended, [0, 2, 1, 3]), [sequences * length, channels]) as tf.Tensor2D;
    return tf.reshape(linear(merged, parameters.outProjection), [sequences, length, channels]);
  });
}

/**
 * nn.TransformerEncoderLayer with norm_first = false and ReLU on x [S, L, d]:
 * `x ← norm1(x + drop(attn(x)))`, `x ← norm2(x + drop(linear2(drop(relu(linear1(x))))))`.
 */
export function transformerEncoderLayer(x: tf.Tensor3D, p: TransformerLayerParameters, heads: number, dropout: Dropout): tf.Tensor3D {
  const drop = (t: tf.Tensor) => (dropout ? dropout(t) : t);
  return tf.tidy(() => {
    const [sequences, length, channels] = x.shape;
    const attended = layerNorm(tf.add(x, drop(multiHeadSelfAttention(x, p, heads, dropout))), p.norm1);
    const rows = tf.reshape(attended, [sequences * length, channels]) as tf.Tensor2D;
    const hidden = drop(tf.relu(linear(rows, p.linear1))) as tf.Tensor2D;
    const out = layerNorm(tf.add(rows, drop(linear(hidden, p.linear2))), p.norm2);
    return tf.reshape(out, [sequences, length, channels]);
  });
}

export interface CrossSampleAttentionOptions {
  /** Channels d of the feature map. */
  channels: number;
  /** Attention heads (4 in the reference). */
  heads?: number;
  /** Dropout of attention weights, residual branches and feed-forward hidden layer (0.5 in the reference). */
  dropout?: number;
  /** Seeds the dropout masks. */
  seed?: number;
}

/**
 * CMA on a channels-last feature map [B, …, d]: (1) intra-sample self-attention, each sample's
 * spatial positions attending to each other; (2) inter-sample self-attention, at every spatial
 * position the B samples attending to each other, so each sample's feature takes in the
 * others'. Two post-norm transformer encoder layers (FFN 4d, ReLU), no positional encoding.
 * As in the reference it is active in training only: at inference the map passes unchanged,
 * so predictions do not depend on what else is in the batch. Its parameters live in the
 * owning network's store under `${prefix}.intra_attention.encoder_layers.…` and
 * `${prefix}.inter_attention.encoder_layers.…`.
 */
export class CrossSampleAttention {
  readonly channels: number;
  readonly heads: number;
  readonly dropout: number;
  private readonly intra: TransformerLayerParameters;
  private readonly inter: TransformerLayerParameters;
  private readonly dropoutRng: Rng;

  constructor(store: ParameterStore, prefix: string, { channels, heads = 4, dropout = 0.5, seed = 0 }: CrossSampleAttentionOptions) {
    if (channels % heads !== 0) throw new Error(`CMA: ${channels} channels do not split into ${heads} heads`);
    this.channels = channels;
    this.heads = heads;
    this.dropout = dropout;
    const join = (name: string) => (prefix ? `${prefix}.${name}` : name);
    this.intra = createTransformerLayer(store, join('intra_attention.encoder_layers'), channels, 4 * channels);
    this.inter = createTransformerLayer(store, join('inter_attention.encoder_layers'), channels, 4 * channels);
    this.dropoutRng = new Rng(seed).fork('cma-dropout');
  }

  apply(x: tf.Tensor, options: ForwardOptions): tf.Tensor {
    if (!options.training) return x;
    const channels = x.shape[x.rank - 1];
    if (channels !== this.channels) throw new Error(`CMA expects ${this.channels} channels, got [${x.shape}]`);
    const dropout: Dropout = this.dropout > 0 ? (t) => tf.dropout(t, this.dropout, undefined, this.dropoutRng.int(2 ** 31)) : null;
    return tf.tidy(() => {
      const batch = x.shape[0];
      const tokens = x.size / (batch * channels);
      const intra = transformerEncoderLayer(tf.reshape(x, [batch, tokens, channels]), this.intra, this.heads, dropout);
      const acrossBatch = tf.transpose(intra, [1, 0, 2]);
      const inter = transformerEncoderLayer(acrossBatch, this.inter, this.heads, dropout);
      return tf.reshape(tf.transpose(inter, [1, 0, 2]), x.shape);
    });
  }
}
