import * as tf from '@tensorflow/tfjs-core';
import { binaryGradients } from './gradients/binaryGradients.ts';
import { conv3dTransposeGradient } from './gradients/conv3dTransposeGradient.ts';
import { nnGradients } from './gradients/nnGradients.ts';
import { reductionGradients } from './gradients/reductionGradients.ts';
import { shapeGradients } from './gradients/shapeGradients.ts';
import { unaryGradients } from './gradients/unaryGradients.ts';
import { zeroGradients } from './gradients/zeroGradients.ts';

const gradients: tf.GradConfig[] = [
  ...unaryGradients,
  ...binaryGradients,
  ...reductionGradients,
  ...shapeGradients,
  ...nnGradients,
  ...zeroGradients,
  conv3dTransposeGradient,
];

/**
 * Installs the gradients the engine trains with, on every backend.
 *
 * `@tensorflow/tfjs-core` on its own registers no gradients at all in Node
 * (they come with the `@tensorflow/tfjs` union bundle, which is not a
 * dependency), and even that set lacks Conv3DBackpropInputV2 and breaks on
 * broadcast Maximum/BatchMatMul and rank-5 tile. These are ours, each checked
 * against finite differences; they replace whatever was registered before so
 * that every backend trains with the same, tested gradient code. Safe to call
 * repeatedly.
 */
export function registerGradients(): void {
  for (const config of gradients) tf.registerGradient(config);
}
