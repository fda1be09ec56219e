/**
 * Element-wise, reduction and data-movement kernels on the addon (native/src/elementwise.cc).
 * Once the convolutions are fast these dominate a training step: tfjs-cpu runs them on one
 * thread, computes an index per element where operands broadcast, and reduces non-inner axes
 * (e.g. the [N, C] batch-norm statistics) through a full transpose. Same contract as
 * kernels.ts: the tfjs-cpu kernel's inputs and attributes, `null` for what is not covered,
 * float32 outputs from bufferPool.ts that every kernel overwrites in full.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon.ts';
import type { KernelArgs, NativeKernel } from './kernels.ts';
import { allocateFloat32 } from './bufferPool.ts';

type Values = Float32Array | Int32Array | Uint8Array;
type Backend = {
  data: { get(dataId: unknown): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Values): tf.TensorInfo;
};

interface ElementwiseAddon {
  binary(op: number, shape: number[], aStrides: number[], bStrides: number[], a: Float32Array, b: Float32Array, out: Float32Array | Uint8Array): void;
  unary(op: number, x: Float32Array, out: Float32Array, alpha?: number): void;
  reduce(op: number, dims: [number, number, number], x: Float32Array, out: Float32Array): void;
  copyStrided(shape: number[], src: Values, srcOffset: number, srcStrides: number[], dst: Values, dstOffset: number, dstStrides: number[]): void;
  softmax(rows: number, cols: number, x: Float32Array, out: Float32Array): void;
  select(condition: Uint8Array, t: Float32Array, e: Float32Array, out: Float32Array): void;
}

const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const stridesOf = (shape: readonly number[]) => {
  const strides = new Array<number>(shape.length);
  for (let i = shape.length - 1, s = 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
};

function floats(backend: Backend, t: tf.TensorInfo): Float32Array | null {
  if (t.dtype !== 'float32') return null;
  const v = backend.data.get(t.dataId).values;
  return v instanceof Float32Array ? v : null;
}

/** Values of any numeric or bool tensor (for pure data movement). */
function anyValues(backend: Backend, t: tf.TensorInfo): Values | null {
  if (t.dtype !== 'float32' && t.dtype !== 'int32' && t.dtype !== 'bool') return null;
  const v = backend.data.get(t.dataId).values;
  return v instanceof Float32Array || v instanceof Int32Array || v instanceof Uint8Array ? v : null;
}

/** An output array; a float32 one comes from the pool with stale contents. */
function allocate(dtype: tf.DataType, size: number): Values {
  return dtype === 'float32' ? allocateFloat32(size) : dtype === 'int32' ? new Int32Array(size) : new Uint8Array(size);
}

/** Strides of `shape` read as `outShape` under numpy broadcasting (0 along broadcast dims). */
function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const own = stridesOf(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((_, i) => {
    const j = i - offset;
    return j < 0 || shape[j] === 1 ? 0 : own[j];
  });
}

const binaryOps: Record<string, number> = {
  [tf.Add]: 0,
  [tf.Sub]: 1,
  [tf.Multiply]: 2,
  [tf.RealDiv]: 3,
  [tf.Maximum]: 4,
  [tf.Minimum]: 5,
  [tf.SquaredDifference]: 6,
  [tf.Greater]: 10,
  [tf.GreaterEqual]: 11,
  [tf.Less]: 12,
  [tf.LessEqual]: 13,
  [tf.Equal]: 14,
  [tf.NotEqual]: 15,
};

function binaryKernel(op: number): NativeKernel {
  return (addon, { inputs, backend }) => {
    const { a, b } = inputs;
    const av = floats(backend as Backend, a);
    const bv = floats(backend as Backend, b);
    if (!av || !bv) return null;
    const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const compare = op >= 10;
    const out = compare ? new Uint8Array(product(outShape)) : allocateFloat32(product(outShape));
    if (out.length > 0) {
      (addon as unknown as ElementwiseAddon).binary(op, outShape, broadcastStrides(a.shape, outShape), broadcastStrides(b.shape, outShape), av, bv, out);
    }
    return (backend as Backend).makeTensorInfo(outShape, compare ? 'bool' : 'float32', out);
  };
}

const unaryOps: Record<string, number> = {
  [tf.Relu]: 0,
  [tf.LeakyRelu]: 1,
  [tf.Square]: 2,
  [tf.Exp]: 3,
  [tf.Log]: 4,
  [tf.Neg]: 5,
  [tf.Sqrt]: 6,
  [tf.Rsqrt]: 7,
  [tf.Abs]: 8,
  [tf.Sigmoid]: 9,
  [tf.Tanh]: 10,
  [tf.Reciprocal]: 11,
  [tf.Step]: 12,
};

