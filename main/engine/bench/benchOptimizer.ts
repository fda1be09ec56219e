import type * as tf from '@tensorflow/tfjs-core';
import type { NetworkKind } from '../../../shared/networks.ts';
import { AdamW } from '../optim/adamW.ts';
import type { Optimizer } from '../optim/optimizer.ts';
import { Sgd } from '../optim/sgd.ts';

/** The optimiser the step benchmarks time (bench:cpu, bench:gpu, and PyTorch's side): SGD with Nesterov momentum for the 2-D net, AdamW for the 3-D one, as CrossMatch's. */
export function benchOptimizer(kind: NetworkKind, variables: tf.Variable[]): Optimizer {
  return kind === 'unet2d'
    ? new Sgd(variables, { learningRate: 0.01, momentum: 0.9, nesterov: true, weightDecay: 1e-4 })
    : new AdamW(variables, { learningRate: 1e-3, weightDecay: 1e-4 });
}
