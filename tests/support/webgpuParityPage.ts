/**
 * Browser entry of tests/e2e/webgpuKernels.test.ts, bundled there with esbuild: runs each case
 * below on the `cpu` and the `webgpu` backend from the same seeded inputs and reports, per case,
 * the largest relative difference between the two over the forward output and every gradient.
 *
 * A case is a function f of some inputs at tiny shapes, written with the engine's own layers,
 * ops and losses wherever it has them. With fixed seeded weights w of f's output shape, the
 * compared tensors are f(x) and the gradients of L = Σ w ⊙ f(x) with respect to every float
 * input, taken with the gradients of registerGradients() — the ones the engine trains with.
 * Relative difference of a tensor: max|webgpu − cpu| / (max|cpu| + 1e-6).
 *
 * The webgpu backend normally hands kernels whose inputs are all smaller than 1,000 elements
 * and still in CPU memory to the cpu kernels (WEBGPU_CPU_FORWARD); that is switched off, so
 * at these shapes every kernel still runs as a shader.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgpu';
import { crossEntropyLoss } from '../../main/engine/losses/crossEntropyLoss.ts';
import { diceLoss } from '../../main/engine/losses/diceLoss.ts';
import { supervisedLoss } from '../../main/engine/losses/supervisedLoss.ts';
import { conv2d, conv3d, conv3dTranspose2x } from '../../main/engine/models/convLayers.ts';
import type { ConvParameters } from '../../main/engine/models/parameterStore.ts';
import { batchNorm } from '../../main/engine/ops/batchNorm.ts';
import { channelDropout } from '../../main/engine/ops/channelDropout.ts';
import { registerGradients } from '../../main/engine/ops/registerGradients.ts';
import { upsampleBilinear2x } from '../../main/engine/ops/upsampleBilinear.ts';
import { upsampleTrilinear2x } from '../../main/engine/ops/upsampleTrilinear.ts';
import { AdamW } from '../../main/engine/optim/adamW.ts';
import type { Optimizer } from '../../main/engine/optim/optimizer.ts';
import { Sgd } from '../../main/engine/optim/sgd.ts';
import { Rng } from '../../main/engine/random/rng.ts';
import { crossPseudoSupervision } from '../../main/engine/ssl/crossPseudoSupervision.ts';
import { predictiveEntropy } from '../../main/engine/ssl/confidenceMask.ts';
import { maskedConsistency, meanSquaredConsistency } from '../../main/engine/ssl/consistencyLoss.ts';
import { layerNorm, transformerEncoderLayer, type TransformerLayerParameters } from '../../main/engine/ssl/crossSampleAttention.ts';
import { maskedDice } from '../../main/engine/ssl/maskedDice.ts';
import { localContrastiveLoss } from '../../main/engine/ssl/localContrastiveLoss.ts';

interface Input {
  shape: number[];
  values: Float32Array | Int32Array;
  /** Not differentiated (targets, masks): int32 inputs always are. */
  constant?: boolean;
}

/** What a case computes on the current backend, and what to free afterwards. */
interface Built {
  f: (...xs: tf.Tensor[]) => tf.Tensor;
  dispose?: () => void;
}

interface ParityCase {
  name: string;
  inputs: (rng: Rng) => Input[];
  build: () => Built;
  /** Forward only: f has no gradient (integer outputs, data augmentation). */
  forwardOnly?: boolean;
}

export interface CaseResult {
  name: string;
  /** Largest relative difference over the forward output and every gradient. */
  maxRelativeError: number;
  /** Which compared tensor gave it: 'forward' or 'd/input k'. */
  worst: string;
  /** Both runs together. */
  seconds: number;
  /** Kernels the webgpu run executed, forward and backward. */
  kernels: string[];
}

export interface ParityReport {
  adapter: { vendor: string; architecture: string; description: string; isFallbackAdapter: boolean | null };
  /** Of the kernel names asked about, those with no webgpu implementation. */
  missingKernels: string[];
  results: CaseResult[];
  seconds: number;
}