function unaryKernel(op: number): NativeKernel {
  return (addon, { inputs, backend, attrs }) => {
    const { x } = inputs;
    const xv = floats(backend as Backend, x);
    if (!xv) return null;
    const out = allocateFloat32(xv.length);
    const alpha = Number((attrs as { alpha?: number } | undefined)?.alpha ?? 0);
    if (out.length > 0) (addon as unknown as ElementwiseAddon).unary(op, xv, out, alpha);
    return (backend as Backend).makeTensorInfo(x.shape, 'float32', out);
  };
}

const reduceOps: Record<string, number> = { [tf.Sum]: 0, [tf.Mean]: 1, [tf.Max]: 2, [tf.Min]: 3 };

/** [A, R, B] when the reduced axes (ignoring size-1 dims) are one contiguous run; else null. */
function reductionDims(shape: readonly number[], axes: readonly number[]): [number, number, number] | null {
  const reduced = new Set(axes);
  let A = 1,
    R = 1,
    B = 1;
  let phase = 0; // 0 before the reduced run, 1 inside it, 2 after it
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 1) continue;
    if (reduced.has(i)) {
      if (phase === 2) return null;
      phase = 1;
      R *= shape[i];
    } else if (phase === 0) {
      A *= shape[i];
    } else {
      phase = 2;
      B *= shape[i];
    }
  }
  return [A, R, B];
}

function reduceKernel(op: number): NativeKernel {
  return (addon, { inputs, backend, attrs }) => {
    const { x } = inputs;
    const xv = floats(backend as Backend, x);
    if (!xv || xv.length === 0) return null;
    // Max names its axes reductionIndices; Sum, Mean and Min name them axis.
    const { axis, reductionIndices, keepDims } = attrs as unknown as {
      axis?: number | number[] | null;
      reductionIndices?: number | number[] | null;
      keepDims: boolean;
    };
    // parseAxisParam takes null for all axes.
    const axes = tf.util.parseAxisParam((op === 2 ? reductionIndices : axis) as number[], x.shape);
    const dims = reductionDims(x.shape, axes);
    if (!dims) return null;
    let [outShape] = tf.backend_util.computeOutAndReduceShapes(x.shape, axes);
    if (keepDims) outShape = tf.backend_util.expandShapeToKeepDim(outShape, axes);
    const out = allocateFloat32(product(outShape));
    (addon as unknown as ElementwiseAddon).reduce(op, dims, xv, out);
    return (backend as Backend).makeTensorInfo(outShape, 'float32', out);
  };
}

const softmax: NativeKernel = (addon, { inputs, backend, attrs }) => {
  const { logits } = inputs;
  const xv = floats(backend as Backend, logits);
  const { dim } = attrs as unknown as { dim: number };
  const last = logits.shape.length - 1;
  if (!xv || xv.length === 0 || (dim !== -1 && dim !== last)) return null;
  const cols = logits.shape[last];
  const out = allocateFloat32(xv.length);
  (addon as unknown as ElementwiseAddon).softmax(xv.length / cols, cols, xv, out);
  return (backend as Backend).makeTensorInfo(logits.shape, 'float32', out);
};

const select: NativeKernel = (addon, { inputs, backend }) => {
  const { condition, t, e } = inputs;
  const b = backend as Backend;
  const cv = condition.dtype === 'bool' ? b.data.get(condition.dataId).values : null;
  const tv = floats(b, t);
  const ev = floats(b, e);
  if (!(cv instanceof Uint8Array) || !tv || !ev || cv.length !== tv.length || tv.length !== ev.length) return null;
  if (condition.shape.length !== t.shape.length) return null;
  const out = allocateFloat32(tv.length);
  if (out.length > 0) (addon as unknown as ElementwiseAddon).select(cv, tv, ev, out);
  return b.makeTensorInfo(t.shape, 'float32', out);
};

const transpose: NativeKernel = (addon, { inputs, backend, attrs }) => {
  const { x } = inputs;
  const xv = anyValues(backend as Backend, x);
  if (!xv) return null;
  const { perm } = attrs as unknown as { perm: number[] };
  const outShape = perm.map((p) => x.shape[p]);
  const inStrides = stridesOf(x.shape);
  const out = allocate(x.dtype, xv.length);
  if (out.length > 0) {
    (addon as unknown as ElementwiseAddon).copyStrided(
      outShape,
      xv,
      0,
      perm.map((p) => inStrides[p]),
      out,
      0,
      stridesOf(outShape),
    );
  }
  return (backend as Backend).makeTensorInfo(outShape, x.dtype, out);
};

