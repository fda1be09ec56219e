/**
 * A job's reads and writes as files at the paths its spec names: the job process uses it
 * directly, and the main process uses it to answer a WebGPU job's requests (main/api/gpuHosts.ts).
 */
import { readFile } from 'node:fs/promises';
import { readNiftiFile, scaledData, writeNifti } from '../../io/index.ts';
import { writeFileAtomic } from '../../io/atomicWrite.ts';
import { encodeProbabilityFile } from '../../io/probabilityFile.ts';
import type { JobIo, PredictionTarget } from './jobIo.ts';
import { loadTrainingScan } from './jobInputs.ts';
import type { JobSpec, PredictJobSpec } from './jobSpec.ts';
import { decodeCheckpointFile, decodeModelFile, encodeCheckpointFile, encodeModelFile } from './modelFiles.ts';

function notFor(spec: JobSpec, what: string): Error {
  return new Error(`a ${spec.kind} job has no ${what}`);
}

export function fileJobIo(spec: JobSpec): JobIo {
  const predictScans = (target: PredictionTarget): PredictJobSpec['scans'] => {
    const scans = target === 'predict' ? (spec.kind === 'predict' ? spec.scans : undefined) : spec.kind === 'train' ? spec.snapshotScans : undefined;
    if (!scans) throw notFor(spec, `${target} scans`);
    return scans;
  };
  const predictTo = (target: PredictionTarget, index: number) => {
    const scan = predictScans(target)[index];
    if (!scan) throw new Error(`no ${target} scan ${index}`);
    return scan;
  };
  // The scan being predicted, kept from reading its image to writing its label map on its header.
  let last: { path: string; scan: Awaited<ReturnType<typeof readNiftiFile>> } | null = null;
  const readScan = async (path: string) => {
    if (last?.path !== path) last = { path, scan: await readNiftiFile(path) };
    return last.scan;
  };
  return {
    async trainingScans() {
      if (spec.kind === 'predict') throw notFor(spec, 'training scans');
      return Promise.all(spec.scans.map(loadTrainingScan));
    },
    async resumeCheckpoint() {
      return spec.kind === 'train' && spec.resumeFrom ? decodeCheckpointFile(await readFile(spec.resumeFrom)) : undefined;
    },
    async initialModel() {
      const initial = spec.kind === 'predict' ? undefined : spec.initialModel;
      return initial && { runId: initial.runId, model: decodeModelFile(await readFile(initial.path)) };
    },
    async predictModel() {
      if (spec.kind !== 'predict') throw notFor(spec, 'model to predict with');
      return decodeModelFile(await readFile(spec.modelPath));
    },
    async scanToPredict(target, index) {
      const scan = await readScan(predictTo(target, index).scanPath);
      return { image: scaledData(scan), shape: scan.shape };
    },
    async saveModel(model) {
      if (spec.kind !== 'train') throw notFor(spec, 'model file');
      writeFileAtomic(spec.modelPath, encodeModelFile(model));
    },
    async saveCheckpoint(checkpoint) {
      if (spec.kind !== 'train') throw notFor(spec, 'checkpoint file');
      writeFileAtomic(spec.checkpointPath, encodeCheckpointFile(checkpoint));
    },
    async savePrediction(target, index, prediction, seconds) {
      const to = predictTo(target, index);
      // The label map takes the scan's own header, so it lines up with the scan in any viewer.
      const scan = await readScan(to.scanPath);
      writeFileAtomic(to.labelsOut, writeNifti(scan.header, prediction.labels, { gzip: true, intentCode: 1002 }));
      writeFileAtomic(
        to.probabilitiesOut,
        encodeProbabilityFile({ shape: scan.shape, classValues: prediction.classValues, probabilities: prediction.probabilities }),
      );
      return { id: to.id, labelsOut: to.labelsOut, probabilitiesOut: to.probabilitiesOut, seconds };
    },
  };
}