const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const uniform = (rng: Rng, shape: number[], low = -1, high = 1): Input => ({
  shape,
  values: Float32Array.from({ length: count(shape) }, () => rng.uniform(low, high)),
});
const constant = (input: Input): Input => ({ ...input, constant: true });
const classes = (rng: Rng, shape: number[], numClasses: number): Input => ({
  shape,
  values: Int32Array.from({ length: count(shape) }, () => rng.int(numClasses)),
});
/** A float 0/1 mask, about `known` of it 1. */
const mask = (rng: Rng, shape: number[], known = 0.7): Input =>
  constant({ shape, values: Float32Array.from({ length: count(shape) }, () => (rng.uniform() < known ? 1 : 0)) });
/** Values on a shuffled grid 0.05 apart, none nearer 0 than 0.025: no ties for max-pool, no ReLU kinks. */
const spread = (rng: Rng, shape: number[]): Input => {
  const n = count(shape);
  const grid = rng.shuffle(Array.from({ length: n }, (_, i) => (i - n / 2 + 0.5) * 0.05));
  return { shape, values: Float32Array.from(grid) };
};
const conv = (weight: tf.Tensor, bias: tf.Tensor) => ({ weight, bias }) as unknown as ConvParameters;
const plain = (f: (...xs: tf.Tensor[]) => tf.Tensor) => (): Built => ({ f });

