import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, encodeFrame } from '../../../shared/wire.ts';

test('a frame carries JSON and ArrayBuffers byte for byte', () => {
  const a = new Uint8Array([0, 1, 2, 255]).buffer;
  const b = new Float32Array([Math.PI, -0]).buffer;
  const out = decodeFrame(encodeFrame({ name: 'scan', nested: { a, list: [b, 3] } })) as {
    name: string;
    nested: { a: ArrayBuffer; list: [ArrayBuffer, number] };
  };
  assert.equal(out.name, 'scan');
  assert.deepEqual([...new Uint8Array(out.nested.a)], [0, 1, 2, 255]);
  assert.deepEqual(new Float32Array(out.nested.list[0]), new Float32Array([Math.PI, -0]));
  assert.equal(out.nested.list[1], 3);
});

test('a truncated frame is refused', () => {
  const frame = new Uint8Array(encodeFrame({ x: new Uint8Array(10).buffer }));
  assert.throws(() => decodeFrame(frame.subarray(0, frame.length - 3)), /truncated frame/);
  assert.throws(() => decodeFrame(new Uint8Array([1])), /truncated frame/);
});

test('typed arrays must be sent as buffers', () => {
  assert.throws(() => encodeFrame({ x: new Uint8Array(2) }), /ArrayBuffer/);
});

test('buffers decoded from a view into a larger memory pool hold only their own bytes', () => {
  const frame = new Uint8Array(encodeFrame({ x: new Uint8Array([7, 8, 9]).buffer }));
  const pool = new Uint8Array(frame.length + 64).fill(0xee);
  pool.set(frame, 32);
  // A Node Buffer over the pool, as an HTTP body arrives: its slice() shares memory instead of copying.
  const out = decodeFrame(Buffer.from(pool.buffer, 32, frame.length)) as { x: ArrayBuffer };
  assert.equal(out.x.byteLength, 3);
  assert.deepEqual([...new Uint8Array(out.x)], [7, 8, 9]);
});
