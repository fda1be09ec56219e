/**
 * The Mean-Teacher input perturbation (UA-MT and SSL4MIS code): `x + clamp(N(0, σ²), -2σ, 2σ)`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random/rng.ts';

/**
 * @param x images of any shape.
 * @param sd σ; 0 returns a copy of x.
 * @param rng the step's stream; the noise is a function of its key and x's size only.
 * @returns a new tensor the caller disposes.
 */
export function teacherNoise(x: tf.Tensor, sd: number, rng: Rng): tf.Tensor {
  if (!(sd >= 0)) throw new RangeError(`noise standard deviation must be ≥ 0, got ${sd}`);
  const noise = new Float32Array(x.size);
  const limit = 2 * sd;
  for (let i = 0; i < noise.length; i++) noise[i] = Math.min(Math.max(rng.normal(0, sd), -limit), limit);
  return tf.tidy(() => tf.add(x, tf.tensor(noise, x.shape, 'float32')));
}
