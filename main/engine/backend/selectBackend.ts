import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import os from 'node:os';
import { registerGradients } from '../ops/registerGradients.ts';
import { installNativeKernels } from '../native/nativeKernels.ts';

export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'cpu';

export interface BackendSelection {
  name: BackendName;
  /** What the tensors actually run on, in words. */
  device: string;
  /** Why this backend: what was tried before it and why that failed. */
  reason: string;
}

export interface SelectBackendOptions {
  /** Environment to read ATRIUM_BACKEND from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Module loader (default dynamic import); replaceable to test the fallbacks. */
  importModule?: (specifier: string) => Promise<unknown>;
}

const backendNames: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'cpu'];

const packages = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
} as const;

/** What tfjs-node's NodeJSKernelBackend exposes beyond KernelBackend. */
interface NodeBackend {
  isUsingGpuDevice?: boolean;
  binding?: { TF_Version?: string };
}

class BackendUnavailable extends Error {}

/**
 * Picks the fastest working TensorFlow.js backend: @tensorflow/tfjs-node-gpu
 * (only if TensorFlow really found a CUDA device), then @tensorflow/tfjs-node,
 * then the pure-JavaScript `cpu` backend. ATRIUM_BACKEND=tensorflow-gpu|
 * tensorflow|cpu forces one and fails loudly if it cannot be had.
 *
 * The WASM backend is never chosen: it lacks Conv2DBackpropFilter and
 * computes silently wrong 3D convolution gradients.
 *
 * Whatever is chosen, the engine's gradients are (re)registered afterwards,
 * because tfjs-core alone ships none and tfjs-node's set lacks some.
 */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<BackendSelection> {
  const env = options.env ?? process.env;
  const importModule = options.importModule ?? ((specifier: string) => import(specifier));
  const forced = env.ATRIUM_BACKEND?.trim();
  if (forced && !backendNames.includes(forced as BackendName)) {
    throw new Error(`ATRIUM_BACKEND="${forced}" is not one of ${backendNames.join(', ')}`);
  }
  const candidates = forced ? [forced as BackendName] : backendNames;
  const rejected: string[] = [];
  for (const name of candidates) {
    try {
      const selection = await activate(name, importModule, Boolean(forced), env);
      selection.reason = [forced ? `forced by ATRIUM_BACKEND=${forced}` : '', ...rejected, selection.reason].filter(Boolean).join('; ');
      registerGradients();
      return selection;
    } catch (error) {
      if (!(error instanceof BackendUnavailable)) throw error;
      rejected.push(error.message);
    }
  }
  throw new Error(`${forced ? `ATRIUM_BACKEND=${forced} is unavailable` : 'no TensorFlow.js backend is available'}: ${rejected.join('; ')}`);
}

async function activate(
  name: BackendName,
  importModule: (specifier: string) => Promise<unknown>,
  forced: boolean,
  env: Record<string, string | undefined>,
): Promise<BackendSelection> {
  if (name === 'cpu') {
    await setBackend('cpu');
    // tfjs-cpu's first-use banner tells users to install tfjs-node; the reason returned here
    // already says which backends were tried and why they failed, so the banner only misleads.
    (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
    // Our oneDNN kernels (native/) replace the cpu backend's slowest ones where built; ATRIUM_NATIVE=0 opts out.
    const native = installNativeKernels({ env });
    const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
    return native.loaded
      ? { name, device: `cpu + oneDNN kernels (${native.threads} threads; ${cpu})`, reason: `using the cpu backend with ${native.reason}` }
      : { name, device: `CPU, pure JavaScript on one thread (${cpu})`, reason: `using the pure-JS cpu backend (${native.reason})` };
  }
  const specifier = packages[name];
  try {
    await importModule(specifier);
  } catch (error) {
    throw new BackendUnavailable(describeLoadFailure(specifier, error));
  }
  // Both native packages register their backend as "tensorflow".
  await setBackend('tensorflow');
  const backend = tf.backend() as unknown as NodeBackend;
  const version = backend.binding?.TF_Version ?? 'unknown version';
  if (name === 'tensorflow-gpu') {
    if (backend.isUsingGpuDevice !== true) {
      // libtensorflow 2.9 needs CUDA 11.2 + cuDNN 8.1; without them (e.g. a
      // CUDA-12-only machine) it silently runs on the CPU.
      const problem = `${specifier} loaded but TensorFlow found no usable CUDA device (libtensorflow ${version} needs CUDA 11.2 + cuDNN 8.1; a CUDA-12-only driver stack is not enough)`;
      if (forced) throw new BackendUnavailable(problem);
      // The GPU package's CPU kernels are those of @tensorflow/tfjs-node, and
      // loading that second native binding next to this one would conflict.
      return {
        name: 'tensorflow',
        device: `CPU via libtensorflow ${version} (${os.cpus().length} threads)`,
        reason: `${problem}: running libtensorflow on the CPU`,
      };
    }
    return {
      name,
      device: `CUDA GPU via libtensorflow ${version}`,
      reason: `${specifier} loaded and TensorFlow uses a CUDA device`,
    };
  }
  return {
    name,
    device: `CPU via libtensorflow ${version} (${os.cpus().length} threads)`,
    reason: `using ${specifier}`,
  };
}

async function setBackend(name: string): Promise<void> {
  if (!(await tf.setBackend(name))) throw new BackendUnavailable(`backend "${name}" failed to initialise`);
  await tf.ready();
}

function describeLoadFailure(specifier: string, error: unknown): string {
  const message = firstLine(error);
  if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && message.includes(`'${specifier}'`)) {
    return `${specifier} not installed`;
  }
  // The package installs, but its install script downloads libtensorflow and
  // builds tfjs_binding.node; offline that step fails and loading fails later.
  if (/tfjs_binding|libtensorflow/.test(message)) {
    return `${specifier} installed without its native part (libtensorflow missing: ${message})`;
  }
  return `${specifier} failed to load (${message})`;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
