import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Checkpoint, TrainedModel } from '../training/trainRequest.ts';
import { decodeCheckpointFile, decodeModelFile, encodeCheckpointFile, encodeModelFile } from './modelFiles.ts';

const meta: TrainedModel['meta'] = { kind: 'unet2d', width: 4, numClasses: 2, classValues: [0, 1], axis: 'k', normalization: 'zscore-nonzero' };

test('a model file keeps its weights and says nothing of partners it has not got', () => {
  const back = decodeModelFile(encodeModelFile({ meta, weights: Uint8Array.from([1, 2, 3]) }));
  assert.deepEqual(back.meta, meta);
  assert.deepEqual([...back.weights], [1, 2, 3]);
  assert.equal(back.partners, undefined);
});

test("a model file keeps every partner network's weights, in order", () => {
  const model: TrainedModel = { meta, weights: Uint8Array.from([1]), partners: [Uint8Array.from([2, 2]), Uint8Array.from([3, 3, 3])] };
  const back = decodeModelFile(encodeModelFile(model));
  assert.deepEqual([...back.weights], [1]);
  assert.deepEqual(
    back.partners?.map((p) => [...p]),
    [
      [2, 2],
      [3, 3, 3],
    ],
  );
});

test("a checkpoint keeps its model's partners beside the method's state", () => {
  const checkpoint = {
    config: { method: 'exemplar' } as unknown as Checkpoint['config'],
    iteration: 7,
    model: { meta, weights: Uint8Array.from([1]), partners: [Uint8Array.from([2])] },
    methodState: Uint8Array.from([9]),
    optimizerState: null,
  } satisfies Checkpoint;
  const back = decodeCheckpointFile(encodeCheckpointFile(checkpoint));
  assert.equal(back.iteration, 7);
  assert.deepEqual([...back.model.weights], [1]);
  assert.deepEqual(
    back.model.partners?.map((p) => [...p]),
    [[2]],
  );
  assert.deepEqual([...back.methodState!], [9]);
});

test('a file of another kind is refused by name', () => {
  assert.throws(
    () =>
      decodeModelFile(
        encodeCheckpointFile({
          config: {} as Checkpoint['config'],
          iteration: 0,
          model: { meta, weights: new Uint8Array(1) },
          methodState: null,
          optimizerState: null,
        }),
      ),
    /not an Atrium model file/,
  );
});