const padV2: NativeKernel = (addon, { inputs, backend, attrs }) => {
  const { x } = inputs;
  const xv = anyValues(backend as Backend, x);
  if (!xv) return null;
  const { paddings, constantValue } = attrs as unknown as { paddings: Array<[number, number]>; constantValue: number };
  if (paddings.some(([before, after]) => before < 0 || after < 0)) return null;
  const outShape = x.shape.map((d, i) => paddings[i][0] + d + paddings[i][1]);
  const out = allocate(x.dtype, product(outShape));
  out.fill(constantValue);
  const outStrides = stridesOf(outShape);
  const offset = paddings.reduce((s, [before], i) => s + before * outStrides[i], 0);
  if (xv.length > 0) (addon as unknown as ElementwiseAddon).copyStrided(x.shape, xv, 0, stridesOf(x.shape), out, offset, outStrides);
  return (backend as Backend).makeTensorInfo(outShape, x.dtype, out);
};

/** A copy of the box [begin, begin + size) of x. */
function sliceOf(addon: NativeAddon, backend: Backend, x: tf.TensorInfo, xv: Values, begin: number[], size: number[]): tf.TensorInfo {
  const strides = stridesOf(x.shape);
  const out = allocate(x.dtype, product(size));
  if (out.length > 0) {
    const offset = begin.reduce((s, b, i) => s + b * strides[i], 0);
    (addon as unknown as ElementwiseAddon).copyStrided(size, xv, offset, strides, out, 0, stridesOf(size));
  }
  return backend.makeTensorInfo(size, x.dtype, out);
}

const slice: NativeKernel = (addon, { inputs, backend, attrs }) => {
  const { x } = inputs;
  const xv = anyValues(backend as Backend, x);
  if (!xv) return null;
  const { begin, size } = attrs as unknown as { begin: number | number[]; size: number | number[] };
  const [b, s] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
  tf.slice_util.assertParamsValid(x as tf.Tensor, b, s);
  return sliceOf(addon, backend as Backend, x, xv, b, s);
};

const splitV = ((addon: NativeAddon, { inputs, backend, attrs }: KernelArgs) => {
  const { x } = inputs;
  const xv = anyValues(backend as Backend, x);
  if (!xv) return null;
  const { numOrSizeSplits, axis } = attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
  const $axis = tf.util.parseAxisParam(axis, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, $axis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = x.shape.slice();
    size[$axis] = s;
    const piece = sliceOf(addon, backend as Backend, x, xv, begin.slice(), size);
    begin[$axis] += s;
    return piece;
  });
}) as unknown as NativeKernel;

const concat: NativeKernel = (addon, { inputs, backend, attrs }) => {
  const tensors = (Array.isArray(inputs) ? inputs : Object.values(inputs)) as tf.TensorInfo[];
  if (tensors.length === 0) return null;
  const dtype = tensors[0].dtype;
  const all = tensors.map((t) => (t.dtype === dtype ? anyValues(backend as Backend, t) : null));
  if (all.some((v) => !v)) return null;
  const { axis } = attrs as unknown as { axis: number };
  const $axis = tf.util.parseAxisParam(axis, tensors[0].shape)[0];
  const outShape = tf.backend_util.computeOutShape(
    tensors.map((t) => t.shape),
    $axis,
  );
  const out = allocate(dtype, product(outShape));
  const outStrides = stridesOf(outShape);
  let at = 0;
  tensors.forEach((t, i) => {
    if (all[i]!.length > 0) {
      (addon as unknown as ElementwiseAddon).copyStrided(t.shape, all[i]!, 0, stridesOf(t.shape), out, at * outStrides[$axis], outStrides);
    }
    at += t.shape[$axis];
  });
  return (backend as Backend).makeTensorInfo(outShape, dtype, out);
};

/** Kernel name → native implementation. */
export function elementwiseKernels(_addon: NativeAddon): Record<string, NativeKernel> {
  return {
    ...Object.fromEntries(Object.entries(binaryOps).map(([name, op]) => [name, binaryKernel(op)])),
    ...Object.fromEntries(Object.entries(unaryOps).map(([name, op]) => [name, unaryKernel(op)])),
    ...Object.fromEntries(Object.entries(reduceOps).map(([name, op]) => [name, reduceKernel(op)])),
    [tf.Softmax]: softmax,
    [tf.Select]: select,
    [tf.Transpose]: transpose,
    [tf.PadV2]: padV2,
    [tf.Slice]: slice,
    [tf.SplitV]: splitV,
    [tf.Concat]: concat,
  };
}
