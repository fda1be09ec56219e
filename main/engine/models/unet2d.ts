import * as tf from '@tensorflow/tfjs-core';
import { nativeDropout } from '../native/dropoutKernel.ts';
import { batchNorm, type BatchNormParameters } from '../ops/batchNorm.ts';
import { upsampleBilinear2x } from '../ops/upsampleBilinear.ts';
import { Rng } from '../random/rng.ts';
import { conv2d } from './convLayers.ts';
import type { ConvParameters } from './parameterStore.ts';
import { StoredParametersModel } from './storedParametersModel.ts';
import { assertInputShape, type ForwardOptions, type SegmentationModel } from './segmentationModel.ts';

export interface UNet2dOptions {
  numClasses: number;
  width?: number;
  inChannels?: number;
  seed?: number;
}

/** Conv3×3 → BN → LeakyReLU → Dropout(p) → Conv3×3 → BN → LeakyReLU. */
interface ConvBlock {
  conv1: ConvParameters;
  bn1: BatchNormParameters;
  conv2: ConvParameters;
  bn2: BatchNormParameters;
  dropout: number;
}

interface UpBlock {
  /** The parameters of upsample(). */
  up: ConvParameters;
  block: ConvBlock;
}

const encoderDropout = [0.05, 0.1, 0.2, 0.3, 0.5];
const leakySlope = 0.01;

/**
 * The 2-D U-Net of the SSL4MIS reference (docs/methods.md §1): encoder blocks at
 * width × (1, 2, 4, 8, 16) channels with max-pool downsampling; each decoder
 * step is a 1×1 conv to the skip's channels, bilinear ×2 (align corners),
 * concatenation [skip, up] and a block without dropout; a 3×3 conv to the
 * classes. 1,813,764 parameters at width 16 with 4 classes.
 */
export class UNet2d extends StoredParametersModel implements SegmentationModel {
  readonly kind = 'unet2d';
  readonly numClasses: number;
  readonly width: number;
  readonly inChannels: number;
  readonly spatialMultiple = 16;
  private readonly dropoutRng: Rng;
  private readonly encoderBlocks: ConvBlock[];
  private readonly upBlocks: UpBlock[];
  private readonly outConv: ConvParameters;

  constructor({ numClasses, width = 16, inChannels = 1, seed = 0 }: UNet2dOptions) {
    // Separate streams, so dropout masks do not depend on the parameter count.
    super(new Rng(seed).fork('init'));
    this.numClasses = numClasses;
    this.width = width;
    this.inChannels = inChannels;
    this.dropoutRng = new Rng(seed).fork('dropout');
    const channels = [1, 2, 4, 8, 16].map((m) => m * width);
    this.encoderBlocks = channels.map((out, i) =>
      this.convBlock(
        i === 0 ? 'encoder.in_conv.conv_conv' : `encoder.down${i}.maxpool_conv.1.conv_conv`,
        i === 0 ? inChannels : channels[i - 1],
        out,
        encoderDropout[i],
      ),
    );
    this.upBlocks = [1, 2, 3, 4].map((k) => {
      const [deep, skip] = [channels[5 - k], channels[4 - k]];
      return {
        up: this.createUpsampling(`decoder.up${k}`, deep, skip),
        block: this.convBlock(`decoder.up${k}.conv.conv_conv`, 2 * skip, skip, 0),
      };
    });
    this.outConv = this.store.conv('decoder.out_conv', [3, 3], width, numClasses);
  }

  apply(x: tf.Tensor, options: ForwardOptions): tf.Tensor4D {
    return tf.tidy(() => this.decode(this.encode(x, options), options));
  }

  encode(x: tf.Tensor, options: ForwardOptions): tf.Tensor4D[] {
    assertInputShape(this, x);
    return tf.tidy(() => {
      const features: tf.Tensor4D[] = [];
      let h = x as tf.Tensor4D;
      this.encoderBlocks.forEach((block, i) => {
        h = this.encoderStageOutput(i, this.runBlock(i === 0 ? h : tf.maxPool(h, 2, 2, 'valid'), block, options), options);
        features.push(h);
      });
      return features;
    });
  }

  decode(features: tf.Tensor[], options: ForwardOptions): tf.Tensor4D {
    return tf.tidy(() => this.decodeWithFeature(features, options).logits);
  }

  decodeWithFeature(features: tf.Tensor[], options: ForwardOptions): { logits: tf.Tensor4D; feature: tf.Tensor4D } {
    return tf.tidy(() => {
      let h = features[4] as tf.Tensor4D;
      this.upBlocks.forEach(({ up: upParameters, block }, i) => {
        const up = this.upsample(h, upParameters);
        h = this.runBlock(tf.concat([features[3 - i] as tf.Tensor4D, up], 3), block, options);
      });
      return { logits: conv2d(h, this.outConv, 1, 'same'), feature: h };
    });
  }

  /**
   * Parameters of decoder step `prefix` (`decoder.up1` … `up4`) that bring the deeper feature
   * to the skip's channels and resolution: a 1×1 conv here. Runs inside the constructor, so
   * an override may use only `this.store`.
   */
  protected createUpsampling(prefix: string, deepChannels: number, skipChannels: number): ConvParameters {
    return this.store.conv(`${prefix}.conv1x1`, [1, 1], deepChannels, skipChannels);
  }

  /** ×2 upsampling with parameters from createUpsampling: 1×1 conv, then bilinear (align corners) here. */
  protected upsample(x: tf.Tensor4D, p: ConvParameters): tf.Tensor4D {
    return upsampleBilinear2x(conv2d(x, p, 1, 'same'));
  }

  /**
   * The output of encoder block `index` (0-based), before it becomes a skip and is pooled;
   * unchanged here, a place for subclasses to act on encoder features.
   */
  protected encoderStageOutput(_index: number, h: tf.Tensor4D, _options: ForwardOptions): tf.Tensor4D {
    return h;
  }

  // PyTorch nn.Sequential indices: conv 0, BN 1, (LeakyReLU 2, Dropout 3), conv 4, BN 5.
  private convBlock(prefix: string, inChannels: number, outChannels: number, dropout: number): ConvBlock {
    return {
      conv1: this.store.conv(`${prefix}.0`, [3, 3], inChannels, outChannels),
      bn1: this.store.batchNorm(`${prefix}.1`, outChannels),
      conv2: this.store.conv(`${prefix}.4`, [3, 3], outChannels, outChannels),
      bn2: this.store.batchNorm(`${prefix}.5`, outChannels),
      dropout,
    };
  }

  private runBlock(x: tf.Tensor4D, block: ConvBlock, options: ForwardOptions): tf.Tensor4D {
    let h = tf.leakyRelu(batchNorm(conv2d(x, block.conv1, 1, 'same'), block.bn1, options), leakySlope) as tf.Tensor4D;
    if (options.training && block.dropout > 0) {
      const seed = this.dropoutRng.int(2 ** 31);
      // the native pass gives tf.dropout's exact values and gradient, several times faster
      h = (nativeDropout(h, block.dropout, seed) ?? tf.dropout(h, block.dropout, undefined, seed)) as tf.Tensor4D;
    }
    return tf.leakyRelu(batchNorm(conv2d(h, block.conv2, 1, 'same'), block.bn2, options), leakySlope) as tf.Tensor4D;
  }
}
