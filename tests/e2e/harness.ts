/**
 * Shared set-up for the end-to-end tests: build the renderer when its sources are newer than the
 * build, start a real server (browser mode) in a child process with a fresh ATRIUM_HOME and a
 * random port, drive Debian's Chromium with software WebGL2, and read pixels back from the canvas.
 */
import type { Locator } from 'playwright-core';
import { decodePng, regionStats, type RegionStats } from './png.ts';

export { REPO_ROOT } from '../../main/api/codeVersion.ts';
export {
  api,
  CHROMIUM_ARGS,
  ensureRendererBuilt,
  launchBrowser,
  openApp,
  startServer,
  waitForViewer,
  type AppPage,
  type ServerHandle,
} from '../../main/bench/browserApp.ts';

export type Region = { x0: number; y0: number; x1: number; y1: number };
export const CENTRE: Region = { x0: 0.3, y0: 0.3, x1: 0.7, y1: 0.7 };

/** Pixel statistics of a region of the viewer canvas, read from a screenshot of the element. */
export async function canvasStats(canvas: Locator, region: Region = CENTRE): Promise<RegionStats> {
  const png = await canvas.screenshot({ animations: 'disabled' });
  return regionStats(decodePng(png), region);
}

/**
 * Polls the canvas until `accept` holds (rendering is asynchronous: texture upload, then a frame)
 * and returns the last statistics either way, so a failing assertion shows what was seen.
 */
export async function settledCanvasStats(
  canvas: Locator,
  accept: (s: RegionStats) => boolean,
  region: Region = CENTRE,
  timeout = 15_000,
): Promise<RegionStats> {
  const deadline = Date.now() + timeout;
  let stats = await canvasStats(canvas, region);
  while (!accept(stats) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    stats = await canvasStats(canvas, region);
  }
  return stats;
}

/** What "the scan is visible" means: much of the region is lit, with many different grey levels. */
export function showsImage(s: RegionStats, minLevels = 40): boolean {
  return s.foreground > 0.25 && s.levels >= minLevels && s.stdDev > 8;
}

/** Re-evaluates `read` until `accept` holds or the time is up; returns the last value either way. */
export async function poll<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeout = 10_000): Promise<T> {
  const deadline = Date.now() + timeout;
  let value = await read();
  while (!accept(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}

/** POSTs a raw API call (no client), for the security checks. */
export async function rawApiCall(url: string, method: string, headers: Record<string, string>): Promise<number> {
  const { request } = await import('node:http');
  const target = new URL(`/api/${method}`, url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}
