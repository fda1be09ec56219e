import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ApiError } from '../../shared/api.ts';
import type { ProjectInfo } from '../../shared/types.ts';
import { BridgeClient } from '../../renderer/src/api/bridgeClient.ts';
import { createAppContext, type AppContext } from '../api/appContext.ts';
import { makePhantom } from '../../tests/support/phantom.ts';
import { MAX_REQUEST_BYTES, startBridge, type Bridge } from './bridgeServer.ts';

let ctx: AppContext;
let bridge: Bridge;
let client: BridgeClient;
let staticDir: string;

before(async () => {
  const home = mkdtempSync(join(tmpdir(), 'atrium-bridge-'));
  ctx = createAppContext({ shell: 'browser', home });
  ctx.workspace.create(join(home, 'Test'));
  staticDir = join(home, 'static');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Atrium</title>');
  writeFileSync(join(home, 'secret.txt'), 'not for the web');
  bridge = await startBridge({ handlers: ctx.handlers, hub: ctx.hub, staticDir });
  client = new BridgeClient(bridge.url, bridge.token, (url) => new WebSocket(url) as never);
});

after(async () => {
  client.close();
  await bridge.close();
  ctx.workspace.close();
});

function raw(path: string, opts: { method?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: bridge.port, path, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('binds to 127.0.0.1 and puts the token in the URL fragment', () => {
  assert.match(bridge.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(bridge.appUrl, `${bridge.url}/#token=${bridge.token}`);
  assert.ok(bridge.token.length >= 32);
});

test('a request without the token, or with a wrong one, is refused', async () => {
  assert.equal((await raw('/api/projects.current', { method: 'POST' })).status, 401);
  assert.equal((await raw('/api/projects.current', { method: 'POST', headers: { 'X-Atrium-Token': 'x'.repeat(bridge.token.length) } })).status, 401);
  await assert.rejects(
    new BridgeClient(bridge.url, 'wrong').call('projects.current', {}),
    (err: unknown) => err instanceof ApiError && err.code === 'unauthorized',
  );
});

test('a request naming another host is refused (DNS rebinding)', async () => {
  const res = await raw('/api/projects.current', { method: 'POST', headers: { 'X-Atrium-Token': bridge.token, Host: `evil.example:${bridge.port}` } });
  assert.equal(res.status, 403);
  assert.equal((await raw('/', { headers: { Host: 'evil.example' } })).status, 403);
});

test('the event socket needs the token', async () => {
  const status = await new Promise<number>((resolve) => {
    const ws = new WebSocket(`${bridge.url.replace('http', 'ws')}/events`);
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => resolve(101));
  });
  assert.equal(status, 401);
});

test('malformed requests get a readable 400', async () => {
  await assert.rejects(client.call('projects.open', { path: 3 } as never), /projects\.open: path/);
  await assert.rejects(client.call('nothing.here' as never, {} as never), /unknown method/);
});

test('voxel data crosses as binary, byte for byte, and imports are pushed as events', async () => {
  const p = makePhantom({ shape: [16, 12, 6] });
  const events: ProjectInfo[] = [];
  const off = client.on('project.changed', (info) => events.push(info));
  await new Promise((r) => setTimeout(r, 200)); // let the socket connect
  const scan = p.scanBytes.buffer as ArrayBuffer;
  const info = await client.call('scans.import', { scan, scanFileName: 'phantom.nii.gz' });
  assert.deepEqual(info.shape, [16, 12, 6]);
  const back = await client.call('scans.image', { id: info.id });
  assert.ok(back instanceof ArrayBuffer);
  assert.deepEqual(new Uint8Array(back), new Uint8Array(p.scanBytes));
  assert.equal(await client.call('scans.labels', { id: info.id }), null);
  for (let i = 0; i < 50 && events.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  off();
  assert.equal(
    events.at(-1)?.scans.some((v) => v.id === info.id),
    true,
  );
});

test('bad input comes back as a 422 with the message', async () => {
  await assert.rejects(client.call('scans.import', { scan: new Uint8Array(400).buffer, scanFileName: 'zeros.nii' }), (err: unknown) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.code, 'bad-input');
    assert.match(err.message, /zeros\.nii/);
    return true;
  });
});

test('static files are served, and nothing outside the renderer folder', async () => {
  const index = await raw('/');
  assert.equal(index.status, 200);
  assert.match(index.body, /Atrium/);
  for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
    const res = await raw(path);
    assert.doesNotMatch(res.body, /not for the web/, path);
  }
  assert.equal((await raw('/api/projects.current')).status, 405, 'API calls are POST only');
});

test('the sample project is readable through the bridge', async () => {
  const sample = await client.call('projects.openSample', {});
  assert.equal(sample.isSample, true);
  assert.deepEqual(
    sample.classes.map((c) => c.name),
    ['Caudate', 'Putamen', 'Thalamus'],
  );
  const [scan] = sample.scans;
  assert.deepEqual(scan.shape, [181, 217, 181]);
  assert.deepEqual(scan.annotatedSlices, { i: 0, j: 0, k: 3 });
  const image = await client.call('scans.image', { id: scan.id });
  assert.deepEqual(new Uint8Array(image), new Uint8Array(readFileSync(new URL('../../resources/sample/colin27-t1.nii.gz', import.meta.url))));
});

