/**
 * tf.dropout(x, rate, undefined, seed), bit for bit, as one native pass (native/src/dropout.cc)
 * while the native kernels serve the cpu backend. tfjs draws the mask with seedrandom's Alea
 * generator in a JavaScript loop and then runs four elementwise kernels: a sixth of a small
 * U-Net step. Here the generator is seeded in TypeScript (aleaState: seedrandom's Mash and
 * seeding, the same double arithmetic) and advanced natively.
 */
import * as tf from '@tensorflow/tfjs-core';
import { allocateFloat32 } from './bufferPool.ts';
import { servingAddon, storedValues } from './nativeState.ts';

interface DropoutAddon {
  dropout(x: Float32Array, keep: number, state: number[], out: Float32Array, multiplier: Float32Array): void;
}

/**
 * [c, s0, s1, s2] of seedrandom's `alea(seed)` right after seeding (seedrandom/lib/alea.js):
 * Mash, with its state carried from call to call, hashes ' ' three times and then the seed
 * three times.
 */
export function aleaState(seed: string): [number, number, number, number] {
  let n = 0xefc8249d;
  const mash = (data: string) => {
    for (let i = 0; i < data.length; i++) {
      n += data.charCodeAt(i);
      let h = 0.02519603282416938 * n;
      n = h >>> 0;
      h -= n;
      h *= n;
      n = h >>> 0;
      h -= n;
      n += h * 0x100000000;
    }
    return (n >>> 0) * 2.3283064365386963e-10;
  };
  const s = [mash(' '), mash(' '), mash(' ')];
  for (let k = 0; k < 3; k++) {
    s[k]! -= mash(seed);
    if (s[k]! < 0) s[k]! += 1;
  }
  return [1, s[0]!, s[1]!, s[2]!];
}

/**
 * Element-wise dropout of a float32 tensor with tf.dropout's values and gradient for the same
 * `seed`; null where the native kernel is unavailable (the caller then uses tf.dropout).
 */
export function nativeDropout(x: tf.Tensor, rate: number, seed: number): tf.Tensor | null {
  const addon = servingAddon<DropoutAddon>('dropout');
  if (!addon || x.dtype !== 'float32' || !(rate > 0 && rate < 1) || x.size === 0) return null;
  const values = storedValues(x);
  if (!(values instanceof Float32Array)) return null;
  const apply = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const input = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const out = allocateFloat32(input.size);
    const multiplier = allocateFloat32(input.size);
    addon.dropout(values, 1 - rate, aleaState(String(seed)), out, multiplier);
    save([tf.tensor(multiplier, input.shape, 'float32')]);
    return { value: tf.tensor(out, input.shape, 'float32'), gradFunc: (dy: tf.Tensor, [m]: tf.Tensor[]) => tf.mul(dy, m) };
  });
  return apply(x);
}
