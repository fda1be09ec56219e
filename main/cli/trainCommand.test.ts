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
  assert.throws(
    () => trainParameters({ method: 'fixmatch' }),
    (e: unknown) => e instanceof UsageError && /--method must be one of supervised, mean-teacher/.test(e.message),
  );
  assert.throws(
    () => trainParameters({ method: 'cps', option: ['lovasz'] }),
    (e: unknown) => e instanceof UsageError && /"lovasz" is not key=value/.test(e.message),
  );
});

test('model, axis, optimizer and the ranged numbers are checked against the shared lists and ranges', () => {
  assert.deepEqual(trainParameters({ model: 'vnet3d', axis: 'j', optimizer: 'adamw', iterations: '40', 'max-minutes': '0.5', 'batch-size': '4', width: '8' }), {
    method: undefined,
    methodOptions: undefined,
    model: 'vnet3d',
    axis: 'j',
    iterations: 40,
    maxMinutes: 0.5,
    batchSize: 4,
    width: 8,
    seed: undefined,
    optimizer: 'adamw',
    learningRate: undefined,
    continueFrom: undefined,
  });
  assert.throws(
    () => trainParameters({ model: 'resnet' }),
    (e: unknown) => e instanceof UsageError && /--model must be one of auto, unet2d, vnet3d/.test(e.message),
  );
  assert.throws(
    () => trainParameters({ width: '65' }),
    (e: unknown) => e instanceof UsageError && e.message === '--width must be a whole number between 1 and 64, got "65"',
  );
  assert.throws(
    () => trainParameters({ iterations: '2.5' }),
    (e: unknown) => e instanceof UsageError && /--iterations must be a whole number between 1 and 1000000/.test(e.message),
  );
  assert.throws(
    () => trainParameters({ 'max-minutes': '0' }),
    (e: unknown) => e instanceof UsageError && /--max-minutes must be a number between 0.01 and 10080/.test(e.message),
  );
});
