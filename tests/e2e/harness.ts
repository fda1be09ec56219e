/**
 * Shared set-up for the end-to-end tests: build the renderer when its sources are newer than the
 * build, start a real server (browser mode) in a child process with a fresh ATRIUM_HOME and a
 * random port, drive Debian's Chromium with software WebGL2, and read pixels back from the canvas.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import type { Method, Request, Results } from '../../shared/api.ts';
import { decodeFrame, encodeFrame } from '../../shared/wire.ts';
import { decodePng, regionStats, type RegionStats } from './png.ts';

export const REPO_ROOT = new URL('../../', import.meta.url).pathname;
const BUILD_INDEX = join(REPO_ROOT, 'dist', 'renderer', 'index.html');
const BUILD_LOCK = join(REPO_ROOT, 'dist', '.renderer-build.lock');
const CHROMIUM = process.env.ATRIUM_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name === 'docs') continue;
    newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

/** Builds dist/renderer when it is missing or older than anything the renderer is built from. */
export async function ensureRendererBuilt(): Promise<void> {
  const sources = ['renderer/src', 'renderer/index.html', 'renderer/vite.config.ts', 'shared'].map((p) => newestMtime(join(REPO_ROOT, p)));
  const fresh = () => existsSync(BUILD_INDEX) && statSync(BUILD_INDEX).mtimeMs >= Math.max(...sources);
  if (fresh()) return;
  mkdirSync(join(REPO_ROOT, 'dist'), { recursive: true });
  // test files may run in parallel: one builds, the others wait for it
  for (let waited = 0; ; waited += 250) {
    try {
      mkdirSync(BUILD_LOCK);
      break;
    } catch {
      if (waited > 120_000) rmSync(BUILD_LOCK, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 250));
      if (fresh()) return;
    }
  }
  try {
    if (fresh()) return;
    const vite = join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
    const result = spawnSync(process.execPath, [vite, 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`renderer build failed:\n${result.stdout}\n${result.stderr}`);
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
}

export interface ServerHandle {
  /** http://127.0.0.1:PORT */
  url: string;
  /** The URL with #token=… that opens the app. */
  appUrl: string;
  token: string;
  port: number;
  home: string;
  output(): string;
  stop(): Promise<void>;
}

/** Starts `main/server/webMain.ts` with a fresh ATRIUM_HOME, a random port and a random token. */
export async function startServer(opts: { home?: string } = {}): Promise<ServerHandle> {
  const home = opts.home ?? mkdtempSync(join(tmpdir(), 'atrium-e2e-'));
  const token = randomBytes(18).toString('base64url');
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'main/server/webMain.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ATRIUM_HOME: home, ATRIUM_PORT: '0', ATRIUM_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const appUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 60 s:\n${log}`)), 60_000);
    const check = () => {
      const m = /Open (http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with code ${code}:\n${log}`));
    });
  });
  const url = new URL(appUrl).origin;
  return {
    url,
    appUrl,
    token,
    port: Number(new URL(url).port),
    home,
    output: () => log,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      if (!opts.home) rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Calls the API over the bridge, as the page does, for test set-up and checks. */
export async function api<M extends Method>(server: ServerHandle, method: M, req: Request<M>): Promise<Results[M]> {
  const res = await fetch(`${server.url}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/octet-stream', 'X-Atrium-Token': server.token },
    body: encodeFrame(req),
  });
  const body = decodeFrame(await res.arrayBuffer()) as { ok: boolean; result?: Results[M]; error?: { message: string } };
  if (!body.ok) throw new Error(`${method}: ${body.error?.message}`);
  return body.result!;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface AppPage {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions seen so far (CSP violations show up here). */
  problems: string[];
}

/** Opens the app in a fresh browser context at a workstation-sized viewport. */
export async function openApp(browser: Browser, appUrl: string, viewport = { width: 1440, height: 900 }): Promise<AppPage> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  await page.goto(appUrl);
  await page.getByTestId('app').and(page.locator('[data-phase="ready"]')).waitFor({ timeout: 30_000 });
  return { context, page, problems };
}

/** Waits until the viewer shows the given scan (or any scan) and reports being ready. */
export async function waitForViewer(page: Page, scanId?: string, timeout = 30_000): Promise<void> {
  const selector = scanId ? `[data-testid="viewer"][data-state="ready"][data-scan-id="${scanId}"]` : '[data-testid="viewer"][data-state="ready"]';
  await page.locator(selector).waitFor({ timeout });
}

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
