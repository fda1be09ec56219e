/**
 * Binary framing for the loopback transport: a JSON document plus the ArrayBuffers it carries,
 * in one buffer, so voxel data crosses as raw bytes instead of base64 or number arrays.
 *
 * Layout (little-endian): u32 json byte length | json (UTF-8) | for each buffer: u32 length | bytes.
 * Inside the JSON an ArrayBuffer is replaced by {"$buffer": n}, its index in the list.
 */

const BUFFER_KEY = '$buffer';

export function encodeFrame(value: unknown): ArrayBuffer {
  const buffers: ArrayBuffer[] = [];
  const json = JSON.stringify(value ?? null, (_key, v: unknown) => {
    if (v instanceof ArrayBuffer) {
      buffers.push(v);
      return { [BUFFER_KEY]: buffers.length - 1 };
    }
    if (ArrayBuffer.isView(v)) throw new TypeError('send typed arrays as their ArrayBuffer');
    return v;
  });
  const text = new TextEncoder().encode(json);
  const total = 4 + text.byteLength + buffers.reduce((n, b) => n + 4 + b.byteLength, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, text.byteLength, true);
  out.set(text, 4);
  let offset = 4 + text.byteLength;
  for (const b of buffers) {
    view.setUint32(offset, b.byteLength, true);
    out.set(new Uint8Array(b), offset + 4);
    offset += 4 + b.byteLength;
  }
  return out.buffer;
}

export function decodeFrame(frame: ArrayBuffer | Uint8Array): unknown {
  // A plain Uint8Array view even for a Node Buffer, whose slice() would share its memory pool.
  const bytes = frame instanceof Uint8Array ? new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength) : new Uint8Array(frame);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 4) throw new Error('truncated frame');
  const jsonLength = view.getUint32(0, true);
  if (4 + jsonLength > bytes.byteLength) throw new Error('truncated frame');
  const json = new TextDecoder().decode(bytes.subarray(4, 4 + jsonLength));
  const buffers: ArrayBuffer[] = [];
  let offset = 4 + jsonLength;
  while (offset < bytes.byteLength) {
    if (offset + 4 > bytes.byteLength) throw new Error('truncated frame');
    const length = view.getUint32(offset, true);
    if (offset + 4 + length > bytes.byteLength) throw new Error('truncated frame');
    buffers.push(bytes.slice(offset + 4, offset + 4 + length).buffer);
    offset += 4 + length;
  }
  return JSON.parse(json, (_key, v: unknown) => {
    if (v && typeof v === 'object' && BUFFER_KEY in v) {
      const index = (v as Record<string, unknown>)[BUFFER_KEY];
      if (typeof index !== 'number' || !buffers[index]) throw new Error('frame refers to a missing buffer');
      return buffers[index];
    }
    return v;
  });
}
