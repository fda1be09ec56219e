import type * as tf from '@tensorflow/tfjs-core';
import { ParameterStore } from './parameterStore.ts';
import type { Rng } from '../random/rng.ts';

/** What every network built on a ParameterStore shares: its variables, their count, saving and freeing them. */
export abstract class StoredParametersModel {
  protected readonly store: ParameterStore;

  protected constructor(initRng: Rng) {
    this.store = new ParameterStore(initRng);
  }

  trainableVariables(): tf.Variable[] {
    return this.store.trainableVariables();
  }

  parameterCount(): number {
    return this.store.parameterCount();
  }

  getWeights(): Map<string, tf.Tensor> {
    return this.store.getWeights();
  }

  setWeights(weights: Map<string, tf.Tensor>): void {
    this.store.setWeights(weights);
  }

  dispose(): void {
    this.store.dispose();
  }
}
