import type * as tf from '@tensorflow/tfjs-core';
import { upsampleTrilinear2x } from '../ops/upsampleTrilinear.ts';
import { CrossSampleAttention } from '../ssl/crossSampleAttention.ts';
import { conv3d } from './convLayers.ts';
import type { ForwardOptions } from './segmentationModel.ts';
import { type ConvBn, VNet3d, type VNet3dOptions } from './vnet3d.ts';

/** 0-based encoder stage whose output CMA transforms (the reference's insert_idx 4). */
const CMA_STAGE = 3;

/**
 * CAML's auxiliary network A in 3D (docs/methods.md §3 caml; the reference's EncoderAuxiliary +
 * Decoder(up_type 1)): the V-Net encoder with Cross-sample Mutual Attention on the output of
 * its 4th stage (8 × width channels), which then feeds both the skip and the downsampling;
 * the decoder upsamples by trilinear ×2 (align corners) → Conv 3³ → BN → ReLU instead of a
 * transposed conv, so A and V differ in architecture as well as in initialisation. Parameter
 * names are the V-Net's with the reference's for the changed parts: `block_five_up.conv.1` /
 * `.conv.2` (conv, BN after nn.Upsample at index 0) and `intra_attention.…`,
 * `inter_attention.…` for CMA. CMA acts in training only, so at inference A is a V-Net with
 * another decoder.
 */
export class CamlAuxiliaryVNet3d extends VNet3d {
  private readonly attention: CrossSampleAttention;

  constructor(options: VNet3dOptions) {
    super(options);
    const { width = 16, seed = 0 } = options;
    this.attention = new CrossSampleAttention(this.store, '', { channels: 8 * width, seed });
  }

  protected override createUpsampling(block: string, inChannels: number, outChannels: number): ConvBn {
    return {
      conv: this.store.conv(`block_${block}_up.conv.1`, [3, 3, 3], inChannels, outChannels),
      bn: this.store.batchNorm(`block_${block}_up.conv.2`, outChannels),
    };
  }

  protected override upsample(x: tf.Tensor5D, up: ConvBn, options: ForwardOptions): tf.Tensor5D {
    return this.runConvBn(upsampleTrilinear2x(x, true), up, options, (h, p) => conv3d(h, p, 1, 'same'));
  }

  protected override encoderStageOutput(index: number, h: tf.Tensor5D, options: ForwardOptions): tf.Tensor5D {
    return index === CMA_STAGE ? (this.attention.apply(h, options) as tf.Tensor5D) : h;
  }
}
