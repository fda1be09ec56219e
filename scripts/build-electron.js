#!/usr/bin/env node
// Bundles the Electron shell (main process + sandboxed preload) into dist/electron as CommonJS.
// Native modules and Electron itself stay external: electron-builder ships them unpacked.
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  absWorkingDir: root,
  logLevel: 'warning',
  // tfjs-backend-cpu registers itself on import but declares no side effects: keep such imports.
  ignoreAnnotations: true,
  // import.meta.url has no meaning in CJS: make it point where main/api/codeVersion.ts sits, two folders below
  // the app root, for its REPO_ROOT. The native addon's place comes from the Electron main (ATRIUM_NATIVE_ADDON).
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('url').pathToFileURL(require('path').join(__dirname, '..', '..', 'main', 'api', 'codeVersion.js')).href;" },
};

await build({
  ...common,
  entryPoints: ['main/electron/main.ts'],
  outfile: 'dist/electron/main.cjs',
  external: ['electron', 'better-sqlite3', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
});
await build({
  ...common,
  entryPoints: ['main/electron/preload.ts'],
  outfile: 'dist/electron/preload.cjs',
  external: ['electron'],
});
// The training/prediction worker runs in its own process (Electron as Node), forked by main.cjs.
await build({
  ...common,
  entryPoints: ['main/engine/jobs/jobWorker.ts'],
  outfile: 'dist/electron/jobWorker.cjs',
  external: ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
});
console.log('built dist/electron/main.cjs, preload.cjs and jobWorker.cjs');
