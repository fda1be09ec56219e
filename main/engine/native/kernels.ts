/**
 * tfjs `cpu` kernels computed by the oneDNN addon. Each takes the same inputs and
 * attributes as tfjs-backend-cpu's kernel of that name, reads the operands straight
 * from the backend's data store and returns a fresh tensor made by
 * `backend.makeTensorInfo`. Anything it does not handle (channels-first data,
 * non-float32 tensors, geometry oneDNN cannot express) returns `null`, and the
 * caller runs tfjs's original kernel instead. Outputs come from bufferPool.ts, not zeroed:
 * every element is written, or the array is zeroed where the addon is not called.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon.ts';
import { allocateFloat32 } from './bufferPool.ts';

type Backend = {
  data: { get(dataId: unknown): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Float32Array): tf.TensorInfo;
};

export interface KernelArgs {
  inputs: Record<string, tf.TensorInfo>;
  backend: unknown;
  attrs?: Record<string, unknown>;
}

export type NativeKernel = (addon: NativeAddon, args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[] | null;

function values(backend: Backend, t: tf.TensorInfo): Float32Array | null {
  if (t.dtype !== 'float32') return null;
  const v = backend.data.get(t.dataId).values;
  return v instanceof Float32Array ? v : null;
}

const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * The padding after the data along one axis, so that oneDNN's
 * out = ⌊(in + before + after − effectiveK) / stride⌋ + 1 gives tfjs's output size.
 * tfjs's own padInfo number works for 'same', 'valid' and floor-rounded explicit pads;
 * ceil/round-rounded explicit pads need more zeros after. null if no padding fits.
 */
function padAfter(inSize: number, outSize: number, effectiveK: number, stride: number, before: number, tfjsAfter: number): number | null {
  const fits = (after: number) => after >= 0 && Math.floor((inSize + before + after - effectiveK) / stride) + 1 === outSize;
  if (fits(tfjsAfter)) return tfjsAfter;
  const needed = (outSize - 1) * stride + effectiveK - inSize - before;
  return fits(needed) ? needed : null;
}

/** [nd, N, Ci, Co, in, k, out, stride, dilation − 1, padBefore, padAfter] for the addon; null if inexpressible. */
function geometry2d(info: tf.backend_util.Conv2DInfo): number[] | null {
  if (info.dataFormat !== 'channelsLast') return null;
  const { padInfo: p } = info;
  if (p.top < 0 || p.left < 0) return null;
  const bottom = padAfter(info.inHeight, info.outHeight, info.effectiveFilterHeight, info.strideHeight, p.top, p.bottom);
  const right = padAfter(info.inWidth, info.outWidth, info.effectiveFilterWidth, info.strideWidth, p.left, p.right);
  if (bottom === null || right === null) return null;
  return [
    2,
    info.batchSize,
    info.inChannels,
    info.outChannels,
    info.inHeight,
    info.inWidth,
    info.filterHeight,
    info.filterWidth,
    info.outHeight,
    info.outWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight - 1,
    info.dilationWidth - 1,
    p.top,
    p.left,
    bottom,
    right,
  ];
}

