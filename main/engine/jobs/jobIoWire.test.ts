import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePrediction, decodeTrainingScan, encodePrediction, encodeTrainingScan, specWithoutPaths } from './jobIoWire.ts';
import type { JobSpec } from './jobSpec.ts';

test('a training scan crosses as ArrayBuffers and comes back equal, its views owning exactly their bytes', () => {
  const scan = {
    id: 's',
    image: new Float32Array([1.5, -2, 3]),
    labels: new Uint8Array([0, 1, 2]),
    known: null,
    shape: [3, 1, 1] as [number, number, number],
    spacing: [1, 1, 2] as [number, number, number],
    rejected: { i: [], j: [], k: [0] },
  };
  const wire = encodeTrainingScan(scan);
  assert.ok(wire.image instanceof ArrayBuffer && wire.image.byteLength === 12);
  assert.deepEqual(decodeTrainingScan(wire), scan);
});

test('a prediction that does not fit the scan is refused, not written', () => {
  const prediction = { labels: new Uint8Array(4), probabilities: new Float32Array(8), classValues: [0, 1] };
  assert.deepEqual(decodePrediction(encodePrediction(prediction), 4), prediction);
  assert.throws(() => decodePrediction(encodePrediction(prediction), 5), /does not fit a scan of 5 voxels/);
});

test('the spec a remote host is given holds no file path, for every kind of job', () => {
  const scans = [{ id: 'a', scanPath: '/p/scan.nii.gz', labelsPath: '/p/labels.nii.gz', annotated: { i: [], j: [], k: [1] } }];
  const outputs = [{ id: 'a', scanPath: '/p/scan.nii.gz', labelsOut: '/p/out.nii.gz', probabilitiesOut: '/p/out.prob' }];
  const parameters = { method: 'supervised' as const, model: 'auto' as const };
  const specs: JobSpec[] = [
    {
      kind: 'train',
      runId: 'r',
      scans,
      classValues: [1],
      parameters,
      modelPath: '/p/m',
      checkpointPath: '/p/c',
      resumeFrom: '/p/old',
      initialModel: { runId: 'q', path: '/p/q' },
      snapshotScans: outputs,
    },
    { kind: 'predict', runId: 'r', modelPath: '/p/m', scans: outputs },
    { kind: 'preflight', scans, classValues: [1], parameters, initialModel: { runId: 'q', path: '/p/q' } },
  ];
  for (const spec of specs) {
    const stripped = specWithoutPaths(spec);
    assert.doesNotMatch(JSON.stringify(stripped), /\/p\//, spec.kind);
    assert.equal(stripped.kind, spec.kind);
    // What is not a path survives: the runner and the job agree on scans, classes and parameters.
    assert.deepEqual(JSON.stringify(stripped).match(/"id":"a"/g)?.length, JSON.stringify(spec).match(/"id":"a"/g)?.length);
  }
});
