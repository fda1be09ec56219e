import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { selectBackend } from './selectBackend.ts';
import { nativeKernelsStatus } from '../native/nativeKernels.ts';

const notFound = (specifier: string) => Object.assign(new Error(`Cannot find package '${specifier}'`), { code: 'ERR_MODULE_NOT_FOUND' });
const nothingInstalled = async (specifier: string) => {
  throw notFound(specifier);
};

/** Stands in for tfjs-node(-gpu): registers a "tensorflow" backend like theirs. */
function fakeNativePackage(usesGpu: boolean) {
  const loaded: string[] = [];
  const importModule = async (specifier: string) => {
    loaded.push(specifier);
    tf.registerBackend('tensorflow', () => Object.assign(new MathBackendCPU(), { isUsingGpuDevice: usesGpu, binding: { TF_Version: '2.9.1' } }));
  };
  return { loaded, importModule };
}

async function restoreCpu() {
  if (tf.findBackend('tensorflow')) tf.removeBackend('tensorflow');
  await tf.setBackend('cpu');
}

describe('selectBackend', () => {
  after(restoreCpu);

  test('falls back to the pure-JS cpu backend and says why', async () => {
    const selection = await selectBackend({ env: { ATRIUM_NATIVE: '0' }, importModule: nothingInstalled });
    assert.equal(selection.name, 'cpu');
    assert.equal(tf.getBackend(), 'cpu');
    assert.match(selection.device, /pure JavaScript/);
    assert.equal(
      selection.reason,
      '@tensorflow/tfjs-node-gpu not installed; @tensorflow/tfjs-node not installed; using the pure-JS cpu backend (native kernels disabled by ATRIUM_NATIVE=0)',
    );
  });

  test('on the cpu backend uses the oneDNN kernels where built, or says why not', async () => {
    const selection = await selectBackend({ env: { ATRIUM_THREADS: '2' }, importModule: nothingInstalled });
    assert.equal(selection.name, 'cpu');
    if (nativeKernelsStatus().loaded) {
      assert.match(selection.device, /^cpu \+ oneDNN kernels \(2 threads; /);
      assert.match(selection.reason, /using the cpu backend with oneDNN \d+\.\d+\.\d+ kernels for \d+ ops on 2 threads$/);
    } else {
      assert.match(selection.device, /pure JavaScript/);
      assert.match(selection.reason, /using the pure-JS cpu backend \(native kernels (not built|failed to load)/);
    }
    await selectBackend({ env: { ATRIUM_NATIVE: '0' }, importModule: nothingInstalled });
  });

  test('registers the gradients it relies on, including conv3dTranspose', async () => {
    await selectBackend({ env: {}, importModule: nothingInstalled });
    for (const kernel of ['Conv3DBackpropInputV2', 'Conv2D', 'Sum', 'BatchMatMul']) {
      assert.ok(tf.getGradient(kernel), kernel);
    }
  });

  test('uses tfjs-node-gpu when TensorFlow reports a CUDA device', async () => {
    const fake = fakeNativePackage(true);
    const selection = await selectBackend({ env: {}, importModule: fake.importModule });
    assert.equal(selection.name, 'tensorflow-gpu');
    assert.match(selection.device, /CUDA GPU via libtensorflow 2\.9\.1/);
    assert.deepEqual(fake.loaded, ['@tensorflow/tfjs-node-gpu']);
    await restoreCpu();
  });

  test('reports a GPU package that silently runs on the CPU (e.g. CUDA 12 only)', async () => {
    const fake = fakeNativePackage(false);
    const selection = await selectBackend({ env: {}, importModule: fake.importModule });
    assert.equal(selection.name, 'tensorflow');
    assert.match(selection.device, /^CPU via libtensorflow/);
    assert.match(selection.reason, /no usable CUDA device.*CUDA 11\.2.*running libtensorflow on the CPU/);
    await restoreCpu();
  });

  test('ATRIUM_BACKEND=tensorflow-gpu refuses a CPU-only TensorFlow instead of falling back', async () => {
    const fake = fakeNativePackage(false);
    await assert.rejects(
      selectBackend({ env: { ATRIUM_BACKEND: 'tensorflow-gpu' }, importModule: fake.importModule }),
      /ATRIUM_BACKEND=tensorflow-gpu is unavailable: .*no usable CUDA device/,
    );
    await restoreCpu();
  });

  test('ATRIUM_BACKEND forces a backend, and a missing one is an error', async () => {
    const selection = await selectBackend({ env: { ATRIUM_BACKEND: 'cpu' }, importModule: nothingInstalled });
    assert.equal(selection.name, 'cpu');
    assert.match(selection.reason, /^forced by ATRIUM_BACKEND=cpu; /);
    await assert.rejects(
      selectBackend({ env: { ATRIUM_BACKEND: 'tensorflow' }, importModule: nothingInstalled }),
      /ATRIUM_BACKEND=tensorflow is unavailable: @tensorflow\/tfjs-node not installed/,
    );
    await assert.rejects(selectBackend({ env: { ATRIUM_BACKEND: 'wasm' } }), /not one of/);
  });

  test('names a native package whose libtensorflow download failed', async () => {
    const selection = await selectBackend({
      env: {},
      importModule: async (specifier) => {
        if (specifier === '@tensorflow/tfjs-node-gpu') throw notFound(specifier);
        throw new Error("Cannot find module '/app/node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node'");
      },
    });
    assert.equal(selection.name, 'cpu');
    assert.match(selection.reason, /@tensorflow\/tfjs-node installed without its native part \(libtensorflow missing: /);
  });

  test('the real module loader finds neither native package here', async () => {
    const selection = await selectBackend({ env: {} });
    assert.equal(selection.name, 'cpu');
    assert.match(selection.reason, /@tensorflow\/tfjs-node-gpu (not installed|installed without its native part|failed to load)/);
  });
});
