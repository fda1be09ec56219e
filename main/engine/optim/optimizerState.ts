import * as tf from '@tensorflow/tfjs-core';
import { decodeFrame, encodeFrame } from '../../../shared/wire.ts';

/**
 * An optimiser's state between steps — momentum buffers, Adam moments and step counts — keyed
 * by the variable's position in the optimiser's variable list, so it restores onto a freshly
 * built network of the same architecture.
 */
export interface OptimizerState {
  tensors: Map<string, tf.Tensor>;
  counters: Record<string, number>;
}

/** Bytes for a checkpoint; reads the tensors back once (asynchronously, as the webgpu backend must), does not dispose them. */
export async function encodeOptimizerState(state: OptimizerState): Promise<Uint8Array> {
  const entries = [...state.tensors];
  const values = await Promise.all(entries.map(([, t]) => t.data()));
  const tensors = entries.map(([key, t], i) => ({ key, shape: t.shape, data: Float32Array.from(values[i] as Float32Array).buffer }));
  return new Uint8Array(encodeFrame({ format: 'atrium-optimizer-state', version: 1, tensors, counters: state.counters }));
}

/** The state from encodeOptimizerState; the caller owns (and disposes) the tensors. */
export function decodeOptimizerState(bytes: Uint8Array): OptimizerState {
  const v = decodeFrame(bytes) as {
    format: string;
    version: number;
    tensors: { key: string; shape: number[]; data: ArrayBuffer }[];
    counters: Record<string, number>;
  };
  if (v.format !== 'atrium-optimizer-state' || v.version !== 1) throw new Error('not an Atrium optimiser state');
  return { tensors: new Map(v.tensors.map((t) => [t.key, tf.tensor(new Float32Array(t.data), t.shape)])), counters: v.counters };
}
