import * as tf from '@tensorflow/tfjs-core';
import type { Optimizer } from './optimizer.ts';
import type { OptimizerState } from './optimizerState.ts';
import { adamWUpdate, fusedOptimizerAvailable } from '../native/optimizerKernels.ts';

export interface AdamWOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Decoupled weight decay λ (PyTorch's default 0.01). */
  weightDecay?: number;
}

interface Moments {
  first: tf.Tensor;
  second: tf.Tensor;
  steps: number;
}

/**
 * torch.optim.AdamW (amsgrad off), per parameter with its own step count t:
 *   p ← p (1 − lr λ);  m ← β1 m + (1 − β1) g;  v ← β2 v + (1 − β2) g²;
 *   p ← p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε).
 * With the native kernels on the cpu backend each variable takes one fused in-place pass
 * (main/engine/native/optimizerKernels.ts), the same float32 operations as the tfjs ops here.
 */
export class AdamW implements Optimizer {
  learningRate: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly weightDecay: number;
  private readonly moments = new Map<tf.Variable, Moments>();

  constructor(
    private readonly variables: tf.Variable[],
    options: AdamWOptions,
  ) {
    this.learningRate = options.learningRate;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0.01;
  }

  step(grads: tf.NamedTensorMap): void {
    const { learningRate: lr, beta1, beta2, epsilon, weightDecay } = this;
    const fused = fusedOptimizerAvailable();
    tf.tidy(() => {
      for (const variable of this.variables) {
        const grad = grads[variable.name];
        if (!grad) continue;
        const previous = this.moments.get(variable);
        const steps = (previous?.steps ?? 0) + 1;
        const updated = fused ? adamWUpdate(variable, grad, previous, { learningRate: lr, beta1, beta2, epsilon, weightDecay, step: steps }) : null;
        if (updated) {
          if (previous && updated.first !== previous.first) previous.first.dispose();
          if (previous && updated.second !== previous.second) previous.second.dispose();
          this.moments.set(variable, { first: tf.keep(updated.first), second: tf.keep(updated.second), steps });
          continue;
        }
        const first = tf.add(tf.mul(previous?.first ?? tf.zerosLike(grad), beta1), tf.mul(grad, 1 - beta1));
        const second = tf.add(tf.mul(previous?.second ?? tf.zerosLike(grad), beta2), tf.mul(tf.square(grad), 1 - beta2));
        const denominator = tf.add(tf.div(tf.sqrt(second), Math.sqrt(1 - beta2 ** steps)), epsilon);
        const decayed = tf.mul(variable, 1 - lr * weightDecay);
        variable.assign(tf.sub(decayed, tf.mul(tf.div(first, denominator), lr / (1 - beta1 ** steps))));
        if (previous) tf.dispose([previous.first, previous.second]);
        this.moments.set(variable, { first: tf.keep(first), second: tf.keep(second), steps });
      }
    });
  }

  getState(): OptimizerState {
    const tensors = new Map<string, tf.Tensor>();
    const counters: Record<string, number> = {};
    this.variables.forEach((variable, i) => {
      const m = this.moments.get(variable);
      if (!m) return;
      tensors.set(`first/${i}`, tf.clone(m.first));
      tensors.set(`second/${i}`, tf.clone(m.second));
      counters[`steps/${i}`] = m.steps;
    });
    return { tensors, counters };
  }

  setState(state: OptimizerState): void {
    this.dispose();
    this.variables.forEach((variable, i) => {
      const first = state.tensors.get(`first/${i}`);
      const second = state.tensors.get(`second/${i}`);
      const steps = state.counters[`steps/${i}`];
      if (first && second && steps) this.moments.set(variable, { first: tf.clone(first), second: tf.clone(second), steps });
    });
  }

  dispose(): void {
    for (const { first, second } of this.moments.values()) tf.dispose([first, second]);
    this.moments.clear();
  }
}