const cases: ParityCase[] = [
  {
    name: 'conv2d 3×3 stride 1 same + bias, 4 → 8 channels (U-Net)',
    inputs: (rng) => [uniform(rng, [2, 5, 6, 4]), uniform(rng, [3, 3, 4, 8]), uniform(rng, [8])],
    build: plain((x, w, b) => conv2d(x as tf.Tensor4D, conv(w, b), 1, 'same')),
  },
  {
    name: 'conv2d 3×3 stride 1 same + bias, 3 → 2 channels',
    inputs: (rng) => [uniform(rng, [2, 5, 6, 3]), uniform(rng, [3, 3, 3, 2]), uniform(rng, [2])],
    build: plain((x, w, b) => conv2d(x as tf.Tensor4D, conv(w, b), 1, 'same')),
  },
  {
    name: 'conv2d 1×1 (U-Net decoder)',
    inputs: (rng) => [uniform(rng, [2, 4, 5, 4]), uniform(rng, [1, 1, 4, 2]), uniform(rng, [2])],
    build: plain((x, w, b) => conv2d(x as tf.Tensor4D, conv(w, b), 1, 'same')),
  },
  {
    name: 'conv2d 2×2 stride 2 valid',
    inputs: (rng) => [uniform(rng, [2, 4, 6, 2]), uniform(rng, [2, 2, 2, 3]), uniform(rng, [3])],
    build: plain((x, w, b) => conv2d(x as tf.Tensor4D, conv(w, b), 2, 'valid')),
  },
  {
    name: 'conv2dTranspose 2×2 stride 2 (CAML auxiliary U-Net)',
    inputs: (rng) => [uniform(rng, [2, 2, 3, 4]), uniform(rng, [2, 2, 3, 4])],
    build: plain((x, w) => tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [2, 4, 6, 3], 2, 'valid')),
  },
  {
    name: 'conv3d 3×3×3 stride 1 same + bias, 4 → 4 channels (V-Net)',
    inputs: (rng) => [uniform(rng, [2, 3, 4, 5, 4]), uniform(rng, [3, 3, 3, 4, 4]), uniform(rng, [4])],
    build: plain((x, w, b) => conv3d(x as tf.Tensor5D, conv(w, b), 1, 'same')),
  },
  {
    name: 'conv3d 2×2×2 stride 2 valid (V-Net down)',
    inputs: (rng) => [uniform(rng, [2, 4, 4, 6, 2]), uniform(rng, [2, 2, 2, 2, 4]), uniform(rng, [4])],
    build: plain((x, w, b) => conv3d(x as tf.Tensor5D, conv(w, b), 2, 'valid')),
  },
  {
    name: 'conv3d 3×3×3 stride 2 same',
    inputs: (rng) => [uniform(rng, [1, 4, 4, 6, 2]), uniform(rng, [3, 3, 3, 2, 2])],
    build: plain((x, w) => tf.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, 2, 'same')),
  },
  {
    name: 'conv3d 1×1×1 (V-Net output)',
    inputs: (rng) => [uniform(rng, [2, 2, 3, 2, 4]), uniform(rng, [1, 1, 1, 4, 3]), uniform(rng, [3])],
    build: plain((x, w, b) => conv3d(x as tf.Tensor5D, conv(w, b), 1, 'valid')),
  },
  {
    name: 'conv3dTranspose 2×2×2 stride 2 + bias (V-Net up)',
    inputs: (rng) => [uniform(rng, [2, 2, 2, 3, 4]), uniform(rng, [2, 2, 2, 3, 4]), uniform(rng, [3])],
    build: plain((x, w, b) => conv3dTranspose2x(x as tf.Tensor5D, conv(w, b))),
  },
  {
    name: 'maxPool 2×2 stride 2 (U-Net)',
    inputs: (rng) => [spread(rng, [2, 4, 6, 3])],
    build: plain((x) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid')),
  },
  {
    name: 'maxPool3d 2×2×2 stride 2',
    inputs: (rng) => [spread(rng, [2, 4, 4, 6, 2])],
    build: plain((x) => tf.maxPool3d(x as tf.Tensor5D, 2, 2, 'valid')),
  },
  {
    name: 'batchNorm, training, rank 4, 8 channels (U-Net)',
    inputs: (rng) => [uniform(rng, [2, 3, 4, 8]), uniform(rng, [8], 0.5, 1.5), uniform(rng, [8])],
    build: () => batchNormCase([8], true),
  },
  {
    name: 'batchNorm, training, rank 5 (V-Net)',
    inputs: (rng) => [uniform(rng, [2, 2, 3, 2, 3]), uniform(rng, [3], 0.5, 1.5), uniform(rng, [3])],
    build: () => batchNormCase([3], true),
  },
  {
    name: 'batchNorm, inference (running statistics)',
    inputs: (rng) => [uniform(rng, [2, 2, 3, 2, 3]), uniform(rng, [3], 0.5, 1.5), uniform(rng, [3])],
    build: () => batchNormCase([3], false),
  },
  {
    name: 'leakyRelu 0.01 (U-Net)',
    inputs: (rng) => [spread(rng, [2, 3, 4, 3])],
    build: plain((x) => tf.leakyRelu(x, 0.01)),
  },
  {
    name: 'relu (V-Net, attention)',
    inputs: (rng) => [spread(rng, [2, 3, 4, 3])],
    build: plain((x) => tf.relu(x)),
  },
  {
    name: 'dropout p 0.3, seeded (U-Net)',
    inputs: (rng) => [uniform(rng, [2, 4, 5, 3])],
    build: plain((x) => tf.dropout(x, 0.3, undefined, 7)),
  },
  {
    name: 'channelDropout p 0.5, seeded (V-Net)',
    inputs: (rng) => [uniform(rng, [2, 2, 3, 2, 4])],
    build: plain((x) => channelDropout(x, 0.5, 11)),
  },
  {
    name: 'upsampleBilinear2x, align corners (U-Net decoder)',
    inputs: (rng) => [uniform(rng, [2, 3, 4, 4])],
    build: plain((x) => upsampleBilinear2x(x as tf.Tensor4D)),
  },
  {
    name: 'upsampleTrilinear2x, align corners (CAML auxiliary V-Net)',
    inputs: (rng) => [uniform(rng, [1, 2, 3, 2, 2])],
    build: plain((x) => upsampleTrilinear2x(x as tf.Tensor5D, true)),
  },
  {
    name: 'concat on channels (U-Net skip)',
    inputs: (rng) => [uniform(rng, [2, 3, 4, 4]), uniform(rng, [2, 3, 4, 3])],
    build: plain((a, b) => tf.concat([a, b], 3)),
  },
  {
    name: 'softmax over classes',
    inputs: (rng) => [uniform(rng, [2, 3, 4, 3], -3, 3)],
    build: plain((x) => tf.softmax(x)),
  },
  {
    name: 'transformer encoder layer (CAML cross-sample attention)',
    inputs: (rng) => transformerInputs(rng, 8, 16),
    build: plain((x, ...p) => transformerEncoderLayer(x as tf.Tensor3D, transformerParameters(p), 2, null)),
  },
  {
    name: 'layerNorm',
    inputs: (rng) => [uniform(rng, [2, 3, 8]), uniform(rng, [8], 0.5, 1.5), uniform(rng, [8])],
    build: plain((x, gamma, beta) => layerNorm(x, { gamma, beta })),
  },
  {
    name: 'cross-entropy with unknown voxels',
    inputs: (rng) => [uniform(rng, [2, 3, 4, 3], -3, 3), classes(rng, [2, 3, 4], 3), mask(rng, [2, 3, 4])],
    build: plain((logits, target, known) => crossEntropyLoss(logits, target, known)),
  },
  {
    name: 'Dice of softmax, foreground classes, with unknown voxels',
    inputs: (rng) => [uniform(rng, [2, 3, 4, 3], -3, 3), classes(rng, [2, 3, 4], 3), mask(rng, [2, 3, 4])],
    build: plain((logits, target, known) => diceLoss(tf.softmax(logits), target, known)),
  },
  {
    name: 'Dice of softmax, all classes, squared, 3-D',
    inputs: (rng) => [uniform(rng, [1, 2, 3, 4, 2], -3, 3), classes(rng, [1, 2, 3, 4], 2)],
    build: plain((logits, target) => diceLoss(tf.softmax(logits), target, undefined, { classes: 'all', squared: true })),
  },
  {
    name: 'supervised loss ½ (CE + Dice), 3-D',
    inputs: (rng) => [uniform(rng, [1, 2, 3, 4, 3], -3, 3), classes(rng, [1, 2, 3, 4], 3), mask(rng, [1, 2, 3, 4])],
    build: plain((logits, target, known) => supervisedLoss(logits, target, known)),
  },
  {
    name: 'masked Dice + CE on confident pseudo-labels (CrossMatch)',
    inputs: (rng) => [uniform(rng, [2, 3, 4, 3], -3, 3), classes(rng, [2, 3, 4], 3), constant(uniform(rng, [2, 3, 4], 0, 1))],
    build: plain((logits, target, confidence) => maskedDice(logits, target, confidence, 0.4, { ce: true })),
  },
  {
    name: 'masked consistency of softmax (UA-MT)',
    inputs: (rng) => [uniform(rng, [2, 3, 4, 2], -3, 3), constant(uniform(rng, [2, 3, 4, 2], 0, 1)), mask(rng, [2, 3, 4])],
    build: plain((logits, teacher, known) => maskedConsistency(tf.softmax(logits), teacher, known)),
  },
  {
    name: 'mean squared consistency of softmax (Mean Teacher)',
    inputs: (rng) => [uniform(rng, [2, 3, 4, 3], -3, 3), constant(uniform(rng, [2, 3, 4, 3], 0, 1))],
    build: plain((logits, teacher) => meanSquaredConsistency(tf.softmax(logits), teacher)),
  },
  {
    name: 'predictive entropy (UA-MT)',
    inputs: (rng) => [uniform(rng, [2, 3, 4, 3], -3, 3)],
    build: plain((logits) => predictiveEntropy(tf.softmax(logits))),
  },
  {
    name: 'sharpening p¹⁰ / (p¹⁰ + (1 − p)¹⁰) (CAML)',
    inputs: (rng) => [uniform(rng, [2, 3, 4, 2], 0.05, 0.95)],
    build: plain((p) => {
      const sharp = tf.pow(p, 10);
      return tf.div(sharp, tf.add(sharp, tf.pow(tf.sub(1, p), 10)));
    }),
  },
  {
    name: 'cross pseudo supervision, detached argmax (CPS)',
    inputs: (rng) => [uniform(rng, [2, 3, 4, 3], -3, 3), uniform(rng, [2, 3, 4, 3], -3, 3)],
    build: plain((a, b) => tf.addN(crossPseudoSupervision(a, b))),
  },
  {
    name: 'gamma sign(x)·|x|^1.5 (strong perturbation)',
    inputs: (rng) => [spread(rng, [2, 3, 4, 1])],
    build: plain((x) => tf.mul(tf.sign(x), tf.pow(tf.abs(x), 1.5))),
  },
  {
    name: 'local contrastive loss against class means (contrastive)',
    inputs: (rng) => [uniform(rng, [6, 4]), uniform(rng, [5, 4])],
    build: plain(
      (a, b) =>
        localContrastiveLoss(
          [a as tf.Tensor2D, b as tf.Tensor2D],
          [
            [0, 1, 1, 2, 2, 1],
            [2, 1, 0, 2, -1],
          ],
          [[0, 1]],
          { anchorsPerClass: 3, temperature: 0.5, numClasses: 3, rng: new Rng('parity') },
        ).loss,
    ),
  },
  {
    name: 'gather rows with repeats (pixel sampling)',
    inputs: (rng) => [uniform(rng, [6, 3])],
    build: plain((x) => tf.gather(x, tf.tensor1d([4, 0, 4, 2, 5], 'int32'))),
  },
  {
    name: 'argMax, oneHot, comparisons (pseudo-labels, masks)',
    inputs: (rng) => [uniform(rng, [2, 3, 4, 3])],
    forwardOnly: true,
    build: plain((p) => {
      const labels = tf.argMax(p, -1);
      const agree = tf.cast(tf.equal(labels, tf.argMax(tf.reverse(p, [0]), -1)), 'float32');
      const confident = tf.cast(tf.greaterEqual(tf.max(p, -1), 0.5), 'float32');
      const certain = tf.cast(tf.less(tf.min(p, -1), -0.5), 'float32');
      return tf.concat([tf.oneHot(labels, 3, 1, 0, 'float32'), tf.stack([agree, confident, certain], -1)], -1);
    }),
  },
  {
    name: 'mirrorPad symmetric (strong perturbation)',
    inputs: (rng) => [uniform(rng, [2, 4, 5, 1])],
    forwardOnly: true,
    build: plain((x) =>
      tf.mirrorPad(
        x,
        [
          [0, 0],
          [2, 2],
          [1, 2],
          [0, 0],
        ],
        'symmetric',
      ),
    ),
  },
  {
    name: 'AdamW and SGD with Nesterov momentum, two steps each (optimisers)',
    inputs: (rng) => [uniform(rng, [4, 8]), uniform(rng, [4, 8]), uniform(rng, [4, 8])],
    forwardOnly: true,
    build: plain((p, g1, g2) => {
      const stepped = (make: (v: tf.Variable) => Optimizer) => {
        const v = tf.variable(p!.clone());
        const optimizer = make(v);
        for (const g of [g1!, g2!]) optimizer.step({ [v.name]: g });
        optimizer.dispose();
        const out = v.clone();
        v.dispose();
        return out;
      };
      return tf.stack([
        stepped((v) => new AdamW([v], { learningRate: 0.1, weightDecay: 0.01 })),
        stepped((v) => new Sgd([v], { learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-4 })),
      ]);
    }),
  },
];

