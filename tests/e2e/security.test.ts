/**
 * The loopback server refuses what a page elsewhere (or another local user) could send: API
 * calls without the token (401), requests naming another host, as in DNS rebinding (403), and
 * event sockets without the token. With the token and the loopback host a call works.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { encodeFrame } from '../../shared/wire.ts';
import { ensureRendererBuilt, rawApiCall, startServer, type ServerHandle } from './harness.ts';

describe('bridge security', { timeout: 60_000 }, () => {
  let server: ServerHandle;
  before(async () => {
    await ensureRendererBuilt();
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  const host = () => `127.0.0.1:${server.port}`;

  test('an API call without the token is refused with 401', async () => {
    assert.equal(await rawApiCall(server.url, 'scans.list', { Host: host() }), 401);
  });

  test('an API call with a wrong token is refused with 401', async () => {
    assert.equal(await rawApiCall(server.url, 'scans.list', { Host: host(), 'X-Atrium-Token': `${server.token}x` }), 401);
  });

  test('a request naming another host is refused with 403, token or not', async () => {
    const headers = { Host: `evil.example:${server.port}`, 'X-Atrium-Token': server.token };
    assert.equal(await rawApiCall(server.url, 'scans.list', headers), 403);
    assert.equal(await rawApiCall(server.url, 'scans.list', { Host: `attacker.test` }), 403);
  });

  test('with the token and the loopback host the call works', async () => {
    const status = await rawApiCall(server.url, 'scans.list', {
      Host: host(),
      'X-Atrium-Token': server.token,
      'Content-Type': 'application/octet-stream',
    });
    assert.equal(status, 200);
    // and through fetch, the way the renderer calls it
    const res = await fetch(`${server.url}/api/scans.list`, {
      method: 'POST',
      headers: { 'X-Atrium-Token': server.token, 'Content-Type': 'application/octet-stream' },
      body: encodeFrame({}),
    });
    assert.equal(res.status, 200);
  });

  test('the event socket needs the token', async () => {
    const upgrade = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({
          hostname: '127.0.0.1',
          port: server.port,
          path,
          headers: {
            Host: host(),
            Connection: 'Upgrade',
            Upgrade: 'websocket',
            'Sec-WebSocket-Version': '13',
            'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
          },
        });
        req.on('upgrade', (res, socket) => {
          socket.destroy();
          resolve(res.statusCode ?? 0);
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    assert.equal(await upgrade('/events'), 401);
    assert.equal(await upgrade(`/events?token=${encodeURIComponent(server.token)}`), 101);
  });

  test('the app page is served with a strict content security policy', async () => {
    const res = await fetch(`${server.url}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.match(await res.text(), /<div id="root">/);
  });
});
