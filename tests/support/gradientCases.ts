import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../main/engine/backend/selectBackend.ts';
import { checkGradients } from './gradientCheck.ts';

/** One finite-difference check of a registered gradient: the kernel it covers, a function using it, fresh inputs. */
export interface GradientCase {
  name: string;
  kernel: string;
  f: (...xs: tf.Tensor[]) => tf.Tensor;
  inputs: () => tf.Tensor[];
}

/**
 * Test support: a suite that checks every case against central differences and fails when a
 * registered gradient has no case, so a gradient cannot be added without being checked.
 */
export function describeGradientCases(title: string, cases: GradientCase[], registered: readonly { kernelName: string }[]): void {
  describe(title, () => {
    before(() => selectBackend());

    test('every registered gradient has a case', () => {
      assert.deepEqual([...new Set(cases.map((c) => c.kernel))].sort(), registered.map((g) => g.kernelName).sort());
    });

    for (const { name, f, inputs } of cases) {
      test(name, () => {
        const xs = inputs();
        const result = checkGradients(f, xs);
        tf.dispose(xs);
        assert.ok(result.ok, result.message);
      });
    }
  });
}
