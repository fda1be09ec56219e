/**
 * `npm run bench:ui`: how long the viewer takes to answer the user, in the real UI (browser mode,
 * headless Chromium). It opens the sample project (Colin 27, 181 × 217 × 181), trains a tiny
 * model and predicts the scan so that there is an overlay to switch, then times REPETITIONS of
 * each interaction and prints p50 and p95 in ms:
 *
 * - window: a new window maximum typed in, from Enter to the redrawn view;
 * - brush: a stroke (button down, five moves, up), from the button going down to the stroke on screen;
 * - slice: one arrow key, to the next slice on screen;
 * - overlay: Prediction ↔ Uncertainty in the Review tab, from the click to the new overlay drawn
 *   (the server reads the prediction or computes the uncertainty each time, as for the user);
 * - view: the view keys A, C, S, M in turn, to the new layout drawn.
 *
 * The time runs in the page, from the input event (seen first, on window) to the first animation
 * frame whose canvas differs from the frame before the event (read back at half size each frame),
 * so it includes React, NiiVue, any request to the server and the frame itself, but not the
 * Playwright round trips. Frames come at about 60 a second, which is the resolution. With
 * SwiftShader (software WebGL2) the figures are those of a machine without a GPU. A benchmark,
 * not a test: it asserts nothing about the times.
 */
import type { Page } from 'playwright-core';
import type { RunInfo } from '../../shared/types.ts';
import { api, ensureRendererBuilt, launchBrowser, openApp, startServer, waitForViewer, type ServerHandle } from './browserApp.ts';

const REPETITIONS = 20;
/** Runs before the timed ones: the first of each kind compiles shaders and fills caches. */
const WARM_UP = 2;
/** Longest wait for one answer (the first uncertainty overlay took 14 s on a busy two-core machine); a miss is reported, not timed. */
const ANSWER_TIMEOUT_MS = 60_000;
/** Loading the sample scan and its label map: about 20 s on a busy two-core machine with software WebGL. */
const LOAD_TIMEOUT_MS = 180_000;
/** Enough to have a prediction to show; its quality does not matter here. */
const TINY_RUN = { method: 'supervised', iterations: 20, width: 2 } as const;

/**
 * Installed in the page as a string: a function would be rewritten by the TypeScript loader with
 * helpers the page does not have. `arm(event, key)` waits for the canvas to settle (two equal
 * frames), then starts the clock at the next `event` on window (with `key`, if given) and resolves
 * `answer` with the ms to the first frame that differs, or null after the timeout.
 */
const PROBE = `(() => {
  const canvas = document.querySelector('[data-testid="viewer-canvas"]');
  const scratch = document.createElement('canvas');
  const ctx = scratch.getContext('2d', { willReadFrequently: true });
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  const read = () => {
    const w = Math.max(1, canvas.width >> 1);
    const h = Math.max(1, canvas.height >> 1);
    if (scratch.width !== w || scratch.height !== h) {
      scratch.width = w;
      scratch.height = h;
    }
    ctx.drawImage(canvas, 0, 0, w, h);
    return ctx.getImageData(0, 0, w, h).data;
  };
  const same = (a, b) => {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  };
  window.__uiBench = {
    async arm(event, key, timeout) {
      let before = read();
      for (let n = 0; n < 240; n++) {
        await frame();
        const now = read();
        if (same(now, before)) break;
        before = now;
      }
      let start = null;
      const listener = (e) => {
        if (start !== null || (key && e.key !== key)) return;
        start = performance.now();
        window.removeEventListener(event, listener, true);
      };
      window.addEventListener(event, listener, true);
      this.answer = (async () => {
        const deadline = performance.now() + timeout;
        while (performance.now() < deadline) {
          await frame();
          if (start !== null && !same(read(), before)) return performance.now() - start;
        }
        window.removeEventListener(event, listener, true);
        return null;
      })();
    },
  };
})()`;

interface Interaction {
  name: string;
  /** What happens before the timed runs (a view, a tab, a tool). */
  prepare(page: Page): Promise<void>;
  /** The event the clock starts at, and its key for keyboard events. */
  event: string;
  key?(n: number): string;
  /** The n-th input; each must change what is drawn. */
  act(page: Page, n: number): Promise<void>;
}

const focusViewer = (page: Page) => page.getByTestId('viewer-canvas').focus();
const setView = async (page: Page, key: string, mode: string) => {
  await focusViewer(page);
  await page.keyboard.press(key);
  await page.locator(`[data-testid="viewer"][data-view-mode="${mode}"]`).waitFor();
};
const VIEW_KEYS = ['a', 'c', 's', 'm'];

