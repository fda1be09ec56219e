import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createModel } from './createModel.ts';
import type { NetworkKind } from '../../../shared/networks.ts';

describe('createModel', () => {
  test('builds either kind and makes it trainable without selectBackend having run', () => {
    const model = createModel({ kind: 'vnet3d', numClasses: 2, width: 2 });
    assert.equal(model.kind, 'vnet3d');
    assert.ok(tf.getGradient('Conv3DBackpropInputV2'));
    model.dispose();
  });

  test('rejects unknown kinds and fewer than two classes', () => {
    assert.throws(() => createModel({ kind: 'resnet' as NetworkKind, numClasses: 2 }), /unknown model kind/);
    assert.throws(() => createModel({ kind: 'unet2d', numClasses: 1 }), /numClasses/);
  });
});
