import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { ApiError, EVENT_NAMES, type ApiHandlers } from '../../shared/api.ts';
import { decodeFrame, encodeFrame } from '../../shared/wire.ts';
import { dispatch, toApiError } from '../api/handlers.ts';
import { formatBytes } from '../io/scanLimits.ts';
import type { EventHub } from '../api/events.ts';

export interface BridgeOptions {
  handlers: ApiHandlers;
  hub: EventHub;
  /** Built renderer (index.html and assets); absent in API-only use. */
  staticDir?: string;
  port?: number;
  /** Fixed token for tests; a random one per start otherwise. */
  token?: string;
  /** A smaller body limit for tests; MAX_REQUEST_BYTES otherwise. */
  maxRequestBytes?: number;
}

export interface Bridge {
  url: string;
  /** The URL a person opens: the token rides in the fragment so it never reaches logs or Referer headers. */
  appUrl: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

/** The largest request body the bridge accepts (a scan and its label map, framed); a larger one is refused before it is kept. */
export const MAX_REQUEST_BYTES = 2 * 1024 ** 3;
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * Serves the API and the built renderer on 127.0.0.1 only. Every API call and the event socket
 * need the per-start token; the Host header must name the loopback address so a web page
 * elsewhere cannot reach the server through DNS rebinding.
 */
export async function startBridge(opts: BridgeOptions): Promise<Bridge> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const maxRequestBytes = opts.maxRequestBytes ?? MAX_REQUEST_BYTES;
  let port = 0;
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => sendError(res, toApiError(err)));
  });

  const allowedHost = (host: string | undefined) => host === `127.0.0.1:${port}` || host === `localhost:${port}`;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (!allowedHost(req.headers.host)) return sendError(res, new ApiError('unauthorized', 'wrong host'), 403);
    const url = requestUrl(req, port);
    if (!url) return sendError(res, new ApiError('invalid-request', 'the request URL does not parse'));
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return sendError(res, new ApiError('invalid-request', 'API calls are POST'), 405);
      if (!tokenMatches(req.headers['x-atrium-token'], token)) {
        return sendError(res, new ApiError('unauthorized', 'missing or wrong token'), 401);
      }
      const method = decodePath(url.pathname.slice('/api/'.length));
      const body = Number(req.headers['content-length'] ?? 0) > maxRequestBytes ? null : await readBody(req, maxRequestBytes);
      if (!body) {
        // What is left of the body is never parsed, so this connection cannot carry another request.
        res.setHeader('Connection', 'close');
        return sendError(res, new ApiError('bad-input', `the request is larger than the ${formatBytes(maxRequestBytes)} the bridge accepts in one call`), 413);
      }
      let params: unknown;
      try {
        params = body.byteLength ? decodeFrame(body) : {};
      } catch (err) {
        return sendError(res, new ApiError('invalid-request', `unreadable request: ${(err as Error).message}`));
      }
      const result = await dispatch(opts.handlers, method, params);
      return sendFrame(res, 200, { ok: true, result });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, new ApiError('invalid-request', 'not allowed'), 405);
    return serveStatic(url.pathname, res);
  }

  function serveStatic(pathname: string, res: ServerResponse): void {
    if (!opts.staticDir) return sendError(res, new ApiError('not-found', 'no renderer build is served'), 404);
    const relative = normalize(decodePath(pathname)).replace(/^([/\\])+/, '');
    let file = join(opts.staticDir, relative || 'index.html');
    if (!file.startsWith(opts.staticDir + sep) && file !== opts.staticDir) {
      return sendError(res, new ApiError('not-found', 'not found'), 404);
    }
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(opts.staticDir, 'index.html');
    if (!existsSync(file)) return sendError(res, new ApiError('not-found', 'the renderer is not built: run npm run build:renderer'), 404);
    res.writeHead(200, {
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy':
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; worker-src 'self' blob:",
      'Cache-Control': 'no-cache',
    });
    createReadStream(file).pipe(res);
  }

  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = requestUrl(req, port);
    const origin = req.headers.origin;
    const originOk = origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
    if (url?.pathname !== '/events' || !allowedHost(req.headers.host) || !originOk || !tokenMatches(url.searchParams.get('token') ?? undefined, token)) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
    });
  });
  const unsubscribe = EVENT_NAMES.map((event) =>
    opts.hub.on(event, (payload) => {
      const message = JSON.stringify({ event, payload });
      for (const ws of sockets) ws.send(message);
    }),
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    appUrl: `${url}/#token=${token}`,
    token,
    port,
    close: async () => {
      unsubscribe.forEach((off) => off());
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function tokenMatches(given: string | string[] | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The request's URL, or null for one that does not parse (`//`, `http://[`): the client's mistake, not a server failure. */
function requestUrl(req: IncomingMessage, port: number): URL | null {
  try {
    return new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
  } catch {
    return null;
  }
}

/** A URL path decoded; a malformed percent-escape is the client's mistake (400), not a server failure. */
function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    throw new ApiError('invalid-request', 'the URL path holds a malformed percent-escape');
  }
}

/**
 * The request body, or null as soon as it passes `limit` bytes. Counted as it arrives, for a
 * body sent without a Content-Length; after the limit the rest flows past without being kept.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total <= limit) return void chunks.push(chunk);
      req.off('data', onData).off('end', onEnd);
      chunks.length = 0;
      resolve(null);
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    req.on('data', onData).once('end', onEnd).once('error', reject);
  });
}

function sendFrame(res: ServerResponse, status: number, value: unknown): void {
  const body = new Uint8Array(encodeFrame(value));
  res.writeHead(status, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.byteLength });
  res.end(body);
}

const STATUS: Record<ApiError['code'], number> = {
  'invalid-request': 400,
  'bad-input': 422,
  'not-found': 404,
  conflict: 409,
  unauthorized: 401,
  internal: 500,
};

function sendError(res: ServerResponse, err: ApiError, status = STATUS[err.code]): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendFrame(res, status, { ok: false, error: { code: err.code, message: err.message } });
}
