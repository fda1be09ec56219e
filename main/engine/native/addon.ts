/**
 * Finds and loads atrium_native.node, the oneDNN kernels built from native/ by
 * scripts/build-native.js. Loading never throws: a missing or broken addon comes
 * back as a one-line reason, and the engine stays on pure JavaScript.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What native/src/*.cc export (see the comments there for the argument layouts). */
export interface NativeAddon {
  setNumThreads(threads: number): number;
  getNumThreads(): number;
  /** 0: oneDNN picks activation layouts (reorders from/to channels-last); 1: channels-last as given. */
  setLayoutPolicy(policy: number): void;
  clearCaches(): void;
  version(): { onednn: string; cpuRuntime: string; isa: string };
  /** glibc mallopt(M_MMAP_THRESHOLD, M_TRIM_THRESHOLD); false where not glibc. */
  tuneAllocator(mmapThreshold: number, trimThreshold: number): boolean;
  conv(kind: 0 | 1 | 2, geometry: number[], a: Float32Array, b: Float32Array, out: Float32Array): void;
  matMul(geometry: number[], a: Float32Array, b: Float32Array, out: Float32Array): void;
  maxPool(geometry: number[], x: Float32Array, y: Float32Array): void;
  maxPoolGrad(geometry: number[], x: Float32Array, dy: Float32Array, dx: Float32Array): void;
  [elementwise: string]: unknown;
}

export type AddonLoad = { addon: NativeAddon; path: string } | { addon: null; reason: string };

/**
 * Where the addon is: ATRIUM_NATIVE_ADDON when set, else where scripts/build-native.js puts it,
 * under the source tree this file is in. The Electron shell sets ATRIUM_NATIVE_ADDON (for
 * itself and the job workers it forks): its bundles are not in the source tree.
 */
export function addonPath(env: Record<string, string | undefined> = process.env): string {
  if (env.ATRIUM_NATIVE_ADDON) return path.resolve(env.ATRIUM_NATIVE_ADDON);
  return fileURLToPath(new URL('../../../native/build/Release/atrium_native.node', import.meta.url));
}

export function loadAddon(env: Record<string, string | undefined> = process.env): AddonLoad {
  const file = addonPath(env);
  if (!existsSync(file)) {
    return { addon: null, reason: 'native kernels not built (needs libdnnl-dev, then `npm run build:native`)' };
  }
  try {
    const addon = createRequire(file)(file) as NativeAddon;
    return { addon, path: file };
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    return { addon: null, reason: `native kernels failed to load (${message})` };
  }
}
