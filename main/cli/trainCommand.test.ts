import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from './command.ts';
import { trainParameters } from './trainCommand.ts';

test('--method and repeated --option key=value reach the training parameters', () => {
  const p = trainParameters({ method: 'cps', option: ['adaptiveWeight=true', 'consistencyWeight=0.2'] });
  assert.equal(p.method, 'cps');
  assert.deepEqual(p.methodOptions, { adaptiveWeight: 'true', consistencyWeight: '0.2' });
  assert.equal(trainParameters({}).methodOptions, undefined);
  // Unset, so that --resume keeps the run's own method; a new run defaults to supervised.
  assert.equal(trainParameters({}).method, undefined);
});

test('an unknown method or a malformed option is a usage error', () => {
  assert.throws(() => trainParameters({ method: 'fixmatch' }), (e: unknown) => e instanceof UsageError && /--method must be one of supervised, mean-teacher/.test(e.message));
  assert.throws(() => trainParameters({ method: 'cps', option: ['lovasz'] }), (e: unknown) => e instanceof UsageError && /"lovasz" is not key=value/.test(e.message));
});