function batchNormCase(channelShape: number[], training: boolean): Built {
  const runningMean = tf.variable(tf.fill(channelShape, 0.2), false);
  const runningVar = tf.variable(tf.fill(channelShape, 1.5), false);
  return {
    f: (x, gamma, beta) => batchNorm(x, { gamma: gamma as tf.Tensor1D, beta: beta as tf.Tensor1D, runningMean, runningVar }, { training }),
    dispose: () => tf.dispose([runningMean, runningVar]),
  };
}

/** x [2, 3, d] and the parameters of one transformer layer with feed-forward width `hidden`, in transformerParameters' order. */
function transformerInputs(rng: Rng, d: number, hidden: number): Input[] {
  const scale = 1 / Math.sqrt(d);
  return [
    uniform(rng, [2, 3, d]),
    ...[[d, 3 * d], [3 * d], [d, d], [d], [d, hidden], [hidden], [hidden, d], [d]].map((shape) => uniform(rng, shape, -scale, scale)),
    ...[0, 1].flatMap(() => [uniform(rng, [d], 0.5, 1.5), uniform(rng, [d], -0.5, 0.5)]),
  ];
}

function transformerParameters([inW, inB, outW, outB, w1, b1, w2, b2, g1, be1, g2, be2]: tf.Tensor[]): TransformerLayerParameters {
  return {
    inProjection: conv(inW!, inB!),
    outProjection: conv(outW!, outB!),
    linear1: conv(w1!, b1!),
    linear2: conv(w2!, b2!),
    norm1: { gamma: g1!, beta: be1! },
    norm2: { gamma: g2!, beta: be2! },
  };
}

