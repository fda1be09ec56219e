import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { skipUnlessBuilt } from '../../../tests/support/kernelTestSupport.ts';
import { installNativeKernels, nativeCallCounts, originalKernel, uninstallNativeKernels } from './nativeKernels.ts';

// The element-wise, reduction and data-movement kernels against tfjs-backend-cpu's own, on
// fresh random inputs; skipped only where the addon could not be built (a failure under CI).
await tf.setBackend('cpu');
(tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
const status = installNativeKernels({ env: { ...process.env, ATRIUM_NATIVE: '1' } });
const skip = skipUnlessBuilt(status.loaded, 'the native kernels', status.reason);

type CpuBackend = tf.KernelBackend & { readSync(dataId: object): tf.TypedArray; disposeData(dataId: object): void };
const backend = () => tf.backend() as CpuBackend;
let seed = 100;
const random = (shape: number[]) => tf.randomNormal(shape, 0, 1, 'float32', seed++);
const positive = (shape: number[]) => tf.add(tf.abs(random(shape)), 0.1);

/**
 * Runs `name` natively and with tfjs's own kernel; float outputs must agree to a relative
 * error below 1e-4 (max |diff| / max |reference|), others exactly.
 */
function check(name: string, inputs: Record<string, tf.Tensor> | tf.Tensor[], attrs: Record<string, unknown>, label: string): void {
  const before = nativeCallCounts()[name]?.native ?? 0;
  const native = tf.engine().runKernel(name, inputs as never, attrs as tf.NamedAttrMap) as tf.Tensor | tf.Tensor[];
  assert.equal(nativeCallCounts()[name]?.native, before + 1, `${name} ${label} ran natively`);
  const reference = originalKernel(name)!.kernelFunc({ inputs, backend: backend(), attrs } as never) as tf.TensorInfo | tf.TensorInfo[];
  const actual = Array.isArray(native) ? native : [native];
  const expected = Array.isArray(reference) ? reference : [reference];
  assert.equal(actual.length, expected.length, `${name} ${label}: number of outputs`);
  expected.forEach((ref, i) => {
    assert.deepEqual(actual[i].shape, ref.shape, `${name} ${label}: shape`);
    assert.equal(actual[i].dtype, ref.dtype, `${name} ${label}: dtype`);
    const a = actual[i].dataSync();
    const e = backend().readSync(ref.dataId);
    if (ref.dtype === 'float32') {
      let diff = 0;
      let scale = 0;
      for (let j = 0; j < e.length; j++) {
        if (Number.isNaN(e[j] as number) && Number.isNaN(a[j] as number)) continue;
        diff = Math.max(diff, Math.abs((a[j] as number) - (e[j] as number)));
        scale = Math.max(scale, Math.abs(e[j] as number));
      }
      const error = scale === 0 ? diff : diff / scale;
      assert.ok(error < 1e-4, `${name} ${label}: relative error ${error}`);
    } else {
      assert.deepEqual(Array.from(a as ArrayLike<number>), Array.from(e as ArrayLike<number>), `${name} ${label}`);
    }
    backend().disposeData(ref.dataId);
  });
  tf.dispose(actual);
  tf.dispose(Array.isArray(inputs) ? inputs : Object.values(inputs));
}

describe('native element-wise kernels match tfjs-backend-cpu', { skip }, () => {
  after(() => uninstallNativeKernels());

  const broadcasts: Array<[number[], number[]]> = [
    [
      [4, 9, 11, 16],
      [4, 9, 11, 16],
    ],
    [[4, 9, 11, 16], [16]],
    [[16], [4, 9, 11, 16]],
    [[4, 9, 11, 16], []],
    [[], [7, 5]],
    [
      [2, 5, 6, 7, 3],
      [2, 1, 1, 1, 3],
    ],
    [
      [3, 1, 5],
      [1, 4, 1],
    ],
    [
      [1000, 16],
      [1000, 1],
    ],
    [
      [2, 3, 1, 4, 1, 5],
      [3, 1, 1, 5],
    ],
    [[300000], [300000]],
  ];

  for (const name of ['Add', 'Sub', 'Multiply', 'RealDiv', 'Maximum', 'Minimum', 'SquaredDifference']) {
    test(name, () => {
      for (const [a, b] of broadcasts) check(name, { a: random(a), b: name === 'RealDiv' ? positive(b) : random(b) }, {}, `${a} ∘ ${b}`);
    });
  }

  test('comparisons (bool outputs)', () => {
    for (const name of ['Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual']) {
      for (const [a, b] of broadcasts.slice(0, 7)) {
        // Rounded values, so that equality occurs.
        check(name, { a: tf.round(random(a)), b: tf.round(random(b)) }, {}, `${a} ∘ ${b}`);
      }
    }
  });

  test('unary ops', () => {
    const shapes = [[4, 9, 11, 16], [7], [2, 50000]];
    const cases: Array<[string, (s: number[]) => tf.Tensor, Record<string, unknown>]> = [
      ['Relu', random, {}],
      ['LeakyRelu', random, { alpha: 0.01 }],
      ['LeakyRelu', random, { alpha: 0.3 }],
      ['Square', random, {}],
      ['Exp', random, {}],
      ['Log', positive, {}],
      ['Neg', random, {}],
      ['Sqrt', positive, {}],
      ['Rsqrt', positive, {}],
      ['Abs', random, {}],
      ['Sigmoid', random, {}],
      ['Tanh', random, {}],
      ['Reciprocal', positive, {}],
      ['Step', random, { alpha: 0 }],
      ['Step', random, { alpha: 0.5 }],
    ];
    for (const [name, make, attrs] of cases) for (const shape of shapes) check(name, { x: make(shape) }, attrs, `${shape} ${JSON.stringify(attrs)}`);
  });

  test('Sum, Mean, Max, Min over any axes', () => {
    const cases: Array<[number[], number | number[] | null, boolean]> = [
      [[4, 9, 11, 16], [0, 1, 2], false],
      [[4, 9, 11, 16], [0, 1, 2], true],
      [[60000, 16], 0, false],
      [[16, 60000], 1, false],
      [[16, 60000], -1, true],
      [[4, 9, 11, 16], null, false],
      [[4, 9, 11, 16], [1, 2], false],
      [[4, 9, 11, 16], 3, true],
      [[2, 1, 9, 1, 5], [1, 2, 3], false],
      [[300000], 0, false],
    ];
    for (const name of ['Sum', 'Mean', 'Max', 'Min']) {
      for (const [shape, axis, keepDims] of cases) {
        // Max names its axes reductionIndices.
        const attrs = name === 'Max' ? { reductionIndices: axis, keepDims } : { axis, keepDims };
        check(name, { x: random(shape) }, attrs, `${shape} axis ${axis} keep ${keepDims}`);
      }
    }
  });

  test('reductions over separated axes fall back to tfjs', () => {
    const x = random([3, 4, 5]);
    const before = nativeCallCounts().Sum.fallback;
    const s = tf.sum(x, [0, 2]);
    assert.equal(nativeCallCounts().Sum.fallback, before + 1);
    assert.deepEqual(s.shape, [4]);
    tf.dispose([x, s]);
  });

  test('Softmax', () => {
    for (const shape of [
      [4, 9, 11, 4],
      [10, 2],
      [70000, 3],
    ])
      check('Softmax', { logits: tf.mul(random(shape), 5) }, { dim: -1 }, `${shape}`);
  });

  test('Select', () => {
    for (const shape of [[4, 9, 11, 16], [5], [40000, 2]]) {
      check('Select', { condition: tf.greater(random(shape), 0), t: random(shape), e: random(shape) }, {}, `${shape}`);
    }
  });

  test('Transpose (float32, int32, bool)', () => {
    const cases: Array<[number[], number[]]> = [
      [
        [4, 9, 11, 16],
        [3, 1, 2, 0],
      ],
      [
        [4, 9, 11, 16],
        [1, 2, 0, 3],
      ],
      [
        [2, 6, 7, 8, 3],
        [4, 1, 2, 3, 0],
      ],
      [
        [2, 6, 7, 8, 3],
        [1, 2, 3, 0, 4],
      ],
      [
        [300, 200],
        [1, 0],
      ],
      [
        [5, 6],
        [0, 1],
      ],
      [
        [3, 1, 4, 1, 5, 2],
        [5, 4, 3, 2, 1, 0],
      ],
    ];
    for (const [shape, perm] of cases) {
      check('Transpose', { x: random(shape) }, { perm }, `${shape} perm ${perm}`);
      check('Transpose', { x: tf.randomUniformInt(shape, -50, 50, seed++) }, { perm }, `int32 ${shape} perm ${perm}`);
    }
    check('Transpose', { x: tf.greater(random([4, 5, 6]), 0) }, { perm: [2, 0, 1] }, 'bool');
  });

  test('PadV2', () => {
    const cases: Array<[number[], Array<[number, number]>, number]> = [
      [
        [4, 9, 11, 16],
        [
          [0, 0],
          [1, 1],
          [1, 1],
          [0, 0],
        ],
        0,
      ],
      [
        [2, 6, 7, 8, 3],
        [
          [0, 0],
          [1, 2],
          [0, 1],
          [3, 0],
          [0, 0],
        ],
        0,
      ],
      [
        [5, 6],
        [
          [2, 3],
          [1, 0],
        ],
        1.5,
      ],
    ];
    for (const [shape, paddings, constantValue] of cases) {
      check('PadV2', { x: random(shape) }, { paddings, constantValue }, `${shape} ${JSON.stringify(paddings)} ${constantValue}`);
    }
    check(
      'PadV2',
      { x: tf.randomUniformInt([3, 4], 0, 9, seed++) },
      {
        paddings: [
          [1, 1],
          [2, 0],
        ],
        constantValue: 7,
      },
      'int32',
    );
  });

  test('Slice and SplitV', () => {
    check('Slice', { x: random([4, 9, 11, 16]) }, { begin: [1, 2, 3, 4], size: [2, 5, 6, 8] }, 'inner box');
    check('Slice', { x: random([4, 9, 11, 16]) }, { begin: [0, 0, 0, 8], size: [-1, -1, -1, 8] }, 'channels');
    check('Slice', { x: random([40, 30]) }, { begin: [5, 0], size: [10, 30] }, 'rows');
    check('Slice', { x: tf.randomUniformInt([6, 7], 0, 9, seed++) }, { begin: [1, 2], size: [3, 4] }, 'int32');
    check('SplitV', { x: random([4, 9, 11, 32]) }, { numOrSizeSplits: [16, 16], axis: 3 }, 'channels');
    check('SplitV', { x: random([4, 9, 11, 32]) }, { numOrSizeSplits: [1, 3, 5], axis: 1 }, 'rows');
    check('SplitV', { x: random([6, 10]) }, { numOrSizeSplits: 2, axis: 0 }, 'halves');
  });

  test('Concat', () => {
    check('Concat', [random([4, 9, 11, 16]), random([4, 9, 11, 16])], { axis: 3 }, 'channels');
    check('Concat', [random([2, 3, 5]), random([2, 4, 5]), random([2, 1, 5])], { axis: 1 }, 'middle axis');
    check('Concat', [random([2, 3]), random([5, 3])], { axis: 0 }, 'rows');
    check('Concat', [tf.randomUniformInt([2, 3], 0, 9, seed++), tf.randomUniformInt([2, 2], 0, 9, seed++)], { axis: -1 }, 'int32');
  });

  test('NaN propagates through max/min as in tfjs', () => {
    const x = tf.tensor2d([
      [1, NaN, 3],
      [4, 5, 6],
    ]);
    check('Max', { x }, { reductionIndices: 1, keepDims: false }, 'row with NaN');
    check(
      'Min',
      {
        x: tf.tensor2d([
          [1, NaN, 3],
          [4, 5, 6],
        ]),
      },
      { axis: 1, keepDims: true },
      'row with NaN',
    );
    check('Maximum', { a: tf.tensor1d([1, NaN, 3]), b: tf.tensor1d([2, 2, NaN]) }, {}, 'NaN operands');
  });
});
