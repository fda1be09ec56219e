/**
 * Atrium in browser mode, driven in Chromium: builds the renderer when its sources are newer than
 * the build, starts a real server (main/server/webMain.ts) in a child process with a fresh
 * ATRIUM_HOME and a random port, and opens the app in Debian's Chromium with software WebGL2.
 * The UI benchmark (uiBench.ts) and the end-to-end tests (tests/e2e/harness.ts) start it alike.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Method, Request, Results } from '../../shared/api.ts';
import { decodeFrame, encodeFrame } from '../../shared/wire.ts';
import { REPO_ROOT } from '../api/codeVersion.ts';

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
  // main/engine and main/io too: the WebGPU job Worker is built from them into the renderer bundle.
  const sources = ['renderer/src', 'renderer/index.html', 'renderer/vite.config.ts', 'shared', 'main/engine', 'main/io'].map((p) =>
    newestMtime(join(REPO_ROOT, p)),
  );
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

/**
 * Starts `main/server/webMain.ts` with a fresh ATRIUM_HOME, a random port and a random token. The
 * home's settings say the sample's first-run guide was dismissed, so that tests and benchmarks see
 * the plain workbench, unless `firstRun` leaves them as a new user's (settings that already say keep theirs).
 */
export async function startServer(opts: { home?: string; env?: Record<string, string>; firstRun?: boolean } = {}): Promise<ServerHandle> {
  const home = opts.home ?? mkdtempSync(join(tmpdir(), 'atrium-e2e-'));
  if (!opts.firstRun) dismissGuide(home);
  const token = randomBytes(18).toString('base64url');
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'main/server/webMain.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...opts.env, ATRIUM_HOME: home, ATRIUM_PORT: '0', ATRIUM_TOKEN: token },
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

/** Writes `guideDismissed` into the home's settings.json (workspace.ts), keeping what else it holds. */
function dismissGuide(home: string): void {
  mkdirSync(home, { recursive: true });
  const file = join(home, 'settings.json');
  const settings = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  if ('guideDismissed' in settings) return;
  writeFileSync(file, JSON.stringify({ ...settings, guideDismissed: true }));
}

/** Calls the API over the bridge, as the page does, for set-up and checks. */
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

/** Chromium with software WebGL2; `extraArgs` e.g. `--enable-unsafe-webgpu` for a SwiftShader WebGPU adapter. */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...extraArgs] });
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
