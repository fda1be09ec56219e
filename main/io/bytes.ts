export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses each `width`-byte word of `bytes` in place (unrolled: this runs over whole volumes). */
export function swapBytesInPlace(bytes: Uint8Array, width: number): void {
  const b = bytes;
  const end = b.length - (b.length % width);
  let t: number;
  if (width === 2) {
    for (let i = 0; i < end; i += 2) {
      t = b[i];
      b[i] = b[i + 1];
      b[i + 1] = t;
    }
  } else if (width === 4) {
    for (let i = 0; i < end; i += 4) {
      t = b[i];
      b[i] = b[i + 3];
      b[i + 3] = t;
      t = b[i + 1];
      b[i + 1] = b[i + 2];
      b[i + 2] = t;
    }
  } else if (width === 8) {
    for (let i = 0; i < end; i += 8) {
      t = b[i];
      b[i] = b[i + 7];
      b[i + 7] = t;
      t = b[i + 1];
      b[i + 1] = b[i + 6];
      b[i + 6] = t;
      t = b[i + 2];
      b[i + 2] = b[i + 5];
      b[i + 5] = t;
      t = b[i + 3];
      b[i + 3] = b[i + 4];
      b[i + 4] = t;
    }
  }
}

/**
 * A copy with its own exactly-sized ArrayBuffer. Not `.slice()`: on a Node Buffer (what
 * readFile and zlib return) that is a view sharing the caller's memory.
 */
export function copyBytes(bytes: Uint8Array, start = 0, end = bytes.length): Uint8Array {
  return new Uint8Array(bytes.subarray(start, end));
}

/**
 * The view's bytes in an ArrayBuffer of their own, exactly their size: what the API's binary
 * fields and results carry. A view's `.buffer` may hold more (Node's Buffer pool) or be shared.
 */
export function ownedArrayBuffer(view: ArrayBufferView): ArrayBuffer {
  return view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength) as ArrayBuffer;
}
