import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Axis, LabelClass, SliceState } from '../../shared/types.ts';
import { AXES, SLICE_STATES } from '../../shared/types.ts';
import type { SliceChange } from './sliceStates.ts';

/**
 * One annotation edit as a reversible change: the voxels it touched with their values before
 * and after, the slice states it changed, and the class it deleted (so undo can bring the
 * class back with its voxels). Undo applies `before`, redo applies `after`; no volume copy is
 * ever kept, so an edit costs about 6 bytes per changed voxel.
 */
export interface LabelDiff {
  /** Volume indices (NIfTI order), strictly ascending. */
  indices: Uint32Array;
  before: Uint8Array;
  after: Uint8Array;
  slices: SliceChange[];
  removedClass?: LabelClass;
}

const FORMAT = 1;
const DEFLATED = 1;
/** Payloads above this are deflated: ascending indices stored as gaps compress to almost nothing. */
const DEFLATE_ABOVE = 4096;
const SLICE_RECORD = 8;

export function isEmptyDiff(d: LabelDiff): boolean {
  return d.indices.length === 0 && d.slices.length === 0 && d.removedClass === undefined;
}

/**
 * The diff that sets `indices` to `values` (one value for all, or one per index) in `labels`,
 * keeping only voxels that actually change, sorted by index. An index may repeat only with the
 * same value (overlapping brush dabs). `labels` is not modified.
 */
export function voxelDiff(labels: Uint8Array, indices: ArrayLike<number>, values: number | ArrayLike<number>): Pick<LabelDiff, 'indices' | 'before' | 'after'> {
  // index·256 + value is exact in a double, so one numeric typed sort orders and pairs them.
  const keys = new Float64Array(indices.length);
  let count = 0;
  for (let n = 0; n < indices.length; n++) {
    const index = indices[n];
    const value = typeof values === 'number' ? values : values[n];
    if (labels[index] !== value) keys[count++] = index * 256 + value;
  }
  const sorted = keys.subarray(0, count).sort();
  const out = { indices: new Uint32Array(count), before: new Uint8Array(count), after: new Uint8Array(count) };
  let m = 0;
  for (let n = 0; n < count; n++) {
    const index = Math.floor(sorted[n] / 256);
    if (m > 0 && out.indices[m - 1] === index) continue;
    out.indices[m] = index;
    out.before[m] = labels[index];
    out.after[m++] = sorted[n] - index * 256;
  }
  return { indices: out.indices.slice(0, m), before: out.before.slice(0, m), after: out.after.slice(0, m) };
}

/** Writes the diff's voxels into `labels`: `after` for a forward (do/redo), `before` for a backward (undo) step. */
export function applyVoxels(labels: Uint8Array, diff: LabelDiff, direction: 'forward' | 'backward'): void {
  const values = direction === 'forward' ? diff.after : diff.before;
  for (let n = 0; n < diff.indices.length; n++) labels[diff.indices[n]] = values[n];
}

/**
 * Binary form stored in the journal: [format, flags, payload], payload = counts, index gaps,
 * before, after, slice records, class JSON; deflated when large.
 */
export function encodeDiff(d: LabelDiff): Uint8Array {
  const n = d.indices.length;
  const classJson = d.removedClass ? new TextEncoder().encode(JSON.stringify(d.removedClass)) : new Uint8Array(0);
  const payload = new Uint8Array(12 + 6 * n + SLICE_RECORD * d.slices.length + classJson.length);
  const view = new DataView(payload.buffer);
  view.setUint32(0, n, true);
  view.setUint32(4, d.slices.length, true);
  view.setUint32(8, classJson.length, true);
  let at = 12;
  for (let k = 0, previous = 0; k < n; k++, at += 4) {
    view.setUint32(at, d.indices[k] - previous, true);
    previous = d.indices[k];
  }
  payload.set(d.before, at);
  payload.set(d.after, at + n);
  at += 2 * n;
  for (const s of d.slices) {
    view.setUint8(at, AXES.indexOf(s.axis));
    view.setUint8(at + 1, SLICE_STATES.indexOf(s.from));
    view.setUint8(at + 2, SLICE_STATES.indexOf(s.to));
    view.setUint32(at + 4, s.slice, true);
    at += SLICE_RECORD;
  }
  payload.set(classJson, at);
  const deflate = payload.length > DEFLATE_ABOVE;
  const body = deflate ? deflateRawSync(payload) : payload;
  const out = new Uint8Array(2 + body.length);
  out[0] = FORMAT;
  out[1] = deflate ? DEFLATED : 0;
  out.set(body, 2);
  return out;
}

export function decodeDiff(bytes: Uint8Array): LabelDiff {
  if (bytes[0] !== FORMAT) throw new Error(`annotation journal: unknown edit format ${bytes[0]}`);
  const payload = bytes[1] & DEFLATED ? new Uint8Array(inflateRawSync(bytes.subarray(2))) : bytes.slice(2);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const n = view.getUint32(0, true);
  const m = view.getUint32(4, true);
  const classLength = view.getUint32(8, true);
  const indices = new Uint32Array(n);
  let at = 12;
  for (let k = 0, previous = 0; k < n; k++, at += 4) previous = indices[k] = previous + view.getUint32(at, true);
  const before = payload.slice(at, at + n);
  const after = payload.slice(at + n, at + 2 * n);
  at += 2 * n;
  const slices: SliceChange[] = [];
  for (let k = 0; k < m; k++, at += SLICE_RECORD) {
    slices.push({
      axis: AXES[view.getUint8(at)] as Axis,
      from: SLICE_STATES[view.getUint8(at + 1)] as SliceState,
      to: SLICE_STATES[view.getUint8(at + 2)] as SliceState,
      slice: view.getUint32(at + 4, true),
    });
  }
  const removedClass = classLength > 0 ? (JSON.parse(new TextDecoder().decode(payload.subarray(at, at + classLength))) as LabelClass) : undefined;
  return { indices, before, after, slices, ...(removedClass ? { removedClass } : {}) };
}

/** The voxels where `next` differs from `current` (two whole label maps of the same size). */
export function mapDiff(current: Uint8Array, next: Uint8Array): Pick<LabelDiff, 'indices' | 'before' | 'after'> {
  let count = 0;
  for (let v = 0; v < current.length; v++) if (current[v] !== next[v]) count++;
  const out = { indices: new Uint32Array(count), before: new Uint8Array(count), after: new Uint8Array(count) };
  for (let v = 0, n = 0; v < current.length; v++) {
    if (current[v] === next[v]) continue;
    out.indices[n] = v;
    out.before[n] = current[v];
    out.after[n++] = next[v];
  }
  return out;
}
