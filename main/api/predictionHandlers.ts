import { ApiError } from '../../shared/api.ts';
import type { ProjectInfo } from '../../shared/types.ts';
import { ownedArrayBuffer } from '../io/bytes.ts';
import { shapeOf, writeNifti } from '../io/index.ts';
import type { DomainHandlers } from './domainHandlers.ts';
import type { JobsService } from './jobs.ts';
import { comparePredictions } from './predictionComparison.ts';
import { requirePrediction, uncertaintyNifti } from './predictionUncertainty.ts';
import { projectFileBytes } from './projectFiles.ts';
import type { Workspace } from './workspace.ts';

/** Runs' models and what they predict: starting predictions, reading, comparing and weighing them, choosing the current model. */
export function createPredictionHandlers(ws: Workspace, jobs: JobsService, changed: () => ProjectInfo | null): DomainHandlers<'predictions' | 'models'> {
  const store = () => ws.requireProject();
  return {
    'predictions.start': async (req) => jobs.predict(store(), req),
    'predictions.labels': async ({ runId, scanId }) => {
      const files = store().predictionFiles(runId, scanId);
      return files
        ? projectFileBytes(ws, files.labelsFile, `the prediction of run ${runId} for scan ${scanId} is missing from the project folder: predict again`)
        : null;
    },
    'predictions.uncertainty': async ({ runId, scanId }) => {
      const bytes = uncertaintyNifti(store(), runId, scanId);
      return bytes && ownedArrayBuffer(bytes);
    },
    'predictions.compare': async ({ runId, otherRunId, scanId }) => {
      const a = requirePrediction(store(), runId, scanId, { probabilities: false });
      const b = requirePrediction(store(), otherRunId, scanId, { probabilities: false });
      const [ni, nj, nk] = shapeOf(a.scanHeader);
      const { codes, dice, sliceDice } = comparePredictions(a.labels, b.labels, [ni, nj, nk]);
      const map = writeNifti(a.scanHeader, codes, { gzip: true, description: `Atrium: run ${runId} vs run ${otherRunId}` });
      return { map: ownedArrayBuffer(map), dice, sliceDice };
    },
    'models.setCurrent': async ({ runId }) => {
      const s = store();
      if (!s.runRecord(runId)) throw new ApiError('not-found', `no run ${runId}`);
      if (!s.modelFile(runId)) throw new ApiError('conflict', `run ${runId} has no model: only a finished or cancelled run can be the current model`);
      s.setCurrentModel(runId);
      return changed()!;
    },
  };
}
