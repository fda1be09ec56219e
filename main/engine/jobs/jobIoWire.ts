/**
 * A job's inputs and outputs as frame-safe values (shared/wire.ts carries ArrayBuffers, not
 * typed arrays), for a job that reads and writes through the API: main/api/gpuHosts.ts encodes
 * what it reads and decodes what it writes, the WebGPU Worker (webJobWorker.ts) the reverse.
 * Models and checkpoints travel in their file form (modelFiles.ts).
 */
import { ownedArrayBuffer } from '../../io/bytes.ts';
import type { Prediction } from '../predict/predictVolume.ts';
import type { TrainingScan } from '../training/trainRequest.ts';
import type { ScanVolume } from './jobIo.ts';
import type { JobSpec } from './jobSpec.ts';

export interface WireTrainingScan extends Omit<TrainingScan, 'image' | 'labels' | 'known'> {
  image: ArrayBuffer;
  labels: ArrayBuffer | null;
  known: ArrayBuffer | null;
}

export interface WireScanVolume {
  image: ArrayBuffer;
  shape: ScanVolume['shape'];
}

export interface WirePrediction {
  labels: ArrayBuffer;
  probabilities: ArrayBuffer;
  classValues: number[];
}

const buffer = (view: ArrayBufferView): ArrayBuffer => ownedArrayBuffer(view);

export function encodeTrainingScan(scan: TrainingScan): WireTrainingScan {
  return { ...scan, image: buffer(scan.image), labels: scan.labels && buffer(scan.labels), known: scan.known && buffer(scan.known) };
}

export function decodeTrainingScan(wire: WireTrainingScan): TrainingScan {
  return {
    ...wire,
    image: new Float32Array(wire.image),
    labels: wire.labels && new Uint8Array(wire.labels),
    known: wire.known && new Uint8Array(wire.known),
  };
}

export function encodeScanVolume(scan: ScanVolume): WireScanVolume {
  return { image: buffer(scan.image), shape: scan.shape };
}

export function decodeScanVolume(wire: WireScanVolume): ScanVolume {
  return { image: new Float32Array(wire.image), shape: wire.shape };
}

export function encodePrediction(p: Prediction): WirePrediction {
  return { labels: buffer(p.labels), probabilities: buffer(p.probabilities), classValues: p.classValues };
}

export function decodePrediction(wire: WirePrediction, voxels: number): Prediction {
  const prediction = { labels: new Uint8Array(wire.labels), probabilities: new Float32Array(wire.probabilities), classValues: wire.classValues };
  if (prediction.labels.length !== voxels || prediction.probabilities.length !== voxels * prediction.classValues.length) {
    throw new Error(`a prediction of ${prediction.labels.length} voxels and ${prediction.classValues.length} classes does not fit a scan of ${voxels} voxels`);
  }
  return prediction;
}

/** The spec a remote host is given: every file path blanked, since it reads and writes by role (jobIo.ts). */
export function specWithoutPaths(spec: JobSpec): JobSpec {
  const scans = (list: { scanPath: string; labelsOut: string; probabilitiesOut: string; id: string }[] | undefined) =>
    list?.map((v) => ({ ...v, scanPath: '', labelsOut: '', probabilitiesOut: '' }));
  if (spec.kind === 'predict') return { ...spec, modelPath: '', scans: scans(spec.scans)! };
  const jobScans = spec.scans.map((v) => ({ ...v, scanPath: '', labelsPath: v.labelsPath === null ? null : '' }));
  const initialModel = spec.initialModel && { ...spec.initialModel, path: '' };
  if (spec.kind === 'preflight') return { ...spec, scans: jobScans, ...(initialModel ? { initialModel } : {}) };
  return {
    ...spec,
    scans: jobScans,
    modelPath: '',
    checkpointPath: '',
    ...(spec.resumeFrom ? { resumeFrom: '' } : {}),
    ...(initialModel ? { initialModel } : {}),
    ...(spec.snapshotScans ? { snapshotScans: scans(spec.snapshotScans) } : {}),
  };
}
