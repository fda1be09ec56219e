import * as tf from '@tensorflow/tfjs-core';
import { CrossSampleAttention } from '../ssl/crossSampleAttention.ts';
import type { ConvParameters } from './parameterStore.ts';
import type { ForwardOptions } from './segmentationModel.ts';
import { UNet2d, type UNet2dOptions } from './unet2d.ts';

/** 0-based encoder block whose output CMA transforms (the reference's insert_idx 4). */
const CMA_STAGE = 3;

/**
 * CAML's auxiliary network A in 2D. The reference has no 2D CAML; this is the 3D design
 * carried over to the U-Net: the U-Net encoder with Cross-sample Mutual Attention on the
 * output of its 4th block (8 × width channels), feeding both the skip and the max-pool; and
 * a decoder whose upsampling differs from V's. V (the SSL4MIS U-Net) already upsamples by
 * 1×1 conv + bilinear ×2, so A takes the other upsampling of the reference code's U-Net
 * (`UpBlock` mode_upsampling 0, as MC-Net's 2D pair of decoders): a k2 s2 transposed conv
 * from the deeper channels to the skip's, named `decoder.upK.up`. As in 3D, the two
 * networks then differ in their upsampling, and CMA (training only) sets A apart further.
 */
export class CamlAuxiliaryUNet2d extends UNet2d {
  private readonly attention: CrossSampleAttention;

  constructor(options: UNet2dOptions) {
    super(options);
    const { width = 16, seed = 0 } = options;
    this.attention = new CrossSampleAttention(this.store, 'encoder', { channels: 8 * width, seed });
  }

  protected override createUpsampling(prefix: string, deepChannels: number, skipChannels: number): ConvParameters {
    return this.store.convTranspose(`${prefix}.up`, [2, 2], deepChannels, skipChannels);
  }

  protected override upsample(x: tf.Tensor4D, { weight, bias }: ConvParameters): tf.Tensor4D {
    const [batch, height, width] = x.shape;
    const channels = (weight as tf.Tensor4D).shape[2];
    return tf.add(tf.conv2dTranspose(x, weight as tf.Tensor4D, [batch, 2 * height, 2 * width, channels], 2, 'valid'), bias);
  }

  protected override encoderStageOutput(index: number, h: tf.Tensor4D, options: ForwardOptions): tf.Tensor4D {
    return index === CMA_STAGE ? (this.attention.apply(h, options) as tf.Tensor4D) : h;
  }
}
