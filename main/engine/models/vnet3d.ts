import * as tf from '@tensorflow/tfjs-core';
import { batchNorm, type BatchNormParameters } from '../ops/batchNorm.ts';
import { channelDropout } from '../ops/channelDropout.ts';
import { Rng } from '../random/rng.ts';
import { conv3d, conv3dTranspose2x } from './convLayers.ts';
import type { ConvParameters } from './parameterStore.ts';
import { StoredParametersModel } from './storedParametersModel.ts';
import { assertInputShape, type ForwardOptions, type SegmentationModel } from './segmentationModel.ts';

export interface VNet3dOptions {
  numClasses: number;
  width?: number;
  inChannels?: number;
  seed?: number;
}

export interface ConvBn {
  conv: ConvParameters;
  bn: BatchNormParameters;
}

/** Reference blocks in module order: name, convs in the stage, channels / width, transition after it. */
const blocks: Array<[string, number, number, 'dw' | 'up' | null]> = [
  ['one', 1, 1, 'dw'],
  ['two', 2, 2, 'dw'],
  ['three', 3, 4, 'dw'],
  ['four', 3, 8, 'dw'],
  ['five', 3, 16, 'up'],
  ['six', 3, 8, 'up'],
  ['seven', 3, 4, 'up'],
  ['eight', 2, 2, 'up'],
  ['nine', 1, 1, null],
];
const dropoutRate = 0.5;

/**
 * The V-Net of the UA-MT / CAML / CrossMatch references (docs/methods.md §1):
 * stages of 1, 2, 3, 3, 3 [Conv3³ → BN → ReLU] at width × (1, 2, 4, 8, 16)
 * channels joined by k2 s2 convs; the decoder upsamples with k2 s2 transposed
 * convs, adds the skip, and runs stages of 3, 3, 2, 1 convs; a 1³ conv to the
 * classes. Channel dropout (p 0.5) on the bottleneck and on the last decoder
 * feature in training. 9,448,866 parameters at width 16 with 2 classes.
 */
export class VNet3d extends StoredParametersModel implements SegmentationModel {
  readonly kind = 'vnet3d';
  readonly numClasses: number;
  readonly width: number;
  readonly inChannels: number;
  readonly spatialMultiple = 16;
  private readonly dropoutRng: Rng;
  /** Stages one … nine. */
  private readonly stages: ConvBn[][] = [];
  /** block_one_dw … block_four_dw. */
  private readonly downs: ConvBn[] = [];
  /** block_five_up … block_eight_up. */
  private readonly ups: ConvBn[] = [];
  private readonly outConv: ConvParameters;

  constructor({ numClasses, width = 16, inChannels = 1, seed = 0 }: VNet3dOptions) {
    // Separate streams, so dropout masks do not depend on the parameter count.
    super(new Rng(seed).fork('init'));
    this.numClasses = numClasses;
    this.width = width;
    this.inChannels = inChannels;
    this.dropoutRng = new Rng(seed).fork('dropout');
    // Created in the reference's module order, so that one seed always gives
    // the same weights; within a block nn.Sequential numbers conv 3j, BN 3j + 1.
    for (const [block, depth, multiple, transition] of blocks) {
      const channels = multiple * width;
      this.stages.push(
        Array.from({ length: depth }, (_, j) => ({
          conv: this.store.conv(`block_${block}.conv.${3 * j}`, [3, 3, 3], block === 'one' && j === 0 ? inChannels : channels, channels),
          bn: this.store.batchNorm(`block_${block}.conv.${3 * j + 1}`, channels),
        })),
      );
      if (transition === 'dw') {
        this.downs.push({
          conv: this.store.conv(`block_${block}_dw.conv.0`, [2, 2, 2], channels, 2 * channels),
          bn: this.store.batchNorm(`block_${block}_dw.conv.1`, 2 * channels),
        });
      } else if (transition === 'up') {
        this.ups.push(this.createUpsampling(block, channels, channels / 2));
      }
    }
    this.outConv = this.store.conv('out_conv', [1, 1, 1], width, numClasses);
  }

  apply(x: tf.Tensor, options: ForwardOptions): tf.Tensor5D {
    return tf.tidy(() => this.decode(this.encode(x, options), options));
  }

  encode(x: tf.Tensor, options: ForwardOptions): tf.Tensor5D[] {
    assertInputShape(this, x);
    return tf.tidy(() => {
      const features: tf.Tensor5D[] = [];
      let h = x as tf.Tensor5D;
      for (let i = 0; i < 5; i++) {
        if (i > 0) h = this.runConvBn(h, this.downs[i - 1], options, (x, p) => conv3d(x, p, 2, 'valid'));
        h = this.encoderStageOutput(i, this.runStage(h, this.stages[i], options), options);
        features.push(h);
      }
      features[4] = this.dropout(features[4], options);
      return features;
    });
  }

  decode(features: tf.Tensor[], options: ForwardOptions): tf.Tensor5D {
    return tf.tidy(() => this.decodeWithFeature(features, options).logits);
  }

  decodeWithFeature(features: tf.Tensor[], options: ForwardOptions): { logits: tf.Tensor5D; feature: tf.Tensor5D } {
    return tf.tidy(() => {
      let h = features[4] as tf.Tensor5D;
      for (let i = 0; i < 4; i++) {
        const up = this.upsample(h, this.ups[i], options);
        h = this.runStage(tf.add(up, features[3 - i] as tf.Tensor5D), this.stages[5 + i], options);
      }
      const feature = options.decoderDropout === false ? h : this.dropout(h, options);
      return { logits: conv3d(feature, this.outConv, 1, 'valid'), feature };
    });
  }

  /**
   * Parameters of the ×2 upsampling after decoder stage `block` (`five` … `eight`): a k2 s2
   * transposed conv → BN here. Runs inside the constructor, so an override may use only
   * `this.store`.
   */
  protected createUpsampling(block: string, inChannels: number, outChannels: number): ConvBn {
    return {
      conv: this.store.convTranspose(`block_${block}_up.conv.0`, [2, 2, 2], inChannels, outChannels),
      bn: this.store.batchNorm(`block_${block}_up.conv.1`, outChannels),
    };
  }

  /** ×2 upsampling with parameters from createUpsampling: transposed conv → BN → ReLU here. */
  protected upsample(x: tf.Tensor5D, up: ConvBn, options: ForwardOptions): tf.Tensor5D {
    return this.runConvBn(x, up, options, conv3dTranspose2x);
  }

  /**
   * The output of encoder stage `index` (0-based), before it becomes a skip and is
   * downsampled; unchanged here, a place for subclasses to act on encoder features.
   */
  protected encoderStageOutput(_index: number, h: tf.Tensor5D, _options: ForwardOptions): tf.Tensor5D {
    return h;
  }

  protected runConvBn(
    x: tf.Tensor5D,
    { conv, bn }: ConvBn,
    options: ForwardOptions,
    convolve: (x: tf.Tensor5D, p: ConvParameters) => tf.Tensor5D,
  ): tf.Tensor5D {
    return tf.relu(batchNorm(convolve(x, conv), bn, options)) as tf.Tensor5D;
  }

  private runStage(x: tf.Tensor5D, stage: ConvBn[], options: ForwardOptions): tf.Tensor5D {
    return stage.reduce((h, layer) => this.runConvBn(h, layer, options, (x, p) => conv3d(x, p, 1, 'same')), x);
  }

  private dropout(x: tf.Tensor5D, options: ForwardOptions): tf.Tensor5D {
    return options.training ? (channelDropout(x, dropoutRate, this.dropoutRng.int(2 ** 31)) as tf.Tensor5D) : x;
  }
}
