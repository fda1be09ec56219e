import type { ApiClient } from '../../../shared/api.ts';
import { BridgeClient } from './bridgeClient.ts';
import { IpcClient, type PreloadBridge } from './ipcClient.ts';

declare global {
  interface Window {
    /** Set by main/electron/preload.ts inside the desktop window; absent in a browser. */
    atrium?: PreloadBridge;
  }
}

const TOKEN_KEY = 'atrium.token';

export class MissingTokenError extends Error {
  constructor() {
    super('This page was opened without its access token. Open the address the Atrium server printed (it ends in #token=…).');
    this.name = 'MissingTokenError';
  }
}

/**
 * The bridge token arrives in the URL fragment (#token=…). The fragment survives reloads and never
 * reaches the server; a copy in sessionStorage (per tab) covers navigations that drop it, and is
 * put back into the fragment so a reload or a bookmark of this tab keeps working.
 */
export function readToken(loc: Location = window.location, storage: Storage | null = safeSessionStorage()): string | null {
  const fromHash = new URLSearchParams(loc.hash.replace(/^#/, '')).get('token');
  if (fromHash) {
    storage?.setItem(TOKEN_KEY, fromHash);
    return fromHash;
  }
  const stored = storage?.getItem(TOKEN_KEY) ?? null;
  if (stored) {
    const params = new URLSearchParams(loc.hash.replace(/^#/, ''));
    params.set('token', stored);
    history.replaceState(null, '', `${loc.pathname}${loc.search}#${params.toString()}`);
  }
  return stored;
}

/** Electron's preload bridge when there is one, else the loopback bridge of the page's own origin. */
export function createClient(): ApiClient {
  if (window.atrium) return new IpcClient(window.atrium);
  const token = readToken();
  if (!token) throw new MissingTokenError();
  return new BridgeClient(window.location.origin, token);
}

function safeSessionStorage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}