interface Run {
  tensors: Array<{ label: string; values: Float32Array | Int32Array | Uint8Array }>;
  kernels: string[];
}

async function runCase(c: ParityCase, backend: 'cpu' | 'webgpu', seed: number, perturb: boolean): Promise<Run> {
  await tf.setBackend(backend);
  const inputs = c.inputs(new Rng(seed));
  if (perturb) inputs[0]!.values[0]! += 1e-2;
  const built = c.build();
  const xs = inputs.map(({ shape, values, constant }) =>
    values instanceof Int32Array
      ? tf.tensor(values, shape, 'int32')
      : constant
        ? tf.tensor(values, shape)
        : tf.tidy(() => tf.variable(tf.tensor(values, shape))),
  );
  const differentiable = xs.filter((x): x is tf.Variable => x instanceof tf.Variable);
  try {
    const profile = await tf.profile(async () => {
      const y = tf.tidy(() => built.f(...xs));
      const out: Run['tensors'] = [{ label: 'forward', values: await y.data() }];
      if (!c.forwardOnly) {
        const wRng = new Rng(seed + 1);
        const w = tf.tensor(
          Float32Array.from({ length: y.size }, () => wRng.uniform(-1, 1)),
          y.shape,
        );
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(built.f(...xs), w)) as tf.Scalar, differentiable);
        for (const [i, x] of differentiable.entries()) out.push({ label: `d/input ${i}`, values: await grads[x.name]!.data() });
        tf.dispose([w, value, ...Object.values(grads)]);
      }
      y.dispose();
      return out;
    });
    // The profile lists named scopes (logSoftmax__op, …) among the kernels.
    const kernels = profile.kernels.map((k) => k.name).filter((name) => tf.getKernel(name, backend) !== undefined);
    return { tensors: profile.result as unknown as Run['tensors'], kernels: [...new Set(kernels)].sort() };
  } finally {
    tf.dispose(xs);
    built.dispose?.();
  }
}

