/**
 * Image-level strong perturbation of unlabelled views (docs/methods.md §2), as CrossMatch's data
 * loaders draw it: ColorJitter brightness and contrast on 2D slices (ACDC), TorchIO's
 * RandomBiasField + RandomGamma on 3D patches (LA), then RandomBlur / Gaussian blur. Every
 * sample of a batch draws its own parameters.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random/rng.ts';

/** Polynomial order of the 3D bias field (TorchIO's default, as the LA reference uses it). */
export const BIAS_FIELD_ORDER = 3;

/** The parameters one sample was perturbed with; an absent field means that step was skipped. */
export interface StrongPerturbationDraw {
  /** 2D: brightness factor b and contrast factor c, each U(0.5, 1.5). */
  brightnessContrast?: [number, number];
  /** 3D: bias-field polynomial coefficients, each U(-0.5, 0.5), in biasField's term order. */
  biasField?: number[];
  /** 3D: gamma exponent γ, log γ ~ U(-0.5, 0.5); drawn together with the bias field. */
  gamma?: number;
  /** Gaussian blur σ per spatial axis in voxels, U(0.1, 2): one σ for all axes in 2D, one per axis in 3D. */
  blurSigma?: number[];
}

/** Number of monomials x^i y^j z^k with i + j + k ≤ order in `dims` variables. */
export function biasFieldTerms(order: number, dims: number): number {
  let n = 1;
  for (let i = 1; i <= dims; i++) n = (n * (order + i)) / i;
  return Math.round(n);
}

/**
 * Draws the perturbation of one sample.
 *
 * 2D (the ACDC reference's `ColorJitter(0.5, 0.5, 0.5, 0.25)` with p 0.8 on a grayscale slice,
 * where saturation and hue do nothing): brightness and contrast factors U(0.5, 1.5); then with
 * p 0.5 an isotropic blur σ ~ U(0.1, 2) (PIL's GaussianBlur radius is the standard deviation).
 * 3D (the LA reference): with p 0.8 a bias field of order 3 with coefficients U(-0.5, 0.5) and
 * γ = exp(U(-0.5, 0.5)); then with p 0.5 a blur with σ ~ U(0.1, 2) drawn per axis (TorchIO's
 * RandomBlur draws one standard deviation per axis).
 * @param spatialRank 2 or 3.
 */
export function drawStrongPerturbation(rng: Rng, spatialRank: number): StrongPerturbationDraw {
  if (spatialRank !== 2 && spatialRank !== 3) throw new RangeError(`strong perturbation needs 2 or 3 spatial axes, got ${spatialRank}`);
  const draw: StrongPerturbationDraw = {};
  if (rng.chance(0.8)) {
    if (spatialRank === 2) {
      draw.brightnessContrast = [rng.uniform(0.5, 1.5), rng.uniform(0.5, 1.5)];
    } else {
      draw.biasField = Array.from({ length: biasFieldTerms(BIAS_FIELD_ORDER, 3) }, () => rng.uniform(-0.5, 0.5));
      draw.gamma = Math.exp(rng.uniform(-0.5, 0.5));
    }
  }
  if (rng.chance(0.5)) {
    const sigma = rng.uniform(0.1, 2);
    draw.blurSigma = spatialRank === 2 ? [sigma, sigma] : [sigma, rng.uniform(0.1, 2), rng.uniform(0.1, 2)];
  }
  return draw;
}

/**
 * Strong views of a batch: each sample b perturbed with the parameters drawn from `rng.fork(b)`,
 * so a sample's perturbation does not depend on the batch size.
 * @param images [B, H, W, 1] or [B, D, H, W, 1] float images (z-scored intensities may be negative).
 * @returns a new tensor of the same shape; the caller disposes it.
 */
export function strongPerturbation(images: tf.Tensor, rng: Rng): tf.Tensor {
  const spatialRank = images.rank - 2;
  return tf.tidy(() => {
    const samples = tf.split(images, images.shape[0]!, 0);
    return tf.concat(
      samples.map((sample, b) => applyStrongPerturbation(sample, drawStrongPerturbation(rng.fork(String(b)), spatialRank))),
      0,
    );
  });
}

/**
 * Applies one draw to samples [N, …spatial, 1], in the references' order: intensity change
 * (brightness and contrast, or bias field then gamma), then blur.
 *
 * - Brightness and contrast: `b (m + c (x - m))` with m the sample's mean, which is both of
 *   torchvision's orders of the two jitters once PIL's clipping to [0, 255] is left out (the
 *   engine's images are z-scored floats, not bytes).
 * - Bias field then gamma: `x ← x · biasField`, then `sign(x) |x|^γ` (TorchIO's gamma for images
 *   with negative values).
 */
