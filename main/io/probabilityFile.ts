import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * Per-voxel class probabilities of a prediction, kept for uncertainty views: quantised to
 * 8 bits (1/255 steps are far finer than any review decision needs, and 4× smaller than
 * float32) and gzipped. Layout: magic line, u32 JSON length, JSON {shape, classValues}, then
 * the gzip of C×N bytes, class-major, NIfTI voxel order.
 */
const MAGIC = 'ATRIUM-PROBABILITIES 1\n';

export interface ProbabilityMap {
  shape: [number, number, number];
  /** Label value of each channel, background (0) first. */
  classValues: number[];
  /** C×N, class-major. */
  probabilities: Float32Array;
}

export function encodeProbabilityFile(map: ProbabilityMap): Uint8Array {
  const n = map.shape[0] * map.shape[1] * map.shape[2];
  if (map.probabilities.length !== n * map.classValues.length) {
    throw new RangeError(`probabilities: ${map.probabilities.length} values for ${map.classValues.length} classes × ${n} voxels`);
  }
  const q = new Uint8Array(map.probabilities.length);
  for (let v = 0; v < q.length; v++) q[v] = Math.round(Math.min(1, Math.max(0, map.probabilities[v])) * 255);
  const json = new TextEncoder().encode(JSON.stringify({ shape: map.shape, classValues: map.classValues }));
  const magic = new TextEncoder().encode(MAGIC);
  const body = gzipSync(q, { level: 6 });
  const out = new Uint8Array(magic.length + 4 + json.length + body.length);
  out.set(magic);
  new DataView(out.buffer).setUint32(magic.length, json.length, true);
  out.set(json, magic.length + 4);
  out.set(body, magic.length + 4 + json.length);
  return out;
}

export function decodeProbabilityFile(bytes: Uint8Array, file: string): ProbabilityMap {
  const magic = new TextEncoder().encode(MAGIC);
  if (bytes.length < magic.length + 4 || new TextDecoder().decode(bytes.subarray(0, magic.length)) !== MAGIC) {
    throw new Error(`${file}: not an Atrium probability file`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = view.getUint32(magic.length, true);
  const start = magic.length + 4;
  const head = JSON.parse(new TextDecoder().decode(bytes.subarray(start, start + jsonLength))) as Omit<ProbabilityMap, 'probabilities'>;
  let q: Uint8Array;
  try {
    q = gunzipSync(bytes.subarray(start + jsonLength));
  } catch (err) {
    throw new Error(`${file}: damaged probability data (${(err as Error).message})`);
  }
  const n = head.shape[0] * head.shape[1] * head.shape[2];
  if (q.length !== n * head.classValues.length) throw new Error(`${file}: truncated probability data`);
  const probabilities = new Float32Array(q.length);
  for (let v = 0; v < q.length; v++) probabilities[v] = q[v] / 255;
  return { ...head, probabilities };
}