function interactions(windowMax: number): Interaction[] {
  return [
    {
      name: 'window (typed maximum, Enter)',
      prepare: (page) => setView(page, 'a', 'axial'),
      event: 'keydown',
      key: () => 'Enter',
      act: async (page, n) => {
        const field = page.getByTestId('window-max');
        await field.fill(String(Math.round(windowMax * (n % 2 ? 0.6 : 0.8))));
        await field.press('Enter');
      },
    },
    {
      name: 'slice (arrow key)',
      prepare: (page) => setView(page, 'a', 'axial'),
      event: 'keydown',
      key: (n) => (n % 2 ? 'ArrowDown' : 'ArrowUp'),
      act: async (page, n) => {
        await focusViewer(page);
        await page.keyboard.press(n % 2 ? 'ArrowDown' : 'ArrowUp');
      },
    },
    {
      name: 'view (A, C, S, M keys)',
      prepare: (page) => setView(page, 'm', 'multiplanar'),
      event: 'keydown',
      key: (n) => VIEW_KEYS[n % VIEW_KEYS.length]!,
      act: async (page, n) => {
        await focusViewer(page);
        await page.keyboard.press(VIEW_KEYS[n % VIEW_KEYS.length]!);
      },
    },
    {
      name: 'overlay (Prediction ↔ Uncertainty)',
      prepare: async (page) => {
        await setView(page, 'a', 'axial');
        await page.getByTestId('tab-review').click();
        await page.getByTestId('layer-prediction').click();
        await page.locator('[data-testid="overlay-status"][data-status="shown"]').waitFor({ timeout: ANSWER_TIMEOUT_MS });
      },
      event: 'click',
      act: async (page, n) => {
        await page.getByTestId(n % 2 ? 'layer-prediction' : 'layer-uncertainty').click();
        await page.locator('[data-testid="overlay-status"][data-status="shown"]').waitFor({ timeout: ANSWER_TIMEOUT_MS });
      },
    },
    {
      name: 'brush (stroke: down, 5 moves, up)',
      prepare: async (page) => {
        await setView(page, 'a', 'axial');
        await page.keyboard.press('b');
        await page.getByTestId('brush-outline').waitFor({ state: 'attached' });
      },
      event: 'mousedown',
      act: async (page, n) => {
        const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
        // a new row each time, across the middle of the brain, so that every stroke paints new voxels
        const y = box.y + box.height * (0.3 + (0.4 * n) / (WARM_UP + REPETITIONS));
        const x = box.x + box.width * 0.4;
        await page.mouse.move(x, y);
        await page.mouse.down();
        for (let step = 1; step <= 5; step++) await page.mouse.move(x + step * box.width * 0.04, y);
        await page.mouse.up();
      },
    },
  ];
}

/** The p-th percentile (0..100) by nearest rank. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

async function runUntil(server: ServerHandle, runId: string, done: (run: RunInfo) => boolean, what: string): Promise<RunInfo> {
  for (;;) {
    const run = (await api(server, 'projects.current', {}))?.runs.find((r) => r.id === runId);
    if (run && (run.status === 'failed' || run.status === 'cancelled')) throw new Error(`the tiny run ${what}: ${run.status}`);
    if (run && done(run)) return run;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** A finished tiny run that has predicted the sample scan, so that the overlay can be shown. */
async function predictSample(server: ServerHandle): Promise<void> {
  const project = (await api(server, 'projects.current', {}))!;
  const scanId = project.scans[0]!.id;
  const { runId } = await api(server, 'jobs.train', TINY_RUN);
  await runUntil(server, runId, (r) => r.status === 'finished', 'training');
  await api(server, 'predictions.start', { runId, scanId });
  await runUntil(server, runId, (r) => r.predicted.includes(scanId), 'predicting');
}

async function measure(page: Page, it: Interaction): Promise<{ times: number[]; missed: number }> {
  await it.prepare(page);
  const times: number[] = [];
  let missed = 0;
  for (let n = 0; n < WARM_UP + REPETITIONS; n++) {
    await page.evaluate(`window.__uiBench.arm(${JSON.stringify(it.event)}, ${JSON.stringify(it.key?.(n) ?? null)}, ${ANSWER_TIMEOUT_MS})`);
    let acted = true;
    try {
      await it.act(page, n);
    } catch (err) {
      acted = false;
      process.stderr.write(`${it.name}, run ${n + 1}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`);
    }
    const ms = (await page.evaluate('window.__uiBench.answer')) as number | null;
    if (n < WARM_UP) continue;
    if (ms === null || !acted) missed++;
    else times.push(ms);
  }
  return { times: times.sort((a, b) => a - b), missed };
}

async function main(): Promise<void> {
  await ensureRendererBuilt();
  const [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  try {
    process.stderr.write('training and predicting a tiny model on the sample scan…\n');
    await predictSample(server);
    const { page } = await openApp(browser, server.appUrl);
    await waitForViewer(page, undefined, LOAD_TIMEOUT_MS);
    await page.evaluate(PROBE);
    const windowMax = Number(await page.getByTestId('window-max').inputValue());
    const viewport = page.viewportSize()!;
    console.log(
      `UI latency in ms, input event to the first changed frame; ${REPETITIONS} runs each after ${WARM_UP} warm-up; ` +
        `headless Chromium ${browser.version()}, SwiftShader WebGL2, ${viewport.width}×${viewport.height}; sample project`,
    );
    console.log(`${'interaction'.padEnd(38)}${'p50'.padStart(8)}${'p95'.padStart(8)}${'max'.padStart(8)}`);
    for (const it of interactions(windowMax)) {
      const { times, missed } = await measure(page, it);
      const cells = times.length
        ? [percentile(times, 50), percentile(times, 95), times.at(-1)!].map((t) => t.toFixed(0).padStart(8)).join('')
        : '       –       –       –';
      console.log(`${it.name.padEnd(38)}${cells}${missed ? `  (${missed} not answered within ${ANSWER_TIMEOUT_MS / 1000} s)` : ''}`);
    }
  } finally {
    await browser.close();
    await server.stop();
  }
}

await main();
