import * as tf from '@tensorflow/tfjs-core';
import type { BatchNormParameters } from '../ops/batchNorm.ts';
import type { Rng } from '../random/rng.ts';

export interface ConvParameters {
  weight: tf.Variable;
  bias: tf.Variable;
}

interface Entry {
  variable: tf.Variable;
  trainable: boolean;
}

/**
 * The named variables of one network, initialised in creation order from one
 * random stream. Names are the PyTorch reference's state_dict keys (…weight,
 * …bias, …running_mean, …running_var), so a reference checkpoint maps over by
 * name once its tensors are transposed to tfjs' channels-last layouts.
 */
export class ParameterStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly rng: Rng) {}

  /**
   * Convolution weights [...kernel, in, out] and bias, initialised as the
   * reference's kaiming_normal_init_weight: N(0, 2/fan_in) weights with
   * fan_in = in · kernel volume; the bias keeps PyTorch's default
   * U(±1/√fan_in).
   */
  conv(name: string, kernel: number[], inChannels: number, outChannels: number): ConvParameters {
    const fanIn = inChannels * volume(kernel);
    const weightShape = [...kernel, inChannels, outChannels];
    return {
      weight: this.add(`${name}.weight`, weightShape, this.normal(volume(weightShape), Math.sqrt(2 / fanIn))),
      bias: this.add(`${name}.bias`, [outChannels], this.uniform(outChannels, 1 / Math.sqrt(fanIn))),
    };
  }

  /**
   * Transposed-convolution weights [...kernel, out, in] (tf.conv3dTranspose's
   * layout) and bias. The reference initialiser only touches nn.ConvNd, which
   * ConvTranspose3d is not, so these keep PyTorch's default
   * kaiming_uniform_(a=√5), i.e. U(±1/√fan_in) for weight and bias alike, with
   * PyTorch's fan_in of a transposed conv = out · kernel volume.
   */
  convTranspose(name: string, kernel: number[], inChannels: number, outChannels: number): ConvParameters {
    const bound = 1 / Math.sqrt(outChannels * volume(kernel));
    const weightShape = [...kernel, outChannels, inChannels];
    return {
      weight: this.add(`${name}.weight`, weightShape, this.uniform(volume(weightShape), bound)),
      bias: this.add(`${name}.bias`, [outChannels], this.uniform(outChannels, bound)),
    };
  }

  /**
   * Linear layer: weight [in, out] (the layout of tf.matMul(x, weight); PyTorch stores
   * [out, in]) and bias, drawn U(±weightBound) and U(±biasBound). The defaults are PyTorch's
   * nn.Linear start, 1/√in for both; attention input projections pass Xavier's bound and 0.
   */
  linear(name: string, inChannels: number, outChannels: number, weightBound = 1 / Math.sqrt(inChannels), biasBound = weightBound): ConvParameters {
    return {
      weight: this.add(`${name}.weight`, [inChannels, outChannels], this.uniform(inChannels * outChannels, weightBound)),
      bias: this.add(`${name}.bias`, [outChannels], this.uniform(outChannels, biasBound)),
    };
  }

  /** LayerNorm's affine part: γ = 1, β = 0 (PyTorch's start). */
  layerNorm(name: string, channels: number): { gamma: tf.Variable; beta: tf.Variable } {
    return {
      gamma: this.add(`${name}.weight`, [channels], new Float32Array(channels).fill(1)),
      beta: this.add(`${name}.bias`, [channels], new Float32Array(channels)),
    };
  }

  /** BatchNorm with γ = 1, β = 0, running mean 0 and variance 1 (PyTorch's start). */
  batchNorm(name: string, channels: number): BatchNormParameters {
    return {
      gamma: this.add(`${name}.weight`, [channels], new Float32Array(channels).fill(1)) as tf.Variable<tf.Rank.R1>,
      beta: this.add(`${name}.bias`, [channels], new Float32Array(channels)) as tf.Variable<tf.Rank.R1>,
      runningMean: this.add(`${name}.running_mean`, [channels], new Float32Array(channels), false),
      runningVar: this.add(`${name}.running_var`, [channels], new Float32Array(channels).fill(1), false),
    };
  }

  trainableVariables(): tf.Variable[] {
    return [...this.entries.values()].filter((e) => e.trainable).map((e) => e.variable);
  }

  /** Trainable scalars, counted as PyTorch's sum(p.numel() for p in parameters()). */
  parameterCount(): number {
    return this.trainableVariables().reduce((n, v) => n + v.size, 0);
  }

  /** Copies of every variable, running statistics included; the caller owns them. */
  getWeights(): Map<string, tf.Tensor> {
    return new Map([...this.entries].map(([name, { variable }]) => [name, tf.clone(variable)]));
  }

  /** Assigns every variable from `weights`, which must name exactly this store's variables. */
  setWeights(weights: Map<string, tf.Tensor>): void {
    const unknown = [...weights.keys()].filter((name) => !this.entries.has(name));
    const missing = [...this.entries.keys()].filter((name) => !weights.has(name));
    if (unknown.length > 0 || missing.length > 0) {
      throw new Error(`setWeights: ${describeMismatch('unknown', unknown)}${describeMismatch('missing', missing)}`.trim());
    }
    for (const [name, { variable }] of this.entries) {
      const value = weights.get(name) as tf.Tensor;
      if (!tf.util.arraysEqual(value.shape, variable.shape)) {
        throw new Error(`setWeights: ${name} has shape [${value.shape}], expected [${variable.shape}]`);
      }
    }
    tf.tidy(() => {
      for (const [name, { variable }] of this.entries) variable.assign(tf.cast(weights.get(name) as tf.Tensor, 'float32'));
    });
  }

  dispose(): void {
    for (const { variable } of this.entries.values()) variable.dispose();
    this.entries.clear();
  }

  private add(name: string, shape: number[], values: Float32Array, trainable = true): tf.Variable {
    if (this.entries.has(name)) throw new Error(`duplicate parameter ${name}`);
    // tfjs variable names are global; leaving them unnamed keeps two models
    // of the same architecture (teacher/student, CPS pairs) apart.
    const initial = tf.tensor(values, shape);
    const variable = tf.variable(initial, trainable);
    initial.dispose();
    this.entries.set(name, { variable, trainable });
    return variable;
  }

  private normal(length: number, std: number): Float32Array {
    return Float32Array.from({ length }, () => this.rng.normal(0, std));
  }

  private uniform(length: number, bound: number): Float32Array {
    return Float32Array.from({ length }, () => this.rng.uniform(-bound, bound));
  }
}

function volume(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function describeMismatch(what: string, names: string[]): string {
  if (names.length === 0) return '';
  const shown = names.slice(0, 5).join(', ');
  return `${names.length} ${what} (${shown}${names.length > 5 ? ', …' : ''}) `;
}
