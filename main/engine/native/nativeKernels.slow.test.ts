import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { skipUnlessBuilt } from '../../../tests/support/kernelTestSupport.ts';
import { installNativeKernels, nativeCallCounts, nativeKernelsStatus, originalKernel, uninstallNativeKernels } from './nativeKernels.ts';
import { registerGradients } from '../ops/registerGradients.ts';
import type { NetworkKind } from '../../../shared/networks.ts';

// Every native kernel against tfjs-backend-cpu's own kernel of the same name, on fresh
// random inputs. Where the addon could not be built the suite skips, except under CI,
// which installs libdnnl-dev: there a missing addon is a failure.
await tf.setBackend('cpu');
(tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
const status = installNativeKernels({ env: { ...process.env, ATRIUM_NATIVE: '1' } });
const skip = skipUnlessBuilt(status.loaded, 'the native kernels', status.reason);

type Attrs = Record<string, unknown>;
type CpuBackend = tf.KernelBackend & {
  readSync(dataId: object): tf.TypedArray | Uint8Array[];
  disposeData(dataId: object): void;
  numDataIds(): number;
};
const backend = () => tf.backend() as CpuBackend;

let seed = 1;
const random = (shape: number[]) => tf.randomNormal(shape, 0, 1, 'float32', seed++);

/** Runs `name` natively (through tfjs) and with the original cpu kernel; returns the relative error. */
function compare(name: string, inputs: Record<string, tf.Tensor>, attrs: Attrs): number {
  const before = nativeCallCounts()[name]?.native ?? 0;
  const native = tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
  assert.equal(nativeCallCounts()[name]?.native, before + 1, `${name} ran natively`);
  const reference = originalKernel(name)!.kernelFunc({ inputs, backend: backend(), attrs } as never) as tf.TensorInfo;
  const expected = backend().readSync(reference.dataId) as Float32Array;
  assert.deepEqual(native.shape, reference.shape, `${name} shape`);
  const actual = native.dataSync() as Float32Array;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  backend().disposeData(reference.dataId);
  native.dispose();
  return scale === 0 ? diff : diff / scale;
}

function check(name: string, inputs: Record<string, tf.Tensor>, attrs: Attrs, label: string): void {
  const error = compare(name, inputs, attrs);
  tf.dispose(Object.values(inputs));
  assert.ok(error < 1e-4, `${name} ${label}: relative error ${error}`);
}

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;

interface Conv2dCase {
  x: number[];
  f: number[];
  strides: number | [number, number];
  pad: Pad;
  dilations?: number | [number, number];
  round?: 'floor' | 'ceil' | 'round';
}
const conv2dCases: Conv2dCase[] = [
  { x: [1, 8, 8, 1], f: [3, 3, 1, 4], strides: 1, pad: 'same' },
  { x: [2, 9, 11, 3], f: [3, 3, 3, 5], strides: 2, pad: 'same' },
  { x: [2, 9, 11, 3], f: [3, 3, 3, 5], strides: 2, pad: 'valid' },
  { x: [3, 10, 7, 4], f: [2, 2, 4, 6], strides: 2, pad: 'valid' },
  { x: [2, 12, 12, 16], f: [3, 3, 16, 16], strides: 1, pad: 'same' },
  { x: [1, 7, 9, 2], f: [1, 1, 2, 3], strides: 1, pad: 'valid' },
  { x: [2, 10, 9, 3], f: [3, 2, 3, 4], strides: [1, 2], pad: 'same' },
  {
    x: [2, 11, 10, 3],
    f: [3, 3, 3, 4],
    strides: 1,
    pad: [
      [0, 0],
      [1, 2],
      [2, 0],
      [0, 0],
    ],
  },
  { x: [1, 9, 9, 2], f: [3, 3, 2, 3], strides: 2, pad: 1, round: 'ceil' },
  { x: [2, 12, 13, 3], f: [3, 3, 3, 4], strides: 1, pad: 'same', dilations: 2 },
  { x: [1, 12, 13, 2], f: [3, 2, 2, 3], strides: 1, pad: 'valid', dilations: [2, 3] },
];

interface Conv3dCase {
  x: number[];
  f: number[];
  strides: number | [number, number, number];
  pad: 'same' | 'valid';
  dilations?: number;
}
const conv3dCases: Conv3dCase[] = [
  { x: [1, 6, 7, 8, 1], f: [3, 3, 3, 1, 4], strides: 1, pad: 'same' },
  { x: [2, 6, 6, 6, 4], f: [3, 3, 3, 4, 8], strides: 1, pad: 'same' },
  { x: [2, 8, 6, 10, 4], f: [2, 2, 2, 4, 8], strides: 2, pad: 'valid' },
  { x: [1, 7, 8, 9, 3], f: [3, 3, 3, 3, 2], strides: 2, pad: 'same' },
  { x: [2, 7, 6, 5, 2], f: [3, 2, 1, 2, 3], strides: [1, 2, 1], pad: 'valid' },
  { x: [1, 5, 6, 7, 16], f: [1, 1, 1, 16, 2], strides: 1, pad: 'valid' },
];

function outShape2d(c: Conv2dCase): number[] {
  return tf.backend_util.computeConv2DInfo(c.x as never, c.f as never, c.strides, c.dilations ?? 1, c.pad, c.round).outShape;
}
function outShape3d(c: Conv3dCase, dilations = 1): number[] {
  return tf.backend_util.computeConv3DInfo(c.x as never, c.f as never, c.strides, dilations, c.pad).outShape;
}
const describe2d = (c: Conv2dCase) =>
  `x ${c.x} f ${c.f} s ${c.strides} pad ${JSON.stringify(c.pad)}${c.dilations ? ` d ${c.dilations}` : ''}${c.round ? ` ${c.round}` : ''}`;
const describe3d = (c: Conv3dCase) => `x ${c.x} f ${c.f} s ${c.strides} pad ${c.pad}${c.dilations ? ` d ${c.dilations}` : ''}`;

describe('native kernels match tfjs-backend-cpu', { skip }, () => {
  after(() => uninstallNativeKernels());

  test('status names the replaced kernels and the thread count', () => {
    const s = nativeKernelsStatus();
    assert.equal(s.loaded, true);
    assert.ok(s.threads >= 1);
    for (const name of [
      'Conv2D',
      'Conv2DBackpropInput',
      'Conv2DBackpropFilter',
      'Conv3D',
      'Conv3DBackpropInputV2',
      'Conv3DBackpropFilterV2',
      'BatchMatMul',
      'MaxPool',
      'MaxPoolGrad',
      'MaxPool3D',
      'MaxPool3DGrad',
    ]) {
      assert.ok(s.kernels.includes(name), name);
    }
    assert.match(s.reason, /oneDNN \d+\.\d+/);
  });

  test('Conv2D', () => {
    for (const c of conv2dCases) {
      check(
        'Conv2D',
        { x: random(c.x), filter: random(c.f) },
        { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: c.dilations ?? 1, dimRoundingMode: c.round },
        describe2d(c),
      );
    }
  });

  test('Conv2DBackpropInput (conv2d input gradient, conv2dTranspose)', () => {
    for (const c of conv2dCases.filter((c) => !c.dilations)) {
      check(
        'Conv2DBackpropInput',
        { dy: random(outShape2d(c)), filter: random(c.f) },
        { inputShape: c.x, strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: c.round },
        describe2d(c),
      );
    }
  });

  test('Conv2DBackpropFilter', () => {
    for (const c of conv2dCases.filter((c) => !c.dilations)) {
      check(
        'Conv2DBackpropFilter',
        { x: random(c.x), dy: random(outShape2d(c)) },
        { filterShape: c.f, strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: c.round },
        describe2d(c),
      );
    }
  });

  test('Conv3D', () => {
    for (const c of conv3dCases) {
      check('Conv3D', { x: random(c.x), filter: random(c.f) }, { strides: c.strides, pad: c.pad, dataFormat: 'NDHWC', dilations: 1 }, describe3d(c));
    }
    const dilated: Conv3dCase = { x: [1, 8, 9, 7, 2], f: [3, 3, 2, 2, 3], strides: 1, pad: 'same', dilations: 2 };
    check('Conv3D', { x: random(dilated.x), filter: random(dilated.f) }, { strides: 1, pad: 'same', dataFormat: 'NDHWC', dilations: 2 }, describe3d(dilated));
  });

  test('Conv3DBackpropInputV2 (conv3d input gradient, conv3dTranspose)', () => {
    for (const c of conv3dCases) {
      check('Conv3DBackpropInputV2', { dy: random(outShape3d(c)), filter: random(c.f) }, { inputShape: c.x, strides: c.strides, pad: c.pad }, describe3d(c));
    }
  });

  test('Conv3DBackpropFilterV2', () => {
    for (const c of conv3dCases) {
      check('Conv3DBackpropFilterV2', { x: random(c.x), dy: random(outShape3d(c)) }, { filterShape: c.f, strides: c.strides, pad: c.pad }, describe3d(c));
    }
  });

  test('BatchMatMul, with transposes and batch broadcasting', () => {
    const cases: Array<[number[], number[], boolean, boolean]> = [
      [[3, 4, 5], [3, 5, 6], false, false],
      [[3, 5, 4], [3, 5, 6], true, false],
      [[3, 4, 5], [3, 6, 5], false, true],
      [[3, 5, 4], [3, 6, 5], true, true],
      [[1, 64, 48], [1, 48, 40], false, false],
      [[8, 5], [7, 5, 9], false, false],
      [[7, 4, 5], [5, 6], false, false],
      [[1, 4, 5], [7, 6, 5], false, true],
      [[2, 3, 4, 5], [2, 3, 5, 2], false, false],
      [[16, 8], [4, 8, 32], false, false],
    ];
    for (const [a, b, transposeA, transposeB] of cases) {
      check('BatchMatMul', { a: random(a), b: random(b) }, { transposeA, transposeB }, `${a} × ${b} tA ${transposeA} tB ${transposeB}`);
    }
  });

  test('BatchMatMul broadcasting the native code does not cover falls back to tfjs', () => {
    const a = random([2, 1, 4, 5]);
    const b = random([1, 3, 5, 6]);
    const before = nativeCallCounts().BatchMatMul.fallback;
    const native = tf.matMul(a, b);
    assert.equal(nativeCallCounts().BatchMatMul.fallback, before + 1);
    assert.deepEqual(native.shape, [2, 3, 4, 6]);
    tf.dispose([a, b, native]);
  });

  const pool2d: Array<[number[], number, number, Pad]> = [
    [[2, 8, 10, 3], 2, 2, 'valid'],
    [[2, 9, 11, 3], 2, 2, 'valid'],
    [[1, 9, 7, 4], 3, 1, 'same'],
    [[2, 9, 7, 2], 3, 2, 'same'],
    [[1, 10, 10, 16], 3, 2, 'valid'],
  ];

  test('MaxPool and MaxPoolGrad (first maximum wins ties, as in tfjs)', () => {
    for (const [shape, size, stride, pad] of pool2d) {
      const attrs = { filterSize: size, strides: stride, pad };
      check('MaxPool', { x: random(shape) }, attrs, `${shape} k${size} s${stride} ${pad}`);
      for (const ties of [false, true]) {
        // Ties: ReLU'd and rounded values repeat often inside a window.
        const x = ties ? tf.round(tf.relu(random(shape))) : random(shape);
        const y = tf.maxPool(x as tf.Tensor4D, size, stride, pad as 'same');
        check('MaxPoolGrad', { dy: random(y.shape), input: x, output: y }, attrs, `${shape} k${size} s${stride} ${pad} ties ${ties}`);
      }
    }
  });

  test('MaxPool3D and MaxPool3DGrad', () => {
    const cases: Array<[number[], number, number, 'same' | 'valid']> = [
      [[2, 6, 8, 4, 3], 2, 2, 'valid'],
      [[1, 5, 7, 6, 2], 3, 1, 'same'],
      [[1, 7, 5, 9, 4], 3, 2, 'same'],
    ];
    for (const [shape, size, stride, pad] of cases) {
      const attrs = { filterSize: size, strides: stride, pad, dataFormat: 'NDHWC' };
      check('MaxPool3D', { x: random(shape) }, attrs, `${shape} k${size} s${stride} ${pad}`);
      for (const ties of [false, true]) {
        const x = ties ? tf.round(tf.relu(random(shape))) : random(shape);
        const y = tf.maxPool3d(x as tf.Tensor5D, size, stride, pad);
        check('MaxPool3DGrad', { dy: random(y.shape), input: x, output: y }, attrs, `${shape} k${size} s${stride} ${pad} ties ${ties}`);
      }
    }
  });

  test('channels-first data and depthwise convolutions stay on tfjs', () => {
    const before = nativeCallCounts().Conv2D.fallback;
    const x = random([1, 6, 6, 2]);
    const f = random([3, 3, 2, 3]);
    const nchw = tf
      .engine()
      .runKernel('Conv2D', { x: random([1, 2, 6, 6]), filter: f }, { strides: 1, pad: 'same', dataFormat: 'NCHW', dilations: 1 } as never) as tf.Tensor;
    assert.deepEqual(nchw.shape, [1, 3, 6, 6]);
    assert.equal(nativeCallCounts().Conv2D.fallback, before + 1);
    nchw.dispose();
    const depthwise = tf.depthwiseConv2d(x as tf.Tensor4D, random([3, 3, 2, 1]) as tf.Tensor4D, 1, 'same');
    assert.deepEqual(depthwise.shape, [1, 6, 6, 2]);
    tf.dispose([x, f, depthwise]);
  });

  test('repeated calls leak neither tensors nor backend data', () => {
    registerGradients();
    const x2 = random([2, 12, 12, 4]);
    const f2 = random([3, 3, 4, 8]);
    const x3 = random([1, 6, 6, 6, 2]);
    const f3 = random([3, 3, 3, 2, 4]);
    const run = () =>
      tf.tidy(() => {
        const loss = (x: tf.Tensor, f: tf.Tensor) => tf.sum(tf.maxPool(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same'), 2, 2, 'valid'));
        const [gx, gf] = tf.grads(loss)([x2, f2]);
        const loss3 = (x: tf.Tensor, f: tf.Tensor) =>
          tf.sum(tf.conv3dTranspose(tf.conv3d(x as tf.Tensor5D, f as tf.Tensor5D, 2, 'valid'), f as tf.Tensor5D, [1, 6, 6, 6, 2], 2, 'valid'));
        const [gx3, gf3] = tf.grads(loss3)([x3, f3]);
        const m = tf.matMul(tf.reshape(x2, [2, 144, 4]), tf.slice(tf.reshape(f2, [36, 8]), [0, 0], [4, 8]));
        return [gx, gf, gx3, gf3, m]
          .map((t) => tf.sum(t))
          .reduce((a, b) => tf.add(a, b))
          .dataSync();
      });
    run();
    const tensors = tf.memory().numTensors;
    const dataIds = backend().numDataIds();
    for (let i = 0; i < 5; i++) run();
    assert.equal(tf.memory().numTensors, tensors);
    assert.equal(backend().numDataIds(), dataIds);
    tf.dispose([x2, f2, x3, f3]);
  });
});

describe('native kernels in training', { skip }, () => {
  let createModel: typeof import('../models/createModel.ts').createModel;
  let supervisedLoss: typeof import('../losses/supervisedLoss.ts').supervisedLoss;
  before(async () => {
    ({ createModel } = await import('../models/createModel.ts'));
    ({ supervisedLoss } = await import('../losses/supervisedLoss.ts'));
  });
  after(() => uninstallNativeKernels());

  /** Loss and gradients of one step, with the native kernels or with tfjs's own. */
  function gradients(kind: NetworkKind, shape: number[], native: boolean): Float32Array[] {
    if (native) installNativeKernels({ env: { ...process.env, ATRIUM_NATIVE: '1' } });
    else uninstallNativeKernels();
    const model = createModel({ kind, numClasses: 3, width: 4, seed: 7 });
    const x = tf.randomNormal([2, ...shape, 1], 0, 1, 'float32', 11);
    const y = tf.randomUniformInt([2, ...shape], 0, 3, 12);
    // Same seed, so both runs draw the same dropout masks.
    const { value, grads } = tf.variableGrads(() => supervisedLoss(model.apply(x, { training: true }), y), model.trainableVariables());
    const out = [value, ...model.trainableVariables().map((v) => grads[v.name])].map((t) => t.dataSync() as Float32Array);
    tf.dispose([value, ...Object.values(grads), x, y]);
    model.dispose();
    return out;
  }

  for (const [kind, shape] of [
    ['unet2d', [32, 48]],
    ['vnet3d', [16, 16, 32]],
  ] as const) {
    test(`${kind}: loss and every parameter gradient agree with pure JS`, () => {
      const reference = gradients(kind, [...shape], false);
      const native = gradients(kind, [...shape], true);
      assert.equal(native.length, reference.length);
      reference.forEach((expected, i) => {
        const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        const diff = expected.reduce((m, v, j) => Math.max(m, Math.abs(v - native[i][j])), 0);
        assert.ok(diff <= 1e-4 * scale + 1e-7, `tensor ${i}: relative error ${diff / scale}`);
      });
    });
  }
});
