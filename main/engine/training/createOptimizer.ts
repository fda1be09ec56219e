/**
 * The engine optimiser a resolved configuration names, over the given variables.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { AdamW } from '../optim/adamW.ts';
import type { Optimizer } from '../optim/optimizer.ts';
import { Sgd } from '../optim/sgd.ts';
import type { OptimizerConfig } from './trainRequest.ts';

export function createOptimizer(config: OptimizerConfig, variables: tf.Variable[]): Optimizer {
  switch (config.name) {
    case 'sgd':
      return new Sgd(variables, config);
    case 'adamw':
      return new AdamW(variables, config);
  }
}