export function applyStrongPerturbation(samples: tf.Tensor, draw: StrongPerturbationDraw): tf.Tensor {
  const spatialShape = samples.shape.slice(1, -1);
  return tf.tidy(() => {
    let x = samples;
    if (draw.brightnessContrast) {
      const [brightness, contrast] = draw.brightnessContrast;
      const mean = tf.mean(x, spatialShape.map((_, i) => i + 1).concat(samples.rank - 1), true);
      x = tf.mul(tf.add(mean, tf.mul(tf.sub(x, mean), contrast)), brightness);
    }
    if (draw.biasField) x = tf.mul(x, tf.reshape(biasField(spatialShape, draw.biasField, BIAS_FIELD_ORDER), [1, ...spatialShape, 1]));
    if (draw.gamma !== undefined) x = tf.mul(tf.sign(x), tf.pow(tf.abs(x), draw.gamma));
    if (draw.blurSigma) x = gaussianBlur(x, draw.blurSigma);
    return x === samples ? tf.clone(x) : x;
  });
}

/**
 * TorchIO's polynomial bias field `exp(Σ_{i+j+k ≤ order} c_ijk u^i v^j w^k)` (Van Leemput et al.
 * 1999), with u, v, w the voxel-centre coordinates of each axis scaled to [-1, 1]. Terms are
 * ordered with the first axis' power outermost, as TorchIO loops.
 * @param spatialShape [D, H, W] (or any number of axes).
 * @param coefficients biasFieldTerms(order, spatialShape.length) values.
 * @returns the field, of shape spatialShape.
 */
export function biasField(spatialShape: number[], coefficients: number[], order: number): tf.Tensor {
  const dims = spatialShape.length;
  const expected = biasFieldTerms(order, dims);
  if (coefficients.length !== expected)
    throw new RangeError(`a bias field of order ${order} in ${dims}D has ${expected} coefficients, got ${coefficients.length}`);
  return tf.tidy(() => {
    const axes = spatialShape.map((n, a) => {
      const coordinates = Float32Array.from({ length: n }, (_, i) => (n > 1 ? (2 * i + 1 - n) / (n - 1) : 0));
      const shape = spatialShape.map((_, b) => (b === a ? n : 1));
      return tf.tensor(coordinates, shape);
    });
    let log: tf.Tensor = tf.zeros(spatialShape);
    let term = 0;
    const visit = (axis: number, budget: number, monomial: tf.Tensor | null): void => {
      if (axis === dims) {
        const c = coefficients[term++]!;
        log = tf.add(log, monomial ? tf.mul(monomial, c) : c);
        return;
      }
      for (let power = 0; power <= budget; power++) {
        const factor = power === 0 ? null : tf.pow(axes[axis]!, power);
        const next = factor && monomial ? tf.mul(monomial, factor) : (factor ?? monomial);
        visit(axis + 1, budget - power, next);
      }
    };
    visit(0, order, null);
    return tf.exp(log);
  });
}

/**
 * Separable Gaussian blur of samples [N, …spatial, 1] with σ per spatial axis (in voxels): a
 * normalised kernel `exp(-k²/2σ²)` over |k| ≤ ⌈3σ⌉, the borders mirrored (scipy's `reflect`,
 * the boundary TorchIO's blur uses), so constants are preserved. The kernel radius is capped at
 * the axis length, the most a mirror can supply.
 */
export function gaussianBlur(samples: tf.Tensor, sigmas: number[]): tf.Tensor {
  const spatialRank = samples.rank - 2;
  if (spatialRank !== 2 && spatialRank !== 3) throw new RangeError(`gaussianBlur needs [N, H, W, 1] or [N, D, H, W, 1], got [${samples.shape}]`);
  if (samples.shape[samples.rank - 1] !== 1) throw new RangeError(`gaussianBlur takes one channel, got ${samples.shape[samples.rank - 1]}`);
  if (sigmas.length !== spatialRank) throw new RangeError(`one σ per spatial axis: ${spatialRank} needed, got ${sigmas.length}`);
  return tf.tidy(() => {
    let x = samples;
    sigmas.forEach((sigma, a) => {
      const axis = a + 1;
      const radius = Math.min(Math.ceil(3 * sigma), x.shape[axis]!);
      if (radius === 0) return;
      const taps = gaussianKernel(sigma, radius);
      const padding = x.shape.map((_, i) => (i === axis ? [radius, radius] : [0, 0]) as [number, number]);
      const padded = tf.mirrorPad(x, padding, 'symmetric');
      const kernelShape = [...Array(spatialRank).fill(1), 1, 1];
      kernelShape[a] = taps.length;
      const kernel = tf.tensor(taps, kernelShape);
      x =
        spatialRank === 2
          ? tf.conv2d(padded as tf.Tensor4D, kernel as tf.Tensor4D, 1, 'valid')
          : tf.conv3d(padded as tf.Tensor5D, kernel as tf.Tensor5D, 1, 'valid');
    });
    return x === samples ? tf.clone(x) : x;
  });
}

/** `exp(-k²/2σ²)` for k = -radius … radius, normalised to sum 1. */
export function gaussianKernel(sigma: number, radius: number): Float32Array {
  const weights = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
  const total = weights.reduce((s, w) => s + w, 0);
  return Float32Array.from(weights, (w) => w / total);
}