function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let difference = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    difference = Math.max(difference, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  // A NaN on either side makes the difference NaN: report it as a failure, not a pass.
  return Number.isNaN(difference) ? Infinity : difference / (scale + 1e-6);
}

export interface ParityOptions {
  /** Only the cases whose names contain this. */
  filter?: string;
  /** Add 0.01 to the first element of every case's first input on the webgpu run only (to show the check can fail). */
  perturbWebgpu?: boolean;
  /** Kernel names to look up on webgpu. */
  kernelNames?: string[];
}

/** Runs every case on both backends; see the module comment. */
export async function runParity(options: ParityOptions = {}): Promise<ParityReport> {
  const started = performance.now();
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<AdapterLike | null> } } }).navigator?.gpu;
  const adapter = await gpu?.requestAdapter();
  if (!adapter) throw new Error('no WebGPU adapter in this page');
  const info = adapter.info ?? {};
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  if (!(await tf.setBackend('webgpu'))) throw new Error('the webgpu backend did not initialise');
  registerGradients();
  const results: CaseResult[] = [];
  for (const [index, c] of cases.entries()) {
    if (options.filter && !c.name.includes(options.filter)) continue;
    const seed = 1000 + 17 * index;
    const caseStarted = performance.now();
    const reference = await runCase(c, 'cpu', seed, false);
    const candidate = await runCase(c, 'webgpu', seed, options.perturbWebgpu ?? false);
    let maxRelativeError = 0;
    let worst = 'forward';
    reference.tensors.forEach(({ label, values }, i) => {
      const error = relativeError(candidate.tensors[i]?.values ?? [], values);
      if (!(error <= maxRelativeError)) [maxRelativeError, worst] = [error, label];
    });
    results.push({ name: c.name, maxRelativeError, worst, kernels: candidate.kernels, seconds: (performance.now() - caseStarted) / 1000 });
  }
  return {
    adapter: {
      vendor: info.vendor ?? '',
      architecture: info.architecture ?? '',
      description: info.description ?? '',
      isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? null,
    },
    missingKernels: (options.kernelNames ?? []).filter((name) => tf.getKernel(name, 'webgpu') === undefined),
    results,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The parts of GPUAdapter read here (lib.dom is not in this project's TypeScript libs). */
interface AdapterLike {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
}

(globalThis as { webgpuParity?: typeof runParity }).webgpuParity = runParity;