test('a malformed URL or percent-escape in an API or static path is a 400, not a 500', async () => {
  for (const path of ['/api/%E0%A4%A', '/api/projects.current%', '/api/%ZZ']) {
    const res = await raw(path, { method: 'POST', headers: { 'X-Atrium-Token': bridge.token } });
    assert.equal(res.status, 400, path);
    assert.match(res.body, /malformed/, path);
  }
  for (const path of ['/%E0%A4%A', '/assets/%', '/%c0%af', '//', 'http://[']) assert.equal((await raw(path)).status, 400, path);
  assert.equal((await raw('//', { method: 'POST', headers: { 'X-Atrium-Token': bridge.token } })).status, 400);
});

test('an event-socket upgrade with an unparsable URL is refused and the bridge stays up', async () => {
  const status = await new Promise<string>((resolve, reject) => {
    const socket = connect(bridge.port, '127.0.0.1', () =>
      socket.write(
        `GET // HTTP/1.1\r\nHost: 127.0.0.1:${bridge.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${'a'.repeat(22)}==\r\n\r\n`,
      ),
    );
    let head = '';
    socket.on('data', (chunk) => (head += chunk));
    socket.on('close', () => resolve(head.split('\r\n')[0]));
    socket.on('error', reject);
  });
  assert.match(status, /^HTTP\/1\.1 4\d\d /);
  assert.equal((await raw('/')).status, 200, 'still serving');
});

/** Sends headers (and `body`, if any) and reports the status, or fails if no answer comes within a second. */
function declared(port: number, headers: Record<string, string>, body?: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/api/projects.current', method: 'POST', headers: { 'X-Atrium-Token': bridge.token, ...headers } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.setTimeout(1000, () => req.destroy(new Error('no answer: the bridge is waiting for the body')));
    req.on('error', reject);
    if (body) req.write(body);
    else req.flushHeaders();
  });
}

test('a body declared larger than the limit is refused with 413 before any of it is read', async () => {
  assert.equal(await declared(bridge.port, { 'Content-Length': String(MAX_REQUEST_BYTES + 1) }), 413);
});

test('a body without a declared length is counted and refused with 413 once over the limit', async () => {
  const small = await startBridge({ handlers: ctx.handlers, hub: ctx.hub, token: bridge.token, maxRequestBytes: 1000 });
  try {
    assert.equal(await declared(small.port, { 'Content-Length': '1001' }), 413);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: small.port,
          path: '/api/projects.current',
          method: 'POST',
          headers: { 'X-Atrium-Token': bridge.token, 'Transfer-Encoding': 'chunked' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 5; i++) req.write(new Uint8Array(400));
      req.end();
    });
    assert.equal(status, 413);
  } finally {
    await small.close();
  }
});

test("a scan or label file missing from the project folder is reported without the folder's path", async () => {
  const home = mkdtempSync(join(tmpdir(), 'atrium-bridge-missing-'));
  await client.call('projects.create', { path: join(home, 'Missing') });
  const store = ctx.workspace.requireProject();
  const p = makePhantom({ shape: [16, 12, 6] });
  const scan = p.scanBytes.buffer as ArrayBuffer;
  const labels = p.labelBytes.buffer as ArrayBuffer;
  const noScan = await client.call('scans.import', { scan, scanFileName: 'noscan.nii.gz', labels, labelsFileName: 'l.nii.gz' });
  const noLabels = await client.call('scans.import', { scan, scanFileName: 'nolabels.nii.gz', labels, labelsFileName: 'l.nii.gz' });
  rmSync(store.file(store.scanFiles(noScan.id)!.imageFile));
  rmSync(store.file(store.scanFiles(noLabels.id)!.labelsFile!));
  const refusals: [string, Promise<unknown>, RegExp][] = [
    ['scans.image', client.call('scans.image', { id: noScan.id }), /^the image file of scan "noscan" is missing from the project folder/],
    ['scans.labels', client.call('scans.labels', { id: noScan.id }), /^the image file of scan "noscan" is missing from the project folder/],
    ['scans.labels', client.call('scans.labels', { id: noLabels.id }), /^the label file of scan "nolabels" is missing from the project folder/],
  ];
  for (const [method, call, message] of refusals) {
    await assert.rejects(call, (err: unknown) => {
      assert.ok(err instanceof ApiError, method);
      assert.equal(err.code, 'not-found', method);
      assert.match(err.message, message, method);
      assert.ok(!err.message.includes(home), `${method}: ${err.message}`);
      return true;
    });
  }
});

test("no error names the project folder's absolute path, whatever file failed and how", async () => {
  const home = mkdtempSync(join(tmpdir(), 'atrium-bridge-loop-'));
  await client.call('projects.create', { path: join(home, 'Loop') });
  const store = ctx.workspace.requireProject();
  const info = await client.call('scans.import', { scan: makePhantom({ shape: [8, 8, 4] }).scanBytes.buffer as ArrayBuffer, scanFileName: 'loop.nii.gz' });
  const scanFile = store.file(store.scanFiles(info.id)!.imageFile);
  rmSync(scanFile);
  symlinkSync(scanFile, scanFile);
  await assert.rejects(client.call('scans.image', { id: info.id }), (err: unknown) => {
    assert.ok(err instanceof ApiError);
    assert.ok(!err.message.includes(home), err.message);
    assert.match(err.message, /scans[/\\]/, 'the file is named by its place in the project');
    return true;
  });
});
