import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The renderer is a static bundle: served by the loopback bridge in browser mode and loaded with
 * `loadFile` in Electron, hence the relative base. No plugins: Vite's own transform handles TSX
 * with React's automatic runtime.
 */
export default defineConfig({
  root,
  base: './',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 4096,
  },
  // The WebGPU job Worker (renderer/src/gpu/gpuHost.ts) is an ES module bundle of the engine.
  worker: { format: 'es' },
  server: { host: '127.0.0.1' },
});
