/**
 * Fused, in-place optimiser updates on the addon (native/src/optim.cc) for main/engine/optim/:
 * one native pass per variable instead of eight (SGD with Nesterov momentum and weight decay)
 * to twelve (AdamW) tfjs ops, each of which allocates a parameter-sized array. The optimisers
 * call these while the native kernels are installed on the cpu backend and keep their tfjs ops
 * otherwise (every function here returns `null` then, or for non-float32 operands).
 *
 * The update writes into the backend's own arrays of the variable and of the optimiser state
 * where nothing else can see them: arrays this module made (bufferPool.ts tracks them), never
 * read out with dataSync/data since, under no other tensor (refCount 1: a clone, a reshape or
 * a variable made from a tensor still alive shares the data). Otherwise, as on a variable's
 * first step (its array may be the caller's, passed to tf.tensor), it writes a fresh copy and
 * moves the variable to it with assign() (and returns a new state tensor), so no tensor and no
 * array read out before ever sees a value change.
 */
import * as tf from '@tensorflow/tfjs-core';
import { allocateFloat32, isPrivateArray } from './bufferPool.ts';
import { servingAddon } from './nativeState.ts';

interface OptimizerAddon {
  sgdUpdate(p: Float32Array, g: Float32Array, buffer: Float32Array | null, lr: number, momentum: number, weightDecay: number, nesterov: boolean): void;
  adamWUpdate(
    p: Float32Array,
    g: Float32Array,
    m: Float32Array,
    v: Float32Array,
    beta1: number,
    oneMinusBeta1: number,
    beta2: number,
    oneMinusBeta2: number,
    biasCorrection2Sqrt: number,
    epsilon: number,
    decay: number,
    stepSize: number,
  ): void;
}

type CpuData = { values?: unknown; refCount?: number };
type CpuBackend = { data: { get(dataId: unknown): CpuData | undefined } };

const optimizerAddon = () => servingAddon<OptimizerAddon>('sgdUpdate', 'adamWUpdate');

/** Whether sgdUpdate/adamWUpdate will run (the native kernels are installed on cpu). */
export function fusedOptimizerAvailable(): boolean {
  return optimizerAddon() !== null;
}

function entry(t: tf.Tensor): CpuData | undefined {
  return (tf.backend() as unknown as CpuBackend).data.get(t.dataId);
}

/** The backend's float32 array of `t` (not a copy); null where it holds another type. */
function readable(t: tf.Tensor): Float32Array | null {
  if (t.dtype !== 'float32') return null;
  const values = entry(t)?.values;
  return values instanceof Float32Array && values.length === t.size ? values : null;
}

/** The backend's array of `t` where nothing else can see it, else a copy to write into. */
function writable(t: tf.Tensor): { values: Float32Array; inPlace: boolean } {
  const data = entry(t);
  const values = data?.values;
  if (values instanceof Float32Array && data?.refCount === 1 && isPrivateArray(values)) return { values, inPlace: true };
  const copy = allocateFloat32(t.size);
  copy.set(values instanceof Float32Array ? values : (t.dataSync() as ArrayLike<number>));
  return { values: copy, inPlace: false };
}

/** A zeroed state array (the moments and momentum buffer before the first step). */
function zeros(size: number): { values: Float32Array; inPlace: boolean } {
  return { values: allocateFloat32(size).fill(0), inPlace: false };
}

/** Points `variable` at `values` unless they already are its own array. */
function commit(variable: tf.Variable, target: { values: Float32Array; inPlace: boolean }): void {
  if (target.inPlace) return;
  const updated = tf.tensor(target.values, variable.shape, 'float32');
  variable.assign(updated);
  updated.dispose();
}

/** A state tensor holding `target`: `state` itself when updated in place, else a new tensor. */
function stateTensor(state: tf.Tensor | undefined, target: { values: Float32Array; inPlace: boolean }, shape: number[]): tf.Tensor {
  return state && target.inPlace ? state : tf.tensor(target.values, shape, 'float32');
}

export interface SgdUpdateOptions {
  learningRate: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
}

/**
 * One torch.optim.SGD step of `variable` (see main/engine/optim/sgd.ts) from `grad` and the
 * momentum buffer (undefined before the first step). Returns the momentum buffer to keep
 * (`buffer` itself, updated, or a new tensor the caller owns; undefined without momentum), or
 * null where the fused kernel is unavailable and nothing was changed. The caller disposes a
 * replaced buffer.
 */
export function sgdUpdate(
  variable: tf.Variable,
  grad: tf.Tensor,
  buffer: tf.Tensor | undefined,
  options: SgdUpdateOptions,
): { buffer: tf.Tensor | undefined } | null {
  const addon = optimizerAddon();
  const g = addon && grad.size === variable.size ? readable(grad) : null;
  if (!addon || !g || variable.dtype !== 'float32' || (buffer && buffer.dtype !== 'float32')) return null;
  const p = writable(variable);
  const b = options.momentum > 0 ? (buffer ? writable(buffer) : zeros(variable.size)) : null;
  addon.sgdUpdate(p.values, g, b?.values ?? null, options.learningRate, options.momentum, options.weightDecay, options.nesterov);
  commit(variable, p);
  return { buffer: b ? stateTensor(buffer, b, variable.shape) : undefined };
}

export interface AdamWUpdateOptions {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
  /** This step's count t, 1 on the first step. */
  step: number;
}

/**
 * One torch.optim.AdamW step of `variable` (see main/engine/optim/adamW.ts) from `grad` and the
 * moments (undefined before the first step). Returns the moments to keep (the given tensors,
 * updated, or new ones the caller owns), or null where the fused kernel is unavailable and
 * nothing was changed. The caller disposes replaced moments.
 */
export function adamWUpdate(
  variable: tf.Variable,
  grad: tf.Tensor,
  moments: { first: tf.Tensor; second: tf.Tensor } | undefined,
  options: AdamWUpdateOptions,
): { first: tf.Tensor; second: tf.Tensor } | null {
  const addon = optimizerAddon();
  const g = addon && grad.size === variable.size ? readable(grad) : null;
  if (!addon || !g || variable.dtype !== 'float32' || (moments && (moments.first.dtype !== 'float32' || moments.second.dtype !== 'float32'))) {
    return null;
  }
  const { learningRate: lr, beta1, beta2, epsilon, weightDecay, step } = options;
  const p = writable(variable);
  const m = moments ? writable(moments.first) : zeros(variable.size);
  const v = moments ? writable(moments.second) : zeros(variable.size);
  // The scalars as adamW.ts computes them in double before tfjs rounds them to float32.
  addon.adamWUpdate(
    p.values,
    g,
    m.values,
    v.values,
    beta1,
    1 - beta1,
    beta2,
    1 - beta2,
    Math.sqrt(1 - beta2 ** step),
    epsilon,
    1 - lr * weightDecay,
    lr / (1 - beta1 ** step),
  );
  commit(variable, p);
  return { first: stateTensor(moments?.first, m, variable.shape), second: stateTensor(moments?.second, v, variable.shape) };
}
