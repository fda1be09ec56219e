import * as tf from '@tensorflow/tfjs-core';
import type { NetworkKind } from '../../../shared/networks.ts';
import type { SegmentationModel } from './segmentationModel.ts';

export interface WeightsManifest {
  format: 'atrium-weights';
  version: 1;
  /** Enough to rebuild the network with createModel before loading. */
  model: { kind: NetworkKind; numClasses: number; width: number; inChannels: number };
  /** Every variable, BN running statistics included, in data order. */
  tensors: Array<{ name: string; shape: number[]; dtype: 'float32'; byteOffset: number }>;
}

export interface WeightsFile {
  manifest: WeightsManifest;
  /** The tensors' float32 values (little-endian), concatenated in manifest order. */
  data: Uint8Array;
}

const magic = 'ATRW';

/** Reads every weight back asynchronously (the only read the webgpu backend can do). */
export async function saveWeights(model: SegmentationModel): Promise<WeightsFile> {
  const weights = model.getWeights();
  const tensors: WeightsManifest['tensors'] = [];
  const values = new Float32Array([...weights.values()].reduce((n, t) => n + t.size, 0));
  const read = await Promise.all([...weights.values()].map((t) => t.data()));
  let offset = 0;
  [...weights].forEach(([name, tensor], i) => {
    tensors.push({ name, shape: tensor.shape, dtype: 'float32', byteOffset: offset * 4 });
    values.set(read[i] as Float32Array, offset);
    offset += tensor.size;
  });
  tf.dispose([...weights.values()]);
  const { kind, numClasses, width, inChannels } = model;
  return {
    manifest: { format: 'atrium-weights', version: 1, model: { kind, numClasses, width, inChannels }, tensors },
    data: new Uint8Array(values.buffer),
  };
}

/** Sets every variable of `model` from `file`; the architecture must match. */
export function loadWeights(model: SegmentationModel, file: WeightsFile): void {
  const { manifest, data } = file;
  if (manifest.format !== 'atrium-weights' || manifest.version !== 1) {
    throw new Error(`not an Atrium weights file (format ${manifest.format}, version ${manifest.version})`);
  }
  const expected = { kind: model.kind, numClasses: model.numClasses, width: model.width, inChannels: model.inChannels };
  const saved = manifest.model;
  if (saved.kind !== expected.kind || saved.numClasses !== expected.numClasses || saved.width !== expected.width || saved.inChannels !== expected.inChannels) {
    throw new Error(`weights are for ${JSON.stringify(saved)}, the model is ${JSON.stringify(expected)}`);
  }
  // Copy to an aligned buffer: `data` may be a view at any byte offset.
  const values = new Float32Array(data.slice().buffer);
  const weights = new Map(
    manifest.tensors.map(({ name, shape, byteOffset }) => {
      const start = byteOffset / 4;
      const size = shape.reduce((a, b) => a * b, 1);
      if (start + size > values.length) throw new Error(`weights file truncated at ${name}`);
      return [name, tf.tensor(values.subarray(start, start + size), shape)];
    }),
  );
  try {
    model.setWeights(weights);
  } finally {
    tf.dispose([...weights.values()]);
  }
}

/**
 * One self-describing binary: "ATRW", the manifest's UTF-8 JSON length as a
 * little-endian uint32, the JSON, zero padding to a multiple of 4 bytes, then
 * the data.
 */
export function encodeWeightsFile({ manifest, data }: WeightsFile): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(manifest));
  const headerLength = 8 + Math.ceil(json.length / 4) * 4;
  const bytes = new Uint8Array(headerLength + data.length);
  bytes.set(new TextEncoder().encode(magic), 0);
  new DataView(bytes.buffer).setUint32(4, json.length, true);
  bytes.set(json, 8);
  bytes.set(data, headerLength);
  return bytes;
}

export function decodeWeightsFile(bytes: Uint8Array): WeightsFile {
  if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(0, 4)) !== magic) {
    throw new Error('not an Atrium weights file (bad magic)');
  }
  const jsonLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  const headerLength = 8 + Math.ceil(jsonLength / 4) * 4;
  const manifest = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + jsonLength))) as WeightsManifest;
  return { manifest, data: bytes.subarray(headerLength) };
}
