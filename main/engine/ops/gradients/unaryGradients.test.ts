import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../backend/selectBackend.ts';
import { checkGradients, kinkFreeInput, seededUniform } from '../../../../tests/support/gradientCheck.ts';
import { unaryGradients } from './unaryGradients.ts';

interface Case {
  kernel: string;
  f: (x: tf.Tensor) => tf.Tensor;
  x: () => tf.Tensor;
}

const shape = [2, 3, 4];
// Clip bounds halfway between two kink-free grid values (0.1 + 0.03 k).
const cases: Case[] = [
  { kernel: 'Abs', f: tf.abs, x: () => kinkFreeInput(shape, 1) },
  { kernel: 'Neg', f: tf.neg, x: () => seededUniform(shape, 2) },
  { kernel: 'Exp', f: tf.exp, x: () => seededUniform(shape, 3) },
  { kernel: 'Log', f: tf.log, x: () => seededUniform(shape, 4, 0.5, 2) },
  { kernel: 'Log1p', f: tf.log1p, x: () => seededUniform(shape, 5, 0, 1) },
  { kernel: 'Sqrt', f: tf.sqrt, x: () => seededUniform(shape, 6, 0.5, 2) },
  { kernel: 'Rsqrt', f: tf.rsqrt, x: () => seededUniform(shape, 7, 0.5, 2) },
  { kernel: 'Square', f: tf.square, x: () => seededUniform(shape, 8) },
  { kernel: 'Reciprocal', f: tf.reciprocal, x: () => seededUniform(shape, 9, 0.5, 2) },
  { kernel: 'Sigmoid', f: tf.sigmoid, x: () => seededUniform(shape, 10, -3, 3) },
  { kernel: 'Tanh', f: tf.tanh, x: () => seededUniform(shape, 11, -2, 2) },
  { kernel: 'Relu', f: tf.relu, x: () => kinkFreeInput(shape, 12) },
  { kernel: 'Relu6', f: tf.relu6, x: () => tf.tensor([-1, -0.2, 0.3, 2, 5.5, 5.9, 6.2, 7]) },
  { kernel: 'LeakyRelu', f: (x) => tf.leakyRelu(x, 0.2), x: () => kinkFreeInput(shape, 13) },
  { kernel: 'Elu', f: tf.elu, x: () => kinkFreeInput(shape, 14) },
  { kernel: 'ClipByValue', f: (x) => tf.clipByValue(x, -0.415, 0.385), x: () => kinkFreeInput(shape, 15) },
  { kernel: 'Cast', f: (x) => tf.cast(x, 'float32'), x: () => seededUniform(shape, 16) },
  { kernel: 'Identity', f: (x) => tf.clone(x), x: () => seededUniform(shape, 17) },
];

describe('unary gradients match finite differences', () => {
  before(() => selectBackend());

  test('every registered unary gradient has a case', () => {
    assert.deepEqual(cases.map((c) => c.kernel).sort(), unaryGradients.map((g) => g.kernelName).sort());
  });

  for (const { kernel, f, x } of cases) {
    test(kernel, () => {
      const input = x();
      const result = checkGradients(f, [input]);
      input.dispose();
      assert.ok(result.ok, result.message);
    });
  }
});
