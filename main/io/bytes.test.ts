import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ownedArrayBuffer } from './bytes.ts';

test("ownedArrayBuffer copies exactly the view's bytes into a buffer of their own", () => {
  const whole = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
  const view = new Uint16Array(whole.buffer, 2, 2);
  const owned = ownedArrayBuffer(view);
  assert.equal(owned.byteLength, 4);
  assert.deepEqual([...new Uint8Array(owned)], [3, 4, 5, 6]);
  whole[2] = 99;
  assert.equal(new Uint8Array(owned)[0], 3, 'not shared with the view');
});
