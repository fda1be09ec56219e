import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ApiError } from '../../shared/api.ts';
import type { ProjectInfo } from '../../shared/types.ts';
import { BridgeClient } from '../../renderer/src/api/bridgeClient.ts';
import { createAppContext, type AppContext } from '../api/appContext.ts';
import { makePhantom } from '../../tests/support/phantom.ts';
import { startBridge, type Bridge } from './bridgeServer.ts';

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
  await assert.rejects(new BridgeClient(bridge.url, 'wrong').call('projects.current', {}), (err: unknown) => err instanceof ApiError && err.code === 'unauthorized');
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
  const info = await client.call('volumes.import', { scan, scanFileName: 'phantom.nii.gz' });
  assert.deepEqual(info.shape, [16, 12, 6]);
  const back = await client.call('volumes.scan', { id: info.id });
  assert.ok(back instanceof ArrayBuffer);
  assert.deepEqual(new Uint8Array(back), new Uint8Array(p.scanBytes));
  assert.equal(await client.call('volumes.labels', { id: info.id }), null);
  for (let i = 0; i < 50 && events.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  off();
  assert.equal(events.at(-1)?.volumes.some((v) => v.id === info.id), true);
});

test('bad input comes back as a 422 with the message', async () => {
  await assert.rejects(client.call('volumes.import', { scan: new Uint8Array(400).buffer, scanFileName: 'zeros.nii' }), (err: unknown) => {
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
  assert.deepEqual(sample.classes.map((c) => c.name), ['Caudate', 'Putamen', 'Thalamus']);
  const [volume] = sample.volumes;
  assert.deepEqual(volume.shape, [181, 217, 181]);
  assert.deepEqual(volume.annotatedSlices, { i: 0, j: 0, k: 3 });
  const scan = await client.call('volumes.scan', { id: volume.id });
  assert.deepEqual(new Uint8Array(scan), new Uint8Array(readFileSync(new URL('../../resources/sample/colin27-t1.nii.gz', import.meta.url))));
});
