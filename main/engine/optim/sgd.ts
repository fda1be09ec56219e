import * as tf from '@tensorflow/tfjs-core';
import type { Optimizer } from './optimizer.ts';
import type { OptimizerState } from './optimizerState.ts';
import { fusedOptimizerAvailable, sgdUpdate } from '../native/optimizerKernels.ts';

export interface SgdOptions {
  learningRate: number;
  momentum?: number;
  nesterov?: boolean;
  /** L2 penalty added to the gradient (PyTorch's coupled weight_decay). */
  weightDecay?: number;
}

/**
 * torch.optim.SGD (dampening 0):
 *   d = g + λ p;  b = d on the first step, else μ b + d;
 *   d = d + μ b with Nesterov, else b;  p ← p − lr d.
 * With the native kernels on the cpu backend each variable takes one fused in-place pass
 * (main/engine/native/optimizerKernels.ts), the same float32 operations as the tfjs ops here.
 */
export class Sgd implements Optimizer {
  learningRate: number;
  private readonly momentum: number;
  private readonly nesterov: boolean;
  private readonly weightDecay: number;
  private readonly buffers = new Map<tf.Variable, tf.Tensor>();

  constructor(
    private readonly variables: tf.Variable[],
    options: SgdOptions,
  ) {
    this.learningRate = options.learningRate;
    this.momentum = options.momentum ?? 0;
    this.nesterov = options.nesterov ?? false;
    this.weightDecay = options.weightDecay ?? 0;
    if (this.nesterov && this.momentum <= 0) throw new Error('Nesterov momentum requires momentum > 0');
  }

  step(grads: tf.NamedTensorMap): void {
    const fused = fusedOptimizerAvailable();
    tf.tidy(() => {
      for (const variable of this.variables) {
        const grad = grads[variable.name];
        if (!grad) continue;
        if (fused && this.fusedStep(variable, grad)) continue;
        let direction = this.weightDecay ? tf.add(grad, tf.mul(variable, this.weightDecay)) : grad;
        if (this.momentum) {
          const previous = this.buffers.get(variable);
          const buffer = tf.keep(previous ? tf.add(tf.mul(previous, this.momentum), direction) : tf.clone(direction));
          previous?.dispose();
          this.buffers.set(variable, buffer);
          direction = this.nesterov ? tf.add(direction, tf.mul(buffer, this.momentum)) : buffer;
        }
        variable.assign(tf.sub(variable, tf.mul(direction, this.learningRate)));
      }
    });
  }

  private fusedStep(variable: tf.Variable, grad: tf.Tensor): boolean {
    const previous = this.buffers.get(variable);
    const result = sgdUpdate(variable, grad, previous, {
      learningRate: this.learningRate,
      momentum: this.momentum,
      nesterov: this.nesterov,
      weightDecay: this.weightDecay,
    });
    if (!result) return false;
    if (result.buffer && result.buffer !== previous) {
      previous?.dispose();
      this.buffers.set(variable, tf.keep(result.buffer));
    }
    return true;
  }

  getState(): OptimizerState {
    const tensors = new Map<string, tf.Tensor>();
    this.variables.forEach((variable, i) => {
      const buffer = this.buffers.get(variable);
      if (buffer) tensors.set(`momentum/${i}`, tf.clone(buffer));
    });
    return { tensors, counters: {} };
  }

  setState(state: OptimizerState): void {
    this.dispose();
    this.variables.forEach((variable, i) => {
      const buffer = state.tensors.get(`momentum/${i}`);
      if (buffer) this.buffers.set(variable, tf.clone(buffer));
    });
  }

  dispose(): void {
    for (const buffer of this.buffers.values()) buffer.dispose();
    this.buffers.clear();
  }
}
