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

const addonFile = path.join('native', 'build', 'Release', 'atrium_native.node');

/** Where the addon may be: beside the sources, or (packaged) in app.asar.unpacked. */
export function addonCandidates(env: Record<string, string | undefined> = process.env): string[] {
  const candidates: string[] = [];
  if (env.ATRIUM_NATIVE_ADDON) candidates.push(path.resolve(env.ATRIUM_NATIVE_ADDON));
  // From this file (main/engine/native/) or, bundled, from dist/electron's stand-in for
  // import.meta.url (main/api/): walk up to the app root.
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const file = path.join(dir, addonFile);
    candidates.push(file.replace(/app\.asar(?=[\\/])/, 'app.asar.unpacked'), file);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return [...new Set(candidates)];
}

export function loadAddon(env: Record<string, string | undefined> = process.env): AddonLoad {
  const file = addonCandidates(env).find((candidate) => existsSync(candidate));
  if (!file) {
    return { addon: null, reason: 'native kernels not built (needs libdnnl-dev, then `npm run build:native`)' };
  }
  try {
    const addon = createRequire(import.meta.url)(file) as NativeAddon;
    return { addon, path: file };
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    return { addon: null, reason: `native kernels failed to load (${message})` };
  }
}
