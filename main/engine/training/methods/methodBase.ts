/**
 * The checkpoint plumbing every method shares: its optimisers' states and its extra stateful
 * parts (a teacher, a second network, heads, a memory bank) are bundled into one state each,
 * with keys prefixed by the part's name, so a method only lists its parts.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '../../data/batch.ts';
import type { SegmentationModel } from '../../models/segmentationModel.ts';
import type { Optimizer } from '../../optim/optimizer.ts';
import { decodeOptimizerState, encodeOptimizerState, type OptimizerState } from '../../optim/optimizerState.ts';
import type { StepContext, StepLosses, TrainingMethod } from './trainingMethod.ts';

/** Anything with tensors to checkpoint: a network (weights) or a method's own buffers. */
export interface StatefulPart {
  /** Copies of the tensors by name; the caller disposes them. */
  getWeights(): Map<string, tf.Tensor>;
  setWeights(weights: Map<string, tf.Tensor>): void;
}

export abstract class MethodBase implements TrainingMethod {
  abstract readonly models: readonly SegmentationModel[];
  abstract readonly usesUnlabeled: boolean;
  /** The second trained network, where there is one. */
  get partner(): SegmentationModel | null {
    return this.models[1] ?? null;
  }
  get inference(): readonly SegmentationModel[] {
    return [this.models[0]!];
  }
  abstract step(labeled: Batch, unlabeled: Batch | null, context: StepContext): StepLosses;
  /** The method's optimisers by a stable name. */
  protected abstract optimizers(): Record<string, Optimizer>;
  /** Stateful parts besides models[0], by a stable name; none by default. */
  protected auxiliaryParts(): Record<string, StatefulPart> {
    return {};
  }
  /** Frees the networks and buffers; the optimisers are freed by dispose(). */
  protected abstract disposeParts(): void;

  async optimizerState(): Promise<Uint8Array> {
    const parts = Object.entries(this.optimizers()).map(([name, o]) => [name, o.getState()] as const);
    try {
      return await encodeOptimizerState(bundle(parts));
    } finally {
      for (const [, s] of parts) tf.dispose([...s.tensors.values()]);
    }
  }

  restoreOptimizerState(bytes: Uint8Array): void {
    const state = decodeOptimizerState(bytes);
    try {
      for (const [name, optimizer] of Object.entries(this.optimizers())) optimizer.setState(unbundle(state, name));
    } finally {
      tf.dispose([...state.tensors.values()]);
    }
  }

  async methodState(): Promise<Uint8Array | null> {
    const entries = Object.entries(this.auxiliaryParts());
    if (entries.length === 0) return null;
    const parts = entries.map(([name, p]) => [name, { tensors: p.getWeights(), counters: {} }] as const);
    try {
      return await encodeOptimizerState(bundle(parts));
    } finally {
      for (const [, s] of parts) tf.dispose([...s.tensors.values()]);
    }
  }

  restoreMethodState(bytes: Uint8Array): void {
    const state = decodeOptimizerState(bytes);
    try {
      for (const [name, part] of Object.entries(this.auxiliaryParts())) part.setWeights(unbundle(state, name).tensors);
    } finally {
      tf.dispose([...state.tensors.values()]);
    }
  }

  dispose(): void {
    for (const optimizer of Object.values(this.optimizers())) optimizer.dispose();
    this.disposeParts();
  }
}

function bundle(parts: ReadonlyArray<readonly [string, OptimizerState]>): OptimizerState {
  const tensors = new Map<string, tf.Tensor>();
  const counters: Record<string, number> = {};
  for (const [name, state] of parts) {
    for (const [key, t] of state.tensors) tensors.set(`${name}/${key}`, t);
    for (const [key, n] of Object.entries(state.counters)) counters[`${name}/${key}`] = n;
  }
  return { tensors, counters };
}

/** The part's entries with the prefix removed; the tensors stay owned by `state`. */
function unbundle(state: OptimizerState, name: string): OptimizerState {
  const prefix = `${name}/`;
  const tensors = new Map<string, tf.Tensor>();
  const counters: Record<string, number> = {};
  for (const [key, t] of state.tensors) if (key.startsWith(prefix)) tensors.set(key.slice(prefix.length), t);
  for (const [key, n] of Object.entries(state.counters)) if (key.startsWith(prefix)) counters[key.slice(prefix.length)] = n;
  return { tensors, counters };
}
