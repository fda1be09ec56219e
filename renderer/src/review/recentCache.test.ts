import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecentCache } from './recentCache.ts';

test('keeps the most recently used entries: a read counts as a use, the least recent one goes first', () => {
  const cache = new RecentCache<number>(2);
  cache.set('a', 1);
  cache.set('b', 2);
  assert.equal(cache.get('a'), 1, 'a read makes a the most recent');
  cache.set('c', 3);
  assert.equal(cache.get('b'), undefined, 'b, the least recently used, went');
  assert.equal(cache.get('a'), 1);
  assert.equal(cache.get('c'), 3);
  assert.equal(cache.size, 2);
});

test('setting a key again replaces its value without growing; a cache of nothing is refused', () => {
  const cache = new RecentCache<string>(2);
  cache.set('a', 'old');
  cache.set('a', 'new');
  assert.equal(cache.size, 1);
  assert.equal(cache.get('a'), 'new');
  assert.throws(() => new RecentCache(0), /at least one entry/);
});
