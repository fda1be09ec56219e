/**
 * Segments one scan with a trained model: the training normalisation, then slice-by-slice
 * (2D) or sliding-window (3D) inference, and class indices mapped back to the project's raw
 * label values.
 */
import * as tf from '@tensorflow/tfjs-core';
import { zscoreNormalize } from '../data/zscoreNormalize.ts';
import type { Shape3 } from '../data/volume.ts';
import { inferSlices } from '../inference/sliceInference.ts';
import type { Segmentation } from '../inference/segmentation.ts';
import { defaultStride, slidingWindow3d } from '../inference/slidingWindow3d.ts';
import { createModel } from '../models/createModel.ts';
import { decodeWeightsFile, loadWeights } from '../models/weightsFile.ts';
import { ensemble, type Predictor } from '../inference/ensemble.ts';
import type { SegmentationModel } from '../models/segmentationModel.ts';
import type { ModelMeta, TrainedModel } from '../training/trainRequest.ts';

export interface PredictOptions {
  /** Called after each batch of slices or windows with the number done and the total. */
  onProgress?(done: number, total: number): void;
  /** Slices (2D) or windows (3D) per model call; defaults 4 and 1. */
  batchSize?: number;
  /** 3D window step `[si, sj, sk]`; see {@link windowStride} for the default. */
  stride?: Shape3;
}

export interface Prediction {
  /** Raw class value per voxel (NIfTI voxel order). */
  labels: Uint8Array;
  /** Softmax probabilities, class-planar: `probabilities[c * N + v]`. */
  probabilities: Float32Array;
  /** Raw class value of each probability plane; classValues[0] = 0 (background). */
  classValues: number[];
}

/**
 * @param image scaled intensities in NIfTI voxel order, as given to training (normalised here).
 * @param shape `[ni, nj, nk]`; any size: inference pads to the network's multiple and crops back.
 */
export async function predictVolume(trained: TrainedModel, image: Float32Array, shape: Shape3, options: PredictOptions = {}): Promise<Prediction> {
  const { meta } = trained;
  checkMeta(meta);
  // A model with partners predicts with the mean softmax of all its networks (inference/ensemble.ts).
  const networks: SegmentationModel[] = [];
  try {
    for (const weights of [trained.weights, ...(trained.partners ?? [])]) {
      const network = createModel({ kind: meta.kind, numClasses: meta.numClasses, width: meta.width });
      networks.push(network);
      loadWeights(network, decodeWeightsFile(weights));
    }
    const segmentation = await segment(ensemble(networks), networks[0]!.spatialMultiple, meta, zscoreNormalize(image), shape, options);
    const labels = new Uint8Array(segmentation.labels.length);
    for (let v = 0; v < labels.length; v++) labels[v] = meta.classValues[segmentation.labels[v]!]!;
    return { labels, probabilities: segmentation.probabilities, classValues: [...meta.classValues] };
  } finally {
    for (const network of networks) network.dispose();
  }
}

function segment(model: Predictor, multiple: number, meta: ModelMeta, image: Float32Array, shape: Shape3, options: PredictOptions): Promise<Segmentation> {
  const logits = (x: tf.Tensor) => model.apply(x, { training: false });
  const { batchSize, onProgress } = options;
  if (meta.kind === 'unet2d') {
    return inferSlices(logits, image, shape, { axis: meta.axis!, batchSize, multiple, onProgress });
  }
  const patchSize = meta.patchSize!;
  return slidingWindow3d(logits, image, shape, { patchSize, stride: options.stride ?? windowStride(patchSize), batchSize, onProgress });
}

/**
 * The reference stride (1/6 of the patch in-plane, 1/20 across slices) places ~60,000
 * windows on a 181×217×181 scan with a 48×48×32 patch: hours of forward passes on the
 * pure-JS cpu backend (~0.5 s per window). There the default is half the patch (nnU-Net's
 * overlap), ~700 windows; faster backends keep the reference's.
 */
export function windowStride(patchSize: Shape3): Shape3 {
  if (tf.getBackend() !== 'cpu') return defaultStride(patchSize);
  return patchSize.map((p) => Math.max(1, Math.floor(p / 2))) as unknown as Shape3;
}

function checkMeta(meta: ModelMeta): void {
  if (meta.normalization !== 'zscore-nonzero') throw new Error(`unsupported normalisation "${meta.normalization as string}"`);
  if (meta.classValues.length !== meta.numClasses) {
    throw new Error(`model meta lists ${meta.classValues.length} class values for ${meta.numClasses} classes`);
  }
  if (meta.kind === 'unet2d' && !meta.axis) throw new Error('a unet2d model needs its slice axis in the meta');
  if (meta.kind === 'vnet3d' && !meta.patchSize) throw new Error('a vnet3d model needs its patch size in the meta');
}
