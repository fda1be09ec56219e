import { app, BrowserWindow, dialog, ipcMain, Menu, shell as electronShell } from 'electron';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiErrorShape } from '../../shared/api.ts';
import { createAppContext } from '../api/appContext.ts';
import { dispatch, toApiError } from '../api/handlers.ts';
import { EVENT_NAMES } from '../../shared/api.ts';
import { MARKER_FILE, parseMarker, shouldTryVulkan, webGpuSwitches } from './webgpuSwitches.ts';

/**
 * The desktop shell, kept thin: one window, the API over IPC, nothing else. All logic lives in
 * main/api and below so browser mode and tests exercise exactly the same code.
 */

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Atrium',
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      // The window hosts WebGPU training jobs (renderer/src/gpu/gpuHost.ts): a hidden or
      // minimised window must keep its timers and its heartbeat to the main process.
      backgroundThrottling: false,
    },
  });
  // Only our own bundled page may load; links open in the system browser.
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    void electronShell.openExternal(url);
    return { action: 'deny' };
  });
  // The page refuses to unload while training runs (beforeunload); Electron shows no dialog of
  // its own for that, so ask here. Closing cancels the run, which keeps its model for resume.
  win.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(win, {
      type: 'question',
      buttons: ['Keep training', 'Close and cancel the run'],
      defaultId: 0,
      cancelId: 0,
      message: 'A model is being trained.',
      detail: 'Closing the window cancels the run. The model trained so far is kept, and the run can be resumed later.',
    });
    if (choice === 1) event.preventDefault();
  });
  void win.loadFile(join(__dirname, '..', 'renderer', 'index.html'));
  return win;
}

// The oneDNN kernels (main/engine/native/addon.ts) sit in the app folder, outside the asar archive
// when packaged (electron-builder.yml, asarUnpack); the job workers inherit this environment.
process.env.ATRIUM_NATIVE_ADDON ??= join(app.getAppPath().replace(/app\.asar$/, 'app.asar.unpacked'), 'native', 'build', 'Release', 'atrium_native.node');

const markerPath = join(app.getPath('userData'), MARKER_FILE);
const readMarker = () => {
  try {
    return parseMarker(readFileSync(markerPath, 'utf8'));
  } catch {
    return null;
  }
};
const marker = readMarker();
for (const [name, value] of webGpuSwitches(process.platform, marker)) app.commandLine.appendSwitch(name, value);

/** After the page has looked for an adapter: on Linux without one, the next start tries Vulkan (webgpuSwitches.ts). */
async function rememberWebGpuOutcome(win: BrowserWindow): Promise<void> {
  const found = (await win.webContents.executeJavaScript('navigator.gpu ? navigator.gpu.requestAdapter().then((a) => a !== null) : false')) as boolean;
  if (shouldTryVulkan(process.platform, marker, found)) writeFileSync(markerPath, JSON.stringify({ vulkan: true }));
}

app.whenReady().then(() => {
  const ctx = createAppContext({
    shell: 'electron',
    resourcesDir: app.isPackaged ? join(process.resourcesPath, 'resources') : undefined,
    // Electron's fork runs the bundled worker with its own Node (ELECTRON_RUN_AS_NODE).
    jobRunner: { workerEntry: join(__dirname, 'jobWorker.cjs'), execArgv: [] },
  });
  ctx.workspace.openStartupProject();
  ipcMain.handle('atrium:call', async (_event, method: string, req: unknown) => {
    try {
      return { ok: true, result: await dispatch(ctx.handlers, method, req) };
    } catch (err) {
      const e = toApiError(err);
      const error: ApiErrorShape = { code: e.code, message: e.message };
      return { ok: false, error };
    }
  });
  for (const event of EVENT_NAMES) {
    ctx.hub.on(event, (payload) => {
      for (const win of BrowserWindow.getAllWindows()) win.webContents.send(`atrium:event:${event}`, payload);
    });
  }
  Menu.setApplicationMenu(null);
  const win = createWindow();
  win.webContents.once('did-finish-load', () => void rememberWebGpuOutcome(win).catch(() => undefined));
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    event.preventDefault();
    quitting = true;
    // Cancelled training keeps its model; wait for the worker to write it before closing the project.
    void ctx.jobs.shutdown().finally(() => {
      ctx.workspace.close();
      app.quit();
    });
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
