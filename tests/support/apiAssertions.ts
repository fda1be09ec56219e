/**
 * Assertions for tests that call the API through `dispatch`.
 */
import assert from 'node:assert/strict';
import type { ApiError } from '../../shared/api.ts';

/** Asserts that `call` is refused with this ApiError code and a message matching `message`. */
export async function assertRefused(call: Promise<unknown>, code: ApiError['code'], message: RegExp): Promise<void> {
  await assert.rejects(call, (err: ApiError) => {
    assert.equal(err.code, code, err.message);
    assert.match(err.message, message);
    return true;
  });
}
