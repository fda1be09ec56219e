/**
 * The webgpu backend computes what the cpu backend computes for every kernel the engine trains
 * with: forward outputs and gradients (the engine's own, from registerGradients) agree within
 * 1e-4 relative, max|webgpu − cpu| / (max|cpu| + 1e-6) per tensor, at tiny shapes. The cases
 * live in tests/support/webgpuParityPage.ts, bundled here with esbuild and run in Debian's
 * Chromium, whose WebGPU adapter is SwiftShader's (the CPU fallback): this checks the backend's
 * shaders and the engine's gradients on it, not any GPU's arithmetic or speed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join, relative } from 'node:path';
import { build, type Plugin } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import type { ParityOptions, ParityReport } from '../support/webgpuParityPage.ts';
import { launchBrowser, REPO_ROOT } from './harness.ts';

const TOLERANCE = 1e-4;

/**
 * The kernels of one training step of every method on both networks (tf.profile on the cpu
 * backend, width 2), with the backprop-filter kernels the engine's convolution gradients use
 * on every backend but cpu (main/engine/ops/gradients/convFilterGradient.ts).
 */
const ENGINE_KERNELS = [
  'Abs',
  'Add',
  'AddN',
  'ArgMax',
  'BatchMatMul',
  'Cast',
  'Concat',
  'Conv2D',
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'Conv3D',
  'Conv3DBackpropFilterV2',
  'Conv3DBackpropInputV2',
  'Equal',
  'Exp',
  'ExpandDims',
  'Floor',
  'GatherV2',
  'Greater',
  'GreaterEqual',
  'Identity',
  'LeakyRelu',
  'Less',
  'Log',
  'Max',
  'MaxPool',
  'MaxPoolGrad',
  'Maximum',
  'Mean',
  'MirrorPad',
  'Multiply',
  'Neg',
  'OneHot',
  'PadV2',
  'Pow',
  'RealDiv',
  'Relu',
  'Reshape',
  'Rsqrt',
  'ScatterNd',
  'Select',
  'Sign',
  'Slice',
  'Softmax',
  'SplitV',
  'Sqrt',
  'Square',
  'SquaredDifference',
  'Sub',
  'Sum',
  'Transpose',
  'ZerosLike',
];

/**
 * registerGradients reaches main/engine/native/ (the loader of the oneDNN addon), which imports
 * Node's fs, module, os, path and url but calls them only once the native kernels are installed
 * on the cpu backend, which a page never does. They bundle as empty modules; `importers` records
 * who asked, so a Node import anywhere else fails the test instead of failing at run time.
 */
function nodeBuiltinsAsEmpty(importers: Set<string>): Plugin {
  return {
    name: 'node-builtins-as-empty',
    setup(b) {
      b.onResolve({ filter: /^node:/ }, (args) => {
        importers.add(relative(REPO_ROOT, args.importer));
        return { path: args.path, namespace: 'node-builtin' };
      });
      b.onLoad({ filter: /.*/, namespace: 'node-builtin' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
    },
  };
}

describe('webgpu kernels match the cpu backend', { timeout: 180_000 }, () => {
  let browser: Browser;
  let page: Page;
  const nodeImporters = new Set<string>();
  let report: ParityReport;
  const run = (options: ParityOptions = {}) =>
    page.evaluate((o) => (globalThis as unknown as { webgpuParity: (o: ParityOptions) => Promise<ParityReport> }).webgpuParity(o), options);

  before(async () => {
    const bundle = await build({
      entryPoints: [join(REPO_ROOT, 'tests/support/webgpuParityPage.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
      plugins: [nodeBuiltinsAsEmpty(nodeImporters)],
    });
    browser = await launchBrowser(['--enable-unsafe-webgpu']);
    page = await browser.newPage();
    // WebGPU exists only in secure contexts: the page is served as http://localhost by the route, not the network.
    await page.route('http://localhost/**', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>webgpu parity</title>' }));
    await page.goto('http://localhost/');
    await page.addScriptTag({ type: 'module', content: bundle.outputFiles[0]!.text });
    await page.waitForFunction(() => 'webgpuParity' in globalThis);
  });

  after(async () => {
    await browser?.close();
  });

  test('only the native-kernel loader imports Node modules', () => {
    assert.deepEqual(
      [...nodeImporters].filter((file) => !file.startsWith('main/engine/native/')),
      [],
    );
  });

  test("the adapter is SwiftShader's CPU fallback", async (t) => {
    report = await run({ kernelNames: ENGINE_KERNELS });
    const { adapter } = report;
    t.diagnostic(`adapter: vendor ${adapter.vendor}, architecture ${adapter.architecture}; ${report.seconds.toFixed(1)} s for all cases`);
    assert.equal(adapter.isFallbackAdapter, true, JSON.stringify(adapter));
  });

  test('webgpu implements every kernel the engine runs, and the cases run them all', () => {
    assert.deepEqual(report.missingKernels, []);
    const covered = new Set(report.results.flatMap((r) => r.kernels));
    assert.deepEqual(
      ENGINE_KERNELS.filter((k) => !covered.has(k)),
      [],
    );
  });

  test(`forward outputs and gradients agree within ${TOLERANCE} relative`, async (t) => {
    for (const r of report.results) {
      await t.test(r.name, () => {
        assert.ok(r.maxRelativeError <= TOLERANCE, `${r.maxRelativeError} at ${r.worst}`);
      });
      t.diagnostic(`${r.maxRelativeError.toExponential(1)} at ${r.worst}, ${r.seconds.toFixed(2)} s: ${r.name}`);
    }
  });

  test('the check fails when the webgpu run gets a different input', async () => {
    const { results } = await run({ filter: 'conv2d 3×3', perturbWebgpu: true });
    assert.ok(results.length > 0);
    for (const r of results) assert.ok(r.maxRelativeError > TOLERANCE, JSON.stringify(r));
  });
});