function geometry3d(info: tf.backend_util.Conv3DInfo): number[] | null {
  if (info.dataFormat !== 'channelsLast') return null;
  const { padInfo: p } = info;
  if (p.front < 0 || p.top < 0 || p.left < 0) return null;
  const back = padAfter(info.inDepth, info.outDepth, info.effectiveFilterDepth, info.strideDepth, p.front, p.back);
  const bottom = padAfter(info.inHeight, info.outHeight, info.effectiveFilterHeight, info.strideHeight, p.top, p.bottom);
  const right = padAfter(info.inWidth, info.outWidth, info.effectiveFilterWidth, info.strideWidth, p.left, p.right);
  if (back === null || bottom === null || right === null) return null;
  return [
    3,
    info.batchSize,
    info.inChannels,
    info.outChannels,
    info.inDepth,
    info.inHeight,
    info.inWidth,
    info.filterDepth,
    info.filterHeight,
    info.filterWidth,
    info.outDepth,
    info.outHeight,
    info.outWidth,
    info.strideDepth,
    info.strideHeight,
    info.strideWidth,
    info.dilationDepth - 1,
    info.dilationHeight - 1,
    info.dilationWidth - 1,
    p.front,
    p.top,
    p.left,
    back,
    bottom,
    right,
  ];
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

type Conv2DAttrs = {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

type Conv3DAttrs = {
  strides: number | [number, number, number];
  pad: 'same' | 'valid';
  dataFormat?: 'NDHWC' | 'NCDHW';
  dilations?: number | [number, number, number];
};

function convInfo2d(inShape: number[], filterShape: number[], attrs: Conv2DAttrs, dilations: Conv2DAttrs['dilations'] = 1): tf.backend_util.Conv2DInfo | null {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC') return null;
  if (inShape.length !== 4 || filterShape.length !== 4) return null;
  return tf.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
}

function convInfo3d(inShape: number[], filterShape: number[], attrs: Conv3DAttrs, dilations: Conv3DAttrs['dilations'] = 1): tf.backend_util.Conv3DInfo | null {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NDHWC') return null;
  if (inShape.length !== 5 || filterShape.length !== 5) return null;
  return tf.backend_util.computeConv3DInfo(
    inShape as [number, number, number, number, number],
    filterShape as [number, number, number, number, number],
    attrs.strides,
    dilations,
    attrs.pad,
    false,
    'channelsLast',
  );
}

/** Runs one conv primitive: kind 0 forward, 1 backward data, 2 backward weights. */
function runConv(
  addon: NativeAddon,
  backend: Backend,
  kind: 0 | 1 | 2,
  geometry: number[] | null,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  outShape: number[],
): tf.TensorInfo | null {
  if (!geometry) return null;
  const av = values(backend, a);
  const bv = values(backend, b);
  if (!av || !bv) return null;
  const out = allocateFloat32(product(outShape));
  if (out.length > 0 && av.length > 0 && bv.length > 0) addon.conv(kind, geometry, av, bv, out);
  else out.fill(0);
  return backend.makeTensorInfo(outShape, 'float32', out);
}

const conv2D: NativeKernel = (addon, { inputs, backend, attrs }) => {
  const { x, filter } = inputs;
  const a = attrs as unknown as Conv2DAttrs;
  const info = convInfo2d(x.shape, filter.shape, a, a.dilations ?? 1);
  if (!info) return null;
  return runConv(addon, backend as Backend, 0, geometry2d(info), x, filter, info.outShape);
};

const conv2DBackpropInput: NativeKernel = (addon, { inputs, backend, attrs }) => {
  const { dy, filter } = inputs;
  const a = attrs as unknown as Conv2DAttrs & { inputShape: number[] };
  const info = convInfo2d(a.inputShape, filter.shape, a);
  if (!info || !sameShape(dy.shape, info.outShape)) return null;
  return runConv(addon, backend as Backend, 1, geometry2d(info), dy, filter, info.inShape);
};

const conv2DBackpropFilter: NativeKernel = (addon, { inputs, backend, attrs }) => {
  const { x, dy } = inputs;
  const a = attrs as unknown as Conv2DAttrs & { filterShape: number[] };
  const info = convInfo2d(x.shape, a.filterShape, a);
  if (!info || !sameShape(dy.shape, info.outShape)) return null;
  return runConv(addon, backend as Backend, 2, geometry2d(info), x, dy, a.filterShape);
};

const conv3D: NativeKernel = (addon, { inputs, backend, attrs }) => {
  const { x, filter } = inputs;
  const a = attrs as unknown as Conv3DAttrs;
  const info = convInfo3d(x.shape, filter.shape, a, a.dilations ?? 1);
  if (!info) return null;
  return runConv(addon, backend as Backend, 0, geometry3d(info), x, filter, info.outShape);
};

const conv3DBackpropInputV2: NativeKernel = (addon, { inputs, backend, attrs }) => {
  const { dy, filter } = inputs;
  const a = attrs as unknown as Conv3DAttrs & { inputShape: number[] };
  const info = convInfo3d(a.inputShape, filter.shape, a);
  if (!info || !sameShape(dy.shape, info.outShape)) return null;
  return runConv(addon, backend as Backend, 1, geometry3d(info), dy, filter, info.inShape);
};

const conv3DBackpropFilterV2: NativeKernel = (addon, { inputs, backend, attrs }) => {
  const { x, dy } = inputs;
  const a = attrs as unknown as Conv3DAttrs & { filterShape: number[] };
  const info = convInfo3d(x.shape, a.filterShape, a);
  if (!info || !sameShape(dy.shape, info.outShape)) return null;
  return runConv(addon, backend as Backend, 2, geometry3d(info), x, dy, a.filterShape);
};

const batchMatMul: NativeKernel = (addon, { inputs, backend, attrs }) => {
  const { a, b } = inputs;
  const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
  if (a.shape.length < 2 || b.shape.length < 2) return null;
  const av = values(backend as Backend, a);
  const bv = values(backend as Backend, b);
  if (!av || !bv) return null;
  const [a1, a2] = a.shape.slice(-2);
  const [b1, b2] = b.shape.slice(-2);
  const [m, k] = transposeA ? [a2, a1] : [a1, a2];
  const [kb, n] = transposeB ? [b2, b1] : [b1, b2];
  if (k !== kb) return null;
  const aOuter = a.shape.slice(0, -2);
  const bOuter = b.shape.slice(0, -2);
  let outer: number[];
  try {
    outer = tf.backend_util.assertAndGetBroadcastShape(aOuter, bOuter);
  } catch {
    return null;
  }
  const batchA = product(aOuter);
  const batchB = product(bOuter);
  const batch = product(outer);
  // One operand broadcast whole, or none: other broadcasting patterns go to tfjs.
  if (!((batchA === batch || batchA === 1) && (batchB === batch || batchB === 1))) return null;
  const out = allocateFloat32(batch * m * n);
  if (out.length > 0 && k > 0) addon.matMul([batchA, batchB, m, n, k, transposeA ? 1 : 0, transposeB ? 1 : 0], av, bv, out);
  else out.fill(0);
  return (backend as Backend).makeTensorInfo([...outer, m, n], 'float32', out);
};

type PoolAttrs = {
  filterSize: number | number[];
  strides: number | number[];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: string;
};

function poolGeometry2d(shape: number[], a: PoolAttrs): { geometry: number[]; outShape: number[] } | null {
  if (shape.length !== 4) return null;
  const info = tf.backend_util.computePool2DInfo(
    shape as [number, number, number, number],
    a.filterSize as [number, number],
    a.strides as [number, number],
    1,
    a.pad,
    a.dimRoundingMode,
  );
  const { padInfo: p } = info;
  return {
    geometry: [
      info.batchSize,
      info.inChannels,
      1,
      info.inHeight,
      info.inWidth,
      1,
      info.outHeight,
      info.outWidth,
      1,
      info.filterHeight,
      info.filterWidth,
      1,
      info.strideHeight,
      info.strideWidth,
      0,
      p.top,
      p.left,
      0,
    ],
    outShape: info.outShape,
  };
}

function poolGeometry3d(shape: number[], a: PoolAttrs): { geometry: number[]; outShape: number[] } | null {
  if (shape.length !== 5 || (a.dataFormat !== undefined && a.dataFormat !== 'NDHWC')) return null;
  if (typeof a.pad !== 'string' && typeof a.pad !== 'number') return null;
  // (Where filter height ≠ width, tfjs-cpu's MaxPool3DGrad mixes the two up in its
  // argmax positions and sends gradients to the wrong voxels; this one does not.)
  const info = tf.backend_util.computePool3DInfo(
    shape as [number, number, number, number, number],
    a.filterSize as [number, number, number],
    a.strides as [number, number, number],
    1,
    a.pad,
    a.dimRoundingMode,
    'NDHWC',
  );
  const { padInfo: p } = info;
  return {
    geometry: [
      info.batchSize,
      info.inChannels,
      info.inDepth,
      info.inHeight,
      info.inWidth,
      info.outDepth,
      info.outHeight,
      info.outWidth,
      info.filterDepth,
      info.filterHeight,
      info.filterWidth,
      info.strideDepth,
      info.strideHeight,
      info.strideWidth,
      // tfjs-cpu's MaxPool3DGrad sends the gradient to the last of tied maxima (>=).
      p.front,
      p.top,
      p.left,
      1,
    ],
    outShape: info.outShape,
  };
}

function maxPoolKernel(geometryOf: typeof poolGeometry2d): NativeKernel {
  return (addon, { inputs, backend, attrs }) => {
    const { x } = inputs;
    const xv = values(backend as Backend, x);
    const pool = xv && geometryOf(x.shape, attrs as unknown as PoolAttrs);
    if (!xv || !pool) return null;
    const out = allocateFloat32(product(pool.outShape));
    if (out.length > 0) addon.maxPool(pool.geometry, xv, out);
    return (backend as Backend).makeTensorInfo(pool.outShape, 'float32', out);
  };
}

function maxPoolGradKernel(geometryOf: typeof poolGeometry2d): NativeKernel {
  return (addon, { inputs, backend, attrs }) => {
    const { dy, input } = inputs;
    const xv = values(backend as Backend, input);
    const dyv = values(backend as Backend, dy);
    const pool = xv && dyv && geometryOf(input.shape, attrs as unknown as PoolAttrs);
    if (!xv || !dyv || !pool || !sameShape(pool.outShape, dy.shape)) return null;
    const out = allocateFloat32(xv.length);
    if (out.length > 0 && dyv.length > 0) addon.maxPoolGrad(pool.geometry, xv, dyv, out);
    else out.fill(0);
    return (backend as Backend).makeTensorInfo(input.shape, 'float32', out);
  };
}

/** Kernel name → native implementation, in the order they are installed. */
export const nativeKernels: Record<string, NativeKernel> = {
  [tf.Conv2D]: conv2D,
  [tf.Conv2DBackpropInput]: conv2DBackpropInput,
  [tf.Conv2DBackpropFilter]: conv2DBackpropFilter,
  [tf.Conv3D]: conv3D,
  [tf.Conv3DBackpropInputV2]: conv3DBackpropInputV2,
  [tf.Conv3DBackpropFilterV2]: conv3DBackpropFilterV2,
  [tf.BatchMatMul]: batchMatMul,
  [tf.MaxPool]: maxPoolKernel(poolGeometry2d),
  [tf.MaxPoolGrad]: maxPoolGradKernel(poolGeometry2d),
  [tf.MaxPool3D]: maxPoolKernel(poolGeometry3d),
  [tf.MaxPool3DGrad]: maxPoolGradKernel(poolGeometry3d),
};
